"""Members post jobs, staff moderate them, organisations are suspended, the audit log, periodic expiry
(issue 5; RELIABILITY 15, 18, 23, 25, 31, 36, 58, 60–62)."""

import asyncio
import re
import socket
import threading
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlmodel import select

from app.accounts.schemas import UserCreate
from app.accounts.service import create_user
from app.db import new_session, unit_of_work
from app.jobs.moderation import expire_periodically, red_flags, run_expiry
from app.main import create_app
from app.models import AuditEntry, Job, Membership, Organization
from app.models.base import utcnow
from app.models.states import JobStatus, OrgStatus
from app.models.vocab import MemberRole
from app.search.service import drain_all
from tests.factories import make_job, make_listing, make_org
from tests.helpers import assert_left_out, csrf_headers

PASSWORD = "correct horse battery staple"
XSS = '<script>alert("x")</script>'


# ---- the world: two organisations, their owners, a staff member -----------------------------------------


@pytest.fixture
def world(engine):
    with unit_of_work(engine) as session:
        org_a = make_org(session, slug="kestrel", name="Kestrel Quantum")
        org_b = make_org(session, slug="grebe", name="Grebe Photonics")
        for email, org in (("owner@kestrel.example", org_a), ("owner@grebe.example", org_b)):
            user = create_user(session, data=UserCreate(email=email, password=PASSWORD))
            session.add(Membership(user_id=user.id, organization_id=org.id, role=MemberRole.owner))
        create_user(session, data=UserCreate(email="staff@alliance.example", password=PASSWORD, is_staff=True))
        listing_b = make_listing(session, org_b, title="Grebe single-photon detector")
        job_b = make_job(session, org_b, title="Grebe optics engineer")
    return {"listing_b": listing_b.id, "job_b": job_b.id}


@pytest.fixture
def app(settings, engine, world):
    application = create_app(settings)
    with TestClient(application):  # runs the lifespan once (search ready, background tasks)
        yield application


def signed_in(app, email: str | None) -> TestClient:
    client = TestClient(app)
    if email:
        token = csrf_headers(client)["X-CSRF-Token"]
        response = client.post("/account/login", data={"email": email, "password": PASSWORD, "csrf_token": token},
                               follow_redirects=False)
        assert response.status_code == 303
    return client


@pytest.fixture
def owner(app):
    return signed_in(app, "owner@kestrel.example")


@pytest.fixture
def staff(app):
    return signed_in(app, "staff@alliance.example")


@pytest.fixture
def intruder(app):
    return signed_in(app, "owner@grebe.example")


def post(client, url: str, data: dict | None = None):
    return client.post(url, data={**(data or {}), "csrf_token": csrf_headers(client)["X-CSRF-Token"]},
                       follow_redirects=False)


def job_fields(**overrides) -> dict:
    fields = {
        "title": "Ptarmigan cryogenic engineer",
        "title_zh": "低温工程师",
        "function": "engineering",
        "employment_type": "full_time",
        "workplace": "onsite",
        "country": "CN",
        "city": "Hefei",
        "description": "Build and service dilution refrigerators.",
        "apply_url": "https://kestrel.example/careers",
    }
    return fields | overrides


def the_job(engine, job_id: int) -> Job:
    with new_session(engine, write=False) as session:
        return session.get(Job, job_id)


def newest_job_id(engine) -> int:
    with new_session(engine, write=False) as session:
        return session.exec(select(Job.id).order_by(Job.id.desc())).first()


def audit_actions(engine) -> list[str]:
    with new_session(engine, write=False) as session:
        return list(session.exec(select(AuditEntry.action).order_by(AuditEntry.id)).all())


def create_draft(owner, engine, **overrides) -> int:
    response = post(owner, "/account/orgs/kestrel/jobs/new", job_fields(**overrides))
    assert response.status_code == 303 and response.headers["location"] == "/account/orgs/kestrel/jobs?done=created"
    return newest_job_id(engine)


def search_hits(client, q: str, doc_type: str = "job") -> list[str]:
    body = client.get(f"/api/v1/search?q={q}&type={doc_type}").json()
    return [hit["slug"] for hit in body["hits"]]


def fingerprint(engine) -> dict[str, int]:
    """Every table's content: any write shows here. Left out: sessions and rate-limit counters, and the
    search outbox, which the background relay empties whenever it likes (a write always shows elsewhere too)."""
    with engine.connect() as connection:
        tables = [row[0] for row in connection.execute(text(
            "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' "
            "AND name NOT IN ('rate_limit_hit', 'user_session', 'lease', 'alembic_version', 'search_outbox')"))]
        return {t: hash(tuple(connection.execute(text(f'SELECT * FROM "{t}" ORDER BY 1')).fetchall())) for t in tables}


# ---- the journey -----------------------------------------------------------------------------------------


def test_draft_review_approve_publish_close(app, owner, staff, engine):
    job_id = create_draft(owner, engine)
    job = the_job(engine, job_id)
    assert job.status == JobStatus.draft and job.published_at is None and job.slug.startswith("kestrel-")
    listing = owner.get("/account/orgs/kestrel/jobs?lang=en")
    assert listing.status_code == 200 and "Ptarmigan cryogenic engineer" in listing.text and "Draft" in listing.text
    assert "no-store" in listing.headers["cache-control"] and 'hx-history="false"' in listing.text
    assert owner.get(f"/jobs/{job.slug}").status_code == 404

    assert post(owner, f"/account/orgs/kestrel/jobs/{job_id}/submit").status_code == 303
    assert the_job(engine, job_id).status == JobStatus.review
    assert staff.get("/staff/jobs").status_code == 200 and f'id="review-{job_id}"' in staff.get("/staff/jobs").text
    drain_all(engine, app.state.search)
    assert owner.get(f"/jobs/{job.slug}").status_code == 404 and search_hits(owner, "ptarmigan") == []

    before = utcnow()
    response = post(staff, f"/staff/jobs/{job_id}/approve")
    assert response.status_code == 303 and response.headers["location"] == "/staff/jobs?done=approved"
    job = the_job(engine, job_id)
    assert job.status == JobStatus.published and job.published_at >= before
    assert job.expires_at - job.published_at == timedelta(days=app.state.settings.job_live_days)
    assert job.slug in owner.get("/jobs").text and owner.get(f"/jobs/{job.slug}").status_code == 200
    drain_all(engine, app.state.search)
    assert search_hits(owner, "ptarmigan") == [job.slug]
    assert "Listed until" in owner.get("/account/orgs/kestrel/jobs?lang=en").text
    assert post(owner, f"/account/orgs/kestrel/jobs/{job_id}/submit").status_code == 409  # live: nothing to submit

    assert post(owner, f"/account/orgs/kestrel/jobs/{job_id}/close").status_code == 303
    assert the_job(engine, job_id).status == JobStatus.closed
    assert job.slug not in owner.get("/jobs").text and owner.get(f"/jobs/{job.slug}").status_code == 410
    drain_all(engine, app.state.search)
    assert search_hits(owner, "ptarmigan") == []
    assert post(owner, f"/account/orgs/kestrel/jobs/{job_id}/close").status_code == 409  # closed already
    assert audit_actions(engine)[-4:] == ["job.create", "job.submit", "job.approve", "job.close"]


def test_rejected_with_a_reason_the_poster_reads_edits_and_resubmits(owner, staff, engine):
    job_id = create_draft(owner, engine)
    post(owner, f"/account/orgs/kestrel/jobs/{job_id}/submit")

    before = fingerprint(engine)
    for data in ({}, {"reason": "   "}):
        missing = post(staff, f"/staff/jobs/{job_id}/reject", data)
        assert missing.status_code == 422 and "reason" in missing.text
    assert fingerprint(engine) == before

    reason = f"Say where the job is. {XSS}"
    assert post(staff, f"/staff/jobs/{job_id}/reject", {"reason": reason}).status_code == 303
    job = the_job(engine, job_id)
    assert job.status == JobStatus.rejected and job.rejection_reason == reason  # stored verbatim
    page = owner.get("/account/orgs/kestrel/jobs?lang=en").text
    assert "Not approved" in page and "Say where the job is. &lt;script&gt;" in page and XSS not in page
    assert "Say where the job is." in owner.get(f"/account/orgs/kestrel/jobs/{job_id}/edit").text

    assert post(owner, f"/account/orgs/kestrel/jobs/{job_id}/edit", job_fields(city="Shanghai")).status_code == 303
    assert the_job(engine, job_id).status == JobStatus.rejected  # still, until resubmitted
    assert post(owner, f"/account/orgs/kestrel/jobs/{job_id}/submit").status_code == 303
    assert the_job(engine, job_id).status == JobStatus.review
    assert post(staff, f"/staff/jobs/{job_id}/approve").status_code == 303
    job = the_job(engine, job_id)
    assert job.status == JobStatus.published and job.rejection_reason is None and job.city == "Shanghai"
    assert {"job.reject", "job.approve"} <= set(audit_actions(engine))


def test_editing_the_text_of_a_published_job_sends_it_back_to_review(app, owner, staff, engine):
    job_id = create_draft(owner, engine)
    post(owner, f"/account/orgs/kestrel/jobs/{job_id}/submit")
    post(staff, f"/staff/jobs/{job_id}/approve")
    slug = the_job(engine, job_id).slug

    salary = {"salary_min": "20000", "salary_max": "30000", "salary_currency": "CNY", "salary_period": "month"}
    response = post(owner, f"/account/orgs/kestrel/jobs/{job_id}/edit", job_fields(**salary))
    assert response.headers["location"].endswith("done=saved")
    assert the_job(engine, job_id).status == JobStatus.published  # the pay is not the posting's text

    response = post(owner, f"/account/orgs/kestrel/jobs/{job_id}/edit",
                    job_fields(description="Now also: pay a registration fee.", **salary))
    assert response.headers["location"].endswith("done=review")
    assert the_job(engine, job_id).status == JobStatus.review
    assert owner.get(f"/jobs/{slug}").status_code == 404 and slug not in owner.get("/jobs").text
    drain_all(engine, app.state.search)
    assert search_hits(owner, "ptarmigan") == []
    queue = staff.get("/staff/jobs?lang=en").text
    assert f'id="review-{job_id}"' in queue and 'data-flag="upfront_fee"' in queue


# ---- red flags (RELIABILITY 62) --------------------------------------------------------------------------


@pytest.mark.parametrize(("words", "flag"), [
    ("Applicants pay a small registration fee before starting.", "upfront_fee"),
    ("入职前需缴纳押金500元。", "upfront_fee"),
    ("You must purchase your own training course from our partner.", "paid_training_or_equipment"),
    ("Receive packages at home and reship them abroad.", "reshipping"),
    ("负责代收包裹并转寄。", "reshipping"),
    ("We send you a cheque; deposit the check and wire the remaining funds.", "cheque_deposit"),
    ("Reimbursed in Google Play cards.", "gift_cards"),
    ("Interviews via Telegram only.", "chat_only_interview"),
    ("仅通过微信面试。", "chat_only_interview"),
    ("No experience needed, high pay guaranteed!", "too_good_to_be_true"),
    ("无需经验，高薪日结！", "too_good_to_be_true"),
])
def test_red_flag_rules_in_english_and_chinese(words, flag):
    job = Job(title="Assistant", description=words, apply_url="https://x.example")
    assert flag in [f.id for f in red_flags(job)]


RULE_CASES = [  # at least one case per rule of app/jobs/red_flags.yaml (the test below checks that)
    ("Pay a one-time onboarding deposit of $99.", "upfront_fee"),
    ("Equipment is at your own expense; reimbursed later.", "paid_training_or_equipment"),
    ("Buy your own laptop from our vendor before day one.", "paid_training_or_equipment"),
    ("需自费购买培训课程。", "paid_training_or_equipment"),
    ("Work as a package inspector from home.", "reshipping"),
    ("Deposit the cheque and send the excess funds back.", "cheque_deposit"),
    ("Buy gift cards for the office and send us the codes.", "gift_cards"),
    ("报销以购物卡形式发放。", "gift_cards"),
    ("Interviewed by WhatsApp only, no calls.", "chat_only_interview"),
    ("Earn $500 a day from your sofa.", "too_good_to_be_true"),
    ("轻松月入三万。", "too_good_to_be_true"),
    ("Salary paid in USDT every week.", "crypto_payment"),
    ("工资以泰达币结算。", "crypto_payment"),
    ("Send us your bank account number to get started.", "bank_details_up_front"),
    ("面试前请提供银行卡号和身份证照片。", "bank_details_up_front"),
]


@pytest.mark.parametrize(("words", "flag"), RULE_CASES)
def test_each_scam_rule_flags_its_phrases(words, flag):
    job = Job(title="Assistant", description=words, apply_url="https://x.example")
    assert flag in [f.id for f in red_flags(job)]


def test_every_rule_in_the_data_file_has_a_case_and_honest_quantum_words_raise_none():
    import yaml

    from app.jobs.moderation import RED_FLAGS_FILE

    data = yaml.safe_load(RED_FLAGS_FILE.read_text(encoding="utf-8"))
    assert {rule["id"] for rule in data["rules"]} <= {flag for _, flag in RULE_CASES}
    for words in ("We build post-quantum cryptography for payment systems and crypto wallets.",
                  "Salary paid monthly into your bank account; laptop and training provided.",
                  "Ship cryostats to customers and train their engineers on site.",
                  "面试流程：电话初筛，现场技术面试。"):
        assert red_flags(Job(title="Engineer", description=words)) == [], words


def test_free_mail_for_an_organisation_and_absurd_pay_in_each_currency_are_flagged():
    assert [f.id for f in red_flags(Job(title="Engineer", apply_email="hr@gmail.com"))] == ["free_mail"]
    assert red_flags(Job(title="Engineer", apply_email="hr@quantum-lab.example")) == []
    for currency, period, amount in (("USD", "year", 900_000), ("EUR", "month", 60_000), ("CNY", "year", 6_000_000)):
        job = Job(title="Engineer", salary_max=amount, salary_currency=currency, salary_period=period)
        assert [f.id for f in red_flags(job)] == ["absurd_pay"], currency
    assert red_flags(Job(title="Engineer", salary_max=90_000, salary_currency="USD", salary_period="year")) == []


def test_an_honest_posting_raises_no_flag_and_pay_and_mail_rules_work():
    honest = Job(title="Cryogenic engineer", description="Service dilution refrigerators. Experience with "
                 "pulse tubes required. Competitive pay.", requirements="PhD or five years of experience.")
    assert red_flags(honest) == []
    flagged = Job(title="Engineer", apply_email="jobs@QQ.com", salary_min=1, salary_max=900000,
                  salary_currency="CNY", salary_period="month")
    assert [f.id for f in red_flags(flagged)] == ["free_mail", "absurd_pay"]


def test_red_flags_are_listed_for_staff_and_the_job_is_never_published_on_its_own(app, owner, staff, engine):
    job_id = create_draft(owner, engine, description="Pay a registration fee. 仅通过微信面试。")
    assert post(owner, f"/account/orgs/kestrel/jobs/{job_id}/submit").status_code == 303
    job = the_job(engine, job_id)
    assert job.status == JobStatus.review and job.published_at is None
    for lang, words in (("en", "Asks the applicant to pay a fee up front"), ("zh", "要求求职者预先缴费")):
        queue = staff.get(f"/staff/jobs?lang={lang}").text
        assert words in queue and 'data-flag="chat_only_interview"' in queue
    with new_session(engine, write=False) as session:
        entry = session.exec(select(AuditEntry).where(AuditEntry.action == "job.submit")).one()
    assert entry.detail["red_flags"] == ["upfront_fee", "chat_only_interview"]
    assert run_expiry(engine) == 0 and the_job(engine, job_id).status == JobStatus.review
    drain_all(engine, app.state.search)
    assert owner.get(f"/jobs/{job.slug}").status_code == 404 and search_hits(owner, "ptarmigan") == []


def test_submitting_notifies_staff_once_by_e_mail(settings, engine, world):
    received = []

    class Inbox:
        async def handle_DATA(self, server, session, envelope):  # noqa: N802  (aiosmtpd's hook name)
            received.append(envelope)
            return "250 OK"

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    controller = Controller(Inbox(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        configured = settings.model_copy(update={"smtp_url": f"smtp://127.0.0.1:{port}",
                                                 "staff_email": "moderators@alliance.example"})
        application = create_app(configured)
        with TestClient(application):
            owner = signed_in(application, "owner@kestrel.example")
            job_id = create_draft(owner, engine, description="Pay a registration fee.")
            assert post(owner, f"/account/orgs/kestrel/jobs/{job_id}/submit").status_code == 303
            assert post(owner, f"/account/orgs/kestrel/jobs/{job_id}/submit").status_code == 303  # double click
    finally:
        controller.stop()
    assert len(received) == 1 and received[0].rcpt_tos == ["moderators@alliance.example"]
    assert b"pay a fee up front" in received[0].content


# ---- who may do what -------------------------------------------------------------------------------------


def staff_requests(world) -> list[tuple[str, str]]:
    job = world["job_b"]
    return [("GET", "/staff/jobs"), ("POST", f"/staff/jobs/{job}/approve"), ("POST", f"/staff/jobs/{job}/reject"),
            ("GET", "/staff/orgs"), ("POST", "/staff/orgs/grebe/suspend"), ("POST", "/staff/orgs/grebe/reinstate"),
            ("GET", "/staff/audit"), ("GET", "/staff/audit?action=job.approve")]


def test_staff_pages_do_not_exist_for_members_and_send_visitors_to_sign_in(app, owner, engine, world):
    with unit_of_work(engine) as session:  # something for every decision to act on
        session.get(Job, world["job_b"]).status = JobStatus.review
    visitor = TestClient(app)
    for client, expected in ((owner, 404), (visitor, 303)):
        for method, url in staff_requests(world):
            before = fingerprint(engine)
            token = csrf_headers(client)["X-CSRF-Token"]
            response = client.request(method, url, data={"csrf_token": token, "reason": "spam"},
                                      headers={"X-CSRF-Token": token} if method == "GET" else {},
                                      follow_redirects=False)
            assert response.status_code == expected, (method, url, response.status_code)
            if expected == 303:
                assert response.headers["location"].startswith("/account/login?next=")
            assert fingerprint(engine) == before, (method, url)


def workspace_requests(job_id: int) -> list[tuple[str, str]]:
    base = "/account/orgs/kestrel/jobs"
    return [("GET", base), ("GET", f"{base}/new"), ("POST", f"{base}/new"), ("GET", f"{base}/{job_id}/edit"),
            ("POST", f"{base}/{job_id}/edit"), ("POST", f"{base}/{job_id}/submit"), ("POST", f"{base}/{job_id}/close")]


def test_another_organisation_and_visitors_never_reach_a_workspace_job(app, owner, intruder, engine, world):
    job_id = create_draft(owner, engine)
    visitor = TestClient(app)
    for client, expected in ((intruder, 404), (visitor, 303)):
        for method, url in workspace_requests(job_id):
            before = fingerprint(engine)
            data = {**job_fields(title="Hijacked"), "csrf_token": csrf_headers(client)["X-CSRF-Token"]}
            response = client.request(method, url, data=data if method == "POST" else None, follow_redirects=False)
            assert response.status_code == expected, (method, url, response.status_code)
            assert fingerprint(engine) == before, (method, url)
    # The owner of kestrel naming grebe's job under kestrel's address: not theirs, so not there.
    for method, url in workspace_requests(world["job_b"])[3:]:
        before = fingerprint(engine)
        response = owner.request(method, url, data={**job_fields(), "csrf_token": csrf_headers(owner)["X-CSRF-Token"]}
                                 if method == "POST" else None, follow_redirects=False)
        assert response.status_code == 404 and fingerprint(engine) == before, (method, url)
    assert "Grebe optics engineer" not in owner.get("/account/orgs/kestrel/jobs").text


def test_posts_without_the_csrf_token_are_refused(app, owner, staff, engine, world):
    job_id = create_draft(owner, engine)
    requests = [(owner, url) for method, url in workspace_requests(job_id) if method == "POST"]
    requests += [(staff, url) for method, url in staff_requests(world) if method == "POST"]
    for client, url in requests:
        before = fingerprint(engine)
        response = client.post(url, data={**job_fields(), "reason": "spam"}, follow_redirects=False)
        assert response.status_code == 403, url
        forged = client.post(url, data={"csrf_token": "not-the-token", "reason": "spam"}, follow_redirects=False)
        assert forged.status_code == 403, url
        assert fingerprint(engine) == before, url
    assert owner.get(f"/account/orgs/kestrel/jobs/{job_id}/submit").status_code == 405


@pytest.mark.parametrize(("overrides", "field"), [
    ({"title": ""}, "title"),
    ({"title": "x" * 201}, "title"),
    ({"function": "astrology"}, "function"),
    ({"country": "XX"}, "country"),
    ({"apply_url": "javascript:alert(1)"}, "apply_url"),
    ({"apply_url": "http://kestrel.example/jobs"}, "apply_url"),
    ({"apply_url": "", "apply_email": ""}, "apply_url"),
    ({"apply_email": "jobs@kestrel.example"}, "apply_url"),  # both given
    ({"apply_url": "", "apply_email": "not-an-address"}, "apply_email"),
    ({"salary_min": "-5", "salary_max": "10", "salary_currency": "CNY", "salary_period": "month"}, "salary_min"),
    ({"salary_min": "50", "salary_max": "10", "salary_currency": "CNY", "salary_period": "month"}, "salary_max"),
    ({"province": "CN-ZZ"}, "province"),
])
def test_bad_input_is_a_422_naming_the_field_and_writes_nothing(owner, engine, overrides, field):
    before = fingerprint(engine)
    response = post(owner, "/account/orgs/kestrel/jobs/new", job_fields(**overrides))
    assert response.status_code == 422 and f'id="e-{field}"' in response.text, response.text[-2000:]
    assert fingerprint(engine) == before


def test_editing_with_bad_input_changes_nothing(owner, engine):
    job_id = create_draft(owner, engine)
    before = fingerprint(engine)
    response = post(owner, f"/account/orgs/kestrel/jobs/{job_id}/edit", job_fields(apply_url="data:text/html,x"))
    assert response.status_code == 422 and 'id="e-apply_url"' in response.text
    assert fingerprint(engine) == before


def test_a_form_cannot_set_the_organisation_status_or_dates_and_text_is_escaped(owner, engine, world):
    with new_session(engine, write=False) as session:
        grebe = session.exec(select(Organization).where(Organization.slug == "grebe")).one()
    job_id = create_draft(owner, engine, title=XSS, title_zh="", status="published", organization_id=str(grebe.id),
                          id="1",
                          published_at="2020-01-01T00:00:00Z", expires_at="2099-01-01T00:00:00Z", slug="chosen")
    job = the_job(engine, job_id)
    assert job.title == XSS and job.status == JobStatus.draft and job.published_at is None
    assert job.organization_id != grebe.id and job.slug != "chosen"
    page = owner.get("/account/orgs/kestrel/jobs").text
    assert XSS not in page and "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in page
    assert XSS not in owner.get(f"/account/orgs/kestrel/jobs/{job_id}/edit").text


# ---- two staff at once (RELIABILITY 23) ------------------------------------------------------------------


def test_two_staff_deciding_at_once_one_wins_the_other_gets_409(app, owner, staff, engine):
    job_id = create_draft(owner, engine)
    post(owner, f"/account/orgs/kestrel/jobs/{job_id}/submit")
    second = signed_in(app, "staff@alliance.example")
    start = threading.Barrier(2)
    results = {}

    def decide(name, client, url, data):
        start.wait()
        results[name] = post(client, url, data).status_code

    threads = [threading.Thread(target=decide, args=("approve", staff, f"/staff/jobs/{job_id}/approve", {})),
               threading.Thread(target=decide, args=("reject", second, f"/staff/jobs/{job_id}/reject",
                                                     {"reason": "Too vague"}))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(results.values()) == [303, 409], results
    job = the_job(engine, job_id)
    winner = "approve" if results["approve"] == 303 else "reject"
    assert job.status == (JobStatus.published if winner == "approve" else JobStatus.rejected)
    decisions = [a for a in audit_actions(engine) if a in ("job.approve", "job.reject")]
    assert decisions == [f"job.{winner}"]


# ---- suspension (issue 5: its records leave search at once) ----------------------------------------------


def test_suspending_hides_the_organisation_everywhere_and_reinstating_brings_it_back(app, staff, engine, world):
    with new_session(engine, write=False) as session:
        job = session.get(Job, world["job_b"])
        listing_slug = session.exec(text(f"SELECT slug FROM listing WHERE id = {world['listing_b']}")).one()[0]
    drain_all(engine, app.state.search)
    assert search_hits(staff, "grebe", "job") == [job.slug] and search_hits(staff, "grebe", "listing")

    before = fingerprint(engine)
    missing = post(staff, "/staff/orgs/grebe/suspend", {"reason": ""})
    assert missing.status_code == 422 and "reason" in missing.text and fingerprint(engine) == before
    assert post(staff, "/staff/orgs/nobody/suspend", {"reason": "x"}).status_code == 404

    response = post(staff, "/staff/orgs/grebe/suspend", {"reason": "Fake postings"})
    assert response.status_code == 303
    drain_all(engine, app.state.search)
    visitor = TestClient(app)
    assert visitor.get("/orgs/grebe").status_code == 404
    assert visitor.get(f"/listings/{listing_slug}").status_code == 404
    assert job.slug not in visitor.get("/jobs").text and visitor.get(f"/jobs/{job.slug}").status_code == 410
    for doc_type in ("job", "listing", "organization"):
        assert search_hits(visitor, "grebe", doc_type) == [], doc_type
    orgs = staff.get("/staff/orgs?status=suspended&lang=en").text
    assert 'id="org-grebe"' in orgs and "Fake postings" in orgs and 'id="org-kestrel"' not in orgs
    assert post(staff, "/staff/orgs/grebe/suspend", {"reason": "again"}).status_code == 409

    assert post(staff, "/staff/orgs/grebe/reinstate").status_code == 303
    drain_all(engine, app.state.search)
    assert visitor.get("/orgs/grebe").status_code == 200 and search_hits(visitor, "grebe", "job") == [job.slug]
    with new_session(engine, write=False) as session:
        entries = session.exec(select(AuditEntry).where(AuditEntry.action.in_(["org.suspend", "org.reinstate"]))
                               .order_by(AuditEntry.id)).all()
    assert [e.action for e in entries] == ["org.suspend", "org.reinstate"]
    assert entries[0].detail == {"reason": "Fake postings"} and entries[0].actor_id and entries[0].request_id


def test_the_organisations_list_searches_by_name(staff):
    page = staff.get("/staff/orgs?q=kestr")
    assert page.status_code == 200 and 'id="org-kestrel"' in page.text and 'id="org-grebe"' not in page.text
    fragment = staff.get("/staff/orgs?q=grebe", headers={"HX-Request": "true"})
    assert 'id="org-grebe"' in fragment.text and "<html" not in fragment.text
    assert 'id="org-grebe"' not in staff.get("/staff/orgs?q=%25").text  # a literal % is no wildcard
    assert_left_out(staff.get("/staff/orgs?status=pending&lang=en"), "status")


# ---- the audit log ---------------------------------------------------------------------------------------


def test_the_audit_log_is_newest_first_filterable_paged_and_read_only(app, owner, staff, engine):
    job_id = create_draft(owner, engine)
    post(owner, f"/account/orgs/kestrel/jobs/{job_id}/submit")
    post(staff, f"/staff/jobs/{job_id}/reject", {"reason": "Needs a salary"})
    post(owner, f"/account/orgs/kestrel/jobs/{job_id}/submit")
    post(staff, f"/staff/jobs/{job_id}/approve")
    post(staff, "/staff/orgs/grebe/suspend", {"reason": "Spam"})

    page = staff.get("/staff/audit?lang=en").text
    shown = re.findall(r'data-action="([^"]+)"', page)
    assert shown[:4] == ["org.suspend", "job.approve", "job.submit", "job.reject"]
    assert "staff@alliance.example" in page and "Needs a salary" in page
    only = staff.get("/staff/audit?action=job.approve", headers={"HX-Request": "true"}).text
    assert re.findall(r'data-action="([^"]+)"', only) == ["job.approve"] and "<html" not in only
    assert_left_out(staff.get("/staff/audit?page=0&lang=en"), "page")

    with unit_of_work(engine) as session:
        from app import audit
        for n in range(60):
            audit.record(session, action="test.filler", target_type="test", target_id=n)
    second = staff.get("/staff/audit?action=test.filler&page=2").text
    assert len(re.findall(r'data-action="test.filler"', second)) == 10
    # Read-only: nothing in the app edits or deletes an audit entry.
    for method in ("POST", "PUT", "PATCH", "DELETE"):
        assert staff.request(method, "/staff/audit", headers=csrf_headers(staff)).status_code == 405


def test_publishing_and_every_staff_decision_is_audited_with_actor_and_organisation(owner, staff, engine):
    job_id = create_draft(owner, engine)
    post(owner, f"/account/orgs/kestrel/jobs/{job_id}/submit")
    post(staff, f"/staff/jobs/{job_id}/approve")
    with new_session(engine, write=False) as session:
        entry = session.exec(select(AuditEntry).where(AuditEntry.action == "job.approve")).one()
        kestrel = session.exec(select(Organization).where(Organization.slug == "kestrel")).one()
    assert entry.target_type == "job" and entry.target_id == job_id and entry.organization_id == kestrel.id
    assert entry.actor_id is not None and entry.request_id and entry.detail["expires_at"]


# ---- periodic expiry -------------------------------------------------------------------------------------


def test_the_periodic_task_closes_expired_jobs(engine, world):
    # No running app here: its own expiry task would race this one for the same job.
    with unit_of_work(engine) as session:
        kestrel = session.exec(select(Organization).where(Organization.slug == "kestrel")).one()
        expired, live = make_job(session, kestrel), make_job(session, kestrel)
        expired.expires_at = utcnow() - timedelta(minutes=1)
        expired_id, live_id = expired.id, live.id

    delivered = []

    async def one_pass():
        task = asyncio.create_task(expire_periodically(engine, interval=3600, after=lambda: delivered.append(1)))
        for _ in range(1000):  # up to 20 s on a busy machine; usually a few milliseconds
            await asyncio.sleep(0.02)
            if delivered:
                break
        task.cancel()

    asyncio.run(one_pass())
    assert delivered == [1]
    assert the_job(engine, expired_id).status == JobStatus.closed
    assert the_job(engine, live_id).status == JobStatus.published
    with new_session(engine, write=False) as session:
        entry = session.exec(select(AuditEntry).where(AuditEntry.action == "job.expire")).one()
    assert entry.detail == {"closed": 1} and entry.actor_id is None
    assert run_expiry(engine) == 0  # nothing left to do, nothing audited
    assert audit_actions(engine).count("job.expire") == 1


def test_the_app_runs_the_expiry_task_in_its_lifespan(settings, engine, world):
    with unit_of_work(engine) as session:
        job = session.get(Job, world["job_b"])
        job.expires_at = utcnow() - timedelta(minutes=1)
    with TestClient(create_app(settings)):
        for _ in range(250):
            if the_job(engine, world["job_b"]).status == JobStatus.closed:
                break
            threading.Event().wait(0.02)
    assert the_job(engine, world["job_b"]).status == JobStatus.closed


def test_suspended_organisations_members_see_their_jobs_but_nothing_is_public(app, owner, staff, engine):
    job_id = create_draft(owner, engine)
    post(owner, f"/account/orgs/kestrel/jobs/{job_id}/submit")
    post(staff, f"/staff/jobs/{job_id}/approve")
    post(staff, "/staff/orgs/kestrel/suspend", {"reason": "Checking"})
    with new_session(engine, write=False) as session:
        status = session.exec(select(Organization.status).where(Organization.slug == "kestrel")).one()
    assert status == OrgStatus.suspended
    assert owner.get("/account/orgs/kestrel/jobs").status_code == 200
    assert the_job(engine, job_id).slug not in TestClient(app).get("/jobs").text
