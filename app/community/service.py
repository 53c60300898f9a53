"""Rules about working groups."""

from sqlmodel import Session, delete, select

from app.models import Organization, WorkingGroup, WorkingGroupMember
from app.models.base import Outcome, assign, outcome


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
