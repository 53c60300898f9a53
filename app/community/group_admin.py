"""What staff decide about a working group: its names, mission and chairs, and (besides join requests)
which organisations belong to it. Every change is in the audit log."""

import re

from pydantic import Field, ValidationError
from sqlmodel import Session, col, delete, select

from app import audit
from app.errors import FieldError, Invalid
from app.i18n import N_
from app.models import Organization, User, WorkingGroup, WorkingGroupChair, WorkingGroupMember
from app.models.base import assign
from app.models.states import OrgStatus
from app.slugs import slugify, unique_slug
from app.validation import Email, InputModel, LongText, OptionalTitle, Title, field_errors

MAX_CHAIRS = 20
_SEPARATORS = re.compile(r"[\s,，;；]+")


class GroupIn(InputModel):
    name: Title
    name_zh: OptionalTitle | None = None
    mission: LongText = ""
    mission_zh: LongText = ""
    chairs: list[Email] = Field(default_factory=list, max_length=MAX_CHAIRS)


def parse_group_form(values: dict[str, str]) -> GroupIn:
    """The staff form as a GroupIn: chairs are e-mail addresses separated by commas, spaces or new lines.
    Raises Invalid naming each bad field (a bad address is blamed on `chairs`, not on `chairs[2]`)."""
    raw = {k: v for k, v in values.items() if k != "chairs" and v.strip()}
    raw["chairs"] = [part for part in _SEPARATORS.split(values.get("chairs", "")) if part]
    try:
        return GroupIn.model_validate(raw)
    except ValidationError as exc:
        raise Invalid(field_errors(exc)) from None


def chair_users(session: Session, emails: list[str]) -> list[User]:
    """The active users with these addresses, in the order given; any other address is an error on `chairs`."""
    wanted = list(dict.fromkeys(emails))
    found = {u.email: u for u in session.exec(select(User).where(col(User.email).in_(wanted), col(User.is_active)))}
    if missing := [email for email in wanted if email not in found]:
        raise Invalid(FieldError.of("chairs", N_("no active user with the address: {emails}"),
                                    emails=", ".join(missing)))
    return [found[email] for email in wanted]


def current_chairs(session: Session, group: WorkingGroup) -> list[User]:
    return list(session.exec(
        select(User).join(WorkingGroupChair, col(WorkingGroupChair.user_id) == User.id)
        .where(WorkingGroupChair.group_id == group.id).order_by(col(User.email))
    ).all())


def save_group(session: Session, *, data: GroupIn, chairs: list[User], staff: User,
               group: WorkingGroup | None = None) -> WorkingGroup:
    """Create (no `group`; the slug comes from the English name) or update a group and set its chairs."""
    values = data.model_dump(exclude={"chairs"})
    created = group is None
    if group is None:
        group = WorkingGroup(slug=unique_slug(session, WorkingGroup, slugify(data.name, fallback="group")), **values)
        session.add(group)
        session.flush()
        changed = True
    else:
        changed = assign(group, values)
    before = {u.id for u in current_chairs(session, group)}
    after = {u.id for u in chairs}
    if before != after:
        session.execute(delete(WorkingGroupChair).where(WorkingGroupChair.group_id == group.id))
        session.add_all(WorkingGroupChair(group_id=group.id, user_id=user_id) for user_id in sorted(after))
        changed = True
    if changed:
        audit.record(session, action="group.create" if created else "group.update", target_type="working_group",
                     target_id=group.id, actor_id=staff.id,
                     detail={"slug": group.slug, "name": group.name, "chairs": sorted(u.email for u in chairs)})
    session.flush()
    return group


def _org(session: Session, slug: str) -> Organization:
    org = session.exec(select(Organization).where(Organization.slug == slug.strip().lower()[:80])).first()
    if org is None or org.status == OrgStatus.deleted:
        raise Invalid.field("organization", N_("no organisation with this slug"))
    return org


def add_member(session: Session, *, group: WorkingGroup, org_slug: str, staff: User) -> Organization:
    org = _org(session, org_slug)
    if org.status != OrgStatus.active:
        raise Invalid.field("organization", N_("only an active organisation can join a group"))
    if session.get(WorkingGroupMember, (group.id, org.id)) is not None:
        raise Invalid.field("organization", N_("this organisation is already a member of the group"))
    session.add(WorkingGroupMember(group_id=group.id, organization_id=org.id))
    audit.record(session, action="group.member_add", target_type="working_group", target_id=group.id,
                 actor_id=staff.id, organization_id=org.id, detail={"group": group.slug, "organization": org.slug})
    return org


def remove_member(session: Session, *, group: WorkingGroup, org_slug: str, staff: User) -> Organization:
    org = _org(session, org_slug)
    if session.get(WorkingGroupMember, (group.id, org.id)) is None:
        raise Invalid.field("organization", N_("this organisation is not a member of the group"))
    session.execute(delete(WorkingGroupMember).where(WorkingGroupMember.group_id == group.id,
                                                     WorkingGroupMember.organization_id == org.id))
    audit.record(session, action="group.member_remove", target_type="working_group", target_id=group.id,
                 actor_id=staff.id, organization_id=org.id, detail={"group": group.slug, "organization": org.slug})
    return org


def all_members(session: Session, group: WorkingGroup) -> list[Organization]:
    """Every member, inactive ones included (staff see them; the public page does not)."""
    return list(session.exec(
        select(Organization).join(WorkingGroupMember, col(WorkingGroupMember.organization_id) == Organization.id)
        .where(WorkingGroupMember.group_id == group.id).order_by(col(Organization.name))
    ).all())
