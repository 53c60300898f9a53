"""Monthly member webinars, who presented them and which listings they showed."""

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from app.models.base import enum_column, timestamp_column
from app.models.states import RequestStatus


class Webinar(SQLModel, table=True):
    __tablename__ = "webinar"

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=120, unique=True)
    title: str = Field(max_length=200)
    title_zh: str | None = Field(default=None, max_length=200)
    description: str = Field(default="", sa_type=sa.Text)
    description_zh: str = Field(default="", sa_type=sa.Text)
    theme_category_id: int | None = Field(default=None, foreign_key="category.id", index=True)
    starts_at: datetime = timestamp_column(index=True)
    duration_minutes: int = 60
    # An outside registration page; without one, signed-in members register here (up to `capacity`, if set).
    registration_url: str | None = Field(default=None, max_length=300)
    capacity: int | None = None
    recording_url: str | None = Field(default=None, max_length=300)
    slides_url: str | None = Field(default=None, max_length=300)
    # The working group that hosts it, if any: its page lists the group's upcoming webinars.
    group_id: int | None = Field(
        default=None, sa_column=sa.Column(sa.ForeignKey("working_group.id", ondelete="SET NULL"), index=True)
    )
    created_at: datetime = timestamp_column()


class WebinarPresenter(SQLModel, table=True):
    __tablename__ = "webinar_presenter"

    webinar_id: int = Field(sa_column=sa.Column(sa.ForeignKey("webinar.id", ondelete="CASCADE"), primary_key=True))
    organization_id: int = Field(
        sa_column=sa.Column(sa.ForeignKey("organization.id", ondelete="CASCADE"), primary_key=True, index=True)
    )


class WebinarListing(SQLModel, table=True):
    __tablename__ = "webinar_listing"

    webinar_id: int = Field(sa_column=sa.Column(sa.ForeignKey("webinar.id", ondelete="CASCADE"), primary_key=True))
    listing_id: int = Field(
        sa_column=sa.Column(sa.ForeignKey("listing.id", ondelete="CASCADE"), primary_key=True, index=True)
    )


class WebinarRegistration(SQLModel, table=True):
    """A signed-in member's seat in a webinar with built-in registration; `reminded_at` marks the day-before mail."""

    __tablename__ = "webinar_registration"
    __table_args__ = (sa.UniqueConstraint("webinar_id", "user_id"),)

    id: int | None = Field(default=None, primary_key=True)
    webinar_id: int = Field(
        sa_column=sa.Column(sa.ForeignKey("webinar.id", ondelete="CASCADE"), nullable=False, index=True)
    )
    user_id: int = Field(
        sa_column=sa.Column(sa.ForeignKey("user_account.id", ondelete="CASCADE"), nullable=False, index=True)
    )
    created_at: datetime = timestamp_column()
    reminded_at: datetime | None = timestamp_column(nullable=True)


class WebinarProposal(SQLModel, table=True):
    """A member organisation offers to present; staff approve (and schedule a webinar) or decline with a reason."""

    __tablename__ = "webinar_proposal"

    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(
        sa_column=sa.Column(sa.ForeignKey("organization.id", ondelete="CASCADE"), nullable=False, index=True)
    )
    proposed_by_id: int | None = Field(
        default=None, sa_column=sa.Column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    )
    title: str = Field(max_length=200)
    title_zh: str | None = Field(default=None, max_length=200)
    summary: str = Field(default="", sa_type=sa.Text)
    theme_category_id: int | None = Field(default=None, foreign_key="category.id")
    preferred_dates: str = Field(default="", max_length=200)
    status: RequestStatus = enum_column(RequestStatus, default=RequestStatus.pending, index=True)
    decline_reason: str = Field(default="", max_length=1000)
    decided_by_id: int | None = Field(
        default=None, sa_column=sa.Column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    )
    decided_at: datetime | None = timestamp_column(nullable=True)
    webinar_id: int | None = Field(
        default=None, sa_column=sa.Column(sa.ForeignKey("webinar.id", ondelete="SET NULL"))
    )
    created_at: datetime = timestamp_column()
