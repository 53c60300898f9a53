"""Rules about user accounts: creation and password hashing (Argon2id)."""

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlmodel import Session, func, select

from app import audit
from app.accounts.schemas import UserCreate
from app.errors import Conflict
from app.models import User

_hasher = PasswordHasher()  # argon2-cffi's defaults are Argon2id with RFC 9106's low-memory profile


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
