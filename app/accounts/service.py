"""Rules about user accounts: creation and password hashing (Argon2id)."""

import secrets
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlmodel import Session, func, select

from app import audit
from app.accounts.schemas import PasswordChange, PasswordReset, UserCreate
from app.errors import Conflict, Invalid
from app.i18n import N_
from app.models import PasswordResetToken, User
from app.models.base import utcnow
from app.security.sessions import end_all, token_hash

_hasher = PasswordHasher()  # argon2-cffi's defaults are Argon2id with RFC 9106's low-memory profile
# Checked when the e-mail is unknown, so that a wrong address costs as long as a wrong password.
_DUMMY_HASH = _hasher.hash("not a real password: equalises sign-in timing")
RESET_TOKEN_LIFETIME = timedelta(hours=1)


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def get_by_email(session: Session, email: str) -> User | None:
    return session.exec(select(User).where(func.lower(User.email) == email.strip().lower())).first()


def create_user(session: Session, *, data: UserCreate, actor_id: int | None = None) -> User:
    if get_by_email(session, data.email):
        # English only: the CLI says it; sign-up never does (it must not tell that an address has an account).
        raise Conflict("email: an account with this e-mail address already exists")
    user = User(
        email=data.email,
        display_name=data.display_name,
        password_hash=hash_password(data.password),
        is_staff=data.is_staff,
    )
    session.add(user)
    session.flush()
    audit.record(
        session,
        action="user.create",
        target_type="user",
        target_id=user.id,
        actor_id=actor_id,
        detail={"is_staff": data.is_staff},
    )
    return user


def authenticate(session: Session, *, email: str, password: str) -> User | None:
    """The active user with this e-mail and password, or None. Same work whether or not the e-mail exists."""
    user = get_by_email(session, email)
    if user is None:
        verify_password(_DUMMY_HASH, password)
        return None
    if not verify_password(user.password_hash, password) or not user.is_active:
        return None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user


def change_password(session: Session, *, user: User, data: PasswordChange, keep_session_token: str | None,
                    end_other_sessions: bool = True) -> None:
    """Needs the current password. Other browsers must sign in again unless the user chose to keep them."""
    if not verify_password(user.password_hash, data.current_password):
        raise Invalid.field("current_password", N_("is not your current password"))
    user.password_hash = hash_password(data.new_password)
    if end_other_sessions:
        end_all(session, user.id, except_token=keep_session_token)
    audit.record(session, action="user.password_change", target_type="user", target_id=user.id, actor_id=user.id,
                 detail={"other_sessions_ended": end_other_sessions})


def start_password_reset(session: Session, *, email: str) -> tuple[User, str] | None:
    """A one-hour reset token for the account, if there is one. Callers answer the same either way."""
    user = get_by_email(session, email)
    if user is None or not user.is_active:
        return None
    token = secrets.token_urlsafe(32)
    now = utcnow()
    session.add(PasswordResetToken(token_hash=token_hash(token), user_id=user.id, created_at=now,
                                   expires_at=now + RESET_TOKEN_LIFETIME))
    return user, token


def finish_password_reset(session: Session, *, token: str, data: PasswordReset) -> User:
    now = utcnow()
    found = session.exec(
        select(PasswordResetToken).where(PasswordResetToken.token_hash == token_hash(token))
    ).first()
    if found is None or found.used_at is not None or found.expires_at <= now:
        raise Invalid.field("token", N_("this reset link is invalid or has expired; ask for a new one"))
    user = session.get(User, found.user_id)
    found.used_at = now
    user.password_hash = hash_password(data.new_password)
    end_all(session, user.id)
    audit.record(session, action="user.password_reset", target_type="user", target_id=user.id, actor_id=user.id)
    return user
