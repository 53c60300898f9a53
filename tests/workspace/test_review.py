"""A new organisation's first listings wait for staff review (RELIABILITY 64; Discourse approve_post_count),
and two staff deciding at once cannot both win (RELIABILITY 23)."""

import pytest
from sqlmodel import select

from app.catalog.review import approve_listing, listing_for_decision, send_back_listing
from app.db import new_session, unit_of_work
from app.errors import Conflict
from app.models import AuditEntry, Listing, User
from app.models.states import ListingStatus
from app.workspace.service import change_listing_status
from tests.workspace.helpers import (
    EDITOR, INTRUDER, LISTING, OWNER, fingerprint, load, new_listing, post, search_ids, sign_in,
)
from tests.workspace.conftest import STAFF


@pytest.fixture
def ws_settings() -> dict:
    return {"review_first_listings": 2}  # org A has had one listing published: its next one is reviewed


def submitted(ws, engine, who=OWNER) -> Listing:
    sign_in(ws, who)
    listing = new_listing(ws, engine)
    response = post(ws, f"/account/orgs/org-a/listings/{listing.id}/publish")
    assert response.status_code == 303 and response.headers["location"].endswith("/listings?done=review")
    return load(engine, Listing, listing.id)


def actions(engine, name: str) -> list[AuditEntry]:
    with new_session(engine, write=False) as session:
        return list(session.exec(select(AuditEntry).where(AuditEntry.action == name)).all())


def test_a_new_organisations_listing_waits_for_review_and_is_not_public(ws, engine):
    listing = submitted(ws, engine, EDITOR)
    assert listing.status == ListingStatus.review and listing.published_at is None
    assert ws.get(f"/listings/{listing.slug}").status_code == 404
    assert f"listing-{listing.id}" not in search_ids(ws, "Zephyrium")
    page = ws.get("/account/orgs/org-a/listings?done=review&lang=en")
    assert "waiting for review" in page.text and "Withdraw from review" in page.text
    # The organisation cannot publish it past the staff.
    before = fingerprint(engine)
    assert post(ws, f"/account/orgs/org-a/listings/{listing.id}/publish").status_code == 409
    assert fingerprint(engine) == before
    assert [a.target_id for a in actions(engine, "listing.submit")] == [listing.id]


def test_staff_approve_it_and_it_is_published_and_found(ws, engine):
    listing = submitted(ws, engine)
    sign_in(ws, STAFF)
    queue = ws.get("/staff/listings?lang=en")
    assert queue.status_code == 200 and "Zephyrium cryostat" in queue.text
    assert "Listings to review" in ws.get("/staff?lang=en").text
    response = post(ws, f"/staff/listings/{listing.id}/approve")
    assert response.status_code == 303
    approved = load(engine, Listing, listing.id)
    assert approved.status == ListingStatus.published and approved.published_at is not None
    assert ws.get(f"/listings/{listing.slug}").status_code == 200
    assert f"listing-{listing.id}" in search_ids(ws, "Zephyrium")
    (entry,) = actions(engine, "listing.approve")
    assert (entry.target_id, entry.organization_id, entry.request_id is not None) == (listing.id, ws.ids["a"], True)
    assert "Zephyrium cryostat" not in ws.get("/staff/listings?lang=en").text


def test_staff_send_it_back_with_a_note_the_owner_reads_and_editing_clears_it(ws, engine):
    listing = submitted(ws, engine)
    sign_in(ws, STAFF)
    before = fingerprint(engine)
    assert post(ws, f"/staff/listings/{listing.id}/send-back?lang=en", {"note": "  "}).status_code == 422
    assert fingerprint(engine) == before
    note = "Please add the base temperature <b>in mK</b>."
    assert post(ws, f"/staff/listings/{listing.id}/send-back", {"note": note}).status_code == 303
    back = load(engine, Listing, listing.id)
    assert back.status == ListingStatus.draft and back.moderation_note == note
    assert [a.detail["note"] for a in actions(engine, "listing.send_back")] == [note]
    sign_in(ws, OWNER)
    page = ws.get("/account/orgs/org-a/listings?lang=en")
    assert "Please add the base temperature &lt;b&gt;in mK&lt;/b&gt;." in page.text
    assert "in mK" in ws.get(f"/account/orgs/org-a/listings/{listing.id}/edit?lang=en").text
    assert ws.get(f"/listings/{listing.slug}").status_code == 404
    # Another organisation never sees the note.
    sign_in(ws, INTRUDER)
    assert ws.get(f"/account/orgs/org-a/listings/{listing.id}/edit").status_code == 404
    sign_in(ws, OWNER)
    assert post(ws, f"/account/orgs/org-a/listings/{listing.id}/edit", LISTING | {"summary": "Base 8 mK."}).status_code == 303
    assert load(engine, Listing, listing.id).moderation_note is None
    # Published again, it is reviewed again (it never went public).
    assert post(ws, f"/account/orgs/org-a/listings/{listing.id}/publish").status_code == 303
    assert load(engine, Listing, listing.id).status == ListingStatus.review


@pytest.mark.parametrize(("first", "second"), [("approve", "approve"), ("approve", "send-back"),
                                               ("send-back", "approve"), ("send-back", "send-back")])
def test_two_staff_deciding_at_once_one_wins_the_other_gets_409(ws, engine, first, second):
    listing = submitted(ws, engine)
    sign_in(ws, STAFF)
    assert post(ws, f"/staff/listings/{listing.id}/{first}", {"note": "Fix it"}).status_code == 303
    decided = load(engine, Listing, listing.id)
    before = fingerprint(engine)
    response = post(ws, f"/staff/listings/{listing.id}/{second}", {"note": "Other note"})
    assert response.status_code == 409
    assert fingerprint(engine) == before
    after = load(engine, Listing, listing.id)
    assert (after.status, after.moderation_note) == (decided.status, decided.moderation_note)


def test_the_service_decides_once_in_two_units_of_work(ws, engine):
    listing = submitted(ws, engine)
    with new_session(engine, write=False) as session:
        staff = session.exec(select(User).where(User.email == STAFF)).one()
    with unit_of_work(engine) as session:
        approve_listing(session, listing=listing_for_decision(session, listing_id=listing.id), staff=staff)
    with pytest.raises(Conflict), unit_of_work(engine) as session:
        send_back_listing(session, listing=listing_for_decision(session, listing_id=listing.id), staff=staff,
                          note="too late")
    assert load(engine, Listing, listing.id).status == ListingStatus.published


def test_an_organisation_past_its_first_listings_publishes_directly(ws, engine):
    sign_in(ws, OWNER)
    listing = new_listing(ws, engine)
    with new_session(engine, write=False) as session:
        owner = session.exec(select(User).where(User.email == OWNER)).one()
    with unit_of_work(engine) as session:
        row = session.get(Listing, listing.id)
        assert change_listing_status(session, listing=row, action="publish", actor=owner,
                                     review_first=1) == ListingStatus.published


def test_a_listing_that_was_public_before_comes_back_without_review(ws, engine):
    sign_in(ws, OWNER)
    base = f"/account/orgs/org-a/listings/{ws.ids['listing_a']}"
    assert post(ws, f"{base}/unpublish").status_code == 303
    assert post(ws, f"{base}/publish").headers["location"].endswith("/listings")
    assert load(engine, Listing, ws.ids["listing_a"]).status == ListingStatus.published


def test_staff_pages_are_not_for_members(ws, engine):
    listing = submitted(ws, engine)
    before = fingerprint(engine)
    assert ws.get("/staff/listings").status_code == 404
    assert post(ws, f"/staff/listings/{listing.id}/approve").status_code == 404
    assert fingerprint(engine) == before
