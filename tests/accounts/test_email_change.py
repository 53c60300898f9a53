"""Changing one's sign-in address, and what a password change tells (RELIABILITY 7)."""

import re
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlmodel import select

from app.db import new_session, unit_of_work
from app.models import AuditEntry, EmailChange, User
from app.models.base import utcnow
from app.security.sessions import token_hash
from tests.accounts.people import PASSWORD, make_user, post, sign_in
from tests.helpers import csrf_headers

ANA, NEW, TAKEN = "ana@member.example", "ana.new@member.example", "bo@member.example"


@pytest.fixture
def ana(mailing_app, engine):
    make_user(engine, ANA, name="Ana")
    make_user(engine, TAKEN)
    with TestClient(mailing_app) as client:
        sign_in(client, ANA)
        yield client


def mails(smtp) -> list[tuple[str, str, str]]:
    return [(m["To"], m["Subject"], m.get_content()) for m in smtp.parsed()]


def confirm_link(smtp, to: str) -> str:
    body = next(content for rcpt, _, content in mails(smtp) if rcpt == to)
    return re.search(r"http://testserver(/account/email/confirm/[\w-]+)", body).group(1)


def email_of(engine, address: str) -> User | None:
    with new_session(engine, write=False) as session:
        return session.exec(select(User).where(User.email == address)).first()


def test_the_account_page_links_to_the_e_mail_change(ana):
    page = ana.get("/account?lang=en")
    assert 'href="/account/email"' in page.text
    form = ana.get("/account/email?lang=en")
    assert form.status_code == 200 and 'name="new_email"' in form.text and 'name="current_password"' in form.text
    assert "no-store" in form.headers["cache-control"]


def test_signed_out_visitors_are_sent_to_sign_in(mailing_app):
    with TestClient(mailing_app) as client:
        response = client.get("/account/email", follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"].startswith("/account/login?next=")


def test_the_whole_change_links_to_the_new_address_and_tells_the_old_one(ana, engine, smtp):
    sent = post(ana, "/account/email?lang=en", {"new_email": "Ana.New@Member.example", "current_password": PASSWORD})
    assert sent.status_code == 200 and NEW in sent.text and "confirmation link" in sent.text
    assert email_of(engine, ANA) is not None  # nothing changes before the link is confirmed
    recipients = sorted(rcpt for rcpt, _, _ in mails(smtp))
    assert recipients == sorted([NEW, ANA])
    notice = next(content for rcpt, _, content in mails(smtp) if rcpt == ANA)
    assert NEW in notice and "reset your password" in notice and "/account/email/confirm/" not in notice
    link = confirm_link(smtp, NEW)
    with new_session(engine, write=False) as session:
        change = session.exec(select(EmailChange)).one()
        raw = link.rsplit("/", 1)[1]
        assert change.token_hash == token_hash(raw) and raw not in change.token_hash  # only the hash is kept
        assert timedelta(hours=23) < change.expires_at - change.created_at <= timedelta(hours=24)

    # Opening the link (as a mail scanner would) changes nothing; it asks for a click.
    with TestClient(ana.app) as inbox_browser:  # the link may be opened anywhere, signed in or not
        page = inbox_browser.get(link + "?lang=en")
        assert page.status_code == 200 and "Confirm the new address" in page.text
        assert email_of(engine, ANA) is not None
        done = inbox_browser.post(link + "?lang=en", data={"csrf_token": csrf_headers(inbox_browser)["X-CSRF-Token"]})
        assert done.status_code == 200 and "you now sign in with" in done.text
    assert email_of(engine, ANA) is None and email_of(engine, NEW) is not None
    told = [content for rcpt, subject, content in mails(smtp) if rcpt == ANA and "was changed" in subject]
    assert len(told) == 1 and NEW in told[0]
    with new_session(engine, write=False) as session:
        assert session.exec(select(EmailChange)).one().used_at is not None
        entry = session.exec(select(AuditEntry).where(AuditEntry.action == "user.email_change")).one()
        assert entry.detail == {"from": ANA, "to": NEW} and entry.actor_id == email_of(engine, NEW).id

    # Used once only; the new address signs in, the old one does not.
    again = ana.post(link, data={"csrf_token": csrf_headers(ana)["X-CSRF-Token"]})
    assert again.status_code == 422 and "invalid, has expired or was already used" in again.text
    sign_in(ana, NEW)
    ana.cookies.clear()
    old = ana.post("/account/login", data={"email": ANA, "password": PASSWORD,
                                           "csrf_token": csrf_headers(ana)["X-CSRF-Token"]})
    assert old.status_code == 401


def test_a_wrong_password_is_refused_naming_the_field_and_nothing_is_sent(ana, engine, smtp):
    response = post(ana, "/account/email?lang=en", {"new_email": NEW, "current_password": "not my password at all"})
    assert response.status_code == 422 and "is not your current password" in response.text
    assert 'id="e-current_password"' in response.text
    assert smtp.messages == []
    with new_session(engine, write=False) as session:
        assert session.exec(select(EmailChange)).all() == []


@pytest.mark.parametrize(("new_email", "field", "message"), [
    ("not an address", "new_email", "must be an e-mail address"),
    (ANA, "new_email", "already the address you sign in with"),
])
def test_bad_new_addresses_are_refused_naming_the_field(ana, engine, smtp, new_email, field, message):
    response = post(ana, "/account/email?lang=en", {"new_email": new_email, "current_password": PASSWORD})
    assert response.status_code == 422 and message in response.text and f'id="e-{field}"' in response.text
    assert smtp.messages == []


def test_wrong_passwords_are_rate_limited_like_sign_in(ana, settings):
    for _ in range(settings.signin_limit):
        wrong = post(ana, "/account/email", {"new_email": NEW, "current_password": "wrong wrong wrong"})
        assert wrong.status_code == 422
    limited = post(ana, "/account/email", {"new_email": NEW, "current_password": PASSWORD})
    assert limited.status_code == 429 and int(limited.headers["retry-after"]) > 0


def test_a_taken_address_gets_the_same_answer_and_the_confirm_step_refuses_it(ana, engine, smtp):
    free = post(ana, "/account/email?lang=en", {"new_email": NEW, "current_password": PASSWORD})
    taken = post(ana, "/account/email?lang=en", {"new_email": TAKEN, "current_password": PASSWORD})
    assert free.status_code == taken.status_code == 200
    scrub = re.compile(r'(nonce|value)="[^"]*"|"X-CSRF-Token": "[^"]*"|"inlineScriptNonce": "[^"]*"')
    assert scrub.sub("", free.text).replace(NEW, "X") == scrub.sub("", taken.text).replace(TAKEN, "X")
    link = confirm_link(smtp, TAKEN)
    refused = post(ana, link + "?lang=en")
    assert refused.status_code == 409 and "already belongs to another QMarket account" in refused.text
    assert email_of(engine, ANA) is not None and email_of(engine, TAKEN) is not None
    with new_session(engine, write=False) as session:
        assert session.exec(select(EmailChange)).one().used_at is None


def test_a_newer_request_replaces_the_older_link(ana, smtp):
    post(ana, "/account/email", {"new_email": NEW, "current_password": PASSWORD})
    first = confirm_link(smtp, NEW)
    post(ana, "/account/email", {"new_email": "ana.other@member.example", "current_password": PASSWORD})
    assert post(ana, first).status_code == 422


def test_an_expired_link_is_refused(ana, engine, smtp):
    post(ana, "/account/email", {"new_email": NEW, "current_password": PASSWORD})
    link = confirm_link(smtp, NEW)
    with unit_of_work(engine) as session:
        session.exec(select(EmailChange)).one().expires_at = utcnow() - timedelta(seconds=1)
    assert ana.get(link).status_code == 422
    assert post(ana, link).status_code == 422
    assert email_of(engine, ANA) is not None


def test_a_made_up_link_is_refused(ana):
    assert ana.get("/account/email/confirm/made-up-token").status_code == 422
    assert post(ana, "/account/email/confirm/" + "x" * 5000).status_code == 422


# ---- password change ----------------------------------------------------------------------------------


def test_a_password_change_needs_the_current_one_tells_the_address_and_ends_other_sessions(ana, engine, smtp):
    with TestClient(ana.app) as other_browser:
        sign_in(other_browser, ANA)
        page = ana.get("/account/password?lang=en")
        assert 'name="other_sessions" value="end" checked' in page.text  # on unless the user says otherwise
        wrong = post(ana, "/account/password", {"current_password": "guess guess guess",
                                                "new_password": "a brand new passphrase"})
        assert wrong.status_code == 422 and 'id="e-current_password"' in wrong.text and smtp.messages == []
        done = post(ana, "/account/password?lang=en", {"current_password": PASSWORD,
                                                        "new_password": "a brand new passphrase",
                                                        "other_sessions": "end"})
        assert done.status_code == 200 and "have been signed out" in done.text
        assert other_browser.get("/account", follow_redirects=False).status_code == 303
        assert ana.get("/account", follow_redirects=False).status_code == 200
    (to, subject, body), = mails(smtp)
    assert to == ANA and "password was changed" in subject and "a brand new passphrase" not in body
    assert "/account/reset" in body


def test_a_password_change_can_keep_the_other_sessions(ana, smtp):
    with TestClient(ana.app) as other_browser:
        sign_in(other_browser, ANA)
        done = post(ana, "/account/password?lang=en", {"current_password": PASSWORD,
                                                        "new_password": "a brand new passphrase",
                                                        "other_sessions": "keep"})
        assert done.status_code == 200 and "stay signed in" in done.text
        assert other_browser.get("/account", follow_redirects=False).status_code == 200
    assert [m["To"] for m in smtp.parsed()] == [ANA]


def test_an_unknown_sessions_choice_is_refused(ana, smtp):
    response = post(ana, "/account/password", {"current_password": PASSWORD, "new_password": "a brand new passphrase",
                                                "other_sessions": "maybe"})
    assert response.status_code == 422 and "other_sessions" in response.text and smtp.messages == []


def test_two_accounts_confirming_the_same_address_at_once_one_wins_cleanly(engine, monkeypatch):
    """If the check before the write is passed by both (two transactions at once), the unique address still
    decides: the loser gets the clear refusal, and its transaction stays usable (no error page)."""
    from app.accounts import email_change
    from app.accounts.email_change import EmailChangeIn, confirm_email_change, request_email_change
    from app.errors import Conflict

    first, second = make_user(engine, "one@member.example"), make_user(engine, "two@member.example")
    tokens = []
    with unit_of_work(engine) as session:
        for user_id in (first, second):
            _, token = request_email_change(session, user=session.get(User, user_id),
                                            data=EmailChangeIn(new_email=NEW, current_password=PASSWORD))
            tokens.append(token)
    with unit_of_work(engine) as session:
        confirm_email_change(session, token=tokens[0])
    monkeypatch.setattr(email_change, "address_taken", lambda *args, **kwargs: False)  # as if checked too early
    with unit_of_work(engine) as session:
        with pytest.raises(Conflict, match="already belongs to another"):
            confirm_email_change(session, token=tokens[1])
        session.flush()  # still usable: the request can commit its answer
    assert email_of(engine, NEW).id == first and email_of(engine, "two@member.example").id == second
