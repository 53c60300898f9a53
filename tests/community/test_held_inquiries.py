"""A new member's first inquiries wait for staff; fast or stamp-less forms are held; link cap for new
accounts (RELIABILITY 64); staff reads of inquiries are audited (RELIABILITY 19)."""

import time
from datetime import timedelta

import pytest
from sqlmodel import select

from app.db import new_session, unit_of_work
from app.models import Inquiry, Membership, User
from app.models.base import utcnow
from app.models.states import InquiryStatus
from app.models.vocab import MemberRole
from app.security import form_timing
from tests.community.helpers import (
    STAFF,
    all_inquiries,
    audit_actions,
    count,
    make_client,
    post,
    send,
    sign_in,
    world,  # noqa: F401  (a fixture)
)


@pytest.fixture
def app_client(settings, engine, smtp):
    with make_client(settings, smtp, review_first_inquiries=2) as client:
        yield client


def owner_inbox(client) -> str:
    sign_in(client, "alice@org-a.example")
    return client.get("/account/orgs/org-a/inquiries?lang=en").text


def test_first_inquiries_wait_for_staff_who_release_or_refuse_them(app_client, engine, smtp, world):
    client = app_client
    sign_in(client, "carol@org-c.example")
    first = send(client, subject="First question", message="Is the cryostat in stock?")
    assert first.status_code == 303 and first.headers["location"] == "/account/inquiries?sent=held"
    assert [i.status for i in all_inquiries(engine)] == [InquiryStatus.held]
    assert smtp.messages == []  # the owners hear nothing yet
    mine = client.get("/account/inquiries?sent=held&lang=en").text
    assert "waiting for review" in mine and 'data-status="held"' in mine and "First question" in mine
    assert "First question" not in owner_inbox(client)

    sign_in(client, STAFF)
    queue = client.get("/staff/inquiries?lang=en").text
    assert "First question" in queue and 'data-flag="new_sender"' in queue
    [read] = audit_actions(engine, "inquiry.staff_read")
    assert read.detail["inquiries"] == [all_inquiries(engine)[0].id]  # staff reading is audited
    held_id = all_inquiries(engine)[0].id
    assert post(client, f"/staff/inquiries/{held_id}/release").status_code == 303
    assert all_inquiries(engine)[0].status == InquiryStatus.open
    assert [m.rcpt_tos for m in smtp.messages] == [["alice@org-a.example"]]  # mailed on release, owners only
    assert "First question" in owner_inbox(client)

    # The second is held too (one delivered so far); refused, its recipients never see it.
    sign_in(client, "carol@org-c.example")
    assert send(client, subject="Second question", message="And the lead time?").headers["location"].endswith("held")
    second_id = all_inquiries(engine)[1].id
    sign_in(client, STAFF)
    assert post(client, f"/staff/inquiries/{second_id}/refuse").status_code == 303
    assert all_inquiries(engine)[1].status == InquiryStatus.closed and len(smtp.messages) == 1
    assert "Second question" not in owner_inbox(client)
    sign_in(client, "alice@org-a.example")  # nor can the organisation reopen it by id
    assert post(client, f"/account/orgs/org-a/inquiries/{second_id}/status", status="open").status_code == 404

    # A refused one does not count as delivered: the third is held, released; then the fourth goes through.
    sign_in(client, "carol@org-c.example")
    assert send(client, subject="Third", message="Third message").headers["location"].endswith("held")
    sign_in(client, STAFF)
    assert post(client, f"/staff/inquiries/{all_inquiries(engine)[2].id}/release").status_code == 303
    sign_in(client, "carol@org-c.example")
    fourth = send(client, subject="Fourth", message="Fourth message")
    assert fourth.headers["location"] == "/account/inquiries?sent=1"
    assert all_inquiries(engine)[3].status == InquiryStatus.open and len(smtp.messages) == 3
    assert [e.action for e in audit_actions(engine, "inquiry.re")] == [
        "inquiry.release", "inquiry.refuse", "inquiry.release"]


def test_two_staff_deciding_at_once_one_wins_and_the_other_gets_409(app_client, engine, smtp, world):
    client = app_client
    sign_in(client, "carol@org-c.example")
    send(client)
    held_id = all_inquiries(engine)[0].id
    sign_in(client, STAFF)
    client.get("/staff/inquiries")  # both staff load the queue…
    assert post(client, f"/staff/inquiries/{held_id}/release").status_code == 303  # …the first decides
    late = post(client, f"/staff/inquiries/{held_id}/refuse")
    assert late.status_code == 409
    assert post(client, f"/staff/inquiries/{held_id}/release").status_code == 409  # no second mail either
    assert all_inquiries(engine)[0].status == InquiryStatus.open and len(smtp.messages) == 1
    assert len(audit_actions(engine, "inquiry.re")) == 1


def test_staff_senders_are_never_held(app_client, engine, smtp, world):
    with unit_of_work(engine) as session:
        staff = session.exec(select(User).where(User.email == STAFF)).one()
        session.add(Membership(user_id=staff.id, organization_id=world["org_b"], role=MemberRole.editor))
    sign_in(app_client, STAFF)
    assert send(app_client, stamp="").headers["location"] == "/account/inquiries?sent=1"  # even without a stamp
    assert all_inquiries(engine)[0].status == InquiryStatus.open and len(smtp.messages) == 1


def test_the_queue_and_decisions_are_for_staff_only(app_client, engine, world):
    sign_in(app_client, "carol@org-c.example")
    send(app_client)
    held_id = all_inquiries(engine)[0].id
    for who in ("carol@org-c.example", "alice@org-a.example"):
        sign_in(app_client, who)
        assert app_client.get("/staff/inquiries").status_code == 404
        assert post(app_client, f"/staff/inquiries/{held_id}/release").status_code == 404
    assert all_inquiries(engine)[0].status == InquiryStatus.held
    sign_in(app_client, STAFF)
    assert post(app_client, "/staff/inquiries/999999/release").status_code == 404
    assert post(app_client, "/staff/inquiries/0/release").status_code == 422


# ---- the fast-form rule ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("stamp", "flag"), [
    ("", "form_stamp_missing"),
    ("1700000000.deadbeef", "form_stamp_forged"),
    ("now", "form_too_fast"),
    ("other-key", "form_stamp_forged"),
])
def test_a_form_sent_too_fast_or_without_a_valid_stamp_is_held(settings, engine, smtp, world, stamp, flag):
    with make_client(settings, smtp, review_first_inquiries=0) as client:
        sign_in(client, "carol@org-c.example")
        secret = client.app.state.settings.secret_key
        value = {"now": form_timing.stamp(secret), "other-key": form_timing.stamp("another key", at=time.time() - 60)
                 }.get(stamp, stamp)
        response = send(client, stamp=value or "")
        assert response.headers["location"] == "/account/inquiries?sent=held"
        assert all_inquiries(engine)[0].status == InquiryStatus.held and smtp.messages == []
        sign_in(client, STAFF)
        assert f'data-flag="{flag}"' in client.get("/staff/inquiries?lang=en").text


def test_the_form_carries_a_stamp_and_a_form_read_slowly_goes_through(settings, engine, smtp, world):
    with make_client(settings, smtp, review_first_inquiries=0) as client:
        sign_in(client, "carol@org-c.example")
        page = client.get("/orgs/org-a/inquiries").text
        assert 'name="form_started"' in page
        assert send(client).headers["location"] == "/account/inquiries?sent=1"  # a stamp from a minute ago
        assert all_inquiries(engine)[0].status == InquiryStatus.open and len(smtp.messages) == 1


# ---- links from new accounts ----------------------------------------------------------------------------

LINKS = "See https://a.example/1 and http://b.example/2 and www.c.example and shop.xyz"


def test_a_new_account_may_not_send_more_than_two_links(settings, engine, smtp, world):
    with make_client(settings, smtp, review_first_inquiries=0) as client:
        sign_in(client, "carol@org-c.example")
        client.cookies.set("lang", "en")
        refused = send(client, message=LINKS)
        assert refused.status_code == 422 and 'id="e-message"' in refused.text and "links" in refused.text
        assert count(engine, Inquiry) == 0 and smtp.messages == []
        two = "Specs: https://a.example/1 and https://a.example/2 — write to carol@gmail.com"
        assert send(client, message=two).status_code == 303  # an e-mail address is not a link
        # Once the account is a week old, the cap no longer applies.
        with unit_of_work(engine) as session:
            carol = session.get(User, world["carol"])
            carol.created_at = utcnow() - timedelta(days=8)
        assert send(client, subject="Links", message=LINKS).status_code == 303
        assert count(engine, Inquiry) == 2


def test_held_and_refused_inquiries_never_reach_the_organisation_through_any_page(app_client, engine, world):
    sign_in(app_client, "carol@org-c.example")
    send(app_client, subject="Secret held subject")
    page = owner_inbox(app_client)
    assert "Secret held subject" not in page
    with new_session(engine, write=False) as session:
        assert session.exec(select(Inquiry)).one().status == InquiryStatus.held
