"""Keeping listings current: owners are reminded before a listing goes stale, and stale ones leave search.

A listing whose organisation has not confirmed it for QM_LISTING_CONFIRM_DAYS is hidden from pages and
search (app.visibility.visible_listings, app.search.documents.listing_document). This job, run by
`qmarket listings remind` (daily), e-mails the owners once per listing and period, and queues the
listings that just went stale so that the index drops them too.
"""

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import Engine, or_, update
from sqlmodel import Session, col, select

from app.config import Settings
from app.db import unit_of_work
from app.mail import build_message, send_after_commit, site_url
from app.models import Listing, Membership, Organization, User
from app.models.base import utcnow
from app.models.states import ListingStatus, OrgStatus
from app.models.vocab import MemberRole
from app.outbox import enqueue
from app.periodic import run_periodically
from app.visibility import confirmed_since
from app.workspace.service import REMIND_BEFORE

log = logging.getLogger("qmarket.listings")
# Listings that went stale within this window are (re)queued for the index; the job runs more often.
EXPIRED_LOOKBACK = timedelta(days=7)


@dataclass
class ReminderReport:
    reminded: list[int] = field(default_factory=list)  # listing ids
    mails: int = 0
    expired: list[int] = field(default_factory=list)  # listing ids queued to leave the index


def _published_of_active_orgs():
    return (
        select(Listing, Organization)
        .join(Organization, col(Organization.id) == Listing.organization_id)
        .where(Listing.status == ListingStatus.published, Organization.status == OrgStatus.active)
    )


def due_for_confirmation(session: Session, *, now: datetime) -> list[tuple[Listing, Organization]]:
    """Published listings going stale within REMIND_BEFORE (or already stale) whose owners were not yet told."""
    due = confirmed_since(now) + REMIND_BEFORE
    rows = session.exec(
        _published_of_active_orgs()
        .where(col(Listing.last_confirmed_at) < due)
        .where(or_(col(Listing.reminded_at).is_(None), col(Listing.reminded_at) < col(Listing.last_confirmed_at)))
        .order_by(col(Organization.id), col(Listing.last_confirmed_at))
    ).all()
    return [tuple(row) for row in rows]


def _owners(session: Session, org: Organization) -> list[str]:
    return list(
        session.exec(
            select(User.email)
            .join(Membership, col(Membership.user_id) == User.id)
            .where(Membership.organization_id == org.id, Membership.role == MemberRole.owner, User.is_active == True)  # noqa: E712
        ).all()
    )


def _message(to: str, org: Organization, listings: list[Listing], *, period: timedelta, base_url: str):
    link = f"{base_url}/account/orgs/{org.slug}/listings"
    lines = [f"- {listing.title} ({listing.last_confirmed_at + period:%Y-%m-%d})" for listing in listings]
    items = "\n".join(lines)
    return build_message(
        to=to,
        subject="QMarket: please confirm your listings / 请确认您的产品与服务信息",
        body=(
            f"These listings of {org.name} will be hidden from QMarket and its search on the date shown unless "
            f"you confirm that they are still current:\n{items}\n\nConfirm or update them here: {link}\n\n"
            f"{org.name_zh or org.name} 的以下条目将于所示日期起在 QMarket 及搜索中隐藏，除非您确认其仍然有效：\n"
            f"{items}\n\n请在此确认或更新：{link}\n"
        ),
    )


def _claim(session: Session, listing: Listing, *, now: datetime) -> bool:
    """Mark the listing reminded, unless another pass did since it was read. On Postgres two passes (two
    workers, or the command next to the app) can read the same due listings; the second UPDATE waits for
    the first to commit, then finds the row no longer due and changes nothing, so only one of them mails."""
    claimed = session.execute(
        update(Listing)
        .where(col(Listing.id) == listing.id,
               or_(col(Listing.reminded_at).is_(None), col(Listing.reminded_at) < col(Listing.last_confirmed_at)))
        .values(reminded_at=now)
    )
    return claimed.rowcount == 1


def send_confirmation_reminders(
    session: Session, *, settings: Settings, base_url: str = "", now: datetime | None = None
) -> ReminderReport:
    """One mail per owner and organisation listing what is due; each listing is reminded once per period."""
    now = now or utcnow()
    report = ReminderReport()
    by_org: dict[int, tuple[Organization, list[Listing]]] = {}
    for listing, org in due_for_confirmation(session, now=now):
        by_org.setdefault(org.id, (org, []))[1].append(listing)
    stale_after = confirmed_since(now)
    for org, listings in by_org.values():
        listings = [listing for listing in listings if _claim(session, listing, now=now)]
        if not listings:
            continue
        report.reminded.extend(listing.id for listing in listings)
        for address in _owners(session, org):
            message = _message(address, org, listings, period=now - stale_after, base_url=base_url)
            send_after_commit(session, settings, [message], what=f"listing reminder for {org.slug}")
            report.mails += 1
    just_expired = session.exec(
        _published_of_active_orgs()
        .where(col(Listing.last_confirmed_at) < stale_after)
        .where(col(Listing.last_confirmed_at) >= stale_after - EXPIRED_LOOKBACK)
    ).all()
    for listing, _org in just_expired:
        enqueue(session, "listing", listing.id)
        report.expired.append(listing.id)
    session.flush()
    return report


REMIND_INTERVAL_SECONDS = 6 * 3600


def run_reminders(engine: Engine, settings: Settings) -> ReminderReport:
    with unit_of_work(engine) as session:
        return send_confirmation_reminders(session, settings=settings, base_url=site_url(settings))


async def remind_periodically(engine: Engine, settings: Settings, *, interval: float = REMIND_INTERVAL_SECONDS,
                              first_delay: float = 60.0, after=None, lease=None) -> None:
    """The in-process task: reminders and stale listings every `interval` seconds, the first pass a
    minute after start-up; `after` (the relay's drain) takes newly stale listings out of search at once."""
    await run_periodically("listing reminders", lambda: run_reminders(engine, settings).expired,
                           interval=interval, first_delay=first_delay, after=after, lease=lease)
