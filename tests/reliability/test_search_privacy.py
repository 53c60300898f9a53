"""Nothing private is findable (RELIABILITY 22, P5): a word planted in records that must not be seen — a
draft, a listing in review, an archived and a deleted listing, a rejected and an expired job, a suspended
organisation — and in private fields of public records (contact e-mail, staff notes, rejection reasons,
inquiries) gives zero hits, anonymously and to another organisation, on the search page and the API."""

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from app.db import unit_of_work
from app.main import create_app
from app.search.service import drain_all
from app.models import Inquiry, User
from app.models.base import utcnow
from app.models.states import JobStatus, ListingStatus, OrgStatus
from tests.factories import make_job, make_listing, make_org
from tests.search.test_search_page import hit_urls

WORD = "zorbluxite"


@pytest.fixture
def planted(settings, engine):
    with unit_of_work(engine) as session:
        org = make_org(session, slug="org-a", contact_email=f"{WORD}@org-a.example")
        org.status_reason = f"staff note {WORD}"
        for status in (ListingStatus.draft, ListingStatus.review, ListingStatus.archived, ListingStatus.deleted):
            listing = make_listing(session, org, title=f"Cryostat {WORD} {status}")
            listing.status = status
        public = make_listing(session, org, title="Public cryostat")
        public.moderation_note = f"please fix {WORD}"
        rejected = make_job(session, org, title=f"Engineer {WORD} rejected")
        rejected.status, rejected.rejection_reason = JobStatus.rejected, f"reason {WORD}"
        expired = make_job(session, org, title=f"Engineer {WORD} expired")
        expired.expires_at = utcnow() - timedelta(days=1)
        hidden_org = make_org(session, slug="org-s", name=f"Suspended {WORD} Labs")
        make_listing(session, hidden_org, title=f"Laser {WORD}")
        hidden_org.status = OrgStatus.suspended
        sender = User(email="b@org-b.example", password_hash="x")
        session.add(sender)
        session.flush()
        session.add(Inquiry(sender_id=sender.id, organization_id=org.id, subject=WORD, message=f"about {WORD}"))
        make_listing(session, org, title="Control record: a findable cryostat")
    with TestClient(create_app(settings)) as client:
        drain_all(engine, client.app.state.search)  # deliver what was written before the app started
        yield client


def test_a_word_in_private_records_and_fields_is_never_found(planted):
    client = planted
    control = client.get("/api/v1/search", params={"q": "findable"})
    assert control.status_code == 200 and control.json()["total"] == 1  # the index is built and answers
    for kind in ("", "organization", "listing", "job"):
        api = client.get("/api/v1/search", params={"q": WORD, "type": kind} if kind else {"q": WORD})
        assert api.status_code == 200 and api.json()["total"] == 0, (kind, api.json())
    page = client.get("/search", params={"q": WORD, "lang": "en"})
    assert page.status_code == 200 and hit_urls(page.text) == []
    assert hit_urls(client.get("/search", params={"q": "findable"}).text) != []  # the control shows up there
    jobs = client.get("/jobs", params={"q": WORD})
    assert jobs.status_code == 200 and f"Engineer {WORD}" not in jobs.text


def test_public_pages_show_no_private_field_of_a_visible_record(settings, engine):
    """RELIABILITY 21: staff notes, moderation notes, rejection reasons and the members' own addresses stay
    off the public pages of records that are themselves public."""
    from app.accounts.schemas import UserCreate
    from app.accounts.service import create_user
    from app.models import Membership
    from app.models.vocab import MemberRole

    with unit_of_work(engine) as session:
        org = make_org(session, slug="org-p")
        org.status_reason = f"staff note {WORD}"
        listing = make_listing(session, org, title="Visible cryostat")
        listing.moderation_note = f"moderation {WORD}"
        job = make_job(session, org, title="Visible engineer")
        job.rejection_reason = f"earlier rejection {WORD}"
        owner = create_user(session, data=UserCreate(email=f"{WORD}@members.example", password="x" * 12))
        session.add(Membership(user_id=owner.id, organization_id=org.id, role=MemberRole.owner))
        urls = ["/orgs/org-p", f"/listings/{listing.slug}", f"/jobs/{job.slug}", "/jobs", "/marketplace",
                "/sitemap.xml", "/jobs/feed.xml", "/api/v1/search?q=visible"]
    with TestClient(create_app(settings)) as client:
        drain_all(engine, client.app.state.search)
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
            assert WORD not in response.text, url
