"""Working groups and inquiries between members."""

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from app.models.base import enum_column, timestamp_column
from app.models.states import InquiryStatus


class WorkingGroup(SQLModel, table=True):
    __tablename__ = "working_group"

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=80, unique=True)
    name: str = Field(max_length=200)
    name_zh: str | None = Field(default=None, max_length=200)
    mission: str = Field(default="", sa_type=sa.Text)
    mission_zh: str = Field(default="", sa_type=sa.Text)
    created_at: datetime = timestamp_column()


class WorkingGroupMember(SQLModel, table=True):
    __tablename__ = "working_group_member"

    group_id: int = Field(
        sa_column=sa.Column(sa.ForeignKey("working_group.id", ondelete="CASCADE"), primary_key=True)
    )
    organization_id: int = Field(
        sa_column=sa.Column(sa.ForeignKey("organization.id", ondelete="CASCADE"), primary_key=True, index=True)
    )


class Inquiry(SQLModel, table=True):
    __tablename__ = "inquiry"

    id: int | None = Field(default=None, primary_key=True)
    sender_id: int = Field(foreign_key="user_account.id", index=True)
    organization_id: int = Field(foreign_key="organization.id", index=True)
    listing_id: int | None = Field(default=None, foreign_key="listing.id")
    subject: str = Field(max_length=200)
    message: str = Field(sa_type=sa.Text)
    status: InquiryStatus = enum_column(InquiryStatus, default=InquiryStatus.open)
    created_at: datetime = timestamp_column(index=True)
