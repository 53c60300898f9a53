"""Sign-up answers the same for known and new addresses and is throttled per address (RELIABILITY 2, 47);
account logs stay one line per event and never hold a secret (RELIABILITY 4, 28)."""

import logging
import re

import pytest
from fastapi.testclient import TestClient
from sqlmodel import func, select

from app.accounts.routes import SIGNUP_NOTICES_PER_ADDRESS, SIGNUPS_PER_IP
from app.db import new_session
from app.models import User
from app.request_context import RedactSecrets, printable
from tests.accounts.people import PASSWORD, make_user, post, sign_in
from tests.helpers import csrf_headers

KNOWN = "ana@member.example"


def signup(client, email: str, password: str = "a fine long passphrase", **headers):
    return client.post("/account/signup", data={"email": email, "password": password, "display_name": "X",
                                                 "csrf_token": csrf_headers(client)["X-CSRF-Token"]},
                       headers=headers, follow_redirects=False)


def scrubbed(html: str) -> str:
    return re.sub(r'(nonce|value)="[^"]*"|"X-CSRF-Token": "[^"]*"|"inlineScriptNonce": "[^"]*"', "", html)


def user_count(engine) -> int:
    with new_session(engine, write=False) as session:
        return session.exec(select(func.count()).select_from(User)).one()


def test_sign_up_answers_the_same_for_a_known_and_a_new_address_and_mails_only_the_known(mailing_app, engine, smtp):
    make_user(engine, KNOWN)
    with TestClient(mailing_app) as client:
        known = signup(client, KNOWN)
        new = signup(client, "new@member.example")
        assert known.status_code == new.status_code == 303
        assert known.headers["location"] == new.headers["location"] == "/account/login?welcome=1"
        assert "qm_session" not in known.headers.get("set-cookie", "") + new.headers.get("set-cookie", "")
        known_page, new_page = client.get(known.headers["location"]), client.get(new.headers["location"])
        assert scrubbed(known_page.text) == scrubbed(new_page.text)
        assert client.get("/account", follow_redirects=False).status_code == 303  # nobody was signed in
    assert user_count(engine) == 2
    (message,) = smtp.parsed()
    assert message["To"] == KNOWN and "tried to sign up" in message["Subject"]
    body = message.get_content()
    assert "/account/reset" in body and "a fine long passphrase" not in body


def test_the_new_account_signs_in_with_what_was_typed(mailing_app):
    with TestClient(mailing_app) as client:
        signup(client, "new@member.example")
        welcome = client.get("/account/login?welcome=1&lang=en")
        assert "your account is ready" in welcome.text
        sign_in(client, "new@member.example", "a fine long passphrase")
        assert client.get("/account", follow_redirects=False).status_code == 200


def test_the_known_address_is_not_mailed_without_end(mailing_app, engine, smtp):
    make_user(engine, KNOWN)
    with TestClient(mailing_app) as client:
        for _ in range(SIGNUP_NOTICES_PER_ADDRESS + 2):
            assert signup(client, KNOWN).status_code == 303
    assert len(smtp.messages) == SIGNUP_NOTICES_PER_ADDRESS


def test_a_known_address_with_a_weak_password_gets_the_same_refusal_as_a_new_one(mailing_app, engine, smtp):
    make_user(engine, KNOWN)
    with TestClient(mailing_app) as client:
        known, new = signup(client, KNOWN, "short"), signup(client, "new@member.example", "short")
    assert known.status_code == new.status_code == 422
    assert scrubbed(known.text).replace(KNOWN, "X") == scrubbed(new.text).replace("new@member.example", "X")
    assert smtp.messages == []


def test_sign_ups_from_one_address_are_throttled(mailing_app, engine):
    with TestClient(mailing_app) as client:
        answers = [signup(client, f"bot{n}@spam.example").status_code for n in range(SIGNUPS_PER_IP + 5)]
        limited = signup(client, "one-more@spam.example")
    assert answers[:SIGNUPS_PER_IP] == [303] * SIGNUPS_PER_IP and set(answers[SIGNUPS_PER_IP:]) == {429}
    assert limited.status_code == 429 and int(limited.headers["retry-after"]) > 0
    assert user_count(engine) == SIGNUPS_PER_IP
    assert SIGNUPS_PER_IP < 100  # RELIABILITY 47: a hundred from one address are throttled


# ---- logs -----------------------------------------------------------------------------------------


def test_printable_escapes_control_characters_and_backslashes():
    assert printable("a\nb\r\x1b[31m\x00\x7f\x85\u2028\\z") == "a\\nb\\r\\x1b[31m\\x00\\x7f\\x85\\u2028\\\\z"
    assert printable("量子 ok") == "量子 ok"
    assert printable("x" * 500, limit=10) == "x" * 10 + "…"


def test_a_hostile_sign_in_name_stays_one_escaped_log_line(mailing_app, caplog):
    hostile = "ana@member.example\nINFO qmarket.accounts sign-in user=1 \x1b[2J\x1b[31mroot\x1b[0m"
    with TestClient(mailing_app) as client, caplog.at_level(logging.INFO):
        response = client.post("/account/login", data={"email": hostile, "password": "whatever it is",
                                                        "csrf_token": csrf_headers(client)["X-CSRF-Token"]})
    assert response.status_code == 401
    lines = [r.getMessage() for r in caplog.records if r.name == "qmarket.accounts"]
    assert len(lines) == 1 and lines[0].startswith("sign-in failed ")
    line = lines[0]
    assert "\n" not in line and "\x1b" not in line and "\r" not in line
    assert "\\n" in line and "\\x1b[31m" in line and "request=" in line
    assert "whatever it is" not in caplog.text


def test_no_password_token_or_cookie_reaches_the_logs(mailing_app, engine, smtp, caplog):
    make_user(engine, KNOWN)
    with TestClient(mailing_app) as client, caplog.at_level(logging.DEBUG):
        signup(client, "new@member.example", "first secret passphrase")
        signup(client, KNOWN, "second secret passphrase")
        client.post("/account/login", data={"email": KNOWN, "password": "wrong secret passphrase",
                                            "csrf_token": csrf_headers(client)["X-CSRF-Token"]})
        sign_in(client, "new@member.example", "first secret passphrase")
        cookies = [client.cookies["qm_session"]]
        post(client, "/account/password", {"current_password": "first secret passphrase",
                                           "new_password": "third secret passphrase"})
        post(client, "/account/email", {"new_email": "newer@member.example",
                                        "current_password": "third secret passphrase"})
        post(client, "/account/reset", {"email": KNOWN})
        links = list(dict.fromkeys(token for message in smtp.parsed() for token in
                                   re.findall(r"/account/(?:reset|email/confirm)/([\w-]+)", message.get_content())))
        reset_token = links[-1]
        post(client, f"/account/reset/{reset_token}", {"new_password": "fourth secret passphrase"})
        cookies.append(client.cookies["qm_session"])
        csrf = csrf_headers(client)["X-CSRF-Token"]
    assert len(links) == 2 and cookies[0] != cookies[1]
    assert sum(r.name == "qmarket.accounts" for r in caplog.records) >= 6
    secrets = ["first secret passphrase", "second secret passphrase", "wrong secret passphrase",
               "third secret passphrase", "fourth secret passphrase", PASSWORD, csrf, *cookies, *links]
    # Everything logged but the test's own harness: its SMTP server (which logs the mails it receives) and its
    # HTTP client (which logs the URLs it requests).
    logged = "\n".join(f"{r.name} {r.getMessage()} {r.exc_text or ''}" for r in caplog.records
                        if not r.name.startswith(("mail.log", "httpx")))
    assert "qmarket.accounts" in logged
    for secret in secrets:
        assert secret not in logged, secret


def test_the_access_log_keeps_link_secrets_out(mailing_app):
    record = logging.LogRecord("uvicorn.access", logging.INFO, __file__, 1, '%s - "%s %s HTTP/%s" %d',
                               ("127.0.0.1:5", "GET", "/account/reset/s3cr3t-T0ken?lang=en", "1.1", 200), None)
    RedactSecrets().filter(record)
    assert "s3cr3t" not in record.getMessage() and "/account/reset/[redacted]?lang=en" in record.getMessage()
    for path in ("/account/email/confirm/abcDEF123", "/account/invitations/abcDEF123", "/api/v1/x?token=abcDEF123"):
        record.args = ("127.0.0.1:5", "GET", path, "1.1", 200)
        RedactSecrets().filter(record)
        assert "abcDEF123" not in record.getMessage()
    assert any(isinstance(f, RedactSecrets) for f in logging.getLogger("uvicorn.access").filters)


@pytest.mark.parametrize("email", ["ghost\n@member.example", "\x1b[31m@member.example"])
def test_reset_requests_with_hostile_addresses_log_one_line(mailing_app, caplog, email):
    with TestClient(mailing_app) as client, caplog.at_level(logging.INFO):
        assert post(client, "/account/reset", {"email": email}).status_code == 200
    lines = [r.getMessage() for r in caplog.records if r.name == "qmarket.accounts"]
    assert lines and all("\n" not in line and "\x1b" not in line for line in lines)
