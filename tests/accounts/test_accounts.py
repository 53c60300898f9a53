"""Accounts: sign-up, sign-in, sessions, passwords and their abuse cases (RELIABILITY 1–12, 29, 36–39)."""

import email
import email.policy
import re
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlmodel import select

from app.db import new_session, unit_of_work
from app.main import create_app
from app.models import User, UserSession
from app.models.base import utcnow
from tests.helpers import csrf_headers

PASSWORD = "correct horse battery staple"


@pytest.fixture
def app_client(settings, engine, smtp):
    app = create_app(settings.model_copy(update={"smtp_url": smtp.url}))
    with TestClient(app) as client:
        yield client


def signup(client, email="ana@member.example", password=PASSWORD, sign_in=True):
    """Sign up (which signs nobody in: RELIABILITY 2), then sign in with the same details."""
    response = client.post("/account/signup", data={"email": email, "password": password, "display_name": "Ana",
                                                     "csrf_token": csrf_headers(client)["X-CSRF-Token"]},
                           follow_redirects=False)
    if sign_in and response.status_code == 303:
        assert login(client, email=email, password=password).status_code == 303
    return response


def login(client, email="ana@member.example", password=PASSWORD, **extra):
    data = {"email": email, "password": password, "csrf_token": csrf_headers(client)["X-CSRF-Token"], **extra}
    return client.post("/account/login", data=data, follow_redirects=False)


def normalised(html: str) -> str:
    """Pages differ by their per-response nonce and token only."""
    return re.sub(r'(nonce|value)="[^"]*"|"X-CSRF-Token": "[^"]*"|"inlineScriptNonce": "[^"]*"', "", html)


def test_sign_up_then_sign_in_gives_a_safe_cookie(app_client):
    response = signup(app_client, sign_in=False)
    assert response.status_code == 303 and response.headers["location"] == "/account/login?welcome=1"
    assert "qm_session" not in response.headers.get("set-cookie", "")
    response = login(app_client)
    assert response.status_code == 303 and response.headers["location"] == "/account"
    cookie = response.headers["set-cookie"]
    assert "qm_session=" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie and "Path=/" in cookie
    page = app_client.get("/account?lang=en")
    assert page.status_code == 200 and "ana@member.example" in page.text
    assert "no-store" in page.headers["cache-control"]


@pytest.mark.parametrize(
    ("password", "message"),
    [("short pw", "at least 10 characters"), ("password123", "most common"), ("qwertyuiop", "most common")],
)
def test_weak_passwords_are_refused_and_named(app_client, engine, password, message):
    app_client.cookies.set("lang", "en")  # the messages in English (tests/test_error_pages.py: Chinese)
    response = signup(app_client, password=password)
    assert response.status_code == 422 and message in response.text
    with new_session(engine, write=False) as session:
        assert session.exec(select(User)).all() == []


def test_a_long_passphrase_with_spaces_and_emoji_works_exactly_as_typed(app_client):
    phrase = "  quantum 量子 dilution fridge 🙂 at ten millikelvin, seventy characters long!! "
    assert signup(app_client, password=phrase).status_code == 303
    app_client.post("/account/logout", headers=csrf_headers(app_client))
    assert login(app_client, password=phrase).status_code == 303
    app_client.post("/account/logout", headers=csrf_headers(app_client))
    assert login(app_client, password=phrase.strip()).status_code == 401


def test_unknown_email_and_wrong_password_get_the_same_answer(app_client):
    signup(app_client)
    app_client.post("/account/logout", headers=csrf_headers(app_client))
    unknown = login(app_client, email="nobody@member.example")
    wrong = login(app_client, password="not the right passphrase")
    assert unknown.status_code == wrong.status_code == 401
    assert normalised(unknown.text).replace("nobody@member.example", "X") == normalised(wrong.text).replace(
        "ana@member.example", "X")


def test_sign_in_changes_the_session_and_sign_out_really_ends_it(app_client, engine):
    signup(app_client)
    first = app_client.cookies["qm_session"]
    app_client.post("/account/logout", headers=csrf_headers(app_client))
    login(app_client)
    second = app_client.cookies["qm_session"]
    assert first != second
    app_client.post("/account/logout", headers=csrf_headers(app_client))
    app_client.cookies.set("qm_session", second)  # replaying the old cookie
    response = app_client.get("/account", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].startswith("/account/login?next=")
    with new_session(engine, write=False) as session:
        assert session.exec(select(UserSession)).all() == []


def test_disabling_an_account_ends_its_sessions(app_client, engine):
    signup(app_client)
    with unit_of_work(engine) as session:
        session.exec(select(User)).one().is_active = False
    assert app_client.get("/account", follow_redirects=False).status_code == 303


def test_sessions_end_after_idle_time_and_after_their_lifetime(app_client, engine):
    signup(app_client)
    with unit_of_work(engine) as session:
        row = session.exec(select(UserSession)).one()
        row.last_seen_at = utcnow() - timedelta(hours=3)
    assert app_client.get("/account", follow_redirects=False).status_code == 303
    login(app_client)
    with unit_of_work(engine) as session:
        for row in session.exec(select(UserSession)).all():
            row.expires_at = utcnow() - timedelta(seconds=1)
    assert app_client.get("/account", follow_redirects=False).status_code == 303


def test_sign_in_is_rate_limited_per_account(app_client):
    signup(app_client, sign_in=False)
    for _ in range(10):
        assert login(app_client, password="wrong wrong wrong").status_code == 401
    limited = login(app_client)
    assert limited.status_code == 429 and int(limited.headers["retry-after"]) > 0


def test_forged_forwarded_for_headers_do_not_escape_the_limit(app_client):
    for n in range(31):
        response = app_client.post("/account/login", headers={"X-Forwarded-For": f"10.0.0.{n}",
                                                               **csrf_headers(app_client)},
                                   data={"email": f"user{n}@member.example", "password": "x" * 12})
    assert response.status_code == 429  # counted by the real client address, not the forged one


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example", "/\\evil.example", "javascript:x"])
def test_next_only_goes_to_paths_on_this_site(app_client, target):
    signup(app_client)
    app_client.post("/account/logout", headers=csrf_headers(app_client))
    response = login(app_client, next=target)
    assert response.headers["location"] == "/account"


def test_password_change_needs_the_current_one_and_signs_out_elsewhere(app_client, settings, engine):
    signup(app_client)
    with TestClient(app_client.app) as other_browser:
        login(other_browser)
        assert other_browser.get("/account", follow_redirects=False).status_code == 200
        token = csrf_headers(app_client)["X-CSRF-Token"]
        wrong = app_client.post("/account/password", data={"current_password": "guess guess guess",
                                                           "new_password": "a brand new passphrase", "csrf_token": token})
        assert wrong.status_code == 422 and "current_password" in wrong.text
        done = app_client.post("/account/password", data={"current_password": PASSWORD,
                                                          "new_password": "a brand new passphrase", "csrf_token": token})
        assert done.status_code == 200
        assert app_client.get("/account", follow_redirects=False).status_code == 200  # this browser stays in
        assert other_browser.get("/account", follow_redirects=False).status_code == 303


def test_password_reset_answers_the_same_and_mails_only_real_accounts(app_client, smtp):
    signup(app_client)
    app_client.post("/account/logout", headers=csrf_headers(app_client))
    token = csrf_headers(app_client)["X-CSRF-Token"]
    known = app_client.post("/account/reset", data={"email": "ana@member.example", "csrf_token": token})
    unknown = app_client.post("/account/reset", data={"email": "ghost@member.example", "csrf_token": token})
    assert known.status_code == unknown.status_code == 200
    assert normalised(known.text) == normalised(unknown.text)
    assert [m.rcpt_tos for m in smtp.messages] == [["ana@member.example"]]
    body = email.message_from_bytes(smtp.messages[0].content, policy=email.policy.default).get_content()
    link = re.search(r"http://testserver(/account/reset/[\w-]+)", body).group(1)
    reset = app_client.post(link, data={"new_password": "after the reset phrase", "csrf_token": token},
                            follow_redirects=False)
    assert reset.status_code == 303
    again = app_client.post(f"{link}?lang=en", data={"new_password": "another reset phrase", "csrf_token": token})
    assert again.status_code == 422 and "invalid or has expired" in again.text
    app_client.post("/account/logout", headers=csrf_headers(app_client))
    assert login(app_client, password="after the reset phrase").status_code == 303


@pytest.mark.parametrize(
    "forgery",
    [
        {},  # no token at all
        {"csrf_token": "someone-elses-token"},
        {"headers": {"Origin": "https://evil.example"}},
        {"headers": {"Sec-Fetch-Site": "cross-site"}},
    ],
    ids=["missing", "wrong", "foreign-origin", "cross-site"],
)
def test_forged_unsafe_requests_are_refused(app_client, engine, forgery):
    token = csrf_headers(app_client)["X-CSRF-Token"]
    data = {"email": "eve@member.example", "password": PASSWORD, "csrf_token": forgery.get("csrf_token", token)}
    if not forgery:
        data.pop("csrf_token")
    response = app_client.post("/account/signup", data=data, headers=forgery.get("headers", {}))
    assert response.status_code == 403
    with new_session(engine, write=False) as session:
        assert session.exec(select(User)).all() == []


def test_a_state_changing_url_does_not_answer_get(app_client):
    assert app_client.get("/account/logout").status_code == 405


@pytest.mark.parametrize(
    ("path", "headers"),
    [("/", {}), ("/", {"HX-Request": "true"}), ("/api/v1/search?q=x", {}), ("/no-such-page", {}),
     ("/static/css/qmarket.css", {}), ("/account/login", {})],
)
def test_every_response_carries_the_security_headers(app_client, path, headers):
    response = app_client.get(path, headers=headers)
    csp = response.headers["content-security-policy"]
    assert "object-src 'none'" in csp and "base-uri 'none'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "strict-origin-when-cross-origin"
    assert "server" not in response.headers
    if response.headers["content-type"].startswith("text/html") and path != "/no-such-page":
        nonce = re.search(r"'nonce-([^']+)'", csp).group(1)
        assert f'nonce="{nonce}"' in response.text or headers  # fragments carry no script tag


def test_the_nonce_changes_every_response(app_client):
    first = app_client.get("/").headers["content-security-policy"]
    assert first != app_client.get("/").headers["content-security-policy"]
