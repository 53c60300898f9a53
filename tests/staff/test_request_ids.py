"""Request ids (RELIABILITY 58, 41): every answer carries X-Request-ID; every audit row written by a request
carries that id; the error page shows it as the correlation id; the audit log cannot be edited through the app."""

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func
from sqlmodel import select

from app import audit
from app.config import PROJECT_ROOT
from app.db import new_session, unit_of_work
from app.main import create_app
from app.models import AuditEntry, Membership
from app.models.vocab import MemberRole
from app.request_context import SYSTEM_REQUEST_ID, accepted_request_id, current_request_id, work_id
from tests.accounts.people import PASSWORD, make_user, post, sign_in
from tests.factories import make_org
from tests.helpers import app_routes

STAFF, OWNER, EDITOR = "staff@alliance.example", "owner@org-a.example", "editor@org-a.example"
HEX_ID = re.compile(r"^[0-9a-f]{32}$")


@pytest.fixture
def world(settings, engine):
    ids = {"staff": make_user(engine, STAFF, staff=True), "owner": make_user(engine, OWNER),
           "editor": make_user(engine, EDITOR)}
    with unit_of_work(engine) as session:
        org = make_org(session, slug="org-a")
        owner = Membership(user_id=ids["owner"], organization_id=org.id, role=MemberRole.owner)
        editor = Membership(user_id=ids["editor"], organization_id=org.id, role=MemberRole.editor)
        session.add_all([owner, editor])
        session.flush()
        ids |= {"editor_membership": editor.id}
    with TestClient(create_app(settings)) as client:
        client.ids = ids
        yield client


def last_audit_id(engine) -> int:
    with new_session(engine, write=False) as session:
        return session.exec(select(func.coalesce(func.max(AuditEntry.id), 0))).one()


def entries_since(engine, after: int) -> list[AuditEntry]:
    with new_session(engine, write=False) as session:
        return list(session.exec(select(AuditEntry).where(AuditEntry.id > after)).all())


@pytest.mark.parametrize(("path", "headers"), [("/", {}), ("/", {"HX-Request": "true"}), ("/no-such-page", {}),
                                               ("/api/v1/search?q=x", {}), ("/account/login", {}),
                                               ("/static/css/qmarket.css", {})])
def test_every_answer_carries_a_fresh_request_id(client, path, headers):
    first, second = client.get(path, headers=headers), client.get(path, headers=headers)
    first_id, second_id = first.headers["x-request-id"], second.headers["x-request-id"]
    assert HEX_ID.match(first_id) and HEX_ID.match(second_id) and first_id != second_id


@pytest.mark.parametrize(("incoming", "kept"), [
    ("lb-7f3a9c2e-0001", True), ("abc.def:123_XYZ", True),
    ("short", False), ("x" * 65, False), ("has space in it", False), ("evil\u2028value-123", False),
    ("<script>alert(1)</script>", False), ("../../etc/passwd", False),
])
def test_an_incoming_request_id_is_kept_only_when_it_is_a_short_safe_token(client, incoming, kept):
    response = client.get("/", headers={"X-Request-ID": incoming.encode("utf-8")})
    assert (response.headers["x-request-id"] == incoming) is kept
    if not kept:
        assert HEX_ID.match(response.headers["x-request-id"])
    assert accepted_request_id(incoming) == incoming if kept else accepted_request_id(incoming) != incoming


def test_every_audit_row_of_staff_and_member_actions_carries_the_responses_request_id(world, engine):
    ids = world.ids
    actions = [
        (OWNER, "/account/orgs/org-a/members/invite", {"email": "new.editor@org-a.example"}),
        (OWNER, f"/account/orgs/org-a/members/{ids['editor_membership']}/role", {"role": "owner"}),
        (OWNER, "/account/password", {"current_password": PASSWORD, "new_password": "a brand new passphrase"}),
        (STAFF, "/staff/orgs/org-a/suspend", {"reason": "Checking the papers"}),
        (STAFF, "/staff/orgs/org-a/reinstate", {}),
        (STAFF, f"/staff/users/{ids['editor']}/disable", {"reason": "Left the company"}),
        (STAFF, f"/staff/users/{ids['editor']}/enable", {}),
    ]
    seen_actions = set()
    for who, url, data in actions:
        sign_in(world, who)
        before = last_audit_id(engine)
        response = post(world, url, data)
        assert response.status_code in (200, 303), (url, response.status_code, response.text[:300])
        rows = entries_since(engine, before)
        assert rows, f"{url} wrote no audit row"
        for row in rows:
            assert row.request_id == response.headers["x-request-id"], (url, row.action)
            seen_actions.add(row.action)
    assert {"membership.invite", "membership.role_changed", "user.password_change", "org.suspend", "org.reinstate",
            "user.disable", "user.enable"} <= seen_actions
    # A caller's safe id goes all the way into the audit row (to follow a request through a proxy's logs).
    before = last_audit_id(engine)
    response = post(world, f"/staff/users/{ids['editor']}/disable", {"reason": "Again"},
                    headers={"X-Request-ID": "proxy-req-000123"})
    assert response.headers["x-request-id"] == "proxy-req-000123"
    assert [row.request_id for row in entries_since(engine, before)] == ["proxy-req-000123"]


def test_audit_rows_cannot_be_edited_or_deleted_through_any_route(client):
    routes = list(app_routes(client.app.routes))
    audit_routes = [r for r in routes if r.path.startswith("/staff/audit")]
    assert audit_routes and all(r.methods <= {"GET", "HEAD"} for r in audit_routes)
    for method in ("POST", "PUT", "PATCH", "DELETE"):
        assert client.request(method, "/staff/audit", follow_redirects=False).status_code in (403, 405)
    # and no route anywhere takes an audit entry's id
    assert not [r.path for r in routes if "audit" in r.path and "{" in r.path]


def test_the_error_page_shows_the_request_id_as_correlation_id(settings, engine, caplog):
    app = create_app(settings)

    def explode():
        raise RuntimeError("secret internals /etc/passwd")

    app.add_api_route("/explode", explode)
    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get("/explode?lang=en")
        given = client.get("/explode?lang=en", headers={"X-Request-ID": "support-case-4711"})
    assert response.status_code == 500
    rid = response.headers["x-request-id"]
    assert HEX_ID.match(rid) and f"incident {rid}" in response.text
    assert "secret internals" not in response.text and "Traceback" not in response.text
    assert given.headers["x-request-id"] == "support-case-4711" and "incident support-case-4711" in given.text
    assert any(rid in r.getMessage() for r in caplog.records if r.name == "qmarket.errors")
    assert "server" not in response.headers and "x-powered-by" not in response.headers


def test_outside_a_request_audit_rows_get_the_system_or_the_works_own_id(session):
    assert current_request_id() == SYSTEM_REQUEST_ID
    plain = audit.record(session, action="test.system", target_type="user")
    with work_id("cli") as cli_id:
        in_cli = audit.record(session, action="test.cli", target_type="user")
        explicit = audit.record(session, action="test.explicit", target_type="user", request_id="given-id-1")
    assert plain.request_id == SYSTEM_REQUEST_ID
    assert re.match(r"^cli-[0-9a-f]{16}$", cli_id) and in_cli.request_id == cli_id
    assert explicit.request_id == "given-id-1" and current_request_id() == SYSTEM_REQUEST_ID


def test_with_the_database_down_the_error_page_still_gives_the_correlation_id(settings):
    unreachable = settings.model_copy(update={"database_url": "postgresql+psycopg://nobody@127.0.0.1:1/none"})
    with TestClient(create_app(unreachable), raise_server_exceptions=False) as client:
        client.cookies.set("qm_session", "some-session")
        for path in ("/", "/account/login?lang=en", "/orgs/some-org"):
            response = client.get(path)
            rid = response.headers["x-request-id"]
            assert response.status_code == 500 and HEX_ID.match(rid) and f"incident {rid}" in response.text, path
            for leak in ("psycopg", "OperationalError", "127.0.0.1", "Traceback", str(PROJECT_ROOT), "nobody"):
                assert leak not in response.text, (path, leak)


def test_each_periodic_pass_writes_its_audit_rows_under_a_task_id_of_its_own(engine):
    """Background passes run in worker threads: the id set for the pass must reach them."""
    import asyncio

    from app.periodic import run_periodically

    seen = []

    def work():
        with unit_of_work(engine) as session:
            audit.record(session, action="test.pass", target_type="test")
        seen.append(current_request_id())
        return False

    async def two_passes():
        task = asyncio.create_task(run_periodically("test", work, interval=0.01))
        while len(seen) < 2:
            await asyncio.sleep(0.01)
        task.cancel()

    asyncio.run(two_passes())
    with new_session(engine, write=False) as session:
        ids = [row.request_id for row in session.exec(select(AuditEntry).where(AuditEntry.action == "test.pass"))]
    assert ids[:2] == seen[:2] and all(i.startswith("task-") for i in ids) and ids[0] != ids[1]
