"""The day-before reminder of webinars with built-in registration: `qmarket webinars remind`, and the same
pass in-process every hour. Each registration is reminded once (`reminded_at`), so passes may overlap."""

from datetime import datetime

from sqlalchemy import Engine, update
from sqlmodel import Session, col

from app.config import Settings
from app.db import unit_of_work
from app.mail import send_after_commit, site_url
from app.models import WebinarRegistration
from app.models.base import utcnow
from app.periodic import run_periodically
from app.webinars import mails
from app.webinars.registration import due_for_reminder

REMIND_INTERVAL_SECONDS = 3600


def send_reminders(session: Session, *, settings: Settings, base_url: str = "", now: datetime | None = None) -> int:
    """Mark and mail every registration due; the mails leave after the commit. Returns how many."""
    now = now or utcnow()
    base_url = base_url or site_url(settings)
    due = due_for_reminder(session, now=now)
    messages = []
    for registration, webinar, user in due:
        if _claim(session, registration, now=now):
            messages.append(mails.reminder(webinar, to=user.email, base_url=base_url))
    session.flush()
    send_after_commit(session, settings, messages, what="webinar reminders")
    return len(messages)


def _claim(session: Session, registration: WebinarRegistration, *, now: datetime) -> bool:
    """Mark the registration reminded unless another pass did since it was read (two workers, or the
    command next to the app, on Postgres): the second UPDATE waits for the first, then matches nothing."""
    claimed = session.execute(
        update(WebinarRegistration)
        .where(col(WebinarRegistration.id) == registration.id, col(WebinarRegistration.reminded_at).is_(None))
        .values(reminded_at=now)
    )
    return claimed.rowcount == 1


def run_reminders(engine: Engine, settings: Settings) -> int:
    with unit_of_work(engine) as session:
        return send_reminders(session, settings=settings)


async def remind_periodically(engine: Engine, settings: Settings, *, interval: float = REMIND_INTERVAL_SECONDS,
                              first_delay: float = 90.0, lease=None) -> None:
    # Nothing to search changes, so no `after`: the pass returns 0 to the runner either way.
    await run_periodically("webinar reminders", lambda: run_reminders(engine, settings) and 0,
                           interval=interval, first_delay=first_delay, lease=lease)
