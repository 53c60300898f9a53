"""Bad input anywhere gets a clear answer naming the field, never a 5xx, and writes nothing (RELIABILITY 24).

Generated from the route table where it can be: every unsafe HTML route is sent a form field holding NUL
(which Postgres cannot store), every page a query parameter holding it. The form-specific limits (10k-char
titles, 2 MB descriptions, 10k tags, wrong types) are tried on the listing and job forms, the largest ones.
"""

import re

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError

from app.accounts.schemas import UserCreate
from app.accounts.service import create_user
from app.catalog.schemas import ListingIn
from app.db import unit_of_work
from app.jobs.schemas import JobIn
from app.main import create_app
from app.models import Membership
from app.models.vocab import MemberRole
from app.validation import field_errors
from tests.factories import make_job, make_listing, make_org
from tests.helpers import app_routes, csrf_headers
from tests.reliability.test_web_surface import concrete, fingerprint

PASSWORD = "correct horse battery staple"
LISTING = {"kind": "product", "category": "hardware/cryogenics", "title": "Zephyrium cryostat",
           "summary": "A cryostat.", "description": "Cold.", "tags": "cryostat, mK", "trl": "7"}
JOB = {"title": "Cryogenic engineer", "function": "engineering", "employment_type": "full_time",
       "workplace": "onsite", "country": "CN", "city": "Hefei", "description": "Service fridges.",
       "apply_url": "https://org-a.example/careers"}


@pytest.fixture
def member(settings, engine):
    with unit_of_work(engine) as session:
        org = make_org(session, slug="org-a")
        ids = {"slug": "org-a", "listing_id": str(make_listing(session, org).id), "job_id": str(make_job(session, org).id)}
        user = create_user(session, data=UserCreate(email="owner@org-a.example", password=PASSWORD))
        user.is_staff = True
        session.add(Membership(user_id=user.id, organization_id=org.id, role=MemberRole.owner))
    app = create_app(settings)
    with TestClient(app) as client:
        response = client.post("/account/login", data={"email": "owner@org-a.example", "password": PASSWORD,
                                                        "csrf_token": csrf_headers(client)["X-CSRF-Token"]},
                               follow_redirects=False)
        assert response.status_code == 303
        yield app, client, ids


def test_a_nul_in_any_form_field_of_any_route_is_422_naming_it_and_writes_nothing(member, engine):
    app, client, ids = member
    client.cookies.set("lang", "en")  # the text below in English; Chinese: tests/test_error_pages.py
    token = csrf_headers(client)["X-CSRF-Token"]
    routes = sorted({(m, r.path) for r in app_routes(app.routes) for m in r.methods & {"POST", "PUT", "PATCH"}
                     if not r.path.startswith("/api/")})
    assert len(routes) >= 30
    for method, path in routes:
        before = fingerprint(engine)
        response = client.request(method, concrete(path, ids), data={"csrf_token": token, "title": "bad\x00title"},
                                  follow_redirects=False)
        assert response.status_code == 422, (method, path, response.status_code)
        assert "title" in response.text and "cannot be stored" in response.text, (method, path)
        assert fingerprint(engine) == before, (method, path)


def test_a_nul_in_a_query_parameter_is_422_on_every_page(member):
    app, client, ids = member
    pages = sorted({r.path for r in app_routes(app.routes) if "GET" in r.methods})
    for path in pages:
        response = client.get(concrete(path, ids), params={"q": "qubit\x00"}, follow_redirects=False)
        assert response.status_code == 422, (path, response.status_code)


@pytest.mark.parametrize(("field", "value"), [
    ("title", "x" * 10_000),
    ("description", "d" * 2_000_000),
    ("tags", ", ".join(f"tag{i}" for i in range(10_000))),
    ("trl", "seven"),
    ("trl", "-1"),
    ("kind", "['product']"),
    ("category", "hardware"),  # a top category, not a leaf
    ("datasheet_url", "javascript:alert(1)"),
    ("datasheet_url", "JaVaScRiPt:alert(1)"),
    ("datasheet_url", "data:text/html,<script>alert(1)</script>"),
    ("datasheet_url", "//evil.example/x"),
    ("datasheet_url", "http://127.0.0.1/"),
    ("summary", "line\x1b[31mred"),
])
def test_the_listing_form_refuses_bad_values_naming_the_field(member, engine, field, value):
    _, client, ids = member
    before = fingerprint(engine)
    response = client.post(f"/account/orgs/{ids['slug']}/listings/new",
                           data=LISTING | {field: value, "csrf_token": csrf_headers(client)["X-CSRF-Token"]},
                           follow_redirects=False)
    assert response.status_code in (413, 422), (field, response.status_code)
    if response.status_code == 422:
        assert re.search(rf'name="{field}"[^>]*aria-invalid="true"|id="{field}-error"|{field}', response.text)
    assert fingerprint(engine) == before


@pytest.mark.parametrize(("field", "value"), [
    ("title", "x" * 10_000),
    ("description", "d" * 2_000_000),
    ("salary_min", "-100"),
    ("salary_min", "lots"),
    ("apply_email", "not an address"),
    ("apply_url", "vbscript:msgbox(1)"),
    ("employment_type", "forever"),
])
def test_the_job_form_refuses_bad_values_and_writes_nothing(member, engine, field, value):
    _, client, ids = member
    before = fingerprint(engine)
    response = client.post(f"/account/orgs/{ids['slug']}/jobs/new",
                           data=JOB | {field: value, "csrf_token": csrf_headers(client)["X-CSRF-Token"]},
                           follow_redirects=False)
    assert response.status_code in (413, 422), (field, response.status_code)
    assert fingerprint(engine) == before


@pytest.mark.parametrize("model", [ListingIn, JobIn, UserCreate])
def test_json_text_with_a_lone_surrogate_is_a_field_error_not_a_database_crash(model):
    """JSON may carry "\\ud800"; Python keeps it, and neither SQLite nor Postgres nor SMTP can encode it."""
    with pytest.raises(ValidationError) as caught:
        model.model_validate({"title": "bad \ud800", "email": "x\ud800@example.com", "password": "p\ud800" * 8})
    messages = {e.field: e.message for e in field_errors(caught.value)}
    assert any("cannot be stored" in m for m in messages.values()), messages


def test_a_description_over_its_limit_is_422_naming_it(member, engine):
    _, client, ids = member
    before = fingerprint(engine)
    response = client.post(f"/account/orgs/{ids['slug']}/listings/new?lang=en",
                           data=LISTING | {"description": "d" * 25_000,
                                           "csrf_token": csrf_headers(client)["X-CSRF-Token"]})
    assert response.status_code == 422 and "description" in response.text
    assert fingerprint(engine) == before


def test_a_body_over_the_limit_is_413_before_it_is_read(client):
    """A declared length over the limit is refused without reading; a chunked body is cut off at the limit."""
    from app.security.body_limit import DEFAULT_LIMIT

    headers = csrf_headers(client) | {"Content-Type": "application/x-www-form-urlencoded"}
    declared = client.post("/account/signup", headers=headers | {"Content-Length": str(100 * 1024 * 1024)},
                           content=b"email=a")
    assert declared.status_code == 413 and "too large" in declared.text
    assert declared.headers["x-content-type-options"] == "nosniff"

    def chunks():
        for _ in range(3):
            yield b"x" * (DEFAULT_LIMIT // 2 + 1)

    chunked = client.post("/account/signup", headers=headers, content=chunks())
    assert chunked.status_code == 413
    api = client.post("/api/v1/import", headers={"Content-Length": str(100 * 1024 * 1024)}, content=b"{}")
    assert api.status_code == 413 and api.json()["error"] == "too_large"

