"""Server-side sessions: the cookie carries a random token; the database decides whether it still counts."""

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlmodel import Session, col, delete, select

from app.config import Settings
from app.db import write_after_commit
from app.models import User, UserSession
from app.models.base import utcnow

# Seen-at is written at most this often, so ordinary browsing does not write on every request.
TOUCH_INTERVAL = timedelta(minutes=5)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start(session: Session, *, user: User, settings: Settings, ip: str | None, user_agent: str | None) -> str:
    """A new session for `user`; returns the raw token for the cookie (never stored)."""
    token = secrets.token_urlsafe(32)  # 256 random bits
    now = utcnow()
    session.add(
        UserSession(
            token_hash=token_hash(token),
            user_id=user.id,
            created_at=now,
            last_seen_at=now,
            expires_at=now + timedelta(hours=settings.session_max_hours),
            ip=ip,
            user_agent=(user_agent or "")[:200] or None,
        )
    )
    user.last_login_at = now
    return token


def resolve(session: Session, token: str | None, *, settings: Settings, now: datetime | None = None) -> User | None:
    """The user a cookie belongs to, if the session is still alive and the account active."""
    if not token or len(token) > 100:
        return None
    now = now or utcnow()
    found = session.exec(
        select(UserSession, User)
        .join(User, col(User.id) == UserSession.user_id)
        .where(UserSession.token_hash == token_hash(token))
    ).first()
    if found is None:
        return None
    user_session, user = found
    idle_limit = user_session.last_seen_at + timedelta(minutes=settings.session_idle_minutes)
    if now >= user_session.expires_at or now >= idle_limit or not user.is_active:
        return None
    if now - user_session.last_seen_at > TOUCH_INTERVAL:
        write_after_commit(session, UserSession, user_session.id, last_seen_at=now)  # never inside a GET's read
    return user


def end(session: Session, token: str | None) -> None:
    if token:
        session.execute(delete(UserSession).where(col(UserSession.token_hash) == token_hash(token)))


def end_all(session: Session, user_id: int, *, except_token: str | None = None) -> None:
    """Sign a user out everywhere (password change, reset, an account disabled by staff)."""
    query = delete(UserSession).where(col(UserSession.user_id) == user_id)
    if except_token:
        query = query.where(col(UserSession.token_hash) != token_hash(except_token))
    session.execute(query)
