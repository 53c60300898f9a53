"""Who may act for an organisation. Anyone else is told the record does not exist (404, never 403).

A deleted organisation has no workspace for anyone (its members included) until staff restore it.
"""

from sqlmodel import Session, col, select

from app.errors import NotFound
from app.i18n import N_
from app.models import Membership, Organization, User
from app.models.states import OrgStatus
from app.models.vocab import MemberRole

ANY_ROLE = (MemberRole.owner, MemberRole.editor)


def memberships_of(session: Session, user: User) -> list[tuple[Organization, Membership]]:
    rows = session.exec(
        select(Organization, Membership)
        .join(Membership, col(Membership.organization_id) == Organization.id)
        .where(Membership.user_id == user.id, Organization.status != OrgStatus.deleted)
        .order_by(col(Organization.name))
    ).all()
    return [tuple(row) for row in rows]


def workspace_org(
    session: Session, *, user: User, slug: str, roles: tuple[MemberRole, ...] = ANY_ROLE
) -> tuple[Organization, Membership]:
    """The organisation `slug` if `user` holds one of `roles` in it; NotFound otherwise.

    Staff are not members: they act through the staff pages, which are audited.
    """
    row = session.exec(
        select(Organization, Membership)
        .join(Membership, col(Membership.organization_id) == Organization.id)
        .where(Organization.slug == slug, Membership.user_id == user.id, Organization.status != OrgStatus.deleted)
    ).first()
    if row is None or MemberRole(row[1].role) not in roles:
        raise NotFound(N_("no such organisation"))
    return row[0], row[1]
