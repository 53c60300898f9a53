"""Reports from two independent reporters hide the item pending review and tell its owners once; the same
organisation or address counts once (RELIABILITY 65)."""

import pytest
from sqlmodel import select

from app.db import new_session
from app.models import Job, Listing, Report
from app.models.states import JobStatus, ListingStatus
from tests.community.helpers import (
    STAFF,
    audit_actions,
    make_client,
    post,
    report,
    sign_in,
    world,  # noqa: F401  (a fixture)
)


@pytest.fixture
def app_client(settings, engine, smtp):
    with make_client(settings, smtp, trust_forwarded_for=True) as client:
        yield client


def status(engine, model, record_id):
    with new_session(engine, write=False) as session:
        return session.get(model, record_id).status


def first_report_id(engine) -> int:
    with new_session(engine, write=False) as session:
        return session.exec(select(Report.id).order_by(Report.id)).first()


def test_two_independent_reporters_hide_a_listing_and_its_owners_are_told_once(app_client, engine, smtp, world):
    client, path = app_client, f"/listings/{world['listing_slug']}"
    assert report(client, path, reason="spam", **{"X-Forwarded-For": "10.0.0.1"}).status_code == 200
    assert status(engine, Listing, world["listing"]) == ListingStatus.published and smtp.messages == []
    sign_in(client, "bob@org-b.example")
    assert report(client, path, reason="fake product", **{"X-Forwarded-For": "10.0.0.2"}).status_code == 200
    assert status(engine, Listing, world["listing"]) == ListingStatus.review
    assert client.get(path).status_code == 404  # out of public view at once
    # Owners only (not the editor), once; what was hidden, and that staff will review it.
    assert [m.rcpt_tos for m in smtp.messages] == [["alice@org-a.example"]]
    [mail] = smtp.parsed()
    body = mail.get_content()
    assert "Cryostat 9000" in body and "staff" in body and "审核" in body and "fake product" not in body
    # Nobody can report it again while it is hidden, so the owners hear of it once.
    sign_in(client, "carol@org-c.example")
    assert report(client, path, reason="again", **{"X-Forwarded-For": "10.0.0.3"}).status_code == 404
    assert len(smtp.messages) == 1
    [hidden] = audit_actions(engine, "report.auto_hide")
    assert hidden.target_id == world["listing"] and hidden.detail["independent"] == 2

    sign_in(client, STAFF)
    queue = client.get("/staff/reports?lang=en").text
    assert "Hidden pending review" in queue and "Flagged for review" in queue
    # Staff dismiss the reports: the listing is public again.
    assert post(client, f"/staff/reports/{first_report_id(engine)}/resolve").status_code == 303
    assert status(engine, Listing, world["listing"]) == ListingStatus.published
    assert client.get(path).status_code == 200


def test_staff_confirm_the_hiding_of_a_job_which_is_then_rejected(app_client, engine, smtp, world):
    client, path = app_client, f"/jobs/{world['job_slug']}"
    report(client, path, **{"X-Forwarded-For": "10.0.1.1"})
    report(client, path, **{"X-Forwarded-For": "10.0.1.2"})
    assert status(engine, Job, world["job"]) == JobStatus.review
    assert len(smtp.messages) == 1 and "Fridge engineer" in smtp.parsed()[0].get_content()
    sign_in(client, STAFF)
    assert post(client, f"/staff/reports/{first_report_id(engine)}/hide").status_code == 303
    assert status(engine, Job, world["job"]) == JobStatus.rejected
    assert client.get(path).status_code in (404, 410)


def test_reports_from_one_address_or_one_organisation_count_once(app_client, engine, smtp, world):
    client, path = app_client, f"/listings/{world['listing_slug']}"
    report(client, path, **{"X-Forwarded-For": "10.0.2.1"})
    sign_in(client, "bob@org-b.example")
    report(client, path, **{"X-Forwarded-For": "10.0.2.1"})  # same address as the anonymous one
    assert status(engine, Listing, world["listing"]) == ListingStatus.published
    sign_in(client, "carol@org-c.example")
    report(client, path, **{"X-Forwarded-For": "10.0.3.1"})
    # Carol is independent of the first two: now two independent reporters.
    assert status(engine, Listing, world["listing"]) == ListingStatus.review and len(smtp.messages) == 1


def test_two_members_of_one_organisation_count_once(app_client, engine, smtp, world):
    path = f"/listings/{world['listing_slug']}"
    sign_in(app_client, "carol@org-c.example")
    report(app_client, path, **{"X-Forwarded-For": "10.0.4.1"})
    sign_in(app_client, "carl@org-c.example")
    report(app_client, path, **{"X-Forwarded-For": "10.0.4.2"})
    assert status(engine, Listing, world["listing"]) == ListingStatus.published and smtp.messages == []
