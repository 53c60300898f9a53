"""The access-control matrix, generated from the route table (RELIABILITY 13, 15, 18; issue 5).

Every route under /account/orgs/{slug}/… acts for an organisation, every route under /staff is for
alliance staff, and every route under /groups/{slug}/manage is for a working group's chairs (and staff). For each of them, GET and POST, an anonymous visitor is sent to sign in (or gets 404), a
member of another organisation gets 404, and the database does not change.

The JSON API in the same way: every /api/ route but the public search, with each of its methods, answers
401 without a token and 404 to another organisation's token, whether that token names organisation A's
slug or its own slug with A's record ids; the database does not change. Routes added later are covered
without touching this file, as long as their path parameters are named in RECORD_OF below.
"""

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlmodel import select

from app.accounts.tokens import mint
from app.alerts.service import save_search
from app.db import unit_of_work
from app.main import create_app
from app.models import GroupDocument, GroupJoinRequest, Inquiry, LearningResource, Membership, Webinar
from app.models import WebinarProposal, WorkingGroupChair
from app.models.base import utcnow
from app.models.report import Report
from app.models.vocab import MemberRole
from tests.factories import make_group, make_job, make_listing, make_org
from tests.helpers import app_routes, csrf_headers

PASSWORD = "correct horse battery staple"
# A saved search is its user's own (/account/searches/{search_id}/…): another user gets 404 too.
GUARDED = re.compile(r"^/(account/orgs/\{slug\}|account/searches/\{search_id\}|staff|groups/\{slug\}/manage)(/|$)")
# Which record a path parameter names, by the path segment before it.
RECORD_OF = {"listings": "listing", "jobs": "job", "members": "membership", "inquiries": "inquiry",
             "applications": "organization", "orgs": "organization", "reports": "report", "tokens": "token",
             "users": "user", "learn": "learning_resource", "webinars": "webinar", "groups": "group",
             "group-requests": "group_request", "requests": "group_request", "documents": "group_document",
             "proposals": "webinar_proposal", "export": "record_type", "templates": "record_type",
             "searches": "saved_search"}
# The API routes anyone may call without a token.
# (DESIGN §4: public reads of what the public pages show; tests/partners and tests/insights test them.)
# The read API of orgs, listings, jobs, categories and webinars: tests/api/test_public_read.py.
PUBLIC_API = {("GET", "/api/v1/search"), ("GET", "/api/v1/insights"), ("GET", "/api/v1/orgs/{slug}/partners"),
              ("GET", "/api/v1/orgs"), ("GET", "/api/v1/orgs/{slug}"), ("GET", "/api/v1/listings"),
              ("GET", "/api/v1/listings/{slug}"), ("GET", "/api/v1/jobs"), ("GET", "/api/v1/jobs/{slug}"),
              ("GET", "/api/v1/categories"), ("GET", "/api/v1/webinars"),
              ("GET", "/api/v1/openapi.json"), ("GET", "/api/v1/docs")}  # the API's docs: tests/api/test_openapi.py


def guarded_routes(app) -> list[tuple[str, str]]:
    routes = []
    for route in app_routes(app.routes):
        if GUARDED.match(route.path):
            for method in sorted(route.methods - {"HEAD"}):
                routes.append((method, route.path))
    return routes


def guarded_api_routes(app) -> list[tuple[str, str]]:
    routes = []
    for route in app_routes(app.routes):
        if route.path.startswith("/api/"):
            routes += [(method, route.path) for method in sorted(route.methods - {"HEAD"})
                       if (method, route.path) not in PUBLIC_API]
    return routes


def database_fingerprint(engine) -> dict[str, int]:
    """A digest of every table: any write shows here. Left out: attempts counted by rate limits, sessions,
    and the search outbox, which the app's relay empties in the background."""
    with engine.connect() as connection:
        tables = [row[0] for row in connection.execute(text("SELECT name FROM sqlite_master WHERE type='table' "
                                                            "AND name NOT LIKE 'sqlite_%' AND name NOT IN "
                                                            "('rate_limit_hit', 'user_session', 'lease', 'alembic_version', 'search_outbox')"))]
        return {t: hash(tuple(connection.execute(text(f'SELECT * FROM "{t}" ORDER BY 1')).fetchall())) for t in tables}


@pytest.fixture
def world(settings, engine):
    """Organisation A with records, organisation B's owner (the intruder), and nobody signed in."""
    from app.accounts.schemas import UserCreate
    from app.accounts.service import create_user

    with unit_of_work(engine) as session:
        org_a, org_b = make_org(session, slug="org-a"), make_org(session, slug="org-b")
        owner_a = create_user(session, data=UserCreate(email="a@org-a.example", password=PASSWORD))
        owner_b = create_user(session, data=UserCreate(email="b@org-b.example", password=PASSWORD))
        editor_b = create_user(session, data=UserCreate(email="e@org-b.example", password=PASSWORD))
        session.add(Membership(user_id=owner_a.id, organization_id=org_a.id, role=MemberRole.owner))
        session.add(Membership(user_id=owner_b.id, organization_id=org_b.id, role=MemberRole.owner))
        session.add(Membership(user_id=editor_b.id, organization_id=org_b.id, role=MemberRole.editor))
        session.flush()
        records = {
            "organization": org_a.id,
            "listing": make_listing(session, org_a).id,
            "job": make_job(session, org_a).id,
            "membership": session.exec(select(Membership.id).where(Membership.organization_id == org_a.id)).one(),
        }
        inquiry = Inquiry(sender_id=owner_b.id, organization_id=org_a.id, subject="Hello", message="About cryostats")
        report = Report(target_type="listing", target_id=records["listing"], reason="spam", reporter_ip="127.0.0.9")
        resource = LearningResource(title="Qubits for beginners", kind="course", audience="school", language="en",
                                    url="https://learn.example/qubits")
        webinar = Webinar(slug="access-webinar", title="Access webinar", starts_at=utcnow())
        # A group whose slug is org-a, because every {slug} is filled with it: its chair is A's owner, A is a
        # member, and organisation C waits to join.
        group = make_group(session, members=[org_a])
        group.slug = "org-a"
        session.add(WorkingGroupChair(group_id=group.id, user_id=owner_a.id))
        join = GroupJoinRequest(group_id=group.id, organization_id=make_org(session, slug="org-c").id,
                                requested_by_id=owner_a.id, message="Let us in")
        document = GroupDocument(group_id=group.id, title="Charter", url="https://docs.example/charter")
        session.add_all([inquiry, report, resource, webinar, join, document])
        session.flush()
        proposal = WebinarProposal(organization_id=org_a.id, proposed_by_id=owner_a.id, title="Our cryostat",
                                   summary="A tour of our dilution refrigerator line.")
        session.add(proposal)
        session.flush()
        records |= {"inquiry": inquiry.id, "report": report.id, "user": owner_a.id,
                    "token": mint(session, user=owner_a, org=org_a, name="Alpha CI").token.id,
                    "learning_resource": resource.id, "webinar": webinar.id, "group": group.id,
                    "group_request": join.id, "group_document": document.id, "webinar_proposal": proposal.id,
                    "record_type": "listings"}
        records["saved_search"] = save_search(session, user=owner_a, path="/jobs", query="function=rd",
                                              language="en").id
        intruder_secret = mint(session, user=owner_b, org=org_b, name="Beta CI").secret
    app = create_app(settings)
    app.state.intruder_secret = intruder_secret  # organisation B's API token
    return app, records


def concrete_path(path: str, records: dict[str, int], slug: str = "org-a") -> str | None:
    segments = path.strip("/").split("/")
    filled = []
    for i, segment in enumerate(segments):
        if segment == "{slug}":
            filled.append(slug)
        elif segment.startswith("{"):
            kind = RECORD_OF.get(segments[i - 1])
            assert kind, f"{path}: add its parameter {segment} to RECORD_OF in this test"
            if kind not in records:
                return None  # a record this world does not make (yet): covered by the feature's own tests
            filled.append(re.sub(r"\{[^}]+\}", str(records[kind]), segment))  # keeps a suffix such as .csv
        else:
            filled.append(segment)
    return "/" + "/".join(filled)


def sign_in(client, email: str) -> None:
    token = csrf_headers(client)["X-CSRF-Token"]
    response = client.post("/account/login", data={"email": email, "password": PASSWORD, "csrf_token": token},
                           follow_redirects=False)
    assert response.status_code == 303


OUTSIDERS = {"anonymous": None, "other organisation's owner": "b@org-b.example",
             "other organisation's editor": "e@org-b.example"}


@pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx"])
@pytest.mark.parametrize("actor", sorted(OUTSIDERS))
def test_no_route_of_an_organisation_or_of_staff_opens_to_outsiders(world, engine, actor, htmx):
    """Every guarded route, as a page request and as an htmx request (fragments are no back door)."""
    app, records = world
    checked = 0
    with TestClient(app) as client:
        if OUTSIDERS[actor]:
            sign_in(client, OUTSIDERS[actor])
        headers = csrf_headers(client) | ({"HX-Request": "true"} if htmx else {})
        for method, path in guarded_routes(app):
            url = concrete_path(path, records)
            if url is None:
                continue
            before = database_fingerprint(engine)
            response = client.request(method, url, headers=headers, data={"csrf_token": headers["X-CSRF-Token"]},
                                      follow_redirects=False)
            if actor == "anonymous" and response.status_code in (204, 303):
                # Sent to sign in: htmx is told through HX-Redirect, a page by a 303.
                target = response.headers.get("hx-redirect" if htmx else "location", "")
                assert target.startswith("/account/login?next="), (method, url, response.headers)
            else:
                assert response.status_code == 404, (actor, htmx, method, url, response.status_code)
            assert database_fingerprint(engine) == before, (actor, method, url)
            checked += 1
    guarded = guarded_routes(app)
    assert len(guarded) >= 20, "the route table should hold the organisation and staff routes"
    assert checked == len(guarded), "every guarded route must be exercised; extend the world or RECORD_OF"


# A body that would be a valid change if the caller were allowed: a refusal is about who, not what.
API_BODY = {"version": 1, "kind": "product", "category": "hardware/cryogenics", "title": "Intruder",
            "organizations": [], "listings": [], "jobs": []}


@pytest.mark.parametrize("actor", ["anonymous", "other-organisation"])
def test_no_api_route_of_an_organisation_or_of_staff_opens_to_outsiders(world, engine, actor):
    app, records = world
    checked = 0
    routes = guarded_api_routes(app)
    with TestClient(app) as client:
        headers = {} if actor == "anonymous" else {"Authorization": f"Bearer {app.state.intruder_secret}"}
        for method, path in routes:
            urls = [concrete_path(path, records)]
            if actor == "other-organisation" and re.search(r"\{slug\}.*\{", path):
                urls.append(concrete_path(path, records, slug="org-b"))  # B's own slug, A's record ids
            for url in urls:
                if url is None:
                    continue
                before = database_fingerprint(engine)
                body = None if method in ("GET", "DELETE") else API_BODY
                response = client.request(method, url, headers=headers, json=body)
                expected = 401 if actor == "anonymous" else 404
                assert response.status_code == expected, (actor, method, url, response.status_code, response.text)
                assert response.headers["content-type"].startswith("application/json"), (method, url)
                if actor == "anonymous":
                    assert response.headers["www-authenticate"].startswith("Bearer"), (method, url)
                assert database_fingerprint(engine) == before, (actor, method, url)
            checked += 1
    assert len(routes) >= 15, "the route table should hold the member API"
    assert checked == len(routes), "every API route must be exercised; extend the world or RECORD_OF"
