"""Saving a search from a board, the account page, the signed feed and the unsubscribe link."""

import html
import re
from xml.etree import ElementTree

from sqlmodel import func, select

from app.accounts.schemas import UserCreate
from app.accounts.service import create_user
from app.alerts.digests import run_alerts
from app.alerts.service import MAX_SAVED_SEARCHES, link_token
from app.db import unit_of_work
from app.models import SavedSearch
from tests.factories import make_job, make_org
from tests.helpers import PASSWORD, post_form, sign_in

ATOM = "{http://www.w3.org/2005/Atom}"


def _users(engine, *emails):
    with unit_of_work(engine) as session:
        for email in emails:
            create_user(session, data=UserCreate(email=email, password=PASSWORD))


def _searches(engine):
    with unit_of_work(engine) as session:
        return session.exec(select(SavedSearch).order_by(SavedSearch.id)).all()


def _count(engine):
    with unit_of_work(engine) as session:
        return session.exec(select(func.count()).select_from(SavedSearch)).one()


def test_the_board_offers_to_save_its_search_and_signed_out_readers_to_sign_in(client, engine):
    page = client.get("/jobs?function=rd&q=qubit")
    assert "Sign in to save this search" in page.text or "登录后保存此搜索" in page.text
    assert "/account/login?next=/jobs%3Ffunction%3Drd%26q%3Dqubit" in page.text
    _users(engine, "u@example.org")
    sign_in(client, "u@example.org")
    page = client.get("/jobs/students?employment_type=internship&lang=en")
    assert 'form="save-search" name="query" value="employment_type=internship&amp;lang=en"' in page.text
    assert 'action="/account/searches"' in page.text and 'name="path" value="/jobs/students"' in page.text
    assert "Save this search" in client.get("/marketplace/hardware?lang=en").text


def test_saving_normalises_the_query_and_names_it_in_the_readers_language(client, engine):
    _users(engine, "u@example.org")
    sign_in(client, "u@example.org")
    response = post_form(client, "/account/searches?lang=en", {
        "path": "/jobs", "query": "q=cryostat&page=3&lang=en&workplace=remote&function=rd&function=engineering",
        "frequency": "weekly"})
    assert response.status_code == 303
    [search] = _searches(engine)
    assert (search.kind, search.path, search.frequency, search.language) == ("jobs", "/jobs", "weekly", "en")
    assert search.query == "function=engineering&function=rd&q=cryostat&workplace=remote"
    assert search.name.startswith("Jobs · “cryostat”")
    page = client.get("/account/searches?lang=en")
    assert html.escape(search.name, quote=False) in page.text and 'href="/jobs?function=engineering&amp;function=rd' in page.text
    assert f"/account/searches/{search.id}/feed.xml?token=" in page.text


def test_bad_input_is_a_422_naming_the_field_and_saves_nothing(client, engine):
    _users(engine, "u@example.org")
    sign_in(client, "u@example.org")
    cases = [
        ({"path": "/account"}, "path"),
        ({"path": "/marketplace/no-such-top"}, "path"),
        ({"path": "/jobs", "query": "function=astrology"}, "query"),
        ({"path": "/jobs", "query": "kind=product"}, "query"),
        ({"path": "/marketplace", "query": "trl=12"}, "query"),
        ({"path": "/jobs", "name": "x" * 121}, "name"),
        ({"path": "/jobs", "frequency": "hourly"}, "frequency"),
    ]
    for data, field in cases:
        response = post_form(client, "/account/searches?lang=en", data)
        assert response.status_code == 422, (data, response.status_code)
        assert f'data-field="{field}"' in response.text, (data, response.text[:500])
    assert _count(engine) == 0


def test_a_user_keeps_at_most_the_limit(client, engine):
    _users(engine, "u@example.org")
    sign_in(client, "u@example.org")
    for n in range(MAX_SAVED_SEARCHES):
        assert post_form(client, "/account/searches", {"path": "/jobs", "query": f"q=word{n}"}).status_code == 303
    response = post_form(client, "/account/searches?lang=en", {"path": "/jobs", "query": "q=one-more"})
    assert response.status_code == 422 and f"at most {MAX_SAVED_SEARCHES} saved searches" in response.text
    assert _count(engine) == MAX_SAVED_SEARCHES


def test_rename_frequency_and_delete_and_another_users_search_is_404(client, engine):
    _users(engine, "u@example.org", "other@example.org")
    sign_in(client, "u@example.org")
    post_form(client, "/account/searches", {"path": "/marketplace/hardware", "query": "kind=product"})
    [search] = _searches(engine)
    assert post_form(client, f"/account/searches/{search.id}/rename", {"name": "  Cryo   kit "}).status_code == 303
    assert post_form(client, f"/account/searches/{search.id}/frequency", {"frequency": "instant"}).status_code == 303
    [search] = _searches(engine)
    assert (search.name, search.frequency) == ("Cryo kit", "instant")
    assert post_form(client, f"/account/searches/{search.id}/rename", {"name": " "}).status_code == 422
    assert post_form(client, f"/account/searches/{search.id}/frequency", {"frequency": "hourly"}).status_code == 422

    sign_in(client, "other@example.org")
    for action, data in (("rename", {"name": "Mine"}), ("frequency", {"frequency": "daily"}), ("delete", {})):
        assert post_form(client, f"/account/searches/{search.id}/{action}", data).status_code == 404
    assert "Cryo kit" not in client.get("/account/searches").text
    assert _searches(engine)[0].name == "Cryo kit"

    sign_in(client, "u@example.org")
    assert post_form(client, f"/account/searches/{search.id}/delete").status_code == 303
    assert _count(engine) == 0


def test_the_feed_answers_to_its_signed_token_only(client, engine, settings):
    _users(engine, "u@example.org")
    sign_in(client, "u@example.org")
    post_form(client, "/account/searches?lang=en", {"path": "/jobs", "query": "function=engineering"})
    [search] = _searches(engine)
    with unit_of_work(engine) as session:
        org = make_org(session, slug="feed-employer")
        make_job(session, org, title="Older engineer", function="engineering")
        make_job(session, org, title="Newer engineer", function="engineering")
        make_job(session, org, title="Counsel", function="legal")
    token = link_token(search, secret_key=settings.secret_key, purpose="feed")
    client.cookies.clear()  # a feed reader has no session
    response = client.get(f"/account/searches/{search.id}/feed.xml", params={"token": token})
    assert response.status_code == 200 and response.headers["content-type"].startswith("application/atom+xml")
    titles = [e.findtext(f"{ATOM}title") for e in ElementTree.fromstring(response.content).iter(f"{ATOM}entry")]
    assert titles == ["Newer engineer", "Older engineer"]
    unsubscribe = link_token(search, secret_key=settings.secret_key, purpose="unsubscribe")
    for bad in ("", token[:-2] + "xx", unsubscribe, "not-a-token"):
        assert client.get(f"/account/searches/{search.id}/feed.xml", params={"token": bad}).status_code == 404
    assert client.get(f"/account/searches/{search.id + 1}/feed.xml", params={"token": token}).status_code == 404


def _mailed_search(client, engine, settings, smtp):
    _users(engine, "u@example.org")
    sign_in(client, "u@example.org")
    post_form(client, "/account/searches?lang=en", {"path": "/jobs", "query": "", "frequency": "instant"})
    with unit_of_work(engine) as session:
        make_job(session, make_org(session, slug="mail-employer"), title="First engineer")
    settings = settings.model_copy(update={"smtp_url": smtp.url})
    assert run_alerts(engine, settings, None, base_url="http://testserver").mails == 1
    url = smtp.parsed()[0]["List-Unsubscribe"].strip("<>")
    client.cookies.clear()
    return settings, url.removeprefix("http://testserver")


def test_unsubscribe_asks_on_get_and_stops_on_post_without_a_sign_in(client, engine, settings, smtp):
    settings, path = _mailed_search(client, engine, settings, smtp)
    page = client.get(path + "?lang=en")
    assert page.status_code == 200 and "Stop the e-mails" in page.text
    assert _searches(engine)[0].unsubscribed_at is None  # a GET (a link scanner) changes nothing
    form_token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    assert client.post(path, data={"csrf_token": form_token}).status_code == 200
    assert _searches(engine)[0].unsubscribed_at is not None
    with unit_of_work(engine) as session:
        make_job(session, make_org(session, slug="later-employer"), title="Second engineer")
    assert run_alerts(engine, settings, None).mails == 0 and len(smtp.messages) == 1


def test_one_click_unsubscribe_is_a_bare_post_from_the_mail_client(client, engine, settings, smtp):
    _settings, path = _mailed_search(client, engine, settings, smtp)
    response = client.post(path, data={"List-Unsubscribe": "One-Click"})  # RFC 8058: no cookie, no CSRF token
    assert response.status_code == 200
    assert _searches(engine)[0].unsubscribed_at is not None
    assert client.post(path, data={"List-Unsubscribe": "One-Click"}).status_code == 200  # twice: harmless


def test_a_tampered_unsubscribe_link_is_a_clear_404(client, engine, settings, smtp):
    _settings, path = _mailed_search(client, engine, settings, smtp)
    for bad in (path[:-3] + "abc", "/alerts/unsubscribe/WzksOV0.garbage", "/alerts/unsubscribe/%00%ff",
                "/alerts/unsubscribe/" + "a" * 300):
        for method in ("GET", "POST"):
            response = client.request(method, bad + "?lang=en")
            assert response.status_code in (404, 422), (method, bad, response.status_code)
    assert "this link is not valid" in client.get(path[:-3] + "abc?lang=en").text
    assert _searches(engine)[0].unsubscribed_at is None
