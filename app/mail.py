"""Sending e-mail. Messages are built with the email library (never by pasting headers), and sent
after the transaction that decided to send them has committed."""

import logging
import smtplib
from email.message import EmailMessage
from urllib.parse import urlsplit

from app.config import Settings

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


def send(settings: Settings, message: EmailMessage) -> None:
    """Deliver through QM_SMTP_URL (smtp://host:port or smtps://user:password@host:port); without one, log it."""
    if not settings.smtp_url:
        log.info("mail not sent (QM_SMTP_URL is not set): to=%s subject=%s", message["To"], message["Subject"])
        return
    url = urlsplit(settings.smtp_url)
    client_class = smtplib.SMTP_SSL if url.scheme == "smtps" else smtplib.SMTP
    with client_class(url.hostname or "localhost", url.port or (465 if url.scheme == "smtps" else 25), timeout=10) as smtp:
        if url.username:
            smtp.login(url.username, url.password or "")
        smtp.send_message(message)
