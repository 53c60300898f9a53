"""Inquiries between members and reports of content (issue 5; RELIABILITY 19, 27, 31, 36, 46, 58, 65)."""

import email
import email.policy
import time

import pytest
from fastapi.testclient import TestClient
from sqlmodel import func, select

from app.accounts.schemas import UserCreate
from app.accounts.service import create_user
from app.community import inquiries as inquiry_service
from app.community.reports import independent_reporters
from app.db import new_session, unit_of_work
from app.mail import build_message
from app.main import create_app
from app.models import AuditEntry, Inquiry, Job, Listing, Membership, Report
from app.models.report import ReportTarget
from app.models.states import InquiryStatus, JobStatus, ListingStatus, OrgStatus
from app.models.vocab import MemberRole
from app.security import form_timing
from app.security.csrf import CSRF_COOKIE
from tests.factories import make_job, make_listing, make_org
from tests.helpers import csrf_headers

PASSWORD = "correct horse battery staple"
XSS = '<script>alert("x")</script>'


@pytest.fixture
def world(engine):
    """Org A (owner, editor, a listing, a job), org B (owner), org C (the sender), a user with no active
    organisation, and a member of staff."""
    ids = {}
    with unit_of_work(engine) as session:
        orgs = {name: make_org(session, slug=f"org-{name}", name=f"Org {name.upper()}") for name in "abc"}
        pending = make_org(session, slug="org-pending")
        pending.status = OrgStatus.pending
        people = {
            "alice": ("alice@org-a.example", "a", MemberRole.owner),
            "eddie": ("eddie@org-a.example", "a", MemberRole.editor),
            "bob": ("bob@org-b.example", "b", MemberRole.owner),
            "carol": ("carol@org-c.example", "c", MemberRole.owner),
            "carl": ("carl@org-c.example", "c", MemberRole.editor),
            "nomad": ("nomad@nowhere.example", None, None),
            "penny": ("penny@pending.example", "pending", MemberRole.owner),
        }
        for name, (address, org, role) in people.items():
            user = create_user(session, data=UserCreate(email=address, password=PASSWORD, display_name=name.title()))
            ids[name] = user.id
            if org:
                target = orgs[org] if org in orgs else pending
                session.add(Membership(user_id=user.id, organization_id=target.id, role=role))
        create_user(session, data=UserCreate(email="staff@alliance.example", password=PASSWORD, is_staff=True))
        listing = make_listing(session, orgs["a"], title="Cryostat 9000")
        other_listing = make_listing(session, orgs["b"], title="B's laser")
        job = make_job(session, orgs["a"], title="Fridge engineer")
        ids |= {"org_a": orgs["a"].id, "org_b": orgs["b"].id, "listing": listing.id, "listing_slug": listing.slug,
                "other_listing_slug": other_listing.slug, "job": job.id, "job_slug": job.slug}
    return ids


@pytest.fixture
def client(settings, engine, smtp):
    # The held-first-inquiries rule has its own tests (tests/community); here inquiries go straight through.
    app = create_app(settings.model_copy(update={"smtp_url": smtp.url, "review_first_inquiries": 0}))
    with TestClient(app) as test_client:
        yield test_client


def token(client) -> str:
    return csrf_headers(client)["X-CSRF-Token"]


def sign_in(client, address: str) -> None:
    if "qm_session" in client.cookies:
        client.post("/account/logout", data={"csrf_token": token(client)})
    response = client.post("/account/login", data={"email": address, "password": PASSWORD, "csrf_token": token(client)},
                           follow_redirects=False)
    assert response.status_code == 303


def send(client, org="org-a", subject="Quote for a cryostat", message="Could you send a quote?", **extra):
    stamp = form_timing.stamp(client.app.state.settings.secret_key, at=time.time() - 60)  # read, then typed
    data = {"subject": subject, "message": message, "csrf_token": token(client), "form_started": stamp, **extra}
    return client.post(f"/orgs/{org}/inquiries", data=data, follow_redirects=False)


def report(client, path: str, reason="This is a scam", **headers):
    path, _, query = path.partition("?")
    url = f"{path}/report" + (f"?{query}" if query else "")
    return client.post(url, data={"reason": reason, "csrf_token": token(client)}, headers=headers)


def count(engine, model) -> int:
    with new_session(engine, write=False) as session:
        return session.exec(select(func.count()).select_from(model)).one()


def inquiries(engine) -> list[Inquiry]:
    with new_session(engine, write=False) as session:
        return list(session.exec(select(Inquiry).order_by(Inquiry.id)).all())


# ---- inquiries -----------------------------------------------------------------------------------


def test_a_member_sends_an_inquiry_the_owners_are_mailed_and_the_organisation_reads_it(client, engine, smtp, world):
    sign_in(client, "carol@org-c.example")
    form = client.get(f"/orgs/org-a/inquiries?listing={world['listing_slug']}&lang=en")
    assert form.status_code == 200 and "Cryostat 9000" in form.text and 'name="listing"' in form.text
    response = send(client, listing=world["listing_slug"], message="Could you send a quote?\nThanks, Carol")
    assert response.status_code == 303 and response.headers["location"] == "/account/inquiries?sent=1"
    [inquiry] = inquiries(engine)
    assert (inquiry.organization_id, inquiry.sender_id, inquiry.listing_id) == (world["org_a"], world["carol"],
                                                                                 world["listing"])
    assert inquiry.status == InquiryStatus.open

    # Only the owner of org A is mailed (not its editor, not the sender), with a Reply-To for answering.
    assert [m.rcpt_tos for m in smtp.messages] == [["alice@org-a.example"]]
    [mail] = smtp.parsed()
    assert mail["Subject"] == "QMarket inquiry / 询盘: Quote for a cryostat"
    assert mail["Reply-To"] == "carol@org-c.example"
    body = mail.get_content()
    assert "Could you send a quote?\nThanks, Carol" in body and "Cryostat 9000" in body and "Org C" in body
    assert "http://testserver/account/orgs/org-a/inquiries" in body

    sent = client.get("/account/inquiries?sent=1&lang=en")
    assert sent.status_code == 200 and "Quote for a cryostat" in sent.text and "Org A" in sent.text
    assert "no-store" in sent.headers["cache-control"] and 'hx-history="false"' in sent.text

    for reader in ("alice@org-a.example", "eddie@org-a.example"):  # owners and editors
        sign_in(client, reader)
        inbox = client.get("/account/orgs/org-a/inquiries?lang=en")
        assert inbox.status_code == 200 and "no-store" in inbox.headers["cache-control"]
        assert "Quote for a cryostat" in inbox.text and "carol@org-c.example" in inbox.text
        assert "Cryostat 9000" in inbox.text and 'hx-history="false"' in inbox.text
        fragment = client.get("/account/orgs/org-a/inquiries", headers={"HX-Request": "true"})
        assert fragment.status_code == 200 and "<html" not in fragment.text and "Quote for a cryostat" in fragment.text


def test_the_inbox_is_newest_first_and_the_status_follows_the_machine(client, engine, world):
    sign_in(client, "carol@org-c.example")
    send(client, subject="First question", message="one")
    send(client, subject="Second question", message="two")
    first, second = inquiries(engine)
    sign_in(client, "eddie@org-a.example")
    page = client.get("/account/orgs/org-a/inquiries").text
    assert page.index("Second question") < page.index("First question")

    url = f"/account/orgs/org-a/inquiries/{first.id}/status"
    done = client.post(url, data={"status": "answered", "csrf_token": token(client)}, follow_redirects=False)
    assert done.status_code == 303
    closed = client.post(url, data={"status": "closed", "csrf_token": token(client)}, follow_redirects=False)
    assert closed.status_code == 303
    bad = client.post(url, data={"status": "deleted", "csrf_token": token(client)})
    assert bad.status_code == 422 and "status" in bad.text
    assert [i.status for i in inquiries(engine)] == [InquiryStatus.closed, InquiryStatus.open]


def test_another_organisation_never_sees_or_changes_an_inquiry(client, engine, world):
    sign_in(client, "carol@org-c.example")
    send(client, subject="Private to A", message="secret words")
    [inquiry] = inquiries(engine)
    sign_in(client, "bob@org-b.example")
    assert client.get("/account/orgs/org-a/inquiries").status_code == 404
    assert "Private to A" not in client.get("/account/orgs/org-b/inquiries").text
    for url in (f"/account/orgs/org-a/inquiries/{inquiry.id}/status",   # A's slug: bob is no member
                f"/account/orgs/org-b/inquiries/{inquiry.id}/status"):  # B's slug with A's inquiry id
        response = client.post(url, data={"status": "closed", "csrf_token": token(client)})
        assert response.status_code == 404
    # The sender reads their own sent list only; a member of the sending org does not read the sender's.
    sign_in(client, "carl@org-c.example")
    assert "Private to A" not in client.get("/account/inquiries").text
    assert client.get("/account/orgs/org-a/inquiries").status_code == 404
    assert inquiries(engine)[0].status == InquiryStatus.open


def test_anonymous_visitors_are_sent_to_sign_in_and_nothing_is_written(client, engine, world):
    page = client.get("/orgs/org-a?lang=en")
    assert "Sign in to contact this organisation" in page.text and 'name="message"' not in page.text
    assert "/account/login?next=/orgs/org-a/inquiries" in page.text.replace("%2F", "/")
    response = send(client)
    assert response.status_code == 303 and response.headers["location"].startswith("/account/login?next=")
    for url in ("/orgs/org-a/inquiries", "/account/inquiries", "/account/orgs/org-a/inquiries"):
        answer = client.get(url, follow_redirects=False)
        assert answer.status_code == 303 and answer.headers["location"].startswith("/account/login?next=")
    assert count(engine, Inquiry) == 0


def test_signed_in_members_get_the_form_on_the_organisation_page(client, world):
    sign_in(client, "carol@org-c.example")
    page = client.get(f"/orgs/org-a?listing={world['listing_slug']}&lang=en")
    assert 'action="/orgs/org-a/inquiries"' in page.text and 'name="csrf_token"' in page.text
    assert f'name="listing" value="{world["listing_slug"]}"' in page.text


@pytest.mark.parametrize("address", ["nomad@nowhere.example", "penny@pending.example"])
def test_a_user_without_an_active_organisation_is_told_why_they_cannot_write(client, engine, smtp, world, address):
    sign_in(client, address)
    client.cookies.set("lang", "en")
    response = send(client)
    assert response.status_code == 403 and "approved member organisation" in response.text
    assert "/account/apply" in response.text
    assert client.get("/orgs/org-a/inquiries").status_code == 403
    assert count(engine, Inquiry) == 0 and smtp.messages == []


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"subject": ""}, "subject"),
        ({"subject": "x" * 201}, "subject"),
        ({"message": "   "}, "message"),
        ({"message": "x" * 5001}, "message"),
        ({"message": "null\x00byte"}, "message"),
        ({"listing": "no-such-listing"}, "listing"),
        ({"listing": "<b>"}, "listing"),
        ("other-org-listing", "listing"),
    ],
)
def test_bad_input_is_refused_naming_the_field_and_nothing_is_written(client, engine, smtp, world, fields, field):
    sign_in(client, "carol@org-c.example")
    if fields == "other-org-listing":
        fields = {"listing": world["other_listing_slug"]}  # a listing of org B, sent to org A
    response = send(client, **fields)
    # The form names the field; NUL is refused app-wide before the route runs, on the error page, named too.
    named = f'id="e-{field}"' in response.text or f'data-field="{field}"' in response.text
    assert response.status_code == 422 and named
    assert count(engine, Inquiry) == 0 and smtp.messages == []


def test_unknown_form_fields_cannot_set_the_organisation_or_the_status(client, engine, world):
    sign_in(client, "carol@org-c.example")
    response = send(client, organization_id=str(world["org_b"]), status="closed", sender_id=str(world["bob"]))
    assert response.status_code == 303
    [inquiry] = inquiries(engine)
    assert (inquiry.organization_id, inquiry.status, inquiry.sender_id) == (world["org_a"], "open", world["carol"])


def test_a_subject_cannot_smuggle_mail_headers(client, engine, smtp, world):
    sign_in(client, "carol@org-c.example")
    response = send(client, subject="Hello\r\nBcc: x@evil.example\r\nX-Evil: 1", message="hi")
    assert response.status_code == 303
    assert [m.rcpt_tos for m in smtp.messages] == [["alice@org-a.example"]]
    [mail] = smtp.parsed()
    assert mail["Bcc"] is None and mail["X-Evil"] is None
    assert mail["Subject"] == "QMarket inquiry / 询盘: Hello Bcc: x@evil.example X-Evil: 1"
    assert inquiries(engine)[0].subject == "Hello Bcc: x@evil.example X-Evil: 1"
    # The mail layer holds on its own too.
    built = build_message(to="a@x.example", subject="Hi\r\nBcc: x@evil.example", body="b")
    assert built["Bcc"] is None and "\n" not in built["Subject"]


def test_inquiries_are_rate_limited_per_sender(client, engine, smtp, world):
    sign_in(client, "carol@org-c.example")
    for n in range(inquiry_service.PER_HOUR):
        assert send(client, subject=f"Question {n}", message=f"Message number {n}").status_code == 303
    limited = send(client, subject="One more", message="One more message")
    assert limited.status_code == 429 and int(limited.headers["retry-after"]) > 0
    assert count(engine, Inquiry) == inquiry_service.PER_HOUR
    assert len(smtp.messages) == inquiry_service.PER_HOUR  # outbound mail never exceeds the limit


def test_the_same_text_to_many_organisations_is_throttled(client, engine, world):
    with unit_of_work(engine) as session:
        for n in range(5):
            make_org(session, slug=f"target-{n}")
    sign_in(client, "carol@org-c.example")
    text = "We sell the best qubits. Buy now!"
    answers = [send(client, org=f"target-{n}", subject="Offer", message=text).status_code for n in range(5)]
    assert answers[: inquiry_service.SAME_TEXT_PER_DAY] == [303] * inquiry_service.SAME_TEXT_PER_DAY
    assert answers[inquiry_service.SAME_TEXT_PER_DAY] == 429
    # The same words with other spacing or case are the same text.
    assert send(client, org="target-4", subject="Offer", message="  we sell the BEST qubits.  Buy now! ").status_code == 429
    assert count(engine, Inquiry) == inquiry_service.SAME_TEXT_PER_DAY


def test_script_in_an_inquiry_is_stored_verbatim_and_shown_escaped(client, engine, smtp, world):
    sign_in(client, "carol@org-c.example")
    invalid = send(client, subject=XSS, message="")
    assert invalid.status_code == 422 and XSS not in invalid.text and "&lt;script&gt;" in invalid.text
    assert send(client, subject=XSS, message=XSS + "\n{{ 7*7 }}").status_code == 303
    stored = inquiries(engine)[0]
    assert stored.subject == XSS and stored.message == XSS + "\n{{ 7*7 }}"
    sent = client.get("/account/inquiries")
    sign_in(client, "alice@org-a.example")
    inbox = client.get("/account/orgs/org-a/inquiries")
    for page in (sent, inbox):
        assert XSS not in page.text and "&lt;script&gt;alert(" in page.text and "{{ 7*7 }}" in page.text


@pytest.mark.parametrize(
    ("method", "path"),
    [("POST", "/orgs/org-a/inquiries"), ("POST", "/account/orgs/org-a/inquiries/1/status"),
     ("POST", "/listings/{listing}/report"), ("POST", "/jobs/{job}/report"),
     ("POST", "/staff/reports/1/resolve"), ("POST", "/staff/reports/1/hide")],
)
def test_posts_without_the_csrf_token_are_refused(client, engine, world, method, path):
    with unit_of_work(engine) as session:
        session.add(Report(target_type=ReportTarget.listing, target_id=world["listing"], reason="x", reporter_ip="1.1.1.1"))
    sign_in(client, "staff@alliance.example")
    url = path.format(listing=world["listing_slug"], job=world["job_slug"])
    before = (count(engine, Inquiry), count(engine, Report), count(engine, AuditEntry))
    response = client.request(method, url, data={"subject": "s", "message": "m", "reason": "r", "status": "closed"})
    assert response.status_code == 403
    assert (count(engine, Inquiry), count(engine, Report), count(engine, AuditEntry)) == before
    assert CSRF_COOKIE in client.cookies  # the token existed; the form simply did not carry it


# ---- reports -------------------------------------------------------------------------------------


def test_anyone_can_report_a_listing_and_staff_see_it(client, engine, world):
    page = client.get(f"/listings/{world['listing_slug']}?lang=en")
    assert f'href="/listings/{world["listing_slug"]}/report"' in page.text
    form = client.get(f"/listings/{world['listing_slug']}/report?lang=en")
    assert form.status_code == 200 and "Cryostat 9000" in form.text and 'name="reason"' in form.text
    done = report(client, f"/listings/{world['listing_slug']}?lang=en", reason="Fake specifications")
    assert done.status_code == 200 and "Thank you for your report" in done.text
    with new_session(engine, write=False) as session:
        [row] = session.exec(select(Report)).all()
    assert (row.target_type, row.target_id, row.reporter_user_id) == ("listing", world["listing"], None)
    assert row.reporter_ip == "testclient" and row.resolved_at is None

    sign_in(client, "staff@alliance.example")
    queue = client.get("/staff/reports?lang=en")
    assert queue.status_code == 200 and "Fake specifications" in queue.text and "Cryostat 9000" in queue.text
    assert "no-store" in queue.headers["cache-control"]
    assert "1 open report" in client.get("/staff?lang=en").text


def test_a_signed_in_reporter_is_recorded_and_a_job_can_be_reported(client, engine, world):
    assert f'/jobs/{world["job_slug"]}/report' in client.get(f"/jobs/{world['job_slug']}").text
    sign_in(client, "bob@org-b.example")
    assert report(client, f"/jobs/{world['job_slug']}", reason="Asks applicants to pay for training").status_code == 200
    with new_session(engine, write=False) as session:
        [row] = session.exec(select(Report)).all()
    assert (row.target_type, row.target_id, row.reporter_user_id) == ("job", world["job"], world["bob"])


@pytest.mark.parametrize(("reason", "status"), [("", 422), ("   ", 422), ("x" * 1001, 422), ("bad\x00", 422)])
def test_a_report_needs_a_reason_of_at_most_1000_characters(client, engine, world, reason, status):
    response = report(client, f"/listings/{world['listing_slug']}", reason=reason)
    named = 'id="e-reason"' in response.text or 'data-field="reason"' in response.text  # NUL: app-wide
    assert response.status_code == status and named
    assert count(engine, Report) == 0


def test_only_public_items_can_be_reported(client, engine, world):
    with unit_of_work(engine) as session:
        session.get(Listing, world["listing"]).status = ListingStatus.draft
        session.get(Job, world["job"]).status = JobStatus.closed
    for path in (f"/listings/{world['listing_slug']}", f"/jobs/{world['job_slug']}", "/listings/nope", "/jobs/nope"):
        assert client.get(f"{path}/report").status_code == 404
        assert report(client, path).status_code == 404
    assert count(engine, Report) == 0


def test_reports_are_rate_limited_per_address(client, engine, world):
    for n in range(10):
        assert report(client, f"/listings/{world['listing_slug']}", reason=f"reason {n}").status_code == 200
    limited = report(client, f"/jobs/{world['job_slug']}")
    assert limited.status_code == 429 and int(limited.headers["retry-after"]) > 0
    assert count(engine, Report) == 10


def test_reports_from_the_same_address_count_once_and_two_independent_ones_flag_the_item(settings, engine, world):
    app = create_app(settings.model_copy(update={"trust_forwarded_for": True}))
    with TestClient(app) as client:
        path = f"/listings/{world['listing_slug']}"
        report(client, path, reason="spam one", **{"X-Forwarded-For": "10.0.0.1"})
        sign_in(client, "bob@org-b.example")
        report(client, path, reason="spam two", **{"X-Forwarded-For": "10.0.0.1"})  # same address, signed in
        sign_in(client, "staff@alliance.example")
        page = client.get("/staff/reports?lang=en").text
        assert "2 reports" in page and "1 independent reporter" in page and "Flagged for review" not in page
        sign_in(client, "carol@org-c.example")
        report(client, path, reason="spam three", **{"X-Forwarded-For": "10.0.0.2"})
        sign_in(client, "staff@alliance.example")
        page = client.get("/staff/reports?lang=en").text
        assert "3 reports" in page and "2 independent reporters" in page and "Flagged for review" in page


def test_reporters_of_one_organisation_count_once():
    def row(user, ip):
        return Report(target_type=ReportTarget.listing, target_id=1, reason="x", reporter_user_id=user, reporter_ip=ip)

    orgs_of = {1: {7}, 2: {7}, 3: {8}}
    assert independent_reporters([row(1, "10.0.0.1"), row(2, "10.0.0.2")], orgs_of) == 1  # same organisation
    assert independent_reporters([row(1, "10.0.0.1"), row(1, "10.0.0.9")], orgs_of) == 1  # same account
    assert independent_reporters([row(None, "10.0.0.5"), row(None, "10.0.0.5")], orgs_of) == 1  # same address
    assert independent_reporters([row(1, "10.0.0.1"), row(3, "10.0.0.3")], orgs_of) == 2
    # A chain: 1 and 2 share an organisation, 2 and an anonymous report share an address.
    assert independent_reporters([row(1, "a"), row(2, "b"), row(None, "b"), row(3, "c")], orgs_of) == 2


def _two_reports(client, world, target: str) -> int:
    path = f"/listings/{world['listing_slug']}" if target == "listing" else f"/jobs/{world['job_slug']}"
    report(client, path, reason=f"{XSS} first")
    report(client, path, reason="second")
    with new_session(client.app.state.engine, write=False) as session:
        return session.exec(select(Report.id)).first()


def test_staff_dismiss_reports_and_the_item_stays(client, engine, world):
    first_id = _two_reports(client, world, "listing")
    sign_in(client, "staff@alliance.example")
    queue = client.get("/staff/reports")
    assert XSS not in queue.text and "&lt;script&gt;" in queue.text  # reasons shown escaped
    response = client.post(f"/staff/reports/{first_id}/resolve", data={"csrf_token": token(client)},
                           follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/staff/reports"
    with new_session(engine, write=False) as session:
        assert {(r.resolution, r.resolved_at is not None) for r in session.exec(select(Report))} == {("dismissed", True)}
        assert session.get(Listing, world["listing"]).status == ListingStatus.published
        [entry] = session.exec(select(AuditEntry).where(AuditEntry.action == "report.dismiss")).all()
        assert (entry.target_type, entry.target_id, entry.organization_id) == ("listing", world["listing"], world["org_a"])
        assert len(entry.detail["reports"]) == 2 and entry.actor_id is not None
    assert "No open reports" in client.get("/staff/reports?lang=en").text
    again = client.post(f"/staff/reports/{first_id}/resolve", data={"csrf_token": token(client)})
    assert again.status_code == 404  # already resolved


def test_staff_hide_a_listing_it_goes_back_to_draft_and_leaves_search(client, engine, world):
    first_id = _two_reports(client, world, "listing")
    sign_in(client, "staff@alliance.example")
    response = client.post(f"/staff/reports/{first_id}/hide", data={"csrf_token": token(client)}, follow_redirects=False)
    assert response.status_code == 303
    with new_session(engine, write=False) as session:
        assert session.get(Listing, world["listing"]).status == ListingStatus.draft
        assert {r.resolution for r in session.exec(select(Report))} == {"hidden"}
        [entry] = session.exec(select(AuditEntry).where(AuditEntry.action == "report.hide")).all()
        assert entry.detail["status_before"] == "published" and entry.organization_id == world["org_a"]
    assert client.get(f"/listings/{world['listing_slug']}").status_code == 404
    hits = client.get("/api/v1/search?q=Cryostat&type=listing").json()
    assert all(hit["slug"] != world["listing_slug"] for hit in hits["hits"])


def test_staff_hide_a_job_it_is_closed(client, engine, world):
    first_id = _two_reports(client, world, "job")
    sign_in(client, "staff@alliance.example")
    assert client.post(f"/staff/reports/{first_id}/hide", data={"csrf_token": token(client)},
                       follow_redirects=False).status_code == 303
    with new_session(engine, write=False) as session:
        assert session.get(Job, world["job"]).status == JobStatus.closed
        assert session.exec(select(AuditEntry).where(AuditEntry.action == "report.hide",
                                                     AuditEntry.target_type == "job")).one()
    assert client.get(f"/jobs/{world['job_slug']}").status_code == 410


@pytest.mark.parametrize("actor", ["anonymous", "member"])
def test_the_report_queue_is_for_staff_only(client, engine, world, actor):
    first_id = _two_reports(client, world, "listing")
    if actor == "member":
        sign_in(client, "alice@org-a.example")
    before = [(r.id, r.resolved_at) for r in _reports(engine)], count(engine, AuditEntry)
    for method, url in [("GET", "/staff/reports"), ("POST", f"/staff/reports/{first_id}/resolve"),
                        ("POST", f"/staff/reports/{first_id}/hide"), ("GET", "/staff/reports?x=1")]:
        response = client.request(method, url, data={"csrf_token": token(client)}, follow_redirects=False,
                                  headers={"HX-Request": "true"} if url.endswith("x=1") else {})
        if actor == "anonymous":
            assert response.status_code in (303, 204), url  # sign in first (htmx: HX-Redirect)
        else:
            assert response.status_code == 404, url
    assert ([(r.id, r.resolved_at) for r in _reports(engine)], count(engine, AuditEntry)) == before
    with new_session(engine, write=False) as session:
        assert session.get(Listing, world["listing"]).status == ListingStatus.published


def _reports(engine) -> list[Report]:
    with new_session(engine, write=False) as session:
        return list(session.exec(select(Report).order_by(Report.id)).all())


def test_pages_in_both_languages(client, world):
    sign_in(client, "carol@org-c.example")
    zh = client.get("/orgs/org-a/inquiries?lang=zh")
    en = client.get("/orgs/org-a/inquiries?lang=en")
    assert zh.status_code == en.status_code == 200 and 'lang="zh-CN"' in zh.text and 'lang="en"' in en.text
    assert client.get(f"/jobs/{world['job_slug']}/report?lang=zh").status_code == 200
    assert client.get("/account/inquiries?lang=zh").status_code == 200


def test_odd_record_ids_are_refused_cleanly(client, world):
    sign_in(client, "alice@org-a.example")
    for inquiry_id in ("abc", "0", str(2**70)):
        response = client.post(f"/account/orgs/org-a/inquiries/{inquiry_id}/status",
                               data={"status": "closed", "csrf_token": token(client)})
        assert response.status_code == 422 and "inquiry_id" in response.text
    assert client.post("/account/orgs/org-a/inquiries/999/status",
                       data={"status": "closed", "csrf_token": token(client)}).status_code == 404
    sign_in(client, "staff@alliance.example")
    assert client.post(f"/staff/reports/{2**70}/hide", data={"csrf_token": token(client)}).status_code == 422
    assert client.post("/staff/reports/999/hide", data={"csrf_token": token(client)}).status_code == 404
    fragment = client.get("/staff/reports", headers={"HX-Request": "true"})
    assert fragment.status_code == 200 and "<html" not in fragment.text and "HX-Request" in fragment.headers["vary"]
