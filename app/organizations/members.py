"""Who acts for an organisation: owners invite editors by e-mail, and may remove members.

An invitation is a random token sent by e-mail (only its SHA-256 is stored), valid for a week and once.
It is accepted by a signed-in user whose account e-mail is the invited address, so a forwarded or leaked
link does not make a stranger an editor.
"""

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import func
from sqlmodel import Session, col, delete, select

from app.audit import record
from app.errors import Conflict, Forbidden, Invalid, NotFound
from app.i18n import N_
from app.models import Invitation, Membership, Organization, User
from app.models.base import utcnow
from app.models.vocab import MemberRole
from app.security.ratelimit import hit
from app.validation import Email, InputModel

INVITATION_LIFETIME = timedelta(days=7)
INVITATIONS_PER_ORG_PER_DAY = 20


class InvitationIn(InputModel):
    email: Email


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def members(session: Session, org: Organization) -> list[tuple[Membership, User]]:
    rows = session.exec(
        select(Membership, User).join(User, col(User.id) == Membership.user_id)
        .where(Membership.organization_id == org.id)
        .order_by(col(Membership.role).desc(), col(User.email))  # owners first
    ).all()
    return [tuple(row) for row in rows]


def pending_invitations(session: Session, org: Organization, *, now: datetime | None = None) -> list[Invitation]:
    now = now or utcnow()
    return list(session.exec(
        select(Invitation).where(
            Invitation.organization_id == org.id, col(Invitation.accepted_at).is_(None), Invitation.expires_at > now
        ).order_by(col(Invitation.created_at))
    ).all())


def invite_editor(
    session: Session, *, org: Organization, inviter: User, data: InvitationIn, now: datetime | None = None
) -> tuple[Invitation, str]:
    """A new invitation for `data.email` (replacing an earlier open one) and its secret token."""
    now = now or utcnow()
    already = session.exec(
        select(Membership.id).join(User, col(User.id) == Membership.user_id)
        .where(Membership.organization_id == org.id, User.email == data.email)
    ).first()
    if already is not None:
        raise Invalid.field("email", N_("this person is already a member of the organisation"))
    hit(session, f"invite:org:{org.id}", limit=INVITATIONS_PER_ORG_PER_DAY, window_seconds=24 * 3600, now=now)
    session.execute(delete(Invitation).where(
        col(Invitation.organization_id) == org.id, col(Invitation.email) == data.email,
        col(Invitation.accepted_at).is_(None),
    ))
    token = secrets.token_urlsafe(32)
    invitation = Invitation(organization_id=org.id, email=data.email, role=MemberRole.editor,
                            token_hash=token_hash(token), created_at=now, expires_at=now + INVITATION_LIFETIME)
    session.add(invitation)
    session.flush()
    record(session, action="membership.invite", target_type="invitation", target_id=invitation.id,
           actor_id=inviter.id, organization_id=org.id, detail={"email": data.email, "role": "editor"})
    return invitation, token


def open_invitation(session: Session, token: str, *, now: datetime | None = None) -> tuple[Invitation, Organization]:
    """The unused, unexpired invitation with this token; NotFound otherwise."""
    now = now or utcnow()
    row = session.exec(
        select(Invitation, Organization).join(Organization, col(Organization.id) == Invitation.organization_id)
        .where(Invitation.token_hash == token_hash(token[:100]))
    ).first()
    if row is None or row[0].accepted_at is not None or row[0].expires_at <= now:
        raise NotFound(N_("this invitation is invalid, has expired or was already used; ask for a new one"))
    return row[0], row[1]


def accept_invitation(session: Session, *, token: str, user: User, now: datetime | None = None) -> Organization:
    """Make `user` an editor of the inviting organisation. Forbidden if the invitation is for another address."""
    now = now or utcnow()
    invitation, org = open_invitation(session, token, now=now)
    if invitation.email != user.email.lower():
        raise Forbidden(N_("this invitation was sent to another e-mail address; "
                           "sign in with that address to accept it"))
    invitation.accepted_at = now
    existing = session.exec(
        select(Membership).where(Membership.organization_id == org.id, Membership.user_id == user.id)
    ).first()
    if existing is None:
        session.add(Membership(user_id=user.id, organization_id=org.id, role=invitation.role, created_at=now))
    session.flush()
    record(session, action="membership.accept", target_type="invitation", target_id=invitation.id,
           actor_id=user.id, organization_id=org.id, detail={"role": str(invitation.role)})
    return org


def _member(session: Session, org: Organization, membership_id: int) -> Membership:
    """A membership of `org`; an id of another organisation's member is NotFound."""
    membership = session.exec(
        select(Membership).where(Membership.id == membership_id, Membership.organization_id == org.id)
    ).first()
    if membership is None:
        raise NotFound(N_("no such member"))
    return membership


def _owner_count(session: Session, org: Organization) -> int:
    return session.exec(
        select(func.count()).select_from(Membership)
        .where(Membership.organization_id == org.id, Membership.role == MemberRole.owner)
    ).one()


def change_role(session: Session, *, org: Organization, membership_id: int, role: MemberRole,
                actor: User) -> Membership:
    """Make a member an owner or an editor. The last owner cannot be demoted: an organisation always needs one.

    The organisation's owner rows are locked first, in id order (FOR UPDATE on Postgres; SQLite's write
    transaction is BEGIN IMMEDIATE already), so two owners demoting each other at once cannot both pass the
    count, and cannot deadlock either: the second waits, then sees one owner left and is refused.
    """
    owners = session.exec(
        select(Membership.id).where(Membership.organization_id == org.id, Membership.role == MemberRole.owner)
        .order_by(col(Membership.id)).with_for_update()
    ).all()
    membership = _member(session, org, membership_id)
    old_role = MemberRole(membership.role)
    if old_role == role:
        return membership
    if old_role == MemberRole.owner and len(owners) <= 1:
        raise Conflict(N_("the last owner cannot become an editor: an organisation always needs an owner"))
    membership.role = role
    session.flush()
    record(session, action="membership.role_changed", target_type="membership", target_id=membership.id,
           actor_id=actor.id, organization_id=org.id,
           detail={"user_id": membership.user_id, "from": str(old_role), "to": str(role)})
    return membership


def remove_member(session: Session, *, org: Organization, membership_id: int, actor: User) -> Membership:
    """Remove a member of `org` (an id of another organisation's member is NotFound); never the last owner."""
    membership = _member(session, org, membership_id)
    if membership.role == MemberRole.owner:
        if _owner_count(session, org) <= 1:
            raise Conflict(N_("the last owner cannot be removed: an organisation always needs an owner"))
    record(session, action="membership.remove", target_type="membership", target_id=membership.id,
           actor_id=actor.id, organization_id=org.id,
           detail={"user_id": membership.user_id, "role": str(membership.role)})
    session.delete(membership)
    session.flush()
    return membership
