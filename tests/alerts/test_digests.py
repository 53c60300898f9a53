"""Digests of saved searches through a real SMTP server: once per new matching record, never twice."""

import threading
from datetime import timedelta

import pytest
from sqlmodel import select

from app.accounts.schemas import UserCreate
from app.accounts.service import create_user
from app.alerts.digests import claim, run_alerts, send_digests
from app.alerts.matching import matching
from app.alerts.schemas import parse_query, target_of
from app.alerts.service import save_search
from app.db import unit_of_work
from app.models import SavedSearch, SavedSearchDelivery
from app.models.base import utcnow
from app.search.backend import create_backend
from app.search.service import reindex
from tests.factories import make_job, make_listing, make_org
from tests.helpers import PASSWORD


@pytest.fixture
def mail_settings(settings, smtp):
    return settings.model_copy(update={"smtp_url": smtp.url})


def _user_with_search(engine, *, path="/jobs", query="function=engineering", frequency="instant", language="en",
                      email="seeker@example.org", now=None):
    with unit_of_work(engine) as session:
        user = create_user(session, data=UserCreate(email=email, password=PASSWORD))
        search = save_search(session, user=user, path=path, query=query, frequency=frequency, language=language,
                             now=now)
        org = make_org(session, slug=f"employer-{user.id}")
        return search.id, org.id


def _add_job(engine, org_id, **values):
    from app.models import Organization

    with unit_of_work(engine) as session:
        job = make_job(session, session.get(Organization, org_id), **values)
        return job.slug


def _send(engine, settings, now=None):
    with unit_of_work(engine) as session:
        return send_digests(session, settings=settings, backend=None, base_url="https://qm.test", now=now)


def test_a_new_matching_job_is_mailed_once_with_its_link_and_unsubscribe_headers(engine, mail_settings, smtp):
    search_id, org_id = _user_with_search(engine)
    slug = _add_job(engine, org_id, title="Cryostat engineer", function="engineering")
    _add_job(engine, org_id, title="Patent counsel", function="legal")  # does not match

    report = _send(engine, mail_settings)
    assert (report.mails, report.records) == (1, 1)
    [mail] = smtp.parsed()
    body = mail.get_content()
    assert mail["To"] == "seeker@example.org"
    assert "Cryostat engineer" in body and f"https://qm.test/jobs/{slug}" in body
    assert "Patent counsel" not in body
    unsubscribe = mail["List-Unsubscribe"].strip("<>")
    assert unsubscribe.startswith("https://qm.test/alerts/unsubscribe/") and unsubscribe in body
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    assert _send(engine, mail_settings).mails == 0  # the second run finds it delivered
    assert len(smtp.messages) == 1
    with unit_of_work(engine) as session:
        assert session.get(SavedSearch, search_id).last_sent_at is not None


def test_no_mail_when_nothing_new_matches(engine, mail_settings, smtp):
    _search_id, org_id = _user_with_search(engine, query="function=rd&country=DE")
    _add_job(engine, org_id, function="rd")  # in China
    assert _send(engine, mail_settings).mails == 0
    assert smtp.messages == []


def test_records_from_before_the_search_was_saved_are_not_mailed(engine, mail_settings, smtp):
    with unit_of_work(engine) as session:
        make_job(session, make_org(session, slug="old-employer"), function="engineering")
    _user_with_search(engine)
    assert _send(engine, mail_settings).mails == 0


def test_daily_and_weekly_searches_wait_for_their_period(engine, mail_settings, smtp):
    start = utcnow()
    _user_with_search(engine, frequency="daily", email="daily@example.org", now=start)
    _search, org_id = _user_with_search(engine, frequency="weekly", email="weekly@example.org", now=start)
    _add_job(engine, org_id, function="engineering")

    assert _send(engine, mail_settings, now=start + timedelta(hours=6)).due == 0
    assert _send(engine, mail_settings, now=start + timedelta(days=1, minutes=1)).mails == 1
    assert [m["To"] for m in smtp.parsed()] == ["daily@example.org"]
    assert _send(engine, mail_settings, now=start + timedelta(days=3)).mails == 0
    assert _send(engine, mail_settings, now=start + timedelta(days=7, minutes=1)).mails == 1
    assert [m["To"] for m in smtp.parsed()] == ["daily@example.org", "weekly@example.org"]


def test_the_digest_is_in_the_language_the_search_was_saved_in(engine, mail_settings, smtp):
    _search, org_id = _user_with_search(engine, language="zh")
    _add_job(engine, org_id, title="Cryostat engineer", title_zh="低温工程师", function="engineering")
    _send(engine, mail_settings)
    [mail] = smtp.parsed()
    body = mail.get_content()
    assert "低温工程师" in body and "Cryostat engineer" not in body
    assert "您保存的搜索" in body and "New since" not in body
    assert "您保存的搜索" in mail["Subject"] and mail["Content-Language"] == "zh-CN"


def test_marketplace_searches_match_new_visible_listings_of_their_category(engine, mail_settings, smtp):
    _search, org_id = _user_with_search(engine, path="/marketplace/hardware", query="kind=product")
    from app.models import Organization

    with unit_of_work(engine) as session:
        org = session.get(Organization, org_id)
        make_listing(session, org, title="Pulse-tube cryocooler", kind="product")
        make_listing(session, org, title="Cryostat servicing", kind="service")
    _send(engine, mail_settings)
    [mail] = smtp.parsed()
    assert "Pulse-tube cryocooler" in mail.get_content() and "Cryostat servicing" not in mail.get_content()


def test_words_are_matched_by_the_search_engine(engine, settings, smtp):
    settings = settings.model_copy(update={"smtp_url": smtp.url})
    _search, org_id = _user_with_search(engine, query="q=cryostat")
    _add_job(engine, org_id, title="Cryostat engineer", description="Keeps cryostats cold.")
    _add_job(engine, org_id, title="Sales manager", description="Sells lasers.")
    backend = create_backend(settings)
    try:
        backend.ensure_ready()
        reindex(engine, backend)
        report = run_alerts(engine, settings, backend, base_url="https://qm.test")
    finally:
        backend.close()
    assert report.mails == 1
    body = smtp.parsed()[0].get_content()
    assert "Cryostat engineer" in body and "Sales manager" not in body


def test_overlapping_runs_mail_each_record_once(engine, mail_settings, smtp):
    _search, org_id = _user_with_search(engine)
    _add_job(engine, org_id, function="engineering")
    barrier = threading.Barrier(2)

    def run():
        barrier.wait()
        run_alerts(engine, mail_settings, None, base_url="https://qm.test")

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(smtp.messages) == 1


def test_a_pass_that_read_before_another_committed_cannot_claim_its_records(engine, monkeypatch):
    """Two sessions racing the delivery insert: the late one's insert fails on the unique constraint."""
    from app.alerts import digests

    search_id, org_id = _user_with_search(engine)
    _add_job(engine, org_id, function="engineering")
    with unit_of_work(engine) as session:
        search = session.get(SavedSearch, search_id)
        target = target_of(search.path)
        found = matching(session, None, target, parse_query(target.kind, search.query), since=None, now=utcnow(),
                         limit=10)
    assert len(found) == 1
    with unit_of_work(engine) as first:
        assert len(claim(first, first.get(SavedSearch, search_id), found, now=utcnow())) == 1
    # The second pass read the delivery rows before the first committed: it saw none.
    monkeypatch.setattr(digests, "_delivered", lambda session, search: set())
    with unit_of_work(engine) as second:
        assert claim(second, second.get(SavedSearch, search_id), found, now=utcnow()) == []
    with unit_of_work(engine) as session:
        assert len(session.exec(select(SavedSearchDelivery)).all()) == 1


def test_no_mail_after_unsubscribing(engine, mail_settings, smtp):
    search_id, org_id = _user_with_search(engine)
    with unit_of_work(engine) as session:
        from app.alerts.service import unsubscribe

        unsubscribe(session, search=session.get(SavedSearch, search_id))
    _add_job(engine, org_id, function="engineering")
    assert _send(engine, mail_settings).due == 0
    assert smtp.messages == []


def test_a_saved_directory_search_finds_new_organisations_as_the_directory_does(client, engine, settings, smtp):
    """Saved from /orgs: offers (declared or listed), region and the name match, as the page filters them."""
    from app.accounts.schemas import UserCreate
    from app.accounts.service import create_user
    from app.alerts.digests import run_alerts
    from app.db import unit_of_work
    from tests.factories import make_org
    from tests.helpers import PASSWORD, post_form, sign_in

    with unit_of_work(engine) as session:
        create_user(session, data=UserCreate(email="buyer@example.org", password=PASSWORD))
    sign_in(client, "buyer@example.org")
    saved = post_form(client, "/account/searches?lang=en", {"path": "/orgs", "query": "offers=hardware&region=central",
                                                            "frequency": "instant"})
    assert saved.status_code == 303, saved.text[:500]
    with unit_of_work(engine) as session:
        make_org(session, slug="new-hefei-cryo", name="New Hefei Cryo", offers=["hardware/cryogenics"])
        make_org(session, slug="new-beijing-law", name="New Beijing Law", city="Beijing", province="CN-BJ",
                 offers=["services/legal"])
    run_alerts(engine, settings.model_copy(update={"smtp_url": smtp.url}), None)
    (mail,) = smtp.parsed()
    body = mail.get_body(preferencelist=("plain",)).get_content()
    assert "New Hefei Cryo" in body and "New Beijing Law" not in body


def test_a_saved_job_search_keeps_its_pay_and_place_filters(client, engine, settings, smtp):
    from app.accounts.schemas import UserCreate
    from app.accounts.service import create_user
    from app.alerts.digests import run_alerts
    from app.db import unit_of_work
    from tests.factories import make_job, make_org
    from tests.helpers import PASSWORD, post_form, sign_in

    with unit_of_work(engine) as session:
        create_user(session, data=UserCreate(email="seeker@example.org", password=PASSWORD))
        org = make_org(session, slug="pay-org")
    sign_in(client, "seeker@example.org")
    saved = post_form(client, "/account/searches?lang=en", {"path": "/jobs", "frequency": "instant",
                                                            "query": "pay_min=20000&location=合肥&posted="})
    assert saved.status_code == 303, saved.text[:400]
    with unit_of_work(engine) as session:
        make_job(session, org, title="Well paid in Hefei", city="Hefei", salary_min=25000, salary_max=30000,
                 salary_currency="CNY", salary_period="month")
        make_job(session, org, title="Poorly paid in Hefei", city="Hefei", salary_min=5000, salary_max=6000,
                 salary_currency="CNY", salary_period="month")
        make_job(session, org, title="Well paid in Beijing", city="Beijing", salary_min=25000, salary_max=30000,
                 salary_currency="CNY", salary_period="month")
    run_alerts(engine, settings.model_copy(update={"smtp_url": smtp.url}), None)
    (mail,) = smtp.parsed()
    body = mail.get_body(preferencelist=("plain",)).get_content()
    assert "Well paid in Hefei" in body and "Poorly paid" not in body and "Beijing" not in body
