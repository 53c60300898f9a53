"""Rules about working groups."""

from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, col, delete, select

from app.models import Category, Job, Listing, Organization, WorkingGroup, WorkingGroupMember
from app.models.base import Outcome, assign, outcome
from app.models.states import OrgStatus
from app.visibility import visible_listings
from app.visibility import live_jobs


def upsert_group(
    session: Session, *, slug: str, values: dict, members: list[Organization]
) -> tuple[WorkingGroup, Outcome]:
    group = session.exec(select(WorkingGroup).where(WorkingGroup.slug == slug)).first()
    created = group is None
    if created:
        group = WorkingGroup(slug=slug, **values)
        session.add(group)
        session.flush()
    changed = assign(group, values) or created
    wanted = {org.id for org in members}
    current = set(
        session.exec(select(WorkingGroupMember.organization_id).where(WorkingGroupMember.group_id == group.id)).all()
    )
    if wanted != current:
        session.execute(delete(WorkingGroupMember).where(WorkingGroupMember.group_id == group.id))
        session.add_all(WorkingGroupMember(group_id=group.id, organization_id=org_id) for org_id in sorted(wanted))
        changed = True
    return group, outcome(created=created, changed=changed)


# ---- what the public pages read -----------------------------------------------------------------------
# A group's members are shown only while their organisation is active; so are their listings and jobs.


def _members_of(group_id: int):
    return select(WorkingGroupMember.organization_id).where(WorkingGroupMember.group_id == group_id)


def groups_with_member_counts(session: Session) -> list[tuple[WorkingGroup, int]]:
    """Every group (in the order staff created them) with its number of active member organisations."""
    active_members = (
        select(WorkingGroupMember.group_id, func.count().label("members"))
        .join(Organization, col(Organization.id) == WorkingGroupMember.organization_id)
        .where(Organization.status == OrgStatus.active)
        .group_by(col(WorkingGroupMember.group_id))
        .subquery()
    )
    rows = session.exec(
        select(WorkingGroup, func.coalesce(active_members.c.members, 0))
        .outerjoin(active_members, active_members.c.group_id == WorkingGroup.id)
        .order_by(col(WorkingGroup.id))
    ).all()
    return [(group, int(count)) for group, count in rows]


def active_members(session: Session, *, group: WorkingGroup) -> list[Organization]:
    return list(
        session.exec(
            select(Organization)
            .where(Organization.status == OrgStatus.active, col(Organization.id).in_(_members_of(group.id)))
            .order_by(col(Organization.name))
        ).all()
    )


def _member_listings(group: WorkingGroup):
    return visible_listings().where(col(Listing.organization_id).in_(_members_of(group.id)))


def newest_member_listings(
    session: Session, *, group: WorkingGroup, limit: int
) -> list[tuple[Listing, Organization, Category]]:
    """The members' most recently published listings, with their organisation and category."""
    query = (
        _member_listings(group)
        .add_columns(Organization, Category)
        .join(Category, col(Category.id) == Listing.category_id)
        .order_by(col(Listing.published_at).desc(), col(Listing.id).desc())
        .limit(limit)
    )
    return [tuple(row) for row in session.execute(query).all()]


def member_listing_categories(
    session: Session, *, group: WorkingGroup
) -> list[tuple[Category, Category | None, int]]:
    """The marketplace categories the members' listings are in (with their top category, since several
    subcategories share a name such as "Other") and how many listings each has, most first."""
    per_category = (
        _member_listings(group)
        .with_only_columns(Listing.category_id, func.count().label("listings"))
        .group_by(col(Listing.category_id))
    )
    counts = dict(session.execute(per_category).all())
    categories = {c.id: c for c in session.exec(select(Category)).all()}
    rows = [(categories[category_id], categories.get(categories[category_id].parent_id), count)
            for category_id, count in counts.items()]
    return sorted(rows, key=lambda row: (-row[2], row[0].path))


def member_open_jobs(session: Session, *, group: WorkingGroup, now: datetime) -> int:
    query = live_jobs(now).where(col(Job.organization_id).in_(_members_of(group.id)))
    return session.exec(select(func.count()).select_from(query.subquery())).one()
