"""API tokens: minted by an organisation's owners (or, for staff, by the CLI), used as `Authorization: Bearer`.

A secret looks like `qm_<prefix>_<random>`: the prefix (public, 8 hex characters) lets the owner recognise
a token in the list; the random part carries 256 bits. The secret is shown once, when it is made; only its
SHA-256 is stored, so a leaked database hands out no tokens. A token stops working the moment it is revoked,
its user is disabled, its user is no longer an owner of its organisation (or no longer staff, for a staff
token), or its organisation is deleted.

Services never commit; the request (or the CLI command) owns the transaction.
"""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from app import audit
from app.db import write_after_commit
from app.errors import Invalid, NotFound
from app.i18n import N_
from app.models import ApiToken, Membership, Organization, User
from app.models.base import utcnow
from app.models.states import OrgStatus
from app.models.vocab import MemberRole

SECRET_PREFIX = "qm_"
MAX_SECRET_LENGTH = 200  # anything longer is not one of ours; it is not even hashed
MAX_NAME_LENGTH = 100
# last_used_at is written at most this often, so a busy client does not write on every call.
TOUCH_INTERVAL = timedelta(minutes=1)


def secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _new_secret() -> tuple[str, str]:
    prefix = secrets.token_hex(4)
    return prefix, f"{SECRET_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"


def display_prefix(token: ApiToken) -> str:
    """How a token is shown after creation: its public start, never the secret."""
    return f"{SECRET_PREFIX}{token.prefix}_…"


def clean_name(name: str) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise Invalid.field("name", N_("give the token a name, e.g. the system that will use it"))
    if len(name) > MAX_NAME_LENGTH:
        raise Invalid.field("name", N_("must be at most {max_length} characters long"), max_length=MAX_NAME_LENGTH)
    if any(ord(c) < 32 or ord(c) == 127 for c in name):
        raise Invalid.field("name", N_("must not contain control characters"))
    return name


@dataclass(frozen=True)
class NewToken:
    token: ApiToken
    secret: str  # shown once, never stored


def mint(session: Session, *, user: User, org: Organization | None, name: str, actor: User | None = None,
         now: datetime | None = None) -> NewToken:
    """A new token acting for `org` (`None`: a staff token). The caller has checked who may mint it:
    owners of `org` (workspace_org with the owner role), or a staff user for a staff token."""
    name = clean_name(name)
    if org is None and not user.is_staff:
        raise Invalid.field("org", N_("only staff users may hold a token without an organisation"))
    prefix, secret = _new_secret()
    token = ApiToken(user_id=user.id, organization_id=org.id if org else None, name=name, prefix=prefix,
                     secret_hash=secret_hash(secret), created_at=now or utcnow())
    session.add(token)
    session.flush()
    audit.record(session, action="token.create", target_type="api_token", target_id=token.id,
                 actor_id=(actor or user).id, organization_id=org.id if org else None,
                 detail={"name": name, "prefix": prefix, "staff": org is None})
    return NewToken(token=token, secret=secret)


def org_tokens(session: Session, *, org: Organization) -> list[tuple[ApiToken, User]]:
    """The organisation's tokens with the user each acts as, live ones first, newest first."""
    rows = session.exec(
        select(ApiToken, User)
        .join(User, col(User.id) == ApiToken.user_id)
        .where(ApiToken.organization_id == org.id)
        .order_by(col(ApiToken.revoked_at).is_not(None), col(ApiToken.created_at).desc(), col(ApiToken.id).desc())
    ).all()
    return [tuple(row) for row in rows]


def get_org_token(session: Session, *, org: Organization, token_id: int) -> ApiToken:
    """The token `token_id` of `org`; another organisation's token (or a staff token) is NotFound."""
    token = session.exec(
        select(ApiToken).where(ApiToken.id == token_id, ApiToken.organization_id == org.id)
    ).first()
    if token is None:
        raise NotFound(N_("no such token"))
    return token


def revoke(session: Session, *, token: ApiToken, actor: User, now: datetime | None = None) -> bool:
    """Revoke at once (True), or nothing when it already was (False): a double click is harmless."""
    if token.revoked_at is not None:
        return False
    token.revoked_at = now or utcnow()
    audit.record(session, action="token.revoke", target_type="api_token", target_id=token.id, actor_id=actor.id,
                 organization_id=token.organization_id, detail={"name": token.name, "prefix": token.prefix})
    return True


@dataclass(frozen=True)
class TokenAuth:
    """Who a valid token speaks for: its user, and its organisation (None for a staff token)."""

    token: ApiToken
    user: User
    org: Organization | None

    @property
    def is_staff(self) -> bool:
        return self.org is None and self.user.is_staff


def resolve(session: Session, secret: str | None, *, now: datetime | None = None) -> TokenAuth | None:
    """The holder of `secret` if the token still counts, else None (the caller answers 401)."""
    if not secret or len(secret) > MAX_SECRET_LENGTH or not secret.startswith(SECRET_PREFIX):
        return None
    found = session.exec(
        select(ApiToken, User)
        .join(User, col(User.id) == ApiToken.user_id)
        .where(ApiToken.secret_hash == secret_hash(secret))
    ).first()
    if found is None:
        return None
    token, user = found
    if token.revoked_at is not None or not user.is_active:
        return None
    org = None
    if token.organization_id is None:
        if not user.is_staff:
            return None
    else:
        org = session.get(Organization, token.organization_id)
        if org is None or org.status == OrgStatus.deleted or org.deleted_at is not None:
            return None
        role = session.exec(
            select(Membership.role).where(Membership.organization_id == org.id, Membership.user_id == user.id)
        ).first()
        if role is None or MemberRole(role) != MemberRole.owner:
            return None  # its owner left or was made an editor: the token goes with the role
    now = now or utcnow()
    if token.last_used_at is None or now - token.last_used_at >= TOUCH_INTERVAL:
        write_after_commit(session, ApiToken, token.id, last_used_at=now)  # never inside a GET's read
    return TokenAuth(token=token, user=user, org=org)
