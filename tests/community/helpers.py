"""Shared by the community tests: the world of tests/members/test_contact.py, and apps built on it."""

import time

from fastapi.testclient import TestClient
from sqlmodel import select

from app.db import new_session
from app.main import create_app
from app.models import AuditEntry, Inquiry
from app.security import form_timing
from tests.members.test_contact import PASSWORD, count, report, sign_in, token, world  # noqa: F401

STAFF = "staff@alliance.example"


def make_client(settings, smtp, **changes) -> TestClient:
    return TestClient(create_app(settings.model_copy(update={"smtp_url": smtp.url, **changes})))


def read_stamp(client) -> str:
    """A render stamp of a form shown a minute ago (the reader took their time)."""
    return form_timing.stamp(client.app.state.settings.secret_key, at=time.time() - 60)


def send(client, org="org-a", subject="Quote for a cryostat", message="Could you send a quote?", stamp=None,
         **extra):
    stamp = read_stamp(client) if stamp is None else stamp
    data = {"subject": subject, "message": message, "csrf_token": token(client), **extra}
    if stamp:
        data["form_started"] = stamp
    return client.post(f"/orgs/{org}/inquiries", data=data, follow_redirects=False)


def post(client, path: str, **data):
    return client.post(path, data={"csrf_token": token(client), **data}, follow_redirects=False)


def all_inquiries(engine) -> list[Inquiry]:
    with new_session(engine, write=False) as session:
        return list(session.exec(select(Inquiry).order_by(Inquiry.id)).all())


def audit_actions(engine, prefix: str) -> list[AuditEntry]:
    with new_session(engine, write=False) as session:
        return list(session.exec(select(AuditEntry).where(AuditEntry.action.startswith(prefix))
                                 .order_by(AuditEntry.id)).all())
