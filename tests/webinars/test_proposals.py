"""A member organisation proposes to present → staff accept (a webinar with the organisation presenting) or
decline with a reason → the proposer hears by mail (a real local SMTP server) and reads it in the workspace.
Another organisation cannot see or withdraw the proposal (404); bad input names the field."""

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient
from sqlmodel import select

from app.accounts.schemas import UserCreate
from app.accounts.service import create_user
from app.db import new_session, unit_of_work
from app.main import create_app
from app.models import AuditEntry, Membership, Organization, Webinar, WebinarPresenter, WebinarProposal
from app.models.base import utcnow
from app.models.states import RequestStatus
from app.models.vocab import MemberRole
from tests.factories import make_org
from tests.helpers import PASSWORD, post_form, sign_in

BEIJING = ZoneInfo("Asia/Shanghai")
PROPOSAL = {"title": "Dilution fridges for beginners", "title_zh": "稀释制冷机入门",
            "summary": "A tour of our dilution refrigerator line, for labs that buy their first one.",
            "theme": "hardware/cryogenics", "preferred_dates": "March or April"}


@pytest.fixture
def world(settings, engine, smtp):
    with unit_of_work(engine) as session:
        people = {}
        for email, staff in (("staff@alliance.example", True), ("owner@kestrel.example", False),
                             ("editor@kestrel.example", False), ("owner@other.example", False)):
            people[email] = create_user(session, data=UserCreate(email=email, password=PASSWORD, is_staff=staff))
        kestrel = make_org(session, slug="kestrel-quantum", name="Kestrel Quantum")
        other = make_org(session, slug="other-org")
        for email, org, role in (("owner@kestrel.example", kestrel, MemberRole.owner),
                                 ("editor@kestrel.example", kestrel, MemberRole.editor),
                                 ("owner@other.example", other, MemberRole.owner)):
            session.add(Membership(user_id=people[email].id, organization_id=org.id, role=role))
    return create_app(settings.model_copy(update={"smtp_url": smtp.url}))


def client_of(app, email: str) -> TestClient:
    client = TestClient(app)
    sign_in(client, email)
    return client


def proposals(engine) -> list[WebinarProposal]:
    with new_session(engine, write=False) as session:
        return list(session.exec(select(WebinarProposal).order_by(WebinarProposal.id)).all())


def audit_actions(engine) -> list[str]:
    with new_session(engine, write=False) as session:
        return [e.action for e in session.exec(select(AuditEntry).order_by(AuditEntry.id)).all()]


def propose(client, **changes):
    return post_form(client, "/account/orgs/kestrel-quantum/webinars", PROPOSAL | changes)


def test_propose_then_staff_accept_schedules_a_webinar_the_organisation_presents(world, engine, smtp):
    editor = client_of(world, "editor@kestrel.example")
    response = propose(editor)
    assert response.headers["location"] == "/account/orgs/kestrel-quantum/webinars?done=proposed"
    (proposal,) = proposals(engine)
    assert proposal.status == RequestStatus.pending and proposal.preferred_dates == "March or April"
    staff = client_of(world, "staff@alliance.example")
    queue = staff.get("/staff/webinars/proposals", params={"lang": "en"}).text
    assert "Dilution fridges for beginners" in queue and "Kestrel Quantum" in queue
    start = (utcnow() + timedelta(days=20)).astimezone(BEIJING).replace(second=0, microsecond=0)
    accepted = post_form(staff, f"/staff/webinars/proposals/{proposal.id}/accept",
                         {"starts_at": start.strftime("%Y-%m-%dT%H:%M"), "duration_minutes": "45"})
    assert accepted.status_code == 303 and accepted.headers["location"].startswith("/staff/webinars/")
    (proposal,) = proposals(engine)
    assert proposal.status == RequestStatus.approved and proposal.webinar_id
    with new_session(engine, write=False) as session:
        presenter = session.exec(
            select(WebinarPresenter).where(WebinarPresenter.webinar_id == proposal.webinar_id)).one()
        webinar = session.get(Webinar, proposal.webinar_id)
        assert session.get(Organization, presenter.organization_id).slug == "kestrel-quantum"
    assert webinar.starts_at == start and webinar.duration_minutes == 45 and webinar.title_zh == "稀释制冷机入门"
    (mail,) = smtp.parsed()
    assert mail["To"] == "editor@kestrel.example" and "accepted" in mail["Subject"]
    assert f"/webinars/{webinar.slug}" in mail.get_content()
    workspace = editor.get("/account/orgs/kestrel-quantum/webinars", params={"lang": "en"}).text
    assert f'href="/webinars/{webinar.slug}"' in workspace and 'data-status="approved"' in workspace
    assert "Dilution fridges for beginners" in editor.get("/orgs/kestrel-quantum").text  # the org page lists it
    assert {"webinar_proposal.create", "webinar_proposal.accept"} <= set(audit_actions(engine))
    # Decided once: a second decision names the status.
    again = post_form(staff, f"/staff/webinars/proposals/{proposal.id}/decline", {"reason": "Changed our mind"})
    assert again.status_code == 422


def test_decline_needs_a_reason_which_the_organisation_reads(world, engine, smtp):
    owner = client_of(world, "owner@kestrel.example")
    propose(owner)
    (proposal,) = proposals(engine)
    staff = client_of(world, "staff@alliance.example")
    missing = post_form(staff, f"/staff/webinars/proposals/{proposal.id}/decline", {"reason": "  "})
    assert missing.status_code == 422 and 'id="e-reason"' in missing.text
    assert proposals(engine)[0].status == RequestStatus.pending and smtp.messages == []
    reason = "This theme was covered in January; propose it again for the autumn."
    assert post_form(staff, f"/staff/webinars/proposals/{proposal.id}/decline",
                     {"reason": reason}).status_code == 303
    (proposal,) = proposals(engine)
    assert proposal.status == RequestStatus.declined and proposal.decline_reason == reason
    (mail,) = smtp.parsed()
    assert mail["To"] == "owner@kestrel.example" and reason in mail.get_content()
    assert reason in owner.get("/account/orgs/kestrel-quantum/webinars", params={"lang": "en"}).text
    assert "webinar_proposal.decline" in audit_actions(engine)


def test_another_organisation_cannot_see_or_withdraw_the_proposal(world, engine):
    owner = client_of(world, "owner@kestrel.example")
    propose(owner)
    (proposal,) = proposals(engine)
    intruder = client_of(world, "owner@other.example")
    assert intruder.get("/account/orgs/kestrel-quantum/webinars").status_code == 404
    assert post_form(intruder, f"/account/orgs/kestrel-quantum/webinars/proposals/{proposal.id}/withdraw",
                     {}).status_code == 404
    # Through their own workspace, someone else's proposal is "not found" too.
    assert post_form(intruder, f"/account/orgs/other-org/webinars/proposals/{proposal.id}/withdraw",
                     {}).status_code == 404
    assert proposals(engine)[0].status == RequestStatus.pending
    assert post_form(owner, f"/account/orgs/kestrel-quantum/webinars/proposals/{proposal.id}/withdraw",
                     {}).status_code == 303
    assert proposals(engine)[0].status == RequestStatus.withdrawn
    assert "webinar_proposal.withdraw" in audit_actions(engine)


@pytest.mark.parametrize(("changes", "field"), [
    ({"title": ""}, "title"),
    ({"summary": "Too short"}, "summary"),
    ({"theme": "hardware/no-such-thing"}, "theme"),
    ({"preferred_dates": "x" * 300}, "preferred_dates"),
])
def test_bad_proposals_name_the_field_and_write_nothing(world, engine, changes, field):
    response = propose(client_of(world, "owner@kestrel.example"), **changes)
    assert response.status_code == 422 and f'id="e-{field}"' in response.text
    assert proposals(engine) == []


def test_a_few_proposals_may_wait_at_once(world, engine):
    owner = client_of(world, "owner@kestrel.example")
    for n in range(3):
        assert propose(owner, title=f"Session {n}").status_code == 303
    refused = propose(owner, title="One too many")
    assert refused.status_code == 422 and 'id="e-title"' in refused.text and len(proposals(engine)) == 3


@pytest.mark.parametrize(("form", "field"), [
    ({"starts_at": "2020-01-01T10:00", "duration_minutes": "60"}, "starts_at"),
    ({"starts_at": "next tuesday", "duration_minutes": "60"}, "starts_at"),
    ({"starts_at": "2099-01-01T10:00", "duration_minutes": "5"}, "duration_minutes"),
    ({"starts_at": "2099-01-01T10:00", "duration_minutes": "an hour"}, "duration_minutes"),
])
def test_accepting_needs_a_future_start_and_a_sane_duration(world, engine, form, field):
    propose(client_of(world, "owner@kestrel.example"))
    (proposal,) = proposals(engine)
    staff = client_of(world, "staff@alliance.example")
    response = post_form(staff, f"/staff/webinars/proposals/{proposal.id}/accept", form)
    assert response.status_code == 422 and f'id="e-{field}"' in response.text
    assert proposals(engine)[0].status == RequestStatus.pending


def test_members_cannot_decide_proposals(world, engine):
    owner = client_of(world, "owner@kestrel.example")
    propose(owner)
    (proposal,) = proposals(engine)
    assert owner.get("/staff/webinars/proposals").status_code in (403, 404)
    response = post_form(owner, f"/staff/webinars/proposals/{proposal.id}/decline", {"reason": "no"})
    assert response.status_code in (403, 404) and proposals(engine)[0].status == RequestStatus.pending
