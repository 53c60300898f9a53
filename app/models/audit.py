"""Append-only record of who did what to which record."""

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from app.models.base import JSON_TYPE, timestamp_column


class AuditEntry(SQLModel, table=True):
    __tablename__ = "audit_entry"

    id: int | None = Field(default=None, primary_key=True)
    actor_id: int | None = Field(default=None, foreign_key="user_account.id", index=True)  # None: the system
    action: str = Field(max_length=60)  # "job.approve", "import.bundle" …
    target_type: str = Field(max_length=40)
    target_id: int | None = None
    organization_id: int | None = Field(default=None, foreign_key="organization.id", index=True)
    detail: dict[str, Any] = Field(default_factory=dict, sa_column=sa.Column(JSON_TYPE, nullable=False))
    request_id: str | None = Field(default=None, max_length=64)
    created_at: datetime = timestamp_column(index=True)
