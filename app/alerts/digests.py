"""Sending the alerts of saved searches: `qmarket alerts send`, and the same pass in-process every few minutes.

A search is due at every pass when it is "instant", else a day or a week after it was last looked at. For
each due search, the records published (or approved) since then that its page would show are claimed in
saved_search_delivery — one row per search and record, unique — and only the records this pass managed to
claim go into its digest. The insert comes before the mail (which leaves after the commit): two passes that
overlap, or two app workers, cannot both claim a record, so nobody gets one twice. The cost of that order
is that a mail the SMTP server refuses is not retried; its records are still on the page and in the feed.
"""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from app.alerts import mails
from app.alerts.matching import Match, matching
from app.alerts.schemas import parse_query, target_of
from app.alerts.service import link_token
from app.config import Settings
from app.db import unit_of_work
from app.errors import Invalid
from app.mail import send_after_commit, site_url
from app.models import SavedSearch, SavedSearchDelivery, User
from app.models.alert import AlertFrequency
from app.models.base import utcnow
from app.periodic import run_periodically
from app.search.backend import SearchBackend
from app.search.schemas import SearchUnavailable

log = logging.getLogger("qmarket.alerts")
PERIOD = {AlertFrequency.instant: timedelta(0), AlertFrequency.daily: timedelta(days=1),
          AlertFrequency.weekly: timedelta(days=7)}
# Each pass looks this far behind the last one too: a record approved (its published_at set) in a
# transaction that committed after the last pass had read is still found. The delivery rows keep the
# records of the overlap from being mailed twice.
OVERLAP = timedelta(minutes=30)
LISTED = 30  # records named in one digest; more are counted, with the link to the page
FOUND_AT_MOST = 200
ALERT_INTERVAL_SECONDS = 300


@dataclass
class DigestReport:
    due: int = 0
    mails: int = 0
    records: int = 0
    skipped: int = 0  # searches with words while the engine was down: tried again at the next pass


def is_due(search: SavedSearch, now: datetime) -> bool:
    return now >= search.seen_until + PERIOD[AlertFrequency(search.frequency)]


def due_searches(session: Session, *, now: datetime) -> list[tuple[SavedSearch, User]]:
    rows = session.exec(
        select(SavedSearch, User).join(User, col(User.id) == SavedSearch.user_id)
        .where(col(SavedSearch.unsubscribed_at).is_(None), User.is_active == True)  # noqa: E712
        .order_by(col(SavedSearch.seen_until), col(SavedSearch.id))
    ).all()
    return [(search, user) for search, user in rows if is_due(search, now)]


def _delivered(session: Session, search: SavedSearch) -> set[tuple[str, int]]:
    return set(session.exec(
        select(SavedSearchDelivery.record_type, SavedSearchDelivery.record_id)
        .where(SavedSearchDelivery.saved_search_id == search.id)
    ).all())


def claim(session: Session, search: SavedSearch, matches: list[Match], *, now: datetime) -> list[Match]:
    """The matches this pass may mail: those whose delivery row it inserted. A row another pass inserted
    first (committed, or still in flight on Postgres, where the insert waits for it) fails the unique
    constraint inside a savepoint, and only that record is skipped."""
    delivered = _delivered(session, search)  # the common case, without a failed insert per record
    claimed = []
    for match in matches:
        if (match.record_type, match.record_id) in delivered:
            continue
        try:
            with session.begin_nested():
                session.add(SavedSearchDelivery(saved_search_id=search.id, record_type=match.record_type,
                                                record_id=match.record_id, created_at=now))
        except IntegrityError:
            continue
        claimed.append(match)
    return claimed


def send_digests(session: Session, *, settings: Settings, backend: SearchBackend | None, base_url: str = "",
                 now: datetime | None = None) -> DigestReport:
    """One digest per due search with something new; the mails leave after the commit."""
    now = now or utcnow()
    base_url = base_url or site_url(settings)
    report, messages = DigestReport(), []
    for search, user in due_searches(session, now=now):
        report.due += 1
        try:
            target = target_of(search.path)
            found = matching(session, backend, target, parse_query(target.kind, search.query),
                             since=max(search.seen_until - OVERLAP, search.created_at), now=now, limit=FOUND_AT_MOST)
        except SearchUnavailable:
            report.skipped += 1
            continue
        except Invalid as exc:  # a vocabulary value retired since it was saved: the page refuses it too
            log.warning("saved search %s no longer parses (%s); not sent", search.id, exc)
            search.seen_until = now
            continue
        fresh = claim(session, search, found, now=now)
        search.seen_until = now
        if fresh:
            search.last_sent_at = now
            token = link_token(search, secret_key=settings.secret_key, purpose="unsubscribe")
            messages.append(mails.digest(search, fresh[:LISTED], more=max(0, len(fresh) - LISTED), to=user.email,
                                         base_url=base_url, unsubscribe_url=f"{base_url}/alerts/unsubscribe/{token}"))
            report.mails += 1
            report.records += len(fresh)
        session.add(search)
    session.flush()
    send_after_commit(session, settings, messages, what="saved-search alerts")
    return report


def run_alerts(engine: Engine, settings: Settings, backend: SearchBackend | None, *, base_url: str = "") -> DigestReport:
    with unit_of_work(engine) as session:
        return send_digests(session, settings=settings, backend=backend, base_url=base_url)


async def alert_periodically(engine: Engine, settings: Settings, backend: SearchBackend, *,
                             interval: float = ALERT_INTERVAL_SECONDS, first_delay: float = 120.0,
                             lease=None) -> None:
    # Nothing searchable changes, so no `after`: the pass returns 0 to the runner either way. Under the lease
    # one worker sends at a time; the delivery table keeps a record from going twice even without it.
    await run_periodically("saved-search alerts", lambda: run_alerts(engine, settings, backend) and 0,
                           interval=interval, first_delay=first_delay, lease=lease)
