"""Rate limits kept in the database, so that every app worker counts the same attempts.

Each limited action records a hit under a key ("signin:user:ana@x", "signin:ip:1.2.3.4"); past the limit
in the window the caller gets RateLimited with the seconds to wait (sent as Retry-After).
"""

from datetime import datetime, timedelta

from sqlalchemy import Engine, func
from sqlmodel import Session, col, delete, select

from app.db import unit_of_work
from app.errors import DomainError
from app.i18n import N_
from app.models import RateLimitHit
from app.models.base import utcnow


class RateLimited(DomainError):
    status_code = 429
    code = "rate_limited"

    def __init__(self, retry_after: int) -> None:
        super().__init__(N_("too many attempts; please wait and try again"))
        self.retry_after = max(1, retry_after)


def hit(session: Session, key: str, *, limit: int, window_seconds: int, now: datetime | None = None) -> None:
    """Count one attempt; raise RateLimited when the key already used its `limit` in the window.

    Counted in the request's own transaction (a second write transaction would wait on it): an attempt
    that is answered normally, such as a wrong password, commits with its answer.
    """
    now = now or utcnow()
    since = now - timedelta(seconds=window_seconds)
    key = key[:200]
    count, oldest = session.exec(
        select(func.count(), func.min(RateLimitHit.created_at)).where(
            RateLimitHit.key == key, col(RateLimitHit.created_at) > since
        )
    ).one()
    if count >= limit:
        raise RateLimited(int((oldest + timedelta(seconds=window_seconds) - now).total_seconds()) + 1)
    session.add(RateLimitHit(key=key, created_at=now))
    session.flush()


def prune(engine: Engine, *, older_than_seconds: int = 24 * 3600) -> None:
    with unit_of_work(engine) as session:
        cutoff = utcnow() - timedelta(seconds=older_than_seconds)
        session.execute(delete(RateLimitHit).where(col(RateLimitHit.created_at) < cutoff))
