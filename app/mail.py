"""Sending e-mail. Messages are built with the email library (never by pasting headers), and sent
after the transaction that decided to send them has committed."""

import logging
import smtplib
from email.message import EmailMessage
from urllib.parse import urlsplit

from sqlmodel import Session

from app.config import Settings
from app.db import after_commit
from app.metrics import MAILS

log = logging.getLogger("qmarket.mail")
FROM_ADDRESS = "QMarket <no-reply@qmarket.example>"


def build_message(*, to: str, subject: str, body: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = FROM_ADDRESS
    message["To"] = to
    # EmailMessage refuses CR/LF in header values, so a subject cannot smuggle extra headers.
    message["Subject"] = subject.replace("\r", " ").replace("\n", " ")
    message.set_content(body)
    return message


def site_url(settings: Settings) -> str:
    """Where links in mails point when no address is given: the configured host and port."""
    return f"{'https' if settings.https else 'http'}://{settings.host}:{settings.port}"


def send(settings: Settings, message: EmailMessage) -> None:
    """Deliver through QM_SMTP_URL (smtp://host:port or smtps://user:password@host:port); without one, log it."""
    if not settings.smtp_url:
        MAILS.labels("not_configured").inc()
        log.info("mail not sent (QM_SMTP_URL is not set): to=%s subject=%s", message["To"], message["Subject"])
        return
    url = urlsplit(settings.smtp_url)
    client_class = smtplib.SMTP_SSL if url.scheme == "smtps" else smtplib.SMTP
    try:
        with client_class(url.hostname or "localhost", url.port or (465 if url.scheme == "smtps" else 25),
                          timeout=10) as smtp:
            if url.username:
                smtp.login(url.username, url.password or "")
            smtp.send_message(message)
    except Exception:
        MAILS.labels("failed").inc()
        raise
    MAILS.labels("sent").inc()


def send_after_commit(session: Session, settings: Settings, messages: list[EmailMessage], *, what: str) -> None:
    """Send once the transaction has committed; a message that fails is logged, the others still go (what was
    decided is saved and shown on the site; the mail is a courtesy, and never fails the request)."""

    def deliver() -> None:
        for message in messages:
            try:
                send(settings, message)
            except Exception:  # noqa: BLE001
                log.exception("%s: a mail to %s failed", what, message["To"])

    if messages:
        after_commit(session, deliver)
