"""Walking /listings/{slug} anonymously: only published listings of active organisations load; drafts,
listings in review, archived and deleted ones, and listings of suspended or deleted organisations are 404
(RELIABILITY 16; python.org test_job_detail_security). They are not found by search either (RELIABILITY 22)."""

import pytest
from fastapi.testclient import TestClient

from app.db import unit_of_work
from app.main import create_app
from app.models.base import utcnow
from app.models.states import ListingStatus, OrgStatus
from app.search.service import drain_all, reindex
from tests.factories import make_listing, make_org

CASES = {
    "published": (ListingStatus.published, OrgStatus.active, 200),
    "draft": (ListingStatus.draft, OrgStatus.active, 404),
    "review": (ListingStatus.review, OrgStatus.active, 404),
    "archived": (ListingStatus.archived, OrgStatus.active, 404),
    "deleted": (ListingStatus.deleted, OrgStatus.active, 404),
    "org-suspended": (ListingStatus.published, OrgStatus.suspended, 404),
    "org-deleted": (ListingStatus.published, OrgStatus.deleted, 404),
    "org-pending": (ListingStatus.published, OrgStatus.pending, 404),
}


@pytest.fixture
def listings(settings, engine):
    """One listing per case, each in its own organisation, each with a word found nowhere else."""
    slugs = {}
    with unit_of_work(engine) as session:
        for case, (listing_status, org_status, _) in CASES.items():
            org = make_org(session, slug=f"org-{case}")
            word = "zq" + case.replace("-", "")
            listing = make_listing(session, org, title=f"Cryostat {word}")
            listing.status, org.status = listing_status, org_status
            if listing_status == ListingStatus.deleted:
                listing.deleted_at = utcnow()
            if org_status == OrgStatus.deleted:
                org.deleted_at = utcnow()
            slugs[case] = (listing.slug, word)
    return slugs


@pytest.mark.parametrize("case", list(CASES))
def test_only_published_listings_of_active_organisations_load_anonymously(settings, engine, listings, case):
    slug, word = listings[case]
    expected = CASES[case][2]
    with TestClient(create_app(settings)) as client:
        reindex(engine, client.app.state.search)  # the index built from the database, as at start-up
        drain_all(engine, client.app.state.search)
        assert client.get(f"/listings/{slug}").status_code == expected
        hits = client.get("/api/v1/search", params={"q": word}).json()["hits"]
        assert bool([h for h in hits if h["slug"] == slug]) == (expected == 200)
        assert (f"/listings/{slug}" in client.get("/sitemap.xml").text) == (expected == 200)


def test_every_listing_status_and_organisation_status_is_covered():
    assert {c[0] for c in CASES.values()} == set(ListingStatus)
    assert {c[1] for c in CASES.values()} >= set(OrgStatus) - {OrgStatus.rejected}
