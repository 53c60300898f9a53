"""Members propose to present; staff schedule an accepted proposal as a webinar, or decline it with a reason.

An organisation may have a few proposals waiting at once (MAX_PENDING), so that the queue stays readable; a
declined or withdrawn proposal may be followed by a new one.
"""

from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from app.catalog.service import categories_by_path
from app.errors import FieldError, Invalid, NotFound
from app.i18n import N_
from app.models import Organization, User, Webinar, WebinarProposal
from app.models.base import utcnow
from app.models.states import REQUEST, OrgStatus, RequestStatus
from app.slugs import slugify, unique_slug
from app.validation import required_reason
from app.webinars.schemas import ProposalIn
from app.webinars.service import upsert_webinar

MAX_PENDING = 3
MAX_REASON = 1000  # the column's size


def pending_proposal_count(session: Session) -> int:
    return session.exec(select(func.count()).where(WebinarProposal.status == RequestStatus.pending)).one()


def proposals_of(session: Session, org: Organization) -> list[tuple[WebinarProposal, Webinar | None]]:
    """The organisation's proposals, newest first, with the webinar an accepted one became."""
    rows = session.exec(
        select(WebinarProposal, Webinar)
        .outerjoin(Webinar, col(Webinar.id) == WebinarProposal.webinar_id)
        .where(WebinarProposal.organization_id == org.id)
        .order_by(col(WebinarProposal.created_at).desc(), col(WebinarProposal.id).desc())
    ).all()
    return [tuple(row) for row in rows]


def queue(session: Session) -> list[tuple[WebinarProposal, Organization]]:
    """What staff decide: pending proposals, oldest first."""
    rows = session.exec(
        select(WebinarProposal, Organization)
        .join(Organization, col(Organization.id) == WebinarProposal.organization_id)
        .where(WebinarProposal.status == RequestStatus.pending)
        .order_by(col(WebinarProposal.created_at), col(WebinarProposal.id))
    ).all()
    return [tuple(row) for row in rows]


def propose(session: Session, *, org: Organization, user: User, data: ProposalIn,
            now: datetime | None = None) -> WebinarProposal:
    if org.status != OrgStatus.active:
        raise Invalid(FieldError.of("organization", N_("only an approved member organisation can present")))
    categories = categories_by_path(session)
    if data.theme and data.theme not in categories:
        raise Invalid(FieldError.of("theme", N_("unknown category")))
    waiting = session.exec(select(func.count()).where(WebinarProposal.organization_id == org.id,
                                                      WebinarProposal.status == RequestStatus.pending)).one()
    if waiting >= MAX_PENDING:
        raise Invalid(FieldError.of("title", N_("your organisation already has {count} proposals waiting"),
                                    count=waiting))
    proposal = WebinarProposal(
        organization_id=org.id, proposed_by_id=user.id, title=data.title, title_zh=data.title_zh,
        summary=data.summary, theme_category_id=categories[data.theme].id if data.theme else None,
        preferred_dates=data.preferred_dates, created_at=now or utcnow())
    session.add(proposal)
    session.flush()
    return proposal


def proposal_of(session: Session, proposal_id: int, *, org: Organization | None = None) -> WebinarProposal:
    """The proposal; with `org`, only if it is that organisation's (another's is "not found", not "forbidden")."""
    proposal = session.get(WebinarProposal, proposal_id)
    if proposal is None or (org is not None and proposal.organization_id != org.id):
        raise NotFound(N_("no such proposal"))
    return proposal


def _still_pending(proposal: WebinarProposal) -> None:
    if proposal.status != RequestStatus.pending:
        raise Invalid(FieldError.of("status", N_("this proposal was already decided or withdrawn")))


def withdraw(session: Session, proposal: WebinarProposal) -> None:
    _still_pending(proposal)
    REQUEST.move(proposal, RequestStatus.withdrawn)
    session.flush()


def decline(session: Session, proposal: WebinarProposal, *, staff: User, reason: str,
            now: datetime | None = None) -> None:
    """A reason is required: the organisation reads it."""
    _still_pending(proposal)
    reason = required_reason(reason, why=N_("say why, for the organisation that proposed it"), limit=MAX_REASON)
    REQUEST.move(proposal, RequestStatus.declined)
    proposal.decline_reason, proposal.decided_by_id, proposal.decided_at = reason, staff.id, now or utcnow()
    session.flush()


def accept(session: Session, proposal: WebinarProposal, *, staff: User, starts_at: datetime,
           duration_minutes: int, now: datetime | None = None) -> Webinar:
    """Schedule the proposal as a webinar presented by its organisation (staff refine it on the webinar form)."""
    now = now or utcnow()
    _still_pending(proposal)
    if starts_at < now:
        raise Invalid(FieldError.of("starts_at", N_("a new webinar cannot start in the past")))
    if not 15 <= duration_minutes <= 480:
        raise Invalid(FieldError.of("duration_minutes", N_("between 15 and 480 minutes")))
    org = session.get(Organization, proposal.organization_id)
    if org is None or org.status != OrgStatus.active:
        raise Invalid(FieldError.of("organization", N_("the organisation is no longer an active member")))
    theme = next((c for c in categories_by_path(session).values() if c.id == proposal.theme_category_id), None)
    values = {"title": proposal.title, "title_zh": proposal.title_zh, "description": proposal.summary,
              "starts_at": starts_at, "duration_minutes": duration_minutes}
    webinar, _ = upsert_webinar(session, slug=unique_slug(session, Webinar, slugify(proposal.title) or "webinar"),
                                values=values, theme=theme, presenters=[org], listings=[], keep_date=False)
    REQUEST.move(proposal, RequestStatus.approved)
    proposal.webinar_id, proposal.decided_by_id, proposal.decided_at = webinar.id, staff.id, now
    session.flush()
    return webinar
