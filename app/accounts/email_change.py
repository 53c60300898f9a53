"""Changing one's sign-in address (RELIABILITY 7).

The signed-in user asks for a new address and proves it is them with their current password. A random token
(only its SHA-256 is stored) goes by e-mail to the NEW address, valid for a day and once; the old address is
told a change was asked for. Following the link and confirming (a POST: opening it changes nothing) switches
the address, and the old address is told again.

An address that already belongs to another account gets the same answer on the request form as any other
(the form must not reveal who has an account); the confirm step refuses it with a clear message.
"""

import secrets
from datetime import datetime, timedelta

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, delete, func, select

from app import audit
from app.accounts.schemas import Password
from app.accounts.service import verify_password
from app.errors import Conflict, Invalid
from app.i18n import N_
from app.models import EmailChange, User
from app.models.base import utcnow
from app.security.sessions import token_hash
from app.validation import Email, InputModel

EMAIL_CHANGE_LIFETIME = timedelta(hours=24)
TAKEN = N_("this address already belongs to another QMarket account, so it cannot become yours; "
           "ask for a change to another address")
INVALID_LINK = N_("this confirmation link is invalid, has expired or was already used; ask for a new one")


class EmailChangeIn(InputModel):
    new_email: Email
    current_password: Password


def request_email_change(session: Session, *, user: User, data: EmailChangeIn,
                         now: datetime | None = None) -> tuple[EmailChange, str]:
    """A pending change to `data.new_email` and its secret token (replacing an earlier pending one)."""
    if not verify_password(user.password_hash, data.current_password):
        raise Invalid.field("current_password", N_("is not your current password"))
    if data.new_email == user.email.lower():
        raise Invalid.field("new_email", N_("is already the address you sign in with"))
    now = now or utcnow()
    session.execute(delete(EmailChange).where(col(EmailChange.user_id) == user.id, col(EmailChange.used_at).is_(None)))
    token = secrets.token_urlsafe(32)
    change = EmailChange(token_hash=token_hash(token), user_id=user.id, new_email=data.new_email, created_at=now,
                         expires_at=now + EMAIL_CHANGE_LIFETIME)
    session.add(change)
    session.flush()
    audit.record(session, action="user.email_change_request", target_type="user", target_id=user.id,
                 actor_id=user.id, detail={"new_email": data.new_email})
    return change, token


def open_email_change(session: Session, *, token: str, now: datetime | None = None) -> tuple[EmailChange, User]:
    """The unused, unexpired change with this token, and its (active) user; Invalid otherwise."""
    now = now or utcnow()
    row = session.exec(
        select(EmailChange, User).join(User, col(User.id) == EmailChange.user_id)
        .where(EmailChange.token_hash == token_hash(token[:100]))
    ).first()
    if row is None or row[0].used_at is not None or row[0].expires_at <= now or not row[1].is_active:
        raise Invalid.field("token", INVALID_LINK)
    return row[0], row[1]


def address_taken(session: Session, email: str, *, by_other_than: int | None = None) -> bool:
    query = select(User.id).where(func.lower(User.email) == email.strip().lower())
    if by_other_than is not None:
        query = query.where(User.id != by_other_than)
    return session.exec(query).first() is not None


def confirm_email_change(session: Session, *, token: str, now: datetime | None = None) -> tuple[User, str]:
    """Switch the user's address to the confirmed one; returns the user and the old address."""
    now = now or utcnow()
    change, user = open_email_change(session, token=token, now=now)
    if address_taken(session, change.new_email, by_other_than=user.id):
        raise Conflict(TAKEN)
    old_email = user.email
    try:
        with session.begin_nested():  # two accounts confirming the same address at once: one wins
            user.email = change.new_email
            change.used_at = now
            session.flush()
    except IntegrityError:
        raise Conflict(TAKEN) from None
    audit.record(session, action="user.email_change", target_type="user", target_id=user.id, actor_id=user.id,
                 detail={"from": old_email, "to": change.new_email})
    return user, old_email
