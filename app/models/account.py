"""People: users, their roles in organisations, and their API tokens."""

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from app.models.base import enum_column, timestamp_column
from app.models.vocab import MemberRole


class User(SQLModel, table=True):
    __tablename__ = "user_account"  # "user" is reserved on Postgres

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=254, unique=True)  # stored lower-cased
    display_name: str = Field(default="", max_length=120)
    password_hash: str = Field(max_length=255)
    is_staff: bool = False
    is_active: bool = True
    # Mail preference: announcements of the working groups one's organisations belong to.
    group_mail: bool = True
    created_at: datetime = timestamp_column()
    last_login_at: datetime | None = timestamp_column(nullable=True)


class Membership(SQLModel, table=True):
    __tablename__ = "membership"
    __table_args__ = (sa.UniqueConstraint("user_id", "organization_id"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(sa_column=sa.Column(sa.ForeignKey("user_account.id", ondelete="CASCADE"), nullable=False))
    organization_id: int = Field(
        sa_column=sa.Column(sa.ForeignKey("organization.id", ondelete="CASCADE"), nullable=False, index=True)
    )
    role: MemberRole = enum_column(MemberRole)
    created_at: datetime = timestamp_column()


class ApiToken(SQLModel, table=True):
    """The secret is shown once; only its SHA-256 is kept. `prefix` lets the owner recognise it."""

    __tablename__ = "api_token"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(
        sa_column=sa.Column(sa.ForeignKey("user_account.id", ondelete="CASCADE"), nullable=False, index=True)
    )
    # The organisation the token acts for (its owners mint it); none: a staff token (import, moderation).
    organization_id: int | None = Field(
        default=None, sa_column=sa.Column(sa.ForeignKey("organization.id", ondelete="CASCADE"), nullable=True,
                                          index=True)
    )
    name: str = Field(max_length=100)
    prefix: str = Field(max_length=16)
    secret_hash: str = Field(max_length=64, unique=True)
    created_at: datetime = timestamp_column()
    last_used_at: datetime | None = timestamp_column(nullable=True)
    revoked_at: datetime | None = timestamp_column(nullable=True)


class UserSession(SQLModel, table=True):
    """A signed-in browser. The cookie holds a random token; only its SHA-256 is stored, so a leaked
    database does not hand out sessions. Deleting the row ends the session at once."""

    __tablename__ = "user_session"

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True)
    user_id: int = Field(
        sa_column=sa.Column(sa.ForeignKey("user_account.id", ondelete="CASCADE"), nullable=False, index=True)
    )
    created_at: datetime = timestamp_column()
    last_seen_at: datetime = timestamp_column()
    expires_at: datetime = timestamp_column()
    ip: str | None = Field(default=None, max_length=45)
    user_agent: str | None = Field(default=None, max_length=200)


class PasswordResetToken(SQLModel, table=True):
    __tablename__ = "password_reset_token"

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True)
    user_id: int = Field(
        sa_column=sa.Column(sa.ForeignKey("user_account.id", ondelete="CASCADE"), nullable=False, index=True)
    )
    created_at: datetime = timestamp_column()
    expires_at: datetime = timestamp_column()
    used_at: datetime | None = timestamp_column(nullable=True)


class EmailChange(SQLModel, table=True):
    """A requested change of sign-in address, waiting for the link sent to the new address."""

    __tablename__ = "email_change"

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True)
    user_id: int = Field(
        sa_column=sa.Column(sa.ForeignKey("user_account.id", ondelete="CASCADE"), nullable=False, index=True)
    )
    new_email: str = Field(max_length=254)
    created_at: datetime = timestamp_column()
    expires_at: datetime = timestamp_column()
    used_at: datetime | None = timestamp_column(nullable=True)


class RateLimitHit(SQLModel, table=True):
    """One attempt counted against a limit (sign-in, reset, inquiries …); old rows are pruned."""

    __tablename__ = "rate_limit_hit"
    __table_args__ = (sa.Index("ix_rate_limit_hit_key_time", "key", "created_at"),)

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=200)
    created_at: datetime = timestamp_column()
