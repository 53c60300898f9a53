"""What every route and every response promises, generated from the route table (RELIABILITY 36–42).

- Forged unsafe requests (no token, another browser's token, a foreign Origin, Sec-Fetch-Site: cross-site)
  are refused with 403 on every unsafe HTML route and change nothing.
- Signed-in pages are kept out of htmx's history cache and out of shared caches.
- Errors show a generic page with an incident id and no internals; production hides the API explorer and
  files that must never be served; TRACE is not allowed; CORS is not opened to other sites.
"""

import re

import pytest
from fastapi import APIRouter
from fastapi.testclient import TestClient
from sqlalchemy import text

from app.accounts.schemas import UserCreate
from app.accounts.service import create_user
from app.db import unit_of_work
from app.main import create_app
from app.models import Membership
from app.models.vocab import MemberRole
from app.security.csrf import CSRF_COOKIE
from tests.factories import make_job, make_listing, make_org
from tests.helpers import app_routes, csrf_headers

PASSWORD = "correct horse battery staple"
UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
EVIL = "https://evil.example"


def fingerprint(engine) -> dict[str, int]:
    """Every table's content; rate-limit attempts and sessions are left out (counting an attempt is fine)."""
    with engine.connect() as connection:
        tables = [row[0] for row in connection.execute(text(
            "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' AND name NOT IN "
            "('rate_limit_hit', 'user_session', 'lease', 'alembic_version', 'search_outbox')"))]
        return {t: hash(tuple(connection.execute(text(f'SELECT * FROM "{t}" ORDER BY 1')).fetchall())) for t in tables}


def concrete(path: str, ids: dict[str, str]) -> str:
    """Fill path parameters: {slug} is the signed-in owner's organisation, ids are real records where it
    matters little which (the request must be refused before the route runs)."""
    return re.sub(r"\{(\w+)(?::\w+)?\}", lambda m: ids.get(m.group(1), "1"), path)


@pytest.fixture
def signed_in(settings, engine):
    with unit_of_work(engine) as session:
        org = make_org(session, slug="org-a")
        make_listing(session, org)
        make_job(session, org)
        staff = create_user(session, data=UserCreate(email="staff@alliance.example", password=PASSWORD))
        staff.is_staff = True
        session.add(Membership(user_id=staff.id, organization_id=org.id, role=MemberRole.owner))
    app = create_app(settings)
    with TestClient(app) as client:
        token = csrf_headers(client)["X-CSRF-Token"]
        response = client.post("/account/login", data={"email": "staff@alliance.example", "password": PASSWORD,
                                                        "csrf_token": token}, follow_redirects=False)
        assert response.status_code == 303
        yield app, client


def unsafe_html_routes(app) -> list[tuple[str, str]]:
    """Left out, like the API: paths whose signed URL token is the credential (the RFC 8058 one-click
    unsubscribe, POSTed by mail clients without cookies; tests/alerts/test_pages.py tests its tokens)."""
    from app.security.csrf import TOKEN_AUTHENTICATED

    return sorted({(method, route.path) for route in app_routes(app.routes) for method in route.methods & UNSAFE
                   if not route.path.startswith(("/api/", *TOKEN_AUTHENTICATED))})


FORGERIES = {
    "no token": lambda good: ({}, {}),
    "another browser's token": lambda good: ({"X-CSRF-Token": "a" * 43}, {"csrf_token": "a" * 43}),
    "foreign origin": lambda good: ({"X-CSRF-Token": good, "Origin": EVIL}, {"csrf_token": good}),
    "cross-site fetch": lambda good: ({"X-CSRF-Token": good, "Sec-Fetch-Site": "cross-site"}, {"csrf_token": good}),
}


@pytest.mark.parametrize("forgery", sorted(FORGERIES))
def test_every_unsafe_route_refuses_a_forged_request_and_changes_nothing(signed_in, engine, forgery):
    app, client = signed_in
    good = client.cookies[CSRF_COOKIE]
    routes = unsafe_html_routes(app)
    assert len(routes) >= 30, "the route table should hold the member and staff forms"
    for method, path in routes:
        headers, form = FORGERIES[forgery](good)
        before = fingerprint(engine)
        response = client.request(method, concrete(path, {"slug": "org-a"}), headers=headers, data=form,
                                  follow_redirects=False)
        assert response.status_code == 403, (forgery, method, path, response.status_code)
        assert fingerprint(engine) == before, (forgery, method, path)


def test_the_token_check_also_applies_to_htmx_requests(signed_in):
    _, client = signed_in
    response = client.post("/account/logout", headers={"HX-Request": "true"})
    assert response.status_code == 403
    assert client.get("/account", follow_redirects=False).status_code == 200  # still signed in


def test_signed_in_pages_stay_out_of_history_and_shared_caches(signed_in):
    app, client = signed_in
    pages = sorted({route.path for route in app_routes(app.routes) if "GET" in route.methods
                    and re.match(r"^/(account|staff)(/|$)", route.path)
                    and not set(re.findall(r"\{(\w+)", route.path)) - {"slug"}})
    assert len(pages) >= 8
    for path in pages:
        response = client.get(concrete(path, {"slug": "org-a"}), follow_redirects=False)
        if response.status_code != 200 or not response.headers["content-type"].startswith("text/html"):
            continue
        assert 'hx-history="false"' in response.text, path
        assert "no-store" in response.headers["cache-control"], path
    public = client.get("/marketplace")
    assert "no-store" in public.headers["cache-control"] and 'hx-history="false"' in public.text


def test_anonymous_public_pages_may_be_cached_in_history(client):
    assert 'hx-history="false"' not in client.get("/").text


def _crashing_app(settings):
    app = create_app(settings)
    router = APIRouter()

    @router.get("/boom")
    @router.get("/api/v1/boom")
    def boom():
        raise RuntimeError("secret-connection-string postgresql://admin:hunter2@db/prod")

    app.include_router(router)
    return app


@pytest.mark.parametrize("path", ["/boom", "/api/v1/boom"])
def test_an_unexpected_error_shows_an_incident_id_and_no_internals(settings, engine, path, caplog):
    with TestClient(_crashing_app(settings), raise_server_exceptions=False) as client:
        response = client.get(path)
    assert response.status_code == 500
    body = response.text
    assert "hunter2" not in body and "Traceback" not in body and "RuntimeError" not in body and ".py" not in body
    incident = re.search(r"incident ([0-9a-f]{8,})", body)
    assert incident, body
    assert incident.group(1) in caplog.text  # the operator finds the traceback by the id the user reports
    assert "content-security-policy" in response.headers and response.headers["x-content-type-options"] == "nosniff"
    assert "server" not in response.headers and "x-powered-by" not in response.headers


def test_trace_is_not_allowed(client):
    assert client.request("TRACE", "/").status_code == 405


@pytest.mark.parametrize("path", ["/openapi.json", "/redoc", "/.git/config", "/.env", "/var/qmarket.db",
                                  "/static/../pyproject.toml"])
def test_production_serves_no_explorer_and_no_private_files(tmp_path, path):
    from app.config import Settings

    settings = Settings(environment="production", https=True, secret_key="p" * 40,
                        database_url=f"sqlite:///{tmp_path}/p.db", search_path=str(tmp_path / "s.db"))
    with TestClient(create_app(settings), base_url="https://testserver") as client:
        response = client.get(path)
    assert response.status_code == 404, path


def test_production_documents_the_api_alone(tmp_path):
    """The API's own docs are public in production (integrators need them); they describe /api/v1 only."""
    from app.config import Settings

    settings = Settings(environment="production", https=True, secret_key="p" * 40,
                        database_url=f"sqlite:///{tmp_path}/p.db", search_path=str(tmp_path / "s.db"))
    with TestClient(create_app(settings), base_url="https://testserver") as client:
        moved = client.get("/docs", follow_redirects=False)
        assert moved.status_code == 308 and moved.headers["location"] == "/api/v1/docs"
        paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert paths and all(path.startswith("/api/v1/") for path in paths)


def test_a_preflight_from_another_site_opens_nothing(client):
    response = client.options("/api/v1/search", headers={"Origin": EVIL, "Access-Control-Request-Method": "GET",
                                                         "Access-Control-Request-Headers": "authorization"})
    assert "access-control-allow-origin" not in response.headers
    assert "access-control-allow-credentials" not in response.headers
    response = client.get("/api/v1/search?q=qubit", headers={"Origin": EVIL})
    assert "access-control-allow-origin" not in response.headers


@pytest.mark.parametrize("path", ["/static/css/qmarket.css", "/api/v1/search?q=qubit", "/api/v1/search?per_page=x",
                                  "/no-such-page", "/jobs/feed.xml", "/sitemap.xml", "/healthz"])
def test_every_kind_of_response_carries_the_headers_and_a_charset(client, path):
    response = client.get(path)
    csp = response.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in csp and "unsafe-eval" not in csp and "unsafe-inline" not in csp
    assert response.headers["x-content-type-options"] == "nosniff"
    assert "referrer-policy" in response.headers
    content_type = response.headers["content-type"]
    if content_type.startswith(("text/", "application/json", "application/xml", "application/atom")):
        assert "charset=utf-8" in content_type.lower() or content_type.startswith("application/json"), (path, content_type)
