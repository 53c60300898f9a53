"""Who belongs to a working group and who runs it: join requests, their decisions, leaving, chairs.

An organisation joins by asking; a chair of the group (or staff) approves, or declines with a reason the
requester sees. Only the owners and editors of an active organisation act for it (as in its workspace).
Every change is in the audit log. Nothing here commits: the request that calls it owns the transaction.
"""

from dataclasses import dataclass

from sqlmodel import Session, col, delete, select

from app import audit
from app.errors import FieldError, Invalid, NotFound
from app.i18n import N_
from app.models import GroupJoinRequest, Membership, Organization, User, WorkingGroup, WorkingGroupChair
from app.models import WorkingGroupMember
from app.models.base import utcnow
from app.models.states import REQUEST, OrgStatus, RequestStatus
from app.organizations.access import ANY_ROLE
from app.validation import required_reason

MESSAGE_MAX = 1000
REASON_MAX = 1000


def get_group_or_404(session: Session, *, slug: str) -> WorkingGroup:
    group = session.exec(select(WorkingGroup).where(WorkingGroup.slug == slug)).first()
    if group is None:
        raise NotFound(N_("no such working group"))
    return group


def is_member(session: Session, *, group: WorkingGroup, org: Organization) -> bool:
    return session.get(WorkingGroupMember, (group.id, org.id)) is not None


def is_chair(session: Session, *, group: WorkingGroup, user: User) -> bool:
    return session.get(WorkingGroupChair, (group.id, user.id)) is not None


def may_manage(session: Session, *, group: WorkingGroup, user: User | None) -> bool:
    return user is not None and user.is_active and (user.is_staff or is_chair(session, group=group, user=user))


def require_manager(session: Session, *, group: WorkingGroup, user: User) -> None:
    """Chairs and staff run a group; to anyone else its management pages do not exist (404, as everywhere)."""
    if not may_manage(session, group=group, user=user):
        raise NotFound(N_("no such working group"))


def acting_organizations(session: Session, *, user: User) -> list[Organization]:
    """The active organisations `user` may act for (owner or editor), by name."""
    return list(session.exec(
        select(Organization)
        .join(Membership, col(Membership.organization_id) == Organization.id)
        .where(Membership.user_id == user.id, col(Membership.role).in_(ANY_ROLE),
               Organization.status == OrgStatus.active)
        .order_by(col(Organization.name))
    ).all())


def _pending(session: Session, *, group: WorkingGroup, org: Organization) -> GroupJoinRequest | None:
    return session.exec(select(GroupJoinRequest).where(
        GroupJoinRequest.group_id == group.id, GroupJoinRequest.organization_id == org.id,
        GroupJoinRequest.status == RequestStatus.pending)).first()


def request_to_join(session: Session, *, group: WorkingGroup, user: User, org_slug: str,
                    message: str) -> GroupJoinRequest:
    """A pending request of one of `user`'s organisations. Every refusal names the field it is about."""
    message = message.strip()
    if len(message) > MESSAGE_MAX:
        raise Invalid(FieldError.of("message", N_("must be at most {max_length} characters long"),
                                    max_length=MESSAGE_MAX))
    org = next((o for o in acting_organizations(session, user=user) if o.slug == org_slug), None)
    if org is None:  # the same answer for an unknown slug and one the user may not act for
        raise Invalid.field("organization", N_("choose one of the organisations you act for"))
    if is_member(session, group=group, org=org):
        raise Invalid.field("organization", N_("this organisation is already a member of the group"))
    if _pending(session, group=group, org=org) is not None:
        raise Invalid.field("organization", N_("this organisation has already asked to join; the chairs will decide"))
    join = GroupJoinRequest(group_id=group.id, organization_id=org.id, requested_by_id=user.id, message=message)
    session.add(join)
    session.flush()
    audit.record(session, action="group.join_request", target_type="group_join_request", target_id=join.id,
                 actor_id=user.id, organization_id=org.id, detail={"group": group.slug, "organization": org.slug})
    return join


def withdraw(session: Session, *, org: Organization, request_id: int, user: User) -> GroupJoinRequest:
    """`org` comes from the workspace guard: another organisation's request is not found (404)."""
    join = session.get(GroupJoinRequest, request_id)
    if join is None or join.organization_id != org.id:
        raise NotFound(N_("no such request"))
    REQUEST.move(join, RequestStatus.withdrawn)
    join.decided_at = utcnow()
    audit.record(session, action="group.join_withdraw", target_type="group_join_request", target_id=join.id,
                 actor_id=user.id, organization_id=org.id, detail={"group_id": join.group_id})
    return join


def leave(session: Session, *, org: Organization, group_id: int, user: User) -> WorkingGroup:
    group = session.get(WorkingGroup, group_id)
    if group is None or not is_member(session, group=group, org=org):
        raise NotFound(N_("your organisation is not a member of this group"))
    session.execute(delete(WorkingGroupMember).where(WorkingGroupMember.group_id == group.id,
                                                     WorkingGroupMember.organization_id == org.id))
    audit.record(session, action="group.leave", target_type="working_group", target_id=group.id, actor_id=user.id,
                 organization_id=org.id, detail={"group": group.slug, "organization": org.slug})
    return group


def _request_of(session: Session, *, group: WorkingGroup, request_id: int) -> GroupJoinRequest:
    join = session.get(GroupJoinRequest, request_id)
    if join is None or join.group_id != group.id:
        raise NotFound(N_("no such request"))
    return join


def decide(session: Session, *, group: WorkingGroup, request_id: int, chair: User, approve: bool,
           reason: str = "") -> GroupJoinRequest:
    """Approve (the organisation becomes a member) or decline with a reason. The caller checked `chair`."""
    join = _request_of(session, group=group, request_id=request_id)
    if approve:
        reason = ""
    else:
        reason = required_reason(reason, why=N_("give a reason: the organisation will read it"), limit=REASON_MAX)
    REQUEST.move(join, RequestStatus.approved if approve else RequestStatus.declined)
    join.decided_by_id, join.decided_at, join.decline_reason = chair.id, utcnow(), "" if approve else reason
    org = session.get(Organization, join.organization_id)
    if approve and not is_member(session, group=group, org=org):
        session.add(WorkingGroupMember(group_id=group.id, organization_id=org.id))
    audit.record(session, action="group.join_approve" if approve else "group.join_decline",
                 target_type="group_join_request", target_id=join.id, actor_id=chair.id, organization_id=org.id,
                 detail={"group": group.slug, "organization": org.slug} | ({} if approve else {"reason": reason}))
    session.flush()
    return join


@dataclass(frozen=True)
class RequestRow:
    request: GroupJoinRequest
    group: WorkingGroup
    organization: Organization


def _rows(session: Session, *conditions) -> list[RequestRow]:
    query = (select(GroupJoinRequest, WorkingGroup, Organization)
             .join(WorkingGroup, col(WorkingGroup.id) == GroupJoinRequest.group_id)
             .join(Organization, col(Organization.id) == GroupJoinRequest.organization_id)
             .where(*conditions)
             .order_by(col(GroupJoinRequest.created_at).desc(), col(GroupJoinRequest.id).desc()))
    return [RequestRow(*row) for row in session.exec(query).all()]


def requests_of_organizations(session: Session, *, org_ids: list[int], group: WorkingGroup | None = None) -> list[RequestRow]:
    conditions = [col(GroupJoinRequest.organization_id).in_(org_ids)]
    if group is not None:
        conditions.append(GroupJoinRequest.group_id == group.id)
    return _rows(session, *conditions)


def pending_requests(session: Session, *, group: WorkingGroup) -> list[RequestRow]:
    """Oldest first: the chairs decide in the order organisations asked."""
    return _rows(session, GroupJoinRequest.group_id == group.id,
                 GroupJoinRequest.status == RequestStatus.pending)[::-1]


def groups_of(session: Session, *, org: Organization) -> list[WorkingGroup]:
    return list(session.exec(
        select(WorkingGroup).join(WorkingGroupMember, col(WorkingGroupMember.group_id) == WorkingGroup.id)
        .where(WorkingGroupMember.organization_id == org.id).order_by(col(WorkingGroup.name))
    ).all())


def chairs_of(session: Session, *, group: WorkingGroup) -> list[tuple[User, list[Organization]]]:
    """The active chairs with the active organisations they act for: what the public page may show of them."""
    chairs = session.exec(
        select(User).join(WorkingGroupChair, col(WorkingGroupChair.user_id) == User.id)
        .where(WorkingGroupChair.group_id == group.id, col(User.is_active)).order_by(col(User.id))
    ).all()
    return [(chair, acting_organizations(session, user=chair)) for chair in chairs]
