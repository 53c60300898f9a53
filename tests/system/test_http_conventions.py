"""HTTP conventions (app/http_cache.py): no cookie for an anonymous reader, Cache-Control that keeps a
member's pages out of shared caches, Vary, strong ETags with 304, HEAD wherever GET, and gzip."""

import re

import pytest
from fastapi.testclient import TestClient
from sqlmodel import select

from app.db import unit_of_work
from app.main import create_app
from app.models import Organization
from tests.factories import make_group, make_job, make_listing, make_org, make_webinar
from tests.helpers import app_routes, sign_in

ANONYMOUS_PAGES = ["/", "/marketplace", "/marketplace/hardware", "/orgs/kestrel-quantum",
                   "/listings/kestrel-fridge", "/jobs", "/jobs/students", "/webinars", "/groups", "/learn",
                   "/insights", "/search?q=fridge", "/orgs/kestrel-quantum/partners"]
TAGGED = ["/jobs/feed.xml", "/webinars/recordings.xml", "/webinars.ics", "/sitemap.xml",
          "/api/v1/orgs", "/api/v1/listings?limit=5", "/insights/regions.csv"]  # not search: its index is rebuilt as the app starts


@pytest.fixture
def site(settings, engine):
    from app.accounts.schemas import UserCreate
    from app.accounts.service import create_user

    with unit_of_work(engine) as session:
        org = make_org(session, slug="kestrel-quantum", name="Kestrel Quantum")
        listing = make_listing(session, org, slug="kestrel-fridge", title="Kestrel fridge")
        job = make_job(session, org)
        webinar = make_webinar(session, days_from_now=7, presenters=[org], listings=[listing])
        group = make_group(session, members=[org])
        create_user(session, data=UserCreate(email="member@kestrel.example", password="correct horse battery staple"))
        slugs = {"job": job.slug, "webinar": webinar.slug, "group": group.slug}
    with TestClient(create_app(settings)) as client:
        yield client, slugs


def test_an_anonymous_reader_gets_no_cookie_and_public_cache_headers(site):
    client, slugs = site
    for path in ANONYMOUS_PAGES + [f"/jobs/{slugs['job']}", f"/webinars/{slugs['webinar']}", f"/groups/{slugs['group']}"]:
        client.cookies.clear()
        response = client.get(path)
        assert response.status_code == 200, path
        assert "set-cookie" not in response.headers, path
        assert re.fullmatch(r"public, max-age=\d+", response.headers["cache-control"]), path
        vary = {v.strip() for v in response.headers["vary"].split(",")}
        assert {"Accept-Language", "Cookie", "HX-Request"} <= vary, path


def test_a_form_page_still_gets_its_token_and_the_form_works(site):
    client, _ = site
    client.cookies.clear()
    login = client.get("/account/login")
    assert "qm_csrf=" in login.headers["set-cookie"] and "no-store" in login.headers["cache-control"]
    sign_in(client, "member@kestrel.example")  # the token from the page's own form
    assert client.get("/account").status_code == 200


def test_a_members_pages_are_private(site):
    client, _ = site
    sign_in(client, "member@kestrel.example")
    for path in ("/", "/marketplace", "/account", "/jobs/feed.xml"):
        assert client.get(path).headers["cache-control"] == "private, no-store", path
    client.cookies.clear()
    token_call = client.get("/api/v1/search?q=fridge", headers={"Authorization": "Bearer not-a-real-token"})
    assert "no-store" in token_call.headers["cache-control"]


@pytest.mark.parametrize("path", TAGGED)
def test_feeds_calendars_sitemap_csv_and_the_api_carry_a_strong_etag_and_answer_304(site, path):
    client, _ = site
    client.cookies.clear()
    first = client.get(path)
    assert first.status_code == 200
    etag = first.headers["etag"]
    assert re.fullmatch(r'"[0-9a-f]{32}"', etag)  # strong: no W/
    again = client.get(path, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b"" and again.headers["etag"] == etag
    assert "public" in again.headers["cache-control"]
    assert client.get(path, headers={"If-None-Match": '"something-else"'}).status_code == 200


def test_the_etag_follows_the_data_and_the_encoding(site, engine):
    client, _ = site
    plain = client.get("/jobs/feed.xml", headers={"Accept-Encoding": "identity"})
    packed = client.get("/jobs/feed.xml", headers={"Accept-Encoding": "gzip"})
    assert packed.headers["content-encoding"] == "gzip" and "content-encoding" not in plain.headers
    assert packed.headers["etag"] != plain.headers["etag"]  # each representation its own strong tag
    with unit_of_work(engine) as session:
        org = session.exec(select(Organization)).one()
        make_job(session, org, title="Cryogenic engineer, night shift")
    changed = client.get("/jobs/feed.xml", headers={"Accept-Encoding": "identity", "If-None-Match": plain.headers["etag"]})
    assert changed.status_code == 200 and "night shift" in changed.text


def test_head_answers_wherever_get_does_with_the_same_status_and_no_body(site):
    client, _ = site
    app = client.app
    paths = sorted({route.path for route in app_routes(app.routes) if "GET" in route.methods and "{" not in route.path
                    and not route.path.startswith(("/account", "/staff"))})
    assert "/healthz" in paths and len(paths) > 15
    for path in paths:
        client.cookies.clear()
        got, head = client.get(path, follow_redirects=False), client.head(path, follow_redirects=False)
        assert head.status_code == got.status_code, path
        assert head.content == b"", path
        assert head.headers.get("content-type") == got.headers.get("content-type"), path


def test_html_json_css_and_js_are_compressed_small_answers_are_not(site):
    client, _ = site
    for path in ("/marketplace", "/api/v1/insights", "/static/css/qmarket.css", "/static/vendor/htmx-2.0.11.min.js"):
        response = client.get(path, headers={"Accept-Encoding": "gzip"})
        assert response.headers.get("content-encoding") == "gzip", path
    assert "content-encoding" not in client.get("/healthz", headers={"Accept-Encoding": "gzip"}).headers  # tiny
