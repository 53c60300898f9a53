"""Built-in registration: signed-in members take a seat in a webinar that has no outside registration page.

A webinar with `capacity` takes that many registrations; the webinar's row is locked while a seat is taken
(Postgres; SQLite writes one at a time anyway), so two members cannot both take the last seat.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func
from sqlmodel import Session, col, select

from app.errors import FieldError, Invalid
from app.i18n import N_
from app.models import User, Webinar, WebinarRegistration
from app.models.base import utcnow

REMIND_BEFORE = timedelta(days=1)


@dataclass(frozen=True)
class Seats:
    """What the webinar page says about registration on QMarket."""

    built_in: bool  # no outside page: members register here
    taken: int
    capacity: int | None
    mine: bool  # the reader is registered

    @property
    def left(self) -> int | None:
        return None if self.capacity is None else max(self.capacity - self.taken, 0)

    @property
    def full(self) -> bool:
        return self.left == 0


def registration_counts(session: Session, webinar_ids: list[int]) -> dict[int, int]:
    if not webinar_ids:
        return {}
    rows = session.exec(
        select(WebinarRegistration.webinar_id, func.count())
        .where(col(WebinarRegistration.webinar_id).in_(webinar_ids))
        .group_by(col(WebinarRegistration.webinar_id))
    ).all()
    return dict(rows)


def registration_of(session: Session, webinar: Webinar, user: User | None) -> WebinarRegistration | None:
    if user is None:
        return None
    return session.exec(
        select(WebinarRegistration).where(WebinarRegistration.webinar_id == webinar.id,
                                          WebinarRegistration.user_id == user.id)
    ).first()


def seats(session: Session, webinar: Webinar, user: User | None) -> Seats:
    return Seats(built_in=not webinar.registration_url, taken=registration_counts(session, [webinar.id]).get(webinar.id, 0),
                 capacity=webinar.capacity, mine=registration_of(session, webinar, user) is not None)


def register(session: Session, webinar: Webinar, user: User, *, now: datetime | None = None) -> WebinarRegistration:
    """Take a seat. Raises Invalid naming what stands in the way: a past session, an outside registration
    page, a full room, or a seat already taken by this member."""
    now = now or utcnow()
    if webinar.starts_at <= now:
        raise Invalid(FieldError.of("webinar", N_("this webinar has already taken place")))
    if webinar.registration_url:
        raise Invalid(FieldError.of("registration_url", N_("registration for this webinar is on its own page")))
    # Lock the webinar while counting, so that the last seat is given once.
    session.exec(select(Webinar.id).where(Webinar.id == webinar.id).with_for_update()).one()
    if registration_of(session, webinar, user) is not None:
        raise Invalid(FieldError.of("registration", N_("you are already registered for this webinar")))
    taken = registration_counts(session, [webinar.id]).get(webinar.id, 0)
    if webinar.capacity is not None and taken >= webinar.capacity:
        raise Invalid(FieldError.of("capacity", N_("this webinar is full ({capacity} seats)"),
                                    capacity=webinar.capacity))
    registration = WebinarRegistration(webinar_id=webinar.id, user_id=user.id, created_at=now)
    session.add(registration)
    session.flush()
    return registration


def cancel(session: Session, webinar: Webinar, user: User, *, now: datetime | None = None) -> None:
    """Give the seat back (before the session); not being registered is an error naming `registration`."""
    registration = registration_of(session, webinar, user)
    if registration is None:
        raise Invalid(FieldError.of("registration", N_("you are not registered for this webinar")))
    if webinar.starts_at <= (now or utcnow()):
        raise Invalid(FieldError.of("webinar", N_("this webinar has already taken place")))
    session.delete(registration)
    session.flush()


def due_for_reminder(session: Session, *, now: datetime) -> list[tuple[WebinarRegistration, Webinar, User]]:
    """Registrations of active people for sessions starting within a day that were not yet reminded."""
    rows = session.exec(
        select(WebinarRegistration, Webinar, User)
        .join(Webinar, col(Webinar.id) == WebinarRegistration.webinar_id)
        .join(User, col(User.id) == WebinarRegistration.user_id)
        .where(col(Webinar.starts_at) > now, col(Webinar.starts_at) <= now + REMIND_BEFORE,
               col(WebinarRegistration.reminded_at).is_(None), User.is_active == True)  # noqa: E712
        .order_by(col(Webinar.starts_at), col(WebinarRegistration.id))
    ).all()
    return [tuple(row) for row in rows]
