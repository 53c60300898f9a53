"""Staff user administration (RELIABILITY 11): find, disable (sessions and tokens end at once), enable."""

import importlib.util

import pytest
from fastapi.testclient import TestClient
from sqlmodel import select

from app.db import new_session, unit_of_work
from app.main import create_app
from app.models import ApiToken, AuditEntry, Membership, User, UserSession
from app.models.vocab import MemberRole
from tests.accounts.people import PASSWORD, make_user, post, sign_in
from tests.factories import make_org
from tests.helpers import assert_left_out

STAFF, ANA, BO = "staff@alliance.example", "ana@member.example", "bo@member.example"
HX = {"HX-Request": "true"}


@pytest.fixture
def people(settings, engine):
    ids = {"staff": make_user(engine, STAFF, staff=True, name="Sam Staff"),
           "ana": make_user(engine, ANA, name="Ana Lima"), "bo": make_user(engine, BO, name="Bo")}
    with unit_of_work(engine) as session:
        org = make_org(session, slug="org-a", name="Alpha Cryo")
        session.add(Membership(user_id=ids["ana"], organization_id=org.id, role=MemberRole.owner))
    return ids


@pytest.fixture
def staff(people, settings):
    with TestClient(create_app(settings)) as client:
        sign_in(client, STAFF)
        yield client


def user(engine, user_id: int) -> User:
    with new_session(engine, write=False) as session:
        return session.get(User, user_id)


def test_staff_find_users_by_e_mail_or_name_with_their_flags_and_organisations(staff, people):
    page = staff.get("/staff/users?lang=en")
    assert page.status_code == 200 and "no-store" in page.headers["cache-control"]
    for address in (STAFF, ANA, BO):
        assert address in page.text
    assert "Alpha Cryo" in page.text and "Alliance staff" in page.text and "Active" in page.text
    by_name = staff.get("/staff/users?q=lima&lang=en")
    assert ANA in by_name.text and BO not in by_name.text
    by_mail = staff.get("/staff/users?q=BO@MEMBER&lang=en", headers=HX)
    assert by_mail.status_code == 200 and "<html" not in by_mail.text and BO in by_mail.text and ANA not in by_mail.text
    assert "HX-Request" in by_mail.headers["vary"]
    wildcard = staff.get("/staff/users?q=%25&lang=en")
    assert "No users match" in wildcard.text  # % is a character here, not a wildcard
    home = staff.get("/staff?lang=en")
    assert 'href="/staff/users"' in home.text


def test_the_user_list_is_paged(staff, engine):
    from app.accounts.admin import USERS_PER_PAGE

    with unit_of_work(engine) as session:
        session.add_all([User(email=f"extra{n:03}@member.example", password_hash="x") for n in range(USERS_PER_PAGE)])
    first = staff.get("/staff/users?lang=en")
    second = staff.get("/staff/users?page=2&lang=en")
    assert 'rel="next"' in first.text and first.text.count('<li class="card"') == USERS_PER_PAGE
    assert second.text.count('<li class="card"') == 3 and 'rel="prev"' in second.text
    assert_left_out(staff.get("/staff/users?page=0&lang=en"), "page")


def test_disabling_ends_sessions_at_once_and_enabling_lets_the_user_back(staff, people, engine):
    with TestClient(staff.app) as ana:
        sign_in(ana, ANA)
        with TestClient(staff.app) as ana_elsewhere:
            sign_in(ana_elsewhere, ANA)
            response = post(staff, f"/staff/users/{people['ana']}/disable", {"reason": "Spam accounts"})
            assert response.status_code == 303 and response.headers["location"] == "/staff/users?done=disabled"
            for browser in (ana, ana_elsewhere):
                assert browser.get("/account", follow_redirects=False).status_code == 303
        with new_session(engine, write=False) as session:
            assert session.exec(select(UserSession).where(UserSession.user_id == people["ana"])).all() == []
            entry = session.exec(select(AuditEntry).where(AuditEntry.action == "user.disable")).one()
            assert (entry.actor_id, entry.target_id, entry.detail) == (people["staff"], people["ana"],
                                                                      {"reason": "Spam accounts"})
            assert entry.request_id
        refused = post(ana, "/account/login", {"email": ANA, "password": PASSWORD})
        assert refused.status_code == 401
        page = staff.get("/staff/users?done=disabled&lang=en")
        assert "Disabled" in page.text and "signed out everywhere" in page.text
        assert post(staff, f"/staff/users/{people['ana']}/enable").status_code == 303
        assert user(engine, people["ana"]).is_active
        sign_in(ana, ANA)
        assert ana.get("/account", follow_redirects=False).status_code == 200
    with new_session(engine, write=False) as session:
        enabled = session.exec(select(AuditEntry).where(AuditEntry.action == "user.enable")).one()
        assert enabled.actor_id == people["staff"]


def test_a_reason_is_required_and_nothing_changes_without_one(staff, people, engine):
    response = post(staff, f"/staff/users/{people['ana']}/disable?lang=en", {"reason": "   "})
    assert response.status_code == 422 and "reason" in response.text
    assert user(engine, people["ana"]).is_active
    with new_session(engine, write=False) as session:
        assert session.exec(select(AuditEntry).where(AuditEntry.action == "user.disable")).all() == []


def test_staff_cannot_disable_themselves(staff, people, engine):
    page = staff.get("/staff/users?lang=en")
    assert f'action="/staff/users/{people["staff"]}/disable"' not in page.text
    response = post(staff, f"/staff/users/{people['staff']}/disable", {"reason": "oops"})
    assert response.status_code == 409 and user(engine, people["staff"]).is_active
    assert staff.get("/staff", follow_redirects=False).status_code == 200


def test_unknown_users_are_404_and_members_cannot_reach_the_page(staff, people, settings):
    assert post(staff, "/staff/users/999999/disable", {"reason": "x"}).status_code == 404
    assert post(staff, "/staff/users/abc/disable", {"reason": "x"}).status_code == 422
    with TestClient(staff.app) as member:
        sign_in(member, ANA)
        assert member.get("/staff/users").status_code == 404
        assert post(member, f"/staff/users/{people['bo']}/disable", {"reason": "x"}).status_code == 404


@pytest.mark.skipif(importlib.util.find_spec("app.accounts.tokens") is None, reason="the token service is not built")
def test_a_disabled_users_api_token_stops_working(staff, people, engine):
    """Through the token service (app/accounts/tokens.py), and through the API when its route is there."""
    from app.accounts.tokens import resolve, secret_hash

    secret = "qm_1a2b3c4d_" + "s" * 43
    with unit_of_work(engine) as session:
        org_id = session.exec(select(Membership.organization_id).where(Membership.user_id == people["ana"])).one()
        session.add(ApiToken(user_id=people["ana"], organization_id=org_id, name="ci", prefix="1a2b3c4d",
                             secret_hash=secret_hash(secret)))
    api_paths = {getattr(route, "path", "") for route in staff.app.routes}
    api = "/api/v1/orgs/{slug}/listings" in api_paths
    bearer = {"Authorization": f"Bearer {secret}"}
    with unit_of_work(engine) as session:
        assert resolve(session, secret) is not None
    if api:
        assert staff.get("/api/v1/orgs/org-a/listings", headers=bearer).status_code == 200
    post(staff, f"/staff/users/{people['ana']}/disable", {"reason": "Leaked token"})
    with unit_of_work(engine) as session:
        assert resolve(session, secret) is None
    if api:
        assert staff.get("/api/v1/orgs/org-a/listings", headers=bearer).status_code == 401
