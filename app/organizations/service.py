"""Rules about organisations: where they are, what they offer and need, who is visible."""

from datetime import datetime

from sqlmodel import Session, col, delete, select

from app.errors import Invalid, InvalidValue, NotFound
from app.i18n import N_
from app.models import (
    Category,
    Job,
    Listing,
    Organization,
    OrganizationCategory,
    Webinar,
    WebinarPresenter,
    WorkingGroup,
    WorkingGroupMember,
)
from app.geography import derive_region
from app.models.base import Outcome, assign, outcome, utcnow
from app.models.states import ORGANIZATION, OrgStatus
from app.models.vocab import InterestKind, Region
from app.organizations.schemas import OrganizationIn
from app.outbox import enqueue
from app.visibility import visible_organizations


def region_for(country: str, province: str | None) -> Region:
    """derive_region, with its complaint turned into a field error."""
    try:
        return derive_region(country, province)
    except InvalidValue as exc:
        raise Invalid(exc.field_error()) from None


def get_by_slug(session: Session, slug: str) -> Organization | None:
    return session.exec(select(Organization).where(Organization.slug == slug)).first()


def upsert_organization(
    session: Session,
    *,
    data: OrganizationIn,
    categories: dict[str, Category],
    activate: bool,
    now: datetime | None = None,
) -> tuple[Organization, Outcome]:
    """Create or update the organisation with this slug."""
    now = now or utcnow()
    province = data.province if data.country == "CN" else None
    values = data.model_dump(exclude={"offers", "needs", "province"})
    values.update(province=province, region=region_for(data.country, province))
    values["domains"] = [str(d) for d in data.domains]
    org = get_by_slug(session, data.slug)
    created = org is None
    if created:
        org = Organization(**values)
        session.add(org)
    changed = assign(org, values) or created
    if activate and org.status == OrgStatus.pending:
        org.status, org.approved_at = OrgStatus.active, now
        changed = True
    session.flush()
    interests_changed = set_interests(
        session,
        org,
        offers=[categories[path] for path in data.offers],
        needs=[categories[path] for path in data.needs],
    )
    if changed or interests_changed:
        org.updated_at = now
        enqueue(session, "organization", org.id)
    return org, outcome(created=created, changed=changed or interests_changed)


def set_status(
    session: Session, *, org: Organization, status: OrgStatus, reason: str | None = None, now: datetime | None = None
) -> None:
    """Approve, reject, suspend or reinstate. Every record of the organisation follows it in search at once."""
    now = now or utcnow()
    ORGANIZATION.move(org, status)
    org.status_reason = reason
    org.updated_at = now
    if status == OrgStatus.active and org.approved_at is None:
        org.approved_at = now
    enqueue(session, "organization", org.id)
    for listing_id in session.exec(select(Listing.id).where(Listing.organization_id == org.id)).all():
        enqueue(session, "listing", listing_id)
    for job_id in session.exec(select(Job.id).where(Job.organization_id == org.id)).all():
        enqueue(session, "job", job_id)


def soft_delete_organization(session: Session, *, org: Organization, now: datetime | None = None) -> None:
    """Its owners deleted it: it and every record of it leave pages and search at once (set_status
    enqueues them all); staff may restore it within the retention period, after which it is purged."""
    now = now or utcnow()
    set_status(session, org=org, status=OrgStatus.deleted, now=now)
    org.deleted_at = now
    org.version += 1


def restore_organization(session: Session, *, org: Organization, now: datetime | None = None) -> None:
    """Staff undo a deletion: the organisation is active again, and its published records come back."""
    set_status(session, org=org, status=OrgStatus.active, now=now)
    org.deleted_at = None
    org.version += 1


def set_interests(session: Session, org: Organization, *, offers: list[Category], needs: list[Category]) -> bool:
    wanted = {(c.id, InterestKind.offers) for c in offers} | {(c.id, InterestKind.needs) for c in needs}
    rows = session.exec(select(OrganizationCategory).where(OrganizationCategory.organization_id == org.id)).all()
    current = {(row.category_id, InterestKind(row.kind)) for row in rows}
    if wanted == current:
        return False
    session.execute(delete(OrganizationCategory).where(col(OrganizationCategory.organization_id) == org.id))
    for category_id, kind in sorted(wanted):
        session.add(OrganizationCategory(organization_id=org.id, category_id=category_id, kind=kind))
    return True


def interests(session: Session, org: Organization) -> dict[InterestKind, list[Category]]:
    rows = session.exec(
        select(OrganizationCategory.kind, Category)
        .join(Category, col(Category.id) == OrganizationCategory.category_id)
        .where(OrganizationCategory.organization_id == org.id)
        .order_by(col(Category.path))
    ).all()
    result: dict[InterestKind, list[Category]] = {InterestKind.offers: [], InterestKind.needs: []}
    for kind, category in rows:
        result[InterestKind(kind)].append(category)
    return result


def get_visible_organization(session: Session, slug: str) -> Organization:
    org = session.exec(visible_organizations().where(Organization.slug == slug)).first()
    if org is None:
        raise NotFound(N_("no such organisation"))
    return org


def presented_webinars(session: Session, org: Organization) -> list[Webinar]:
    return list(
        session.exec(
            select(Webinar)
            .join(WebinarPresenter, col(WebinarPresenter.webinar_id) == Webinar.id)
            .where(WebinarPresenter.organization_id == org.id)
            .order_by(col(Webinar.starts_at).desc())
        ).all()
    )


def working_groups_of(session: Session, org: Organization) -> list[WorkingGroup]:
    return list(
        session.exec(
            select(WorkingGroup)
            .join(WorkingGroupMember, col(WorkingGroupMember.group_id) == WorkingGroup.id)
            .where(WorkingGroupMember.organization_id == org.id)
            .order_by(col(WorkingGroup.name))
        ).all()
    )
