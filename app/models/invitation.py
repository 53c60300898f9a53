"""Invitations from an organisation's owners to new editors. Only the token's SHA-256 is kept."""

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from app.models.base import enum_column, timestamp_column
from app.models.vocab import MemberRole


class Invitation(SQLModel, table=True):
    __tablename__ = "invitation"

    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(
        sa_column=sa.Column(sa.ForeignKey("organization.id", ondelete="CASCADE"), nullable=False, index=True)
    )
    email: str = Field(max_length=254)  # stored lower-cased
    role: MemberRole = enum_column(MemberRole, default=MemberRole.editor)
    token_hash: str = Field(max_length=64, unique=True)
    created_at: datetime = timestamp_column()
    expires_at: datetime = timestamp_column()
    accepted_at: datetime | None = timestamp_column(nullable=True)
