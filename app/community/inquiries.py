"""Inquiries: a member writes to an organisation, optionally about one of its listings.

Only members of an active organisation may write (anonymous contact would invite spam); every sender is
rate-limited, and so is the same text sent to many organisations (RELIABILITY 46). The organisation's
owners are told by e-mail after the commit. An organisation sees only its own inquiries.

A new member's first inquiries are held for staff (RELIABILITY 64, Discourse's approve_post_count): until a
sender has settings.review_first_inquiries inquiries that were delivered (never held, or released by
staff), each new one waits in /staff/inquiries and its recipients see nothing of it. A form posted too fast
or without its signed render stamp is held whatever the count; staff senders are never held. Staff
release a held inquiry (it opens and the owners are mailed then) or refuse it (closed; the recipients never
see it). Messages from accounts younger than NEW_ACCOUNT may carry at most NEW_ACCOUNT_LINKS links.
"""

import hashlib
import logging
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Annotated

from pydantic import AfterValidator, BeforeValidator, StringConstraints
from sqlmodel import Session, col, func, select

from app import audit
from app.errors import Conflict, Forbidden, Invalid, NotFound
from app.i18n import N_
from app.models import AuditEntry, Inquiry, Listing, Membership, Organization, User
from app.models.base import utcnow
from app.models.states import INQUIRY, InquiryStatus, OrgStatus
from app.models.vocab import MemberRole
from app.security.ratelimit import RateLimited, hit
from app.validation import InputModel, Slug
from app.visibility import visible_listings

log = logging.getLogger("qmarket.inquiries")

HOUR, DAY = 3600, 24 * 3600
PER_HOUR, PER_DAY = 10, 30  # inquiries one sender may send
SAME_TEXT_PER_DAY = 3  # organisations one sender may send the same text to
SAME_TEXT_EVERYONE_PER_DAY = 10  # …and all senders together (sock puppets)
MESSAGE_MAX = 5000
NEW_ACCOUNT = timedelta(days=7)  # younger accounts may put at most NEW_ACCOUNT_LINKS links in a message
NEW_ACCOUNT_LINKS = 2
# What counts as a link: a scheme, a www. host, or a bare domain with a common top-level label.
LINK = re.compile(
    r"\b[a-z][a-z0-9+.-]*://"  # any scheme: http://, https://, ftp://, …
    r"|\bwww\."
    # a bare domain with a common top-level label (not the domain of an e-mail address)
    r"|(?<![@\w.-])[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:com|net|org|io|co|cn|info|biz|xyz|top|ru|me|ly|app|site|online|link)\b",
    re.IGNORECASE,
)
HOLD_ACTION, RELEASE_ACTION, REFUSE_ACTION = "inquiry.hold", "inquiry.release", "inquiry.refuse"
NEW_SENDER = "new_sender"  # why an inquiry is held, besides the fast-form flags of app.security.form_timing
CONTROL = frozenset(chr(c) for c in [*range(0, 9), 11, 12, *range(14, 32), 127])


def _one_line(value: object) -> object:
    """A subject is one line: runs of white space (CR/LF included) become one space, as in a browser's
    text input. So no header can be smuggled through it into the notification mail."""
    return " ".join(value.split()) if isinstance(value, str) else value


def no_control(value: str) -> str:
    if any(ch in CONTROL for ch in value):
        raise ValueError(N_("must not contain control characters"))
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
        raise Invalid.field("listing", N_("is not a published listing of this organisation"))
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


def count_links(text: str) -> int:
    return len(LINK.findall(text))


def _check_links(sender: User, data: InquiryIn, now: datetime) -> None:
    created = sender.created_at
    if created is not None and created.tzinfo is None and now.tzinfo is not None:
        created = created.replace(tzinfo=now.tzinfo)
    if (created is None or now - created < NEW_ACCOUNT) and count_links(data.message) > NEW_ACCOUNT_LINKS:
        raise Invalid.field("message", N_("new accounts may include at most {links} links in a message"),
                            links=NEW_ACCOUNT_LINKS)


def _refused_ids():
    """Inquiries staff refused (the refusal is known from its audit entry: the status alone is `closed`)."""
    return select(AuditEntry.target_id).where(AuditEntry.action == REFUSE_ACTION, AuditEntry.target_type == "inquiry",
                                              col(AuditEntry.target_id).is_not(None))


def delivered_count(session: Session, sender: User) -> int:
    """The sender's inquiries that reached their recipients: never held, or released by staff."""
    return session.exec(
        select(func.count()).select_from(Inquiry).where(
            Inquiry.sender_id == sender.id, Inquiry.status != InquiryStatus.held,
            col(Inquiry.id).not_in(_refused_ids()),
        )
    ).one()


def hold_reasons(session: Session, *, sender: User, review_first: int, form_flag: str | None) -> list[str]:
    """Why an inquiry from `sender` would wait for staff; empty when it goes straight through."""
    if sender.is_staff:
        return []
    reasons = [form_flag] if form_flag else []
    if review_first and delivered_count(session, sender) < review_first:
        reasons.append(NEW_SENDER)
    return reasons


def send_inquiry(
    session: Session, *, sender: User, org: Organization, data: InquiryIn, now: datetime | None = None,
    review_first: int = 0, form_flag: str | None = None,
) -> Inquiry:
    """Record an inquiry from `sender` to the active organisation `org`: open, or held for staff (see the
    module's docstring; `form_flag` comes from app.security.form_timing.check). Raises MembersOnly, Invalid
    or RateLimited; writes nothing then (the rate-limit hits of a refused inquiry roll back with it)."""
    now = now or utcnow()
    if not sender_organizations(session, sender):
        raise MembersOnly(N_("only members of an approved organisation can send inquiries"))
    listing = listing_of(session, org, data.listing)
    _check_links(sender, data, now)
    _throttle(session, sender=sender, data=data, now=now)
    reasons = hold_reasons(session, sender=sender, review_first=review_first, form_flag=form_flag)
    inquiry = Inquiry(sender_id=sender.id, organization_id=org.id, listing_id=listing.id if listing else None,
                      subject=data.subject, message=data.message, created_at=now,
                      status=InquiryStatus.held if reasons else InquiryStatus.open)
    session.add(inquiry)
    session.flush()
    if reasons:
        # Why it is held, for the staff queue (the audit entry holds codes only, never the text).
        audit.record(session, action=HOLD_ACTION, target_type="inquiry", target_id=inquiry.id, actor_id=sender.id,
                     organization_id=org.id, detail={"reasons": reasons})
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
    query = select(Inquiry, User, Organization, Listing).where(Inquiry.organization_id == org.id, *_delivered())
    return _rows(session, query.limit(limit))


def _delivered() -> tuple:
    """What the recipients may see: not held, not refused by staff."""
    return Inquiry.status != InquiryStatus.held, col(Inquiry.id).not_in(_refused_ids())


def sent_inquiries(session: Session, *, sender: User, limit: int = 200) -> list[InquiryRow]:
    query = select(Inquiry, User, Organization, Listing).where(Inquiry.sender_id == sender.id)
    return _rows(session, query.limit(limit))


def set_inquiry_status(session: Session, *, org: Organization, inquiry_id: int, status: str) -> Inquiry:
    """Mark an inquiry of `org` answered, closed or open again. Another organisation's id is NotFound."""
    inquiry = session.exec(
        select(Inquiry).where(Inquiry.id == inquiry_id, Inquiry.organization_id == org.id, *_delivered())
    ).first()
    if inquiry is None:
        raise NotFound(N_("no such inquiry"))
    try:
        target = InquiryStatus(status)
    except ValueError:
        raise Invalid.field("status", N_("must be one of: open, answered, closed")) from None
    if target != inquiry.status:
        INQUIRY.move(inquiry, target)
    return inquiry


# ---- staff: the queue of held inquiries ----------------------------------------------------------------


@dataclass(frozen=True)
class HeldInquiry:
    row: InquiryRow
    reasons: list[str] = field(default_factory=list)


def held_inquiries(session: Session, *, staff: User, limit: int = 200) -> list[HeldInquiry]:
    """Held inquiries, oldest first, each with why it was held. Staff reading members' messages is
    audited (RELIABILITY 19): one entry per reading, naming the inquiries shown."""
    query = (
        select(Inquiry, User, Organization, Listing)
        .where(Inquiry.status == InquiryStatus.held)
        .join(User, col(User.id) == Inquiry.sender_id)
        .join(Organization, col(Organization.id) == Inquiry.organization_id)
        .outerjoin(Listing, col(Listing.id) == Inquiry.listing_id)
        .order_by(col(Inquiry.created_at), col(Inquiry.id))
        .limit(limit)
    )
    rows = [InquiryRow(*row) for row in session.exec(query).all()]
    ids = [row.inquiry.id for row in rows]
    reasons: dict[int, list[str]] = {}
    if ids:
        for entry in session.exec(select(AuditEntry).where(
                AuditEntry.action == HOLD_ACTION, col(AuditEntry.target_id).in_(ids))).all():
            reasons[entry.target_id] = list(entry.detail.get("reasons", []))
    audit.record(session, action="inquiry.staff_read", target_type="inquiry", actor_id=staff.id,
                 detail={"queue": "held", "inquiries": ids})
    return [HeldInquiry(row, reasons.get(row.inquiry.id, [])) for row in rows]


def held_count(session: Session) -> int:
    return session.exec(select(func.count()).select_from(Inquiry).where(Inquiry.status == InquiryStatus.held)).one()


def decide_held(session: Session, *, inquiry_id: int, staff: User, release: bool) -> Inquiry:
    """Release a held inquiry (it opens; the caller mails the owners after the commit) or refuse it (closed;
    its recipients never see it). The row is locked and must still be held: when two staff decide at once
    one wins and the other gets a Conflict (409). Audited."""
    inquiry = session.exec(select(Inquiry).where(Inquiry.id == inquiry_id).with_for_update()).first()
    if inquiry is None:
        raise NotFound(N_("no such inquiry"))
    if inquiry.status != InquiryStatus.held:
        raise Conflict(N_("this inquiry was already decided"))
    INQUIRY.move(inquiry, InquiryStatus.open if release else InquiryStatus.closed)
    session.add(inquiry)
    audit.record(session, action=RELEASE_ACTION if release else REFUSE_ACTION, target_type="inquiry",
                 target_id=inquiry.id, actor_id=staff.id, organization_id=inquiry.organization_id,
                 detail={"sender": inquiry.sender_id})
    session.flush()
    return inquiry
