"""app.mail.send_after_commit: mails leave only after the commit, one failure does not stop the others or
fail the request, and a rolled-back transaction mails no one."""

import pytest

from app import mail
from app.db import unit_of_work
from app.mail import build_message, send_after_commit


def test_mails_leave_after_the_commit_and_a_failure_stops_no_other(engine, settings, monkeypatch, caplog):
    sent: list[str] = []

    def fake_send(_settings, message):
        if message["To"] == "broken@example.org":
            raise OSError("mailbox full")
        sent.append(message["To"])

    monkeypatch.setattr(mail, "send", fake_send)
    messages = [build_message(to=to, subject="Hello", body="Body")
                for to in ("a@example.org", "broken@example.org", "b@example.org")]
    with unit_of_work(engine) as session:
        send_after_commit(session, settings, messages, what="test notice")
        assert sent == []  # nothing before the commit
    assert sent == ["a@example.org", "b@example.org"]
    assert "test notice: a mail to broken@example.org failed" in caplog.text


def test_a_rolled_back_transaction_mails_no_one(engine, settings, monkeypatch):
    sent: list[str] = []
    monkeypatch.setattr(mail, "send", lambda _settings, message: sent.append(message["To"]))
    with pytest.raises(RuntimeError), unit_of_work(engine) as session:
        send_after_commit(session, settings, [build_message(to="a@example.org", subject="x", body="y")], what="t")
        raise RuntimeError("the decision failed")
    assert sent == []
