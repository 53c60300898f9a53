import copy
import json

import pytest
from sqlalchemy import func
from sqlmodel import select

from app.imports.service import BundleRejected, import_bundle
from app.models import AuditEntry, Job, Listing, Organization, OrganizationCategory, SearchOutbox
from app.models.states import JobStatus, ListingStatus, OrgStatus
from app.models.vocab import Region
from tests.factories import job_row, listing_row, org_row


def counts(session) -> dict[str, int]:
    return {
        model.__name__: session.exec(select(func.count()).select_from(model)).one()
        for model in (Organization, Listing, Job, OrganizationCategory, SearchOutbox, AuditEntry)
    }


def good_bundle() -> dict:
    acme = org_row(slug="acme-cryo", offers=["hardware/cryogenics", "services"], needs=["hardware/vacuum"])
    lab = org_row(slug="berlin-lab", country="DE", province=None, city="Berlin", org_type="academic")
    return {
        "organizations": [acme, lab],
        "listings": [listing_row("acme-cryo"), listing_row("berlin-lab", category="other", kind="service", trl=None)],
        "jobs": [job_row("acme-cryo"), job_row("berlin-lab", country="DE", city="Berlin", apply_url=None,
                                               apply_email="jobs@berlin-lab.example")],
    }


def test_a_well_formed_bundle_is_loaded_public_and_queued_for_search(session):
    report = import_bundle(session, good_bundle(), job_live_days=60)
    assert report.counts["organizations"]["created"] == 2
    assert report.counts["listings"]["created"] == 2
    assert report.counts["jobs"]["created"] == 2
    acme = session.exec(select(Organization).where(Organization.slug == "acme-cryo")).one()
    assert acme.status == OrgStatus.active and acme.region == Region.central
    lab = session.exec(select(Organization).where(Organization.slug == "berlin-lab")).one()
    assert lab.region == Region.europe and lab.province is None
    assert all(li.status == ListingStatus.published for li in session.exec(select(Listing)).all())
    jobs = session.exec(select(Job)).all()
    assert all(j.status == JobStatus.published and j.expires_at > j.published_at for j in jobs)
    assert {j.region for j in jobs} == {Region.central, Region.europe}
    assert counts(session)["OrganizationCategory"] == 4  # acme: two offers and one need; the lab: one offer
    outbox = session.exec(select(SearchOutbox.doc_type, func.count()).group_by(SearchOutbox.doc_type)).all()
    assert dict(outbox) == {"organization": 2, "listing": 2, "job": 2}
    assert session.exec(select(AuditEntry.action)).all() == ["import.bundle"]


def test_importing_the_same_bundle_twice_changes_nothing(session):
    bundle = good_bundle()
    import_bundle(session, copy.deepcopy(bundle), job_live_days=60)
    before = counts(session)
    report = import_bundle(session, bundle, job_live_days=60)
    assert report.changed == 0
    assert counts(session) == before


def test_a_changed_row_updates_the_record_and_requeues_it(session):
    bundle = good_bundle()
    import_bundle(session, bundle, job_live_days=60)
    bundle["organizations"][0]["name"] = "Acme Cryogenics Ltd"
    before = counts(session)["SearchOutbox"]
    report = import_bundle(session, bundle, job_live_days=60)
    assert report.counts["organizations"] == {"created": 0, "updated": 1, "unchanged": 1}
    assert counts(session)["SearchOutbox"] == before + 1


def bad_bundle() -> dict:
    bundle = good_bundle()
    bundle["organizations"].append(org_row(slug="bad-country", country="XX"))
    bundle["listings"].append(listing_row("acme-cryo", category="hardware/teleporters"))
    bundle["listings"].append({k: v for k, v in listing_row("acme-cryo").items() if k != "title"})
    bundle["jobs"].append(job_row("no-such-org"))
    return bundle


def test_one_bad_row_rejects_the_bundle_naming_every_bad_row_and_field(session):
    before = counts(session)
    with pytest.raises(BundleRejected) as caught:
        import_bundle(session, bad_bundle(), job_live_days=60)
    problems = {(e.section, e.row, e.field) for e in caught.value.row_errors}
    assert problems == {
        ("organizations", 3, "country"),
        ("listings", 3, "category"),
        ("listings", 4, "title"),
        ("jobs", 3, "org"),
    }
    messages = [str(e) for e in caught.value.row_errors]
    assert "listings row 3 (Dilution" in messages[1] or any("unknown category 'hardware/teleporters'" in m for m in messages)
    assert any("unknown organisation 'no-such-org'" in m for m in messages)
    assert any("'XX' is not an ISO 3166-1 alpha-2 country code" in m for m in messages)
    assert counts(session) == before


@pytest.mark.parametrize(
    ("bundle", "expected"),
    [
        ([], ("bundle", "bundle")),
        ({"organisations": []}, ("bundle", "organisations")),
        ({"listings": {"a": 1}}, ("listings", "listings")),
        ({"organizations": ["not an object"]}, ("organizations", "row")),
        ({"organizations": [org_row(colour="blue")]}, ("organizations", "colour")),
        ({"organizations": [org_row(province=None)]}, ("organizations", "province")),
        ({"organizations": [org_row(province="CN-ZZ")]}, ("organizations", "province")),
        ({"organizations": [org_row(offers=["hardware/teleporters"])]}, ("organizations", "offers")),
        ({"organizations": [org_row(website="javascript:alert(1)")]}, ("organizations", "website")),
        ({"organizations": [org_row(slug="Not A Slug")]}, ("organizations", "slug")),
        ({"organizations": [org_row(slug="dup"), org_row(slug="dup")]}, ("organizations", "slug")),
        ({"organizations": [org_row(slug="o")], "listings": [listing_row("o", category="hardware")]}, ("listings", "category")),
        ({"organizations": [org_row(slug="o")], "listings": [listing_row("o", trl=12)]}, ("listings", "trl")),
        ({"organizations": [org_row(slug="o")], "jobs": [job_row("o", apply_email="a@b.example")]}, ("jobs", "apply_url")),
        ({"organizations": [org_row(slug="o")], "jobs": [job_row("o", salary_min=5)]}, ("jobs", "salary_min")),
        ({"organizations": [org_row(slug="o")],
          "jobs": [job_row("o", salary_min=9, salary_max=5, salary_currency="CNY", salary_period="month")]},
         ("jobs", "salary_max")),
        ({"organizations": [org_row(slug="o", country="DE", province=None, city="Berlin")],
          "jobs": [job_row("o", country="CN", city="Atlantis")]}, ("jobs", "province")),
        ({"organizations": [org_row(slug="o")], "jobs": [job_row("o", function="astrology")]}, ("jobs", "function")),
    ],
)
def test_bad_input_is_named_and_nothing_is_written(session, bundle, expected):
    before = counts(session)
    with pytest.raises(BundleRejected) as caught:
        import_bundle(session, bundle, job_live_days=60)
    assert expected in {(e.section, e.field) for e in caught.value.row_errors}
    assert counts(session) == before


def test_a_slug_owned_by_another_organisation_is_refused(session):
    bundle = good_bundle()
    bundle["listings"][0]["slug"] = "shared-slug"
    import_bundle(session, bundle, job_live_days=60)
    thief = {"organizations": [org_row(slug="thief")], "listings": [listing_row("thief", slug="shared-slug")]}
    with pytest.raises(BundleRejected) as caught:
        import_bundle(session, thief, job_live_days=60)
    assert [(e.field, e.message) for e in caught.value.row_errors] == [
        ("slug", "is already used by another organisation ('acme-cryo')")
    ]


def test_listings_without_slugs_get_readable_unique_ones(session):
    bundle = {
        "organizations": [org_row(slug="hefei-q")],
        "listings": [listing_row("hefei-q", title="稀释制冷机", title_zh="稀释制冷机")],
    }
    import_bundle(session, bundle, job_live_days=60)
    assert session.exec(select(Listing.slug)).all() == ["hefei-q-xi-shi-zhi-leng-ji"]


def test_the_bundle_round_trips_through_json(session):
    raw = json.loads(json.dumps(good_bundle(), ensure_ascii=False))
    assert import_bundle(session, raw, job_live_days=60).counts["jobs"]["created"] == 2


def test_an_http_website_is_accepted_and_rendered_as_a_plain_link(session, client):
    bundle = good_bundle()
    bundle["organizations"][0]["website"] = "http://acme-cryo.example/about"
    import_bundle(session, bundle, job_live_days=60)
    session.commit()
    page = client.get("/orgs/acme-cryo").text
    assert 'href="http://acme-cryo.example/about" rel="nofollow ugc noopener noreferrer"' in page
    # Other schemes stay refused, naming the row and field; apply pages stay https-only.
    bundle["organizations"][0]["website"] = "javascript:alert(1)"
    bundle["jobs"][0]["apply_url"] = "http://acme-cryo.example/jobs"
    with pytest.raises(BundleRejected) as refused:
        import_bundle(session, bundle, job_live_days=60)
    assert {(e.section, e.field) for e in refused.value.row_errors} == {("organizations", "website"),
                                                                         ("jobs", "apply_url")}


def test_a_database_without_categories_is_named_once_not_per_row(session):
    from sqlalchemy import delete

    from app.models import Category

    session.execute(delete(Category))
    with pytest.raises(BundleRejected) as refused:
        import_bundle(session, good_bundle(), job_live_days=60)
    (error,) = refused.value.row_errors
    assert error.field == "categories" and "qmarket db upgrade" in error.message
