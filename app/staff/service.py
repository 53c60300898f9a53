"""Staff oversight: suspending and reinstating organisations, and reading the audit log (read-only)."""

from dataclasses import dataclass
from datetime import datetime

from fastapi import Request
from sqlalchemy import func, or_
from sqlmodel import Session, col, select

from app import audit
from app.errors import NotFound
from app.i18n import N_
from app.models import AuditEntry, Organization, User
from app.models.states import OrgStatus
from app.organizations.service import get_by_slug, set_status
from app.pagination import Pagination
from app.request_context import new_request_id

AUDIT_PER_PAGE = 50
ORGS_PER_PAGE = 50


def request_id(request: Request) -> str:
    """One id per request, written into the audit entries it causes (to match them with the logs): the one
    app/request_context.py's middleware gave the request and sent back as X-Request-ID."""
    rid = getattr(request.state, "request_id", None)
    if rid is None:  # an app built without the middleware (a bare test app): make one and keep it
        rid = request.state.request_id = new_request_id()
    return rid


def org_for_staff(session: Session, *, slug: str) -> Organization:
    org = get_by_slug(session, slug)
    if org is None:
        raise NotFound(N_("no such organisation"))
    return org


def suspend(session: Session, *, org: Organization, staff: User, reason: str, request_id: str | None = None,
            now: datetime | None = None) -> None:
    """The organisation and all its records leave pages and search at once (set_status enqueues them)."""
    set_status(session, org=org, status=OrgStatus.suspended, reason=reason, now=now)
    audit.record(session, action="org.suspend", target_type="organization", target_id=org.id, actor_id=staff.id,
                 organization_id=org.id, request_id=request_id, detail={"reason": reason})


def reinstate(session: Session, *, org: Organization, staff: User, reason: str = "", request_id: str | None = None,
              now: datetime | None = None) -> None:
    set_status(session, org=org, status=OrgStatus.active, reason=None, now=now)
    audit.record(session, action="org.reinstate", target_type="organization", target_id=org.id, actor_id=staff.id,
                 organization_id=org.id, request_id=request_id, detail={"reason": reason} if reason else {})


@dataclass
class AuditPage:
    rows: list[tuple[AuditEntry, User | None, Organization | None]]
    pages: Pagination
    actions: list[str]


def audit_page(session: Session, *, action: str = "", page: int = 1, per_page: int = AUDIT_PER_PAGE) -> AuditPage:
    """The audit log, newest first, optionally one action only."""
    wanted = [AuditEntry.action == action] if action else []
    total = session.exec(select(func.count()).select_from(AuditEntry).where(*wanted)).one()
    pages = Pagination(page=page, per_page=per_page, total=total)
    rows = session.exec(
        select(AuditEntry, User, Organization)
        .where(*wanted)
        .outerjoin(User, col(User.id) == AuditEntry.actor_id)
        .outerjoin(Organization, col(Organization.id) == AuditEntry.organization_id)
        .order_by(col(AuditEntry.created_at).desc(), col(AuditEntry.id).desc())
        .offset(pages.offset)
        .limit(per_page)
    ).all()
    actions = list(session.exec(select(AuditEntry.action).distinct().order_by(col(AuditEntry.action))).all())
    return AuditPage(rows=[tuple(row) for row in rows], pages=pages, actions=actions)


def organisations(session: Session, *, q: str = "", status: str = "", page: int = 1,
                  per_page: int = ORGS_PER_PAGE) -> tuple[list[Organization], Pagination]:
    """Active and suspended organisations (applications have their own queue), by name."""
    query = select(Organization).where(col(Organization.status).in_([OrgStatus.active, OrgStatus.suspended]))
    if status in (OrgStatus.active, OrgStatus.suspended):
        query = query.where(Organization.status == status)
    if q:
        pattern = "%" + q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        query = query.where(or_(col(Organization.name).ilike(pattern, escape="\\"),
                                col(Organization.name_zh).ilike(pattern, escape="\\"),
                                col(Organization.slug).ilike(pattern, escape="\\")))
    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    pages = Pagination(page=page, per_page=per_page, total=total)
    rows = session.exec(query.order_by(col(Organization.name)).offset(pages.offset).limit(per_page)).all()
    return list(rows), pages
