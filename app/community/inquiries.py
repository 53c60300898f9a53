"""Inquiries: a member writes to an organisation, optionally about one of its listings.

Only members of an active organisation may write (anonymous contact would invite spam); every sender is
rate-limited, and so is the same text sent to many organisations (RELIABILITY 46). The organisation's
owners are told by e-mail after the commit. An organisation sees only its own inquiries.
"""

import hashlib
import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated

from pydantic import AfterValidator, BeforeValidator, StringConstraints
from sqlmodel import Session, col, select

from app.catalog.service import visible_listings
from app.errors import Forbidden, Invalid, NotFound
from app.models import Inquiry, Listing, Membership, Organization, User
from app.models.base import utcnow
from app.models.states import INQUIRY, InquiryStatus, OrgStatus
from app.models.vocab import MemberRole
from app.security.ratelimit import RateLimited, hit
from app.validation import InputModel, Slug

log = logging.getLogger("qmarket.inquiries")

HOUR, DAY = 3600, 24 * 3600
PER_HOUR, PER_DAY = 10, 30  # inquiries one sender may send
SAME_TEXT_PER_DAY = 3  # organisations one sender may send the same text to
SAME_TEXT_EVERYONE_PER_DAY = 10  # …and all senders together (sock puppets)
MESSAGE_MAX = 5000
CONTROL = frozenset(chr(c) for c in [*range(0, 9), 11, 12, *range(14, 32), 127])


def _one_line(value: object) -> object:
    """A subject is one line: runs of white space (CR/LF included) become one space, as in a browser's
    text input. So no header can be smuggled through it into the notification mail."""
    return " ".join(value.split()) if isinstance(value, str) else value


def no_control(value: str) -> str:
    if any(ch in CONTROL for ch in value):
        raise ValueError("must not contain control characters")
    return value


Subject = Annotated[str, BeforeValidator(_one_line), StringConstraints(min_length=1, max_length=200),
                    AfterValidator(no_control)]
Message = Annotated[str, StringConstraints(min_length=1, max_length=MESSAGE_MAX), AfterValidator(no_control)]


class InquiryIn(InputModel):
    subject: Subject
    message: Message
    listing: Slug | None = None


@dataclass(frozen=True)
class InquiryRow:
    inquiry: Inquiry
    sender: User
    organization: Organization
    listing: Listing | None


def sender_organizations(session: Session, user: User) -> list[Organization]:
    """The active organisations `user` acts for: membership in one is what lets them send inquiries."""
    return list(session.exec(
        select(Organization)
        .join(Membership, col(Membership.organization_id) == Organization.id)
        .where(Membership.user_id == user.id, Organization.status == OrgStatus.active)
        .order_by(col(Organization.name))
    ).all())


class MembersOnly(Forbidden):
    code = "members_only"


def listing_of(session: Session, org: Organization, slug: str | None) -> Listing | None:
    if not slug:
        return None
    listing = session.exec(visible_listings().where(Listing.slug == slug, Listing.organization_id == org.id)).first()
    if listing is None:
        raise Invalid.field("listing", "is not a published listing of this organisation")
    return listing


def _text_key(text: str) -> str:
    """The same message, give or take white space and case, has the same key."""
    return hashlib.sha256(" ".join(text.lower().split()).encode()).hexdigest()[:32]


def _throttle(session: Session, *, sender: User, data: InquiryIn, now: datetime) -> None:
    text = _text_key(data.message)
    limits = [
        (f"inquiry:user:{sender.id}:hour", PER_HOUR, HOUR),
        (f"inquiry:user:{sender.id}:day", PER_DAY, DAY),
        (f"inquiry:text:{sender.id}:{text}", SAME_TEXT_PER_DAY, DAY),
        (f"inquiry:text:{text}", SAME_TEXT_EVERYONE_PER_DAY, DAY),
    ]
    for key, limit, window in limits:
        try:
            hit(session, key, limit=limit, window_seconds=window, now=now)
        except RateLimited:
            # Logged so that staff can see floods; the key holds ids and a hash only, never the text.
            log.warning("inquiry refused by rate limit %s (sender %s)", key.rsplit(":", 1)[0], sender.id)
            raise


def send_inquiry(
    session: Session, *, sender: User, org: Organization, data: InquiryIn, now: datetime | None = None
) -> Inquiry:
    """Record an inquiry from `sender` to the active organisation `org`. Raises MembersOnly, Invalid or
    RateLimited; writes nothing then (the rate-limit hits of a refused inquiry roll back with it)."""
    now = now or utcnow()
    if not sender_organizations(session, sender):
        raise MembersOnly("only members of an approved organisation can send inquiries")
    listing = listing_of(session, org, data.listing)
    _throttle(session, sender=sender, data=data, now=now)
    inquiry = Inquiry(sender_id=sender.id, organization_id=org.id, listing_id=listing.id if listing else None,
                      subject=data.subject, message=data.message, created_at=now)
    session.add(inquiry)
    session.flush()
    return inquiry


def owners_of(session: Session, org: Organization) -> list[User]:
    return list(session.exec(
        select(User)
        .join(Membership, col(Membership.user_id) == User.id)
        .where(Membership.organization_id == org.id, Membership.role == MemberRole.owner, col(User.is_active))
        .order_by(col(User.id))
    ).all())


def _rows(session: Session, query) -> list[InquiryRow]:
    query = (
        query.join(User, col(User.id) == Inquiry.sender_id)
        .join(Organization, col(Organization.id) == Inquiry.organization_id)
        .outerjoin(Listing, col(Listing.id) == Inquiry.listing_id)
        .order_by(col(Inquiry.created_at).desc(), col(Inquiry.id).desc())
    )
    return [InquiryRow(*row) for row in session.exec(query).all()]


def organization_inquiries(session: Session, *, org: Organization, limit: int = 200) -> list[InquiryRow]:
    """The inquiries `org` received, newest first. Callers found `org` through workspace_org."""
    query = select(Inquiry, User, Organization, Listing).where(Inquiry.organization_id == org.id)
    return _rows(session, query.limit(limit))


def sent_inquiries(session: Session, *, sender: User, limit: int = 200) -> list[InquiryRow]:
    query = select(Inquiry, User, Organization, Listing).where(Inquiry.sender_id == sender.id)
    return _rows(session, query.limit(limit))


def set_inquiry_status(session: Session, *, org: Organization, inquiry_id: int, status: str) -> Inquiry:
    """Mark an inquiry of `org` answered, closed or open again. Another organisation's id is NotFound."""
    inquiry = session.exec(
        select(Inquiry).where(Inquiry.id == inquiry_id, Inquiry.organization_id == org.id)
    ).first()
    if inquiry is None:
        raise NotFound("no such inquiry")
    try:
        target = InquiryStatus(status)
    except ValueError:
        raise Invalid.field("status", "must be one of: open, answered, closed") from None
    if target != inquiry.status:
        INQUIRY.move(inquiry, target)
    return inquiry
