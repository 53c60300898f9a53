"""First listings are reviewed: a new organisation's first listings wait for staff before they go public.

An organisation that has had fewer than QM_REVIEW_FIRST_LISTINGS listings published so far (any listing
with a published_at counts, whatever happened to it since) sends a listing to `review` when it publishes
it; staff approve it (published) or send it back with a note (draft, the note shown to the organisation).
Imports and the demo seed publish directly (app.catalog.service.upsert_listing): staff wrote those.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from app import audit
from app.catalog.service import set_listing_status
from app.errors import Conflict, Invalid, NotFound
from app.i18n import N_
from app.models import Category, Listing, Organization, User
from app.models.base import utcnow
from app.models.states import ListingStatus

MAX_NOTE = 2000


def published_count(session: Session, *, organization_id: int) -> int:
    """How many of the organisation's listings have ever been public."""
    return session.exec(
        select(func.count()).select_from(Listing).where(
            Listing.organization_id == organization_id, col(Listing.published_at).is_not(None)
        )
    ).one()


def needs_review(session: Session, *, listing: Listing, review_first: int) -> bool:
    """A listing that was public before goes straight back; a new one waits while its organisation is new."""
    if review_first <= 0 or listing.published_at is not None:
        return False
    return published_count(session, organization_id=listing.organization_id) < review_first


@dataclass
class QueueItem:
    listing: Listing
    org: Organization
    category: Category


def review_queue(session: Session) -> list[QueueItem]:
    """Listings waiting for a decision, oldest first."""
    rows = session.exec(
        select(Listing, Organization, Category)
        .join(Organization, col(Organization.id) == Listing.organization_id)
        .join(Category, col(Category.id) == Listing.category_id)
        .where(Listing.status == ListingStatus.review)
        .order_by(col(Listing.updated_at), col(Listing.id))
    ).all()
    return [QueueItem(*row) for row in rows]


def review_count(session: Session) -> int:
    return session.exec(select(func.count()).select_from(Listing).where(Listing.status == ListingStatus.review)).one()


def listing_for_decision(session: Session, *, listing_id: int) -> Listing:
    """Locked until the decision commits (Postgres; SQLite serialises writers), so of two staff deciding at
    once the second finds the listing decided already: a Conflict."""
    listing = session.exec(
        select(Listing).where(Listing.id == listing_id).with_for_update().execution_options(populate_existing=True)
    ).first()
    if listing is None:
        raise NotFound(N_("no such listing"))
    return listing


def _waiting(listing: Listing) -> None:
    # The machine alone is not enough: draft → published is allowed for the organisation, so a staff member
    # approving a listing that a colleague just sent back would publish it.
    if listing.status != ListingStatus.review:
        raise Conflict(N_("this listing is not waiting for review any more: someone decided it already"))


def required_note(note: str) -> str:
    note = (note or "").strip()
    if not note:
        raise Invalid.field("note", N_("say what the organisation should change: they read it"))
    if len(note) > MAX_NOTE:
        raise Invalid.field("note", N_("at most {max_length} characters"), max_length=MAX_NOTE)
    return note


def approve_listing(session: Session, *, listing: Listing, staff: User, request_id: str | None = None,
                    now: datetime | None = None) -> None:
    now = now or utcnow()
    _waiting(listing)
    set_listing_status(session, listing=listing, status=ListingStatus.published, now=now)  # enqueues it
    listing.last_confirmed_at, listing.reminded_at, listing.moderation_note = now, None, None
    listing.version += 1
    audit.record(session, action="listing.approve", target_type="listing", target_id=listing.id,
                 actor_id=staff.id, organization_id=listing.organization_id, request_id=request_id,
                 detail={"published_at": now.isoformat()})


def send_back_listing(session: Session, *, listing: Listing, staff: User, note: str, request_id: str | None = None,
                      now: datetime | None = None) -> None:
    now = now or utcnow()
    _waiting(listing)
    set_listing_status(session, listing=listing, status=ListingStatus.draft, now=now)
    listing.moderation_note = note
    listing.version += 1
    audit.record(session, action="listing.send_back", target_type="listing", target_id=listing.id,
                 actor_id=staff.id, organization_id=listing.organization_id, request_id=request_id,
                 detail={"note": note})
