"""Helpers of the working-group tests; their world is the `group_world` fixture (conftest.py):

- group "Quantum networking" (slug qnet) chaired by chair@qnet.example, with one member organisation (founder)
- joiner: an active organisation not yet in the group; owner@joiner.example (owner), editor@joiner.example
- other: another active organisation, its owner owner@other.example
- staff@alliance.example is staff
"""

from dataclasses import dataclass

from sqlmodel import select

from app.accounts.schemas import UserCreate
from app.accounts.service import create_user
from app.db import new_session
from app.models import AuditEntry, GroupJoinRequest, Membership, WorkingGroupMember
from app.models.vocab import MemberRole
from tests.helpers import PASSWORD, post_form


@dataclass
class GroupWorld:
    group_id: int
    slug: str
    founder_id: int
    joiner_id: int
    other_id: int


def add_person(session, email: str, org=None, role: MemberRole = MemberRole.owner, **values):
    user = create_user(session, data=UserCreate(email=email, password=PASSWORD, **values))
    if org is not None:
        session.add(Membership(user_id=user.id, organization_id=org.id, role=role))
        session.flush()
    return user


def ask_to_join(client, slug="qnet", organization="joiner", message="We build quantum repeaters."):
    return post_form(client, f"/groups/{slug}/join", {"organization": organization, "message": message})


def requests_of(engine, org_id: int) -> list[GroupJoinRequest]:
    with new_session(engine, write=False) as session:
        return list(session.exec(select(GroupJoinRequest).where(GroupJoinRequest.organization_id == org_id)
                                 .order_by(GroupJoinRequest.id)).all())


def member_ids(engine, group_id: int) -> set[int]:
    with new_session(engine, write=False) as session:
        return set(session.exec(select(WorkingGroupMember.organization_id)
                                .where(WorkingGroupMember.group_id == group_id)).all())


def audit_rows(engine, prefix: str = "group.") -> list[AuditEntry]:
    with new_session(engine, write=False) as session:
        return list(session.exec(select(AuditEntry).where(AuditEntry.action.startswith(prefix))
                                 .order_by(AuditEntry.id)).all())
