"""Working groups and inquiries between members."""

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from app.models.base import enum_column, timestamp_column
from app.models.states import InquiryStatus, RequestStatus


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


class WorkingGroupChair(SQLModel, table=True):
    """The people who chair a group: they decide join requests and post announcements."""

    __tablename__ = "working_group_chair"

    group_id: int = Field(
        sa_column=sa.Column(sa.ForeignKey("working_group.id", ondelete="CASCADE"), primary_key=True)
    )
    user_id: int = Field(
        sa_column=sa.Column(sa.ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True, index=True)
    )


class GroupJoinRequest(SQLModel, table=True):
    """A member organisation asks to join a group; chairs or staff approve, or decline with a reason."""

    __tablename__ = "group_join_request"

    id: int | None = Field(default=None, primary_key=True)
    group_id: int = Field(
        sa_column=sa.Column(sa.ForeignKey("working_group.id", ondelete="CASCADE"), nullable=False, index=True)
    )
    organization_id: int = Field(
        sa_column=sa.Column(sa.ForeignKey("organization.id", ondelete="CASCADE"), nullable=False, index=True)
    )
    requested_by_id: int | None = Field(
        default=None, sa_column=sa.Column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    )
    message: str = Field(default="", max_length=1000)
    status: RequestStatus = enum_column(RequestStatus, default=RequestStatus.pending, index=True)
    decline_reason: str = Field(default="", max_length=1000)
    decided_by_id: int | None = Field(
        default=None, sa_column=sa.Column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    )
    decided_at: datetime | None = timestamp_column(nullable=True)
    created_at: datetime = timestamp_column()


class GroupAnnouncement(SQLModel, table=True):
    """Posted by a chair; shown on the group page and mailed to the people of its member organisations."""

    __tablename__ = "group_announcement"

    id: int | None = Field(default=None, primary_key=True)
    group_id: int = Field(
        sa_column=sa.Column(sa.ForeignKey("working_group.id", ondelete="CASCADE"), nullable=False, index=True)
    )
    author_id: int | None = Field(
        default=None, sa_column=sa.Column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    )
    title: str = Field(max_length=200)
    body: str = Field(sa_type=sa.Text)
    created_at: datetime = timestamp_column(index=True)


class GroupDocument(SQLModel, table=True):
    """A document of the group, kept elsewhere: a title and a link."""

    __tablename__ = "group_document"

    id: int | None = Field(default=None, primary_key=True)
    group_id: int = Field(
        sa_column=sa.Column(sa.ForeignKey("working_group.id", ondelete="CASCADE"), nullable=False, index=True)
    )
    title: str = Field(max_length=200)
    url: str = Field(max_length=300)
    added_by_id: int | None = Field(
        default=None, sa_column=sa.Column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    )
    created_at: datetime = timestamp_column()


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
