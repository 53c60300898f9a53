"""Saved searches and what their alerts already mailed (issue 13)."""

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from app.models.base import enum_column, timestamp_column


class SearchKind(StrEnum):
    jobs = "jobs"
    listings = "listings"
    organizations = "organizations"


class AlertFrequency(StrEnum):
    instant = "instant"
    daily = "daily"
    weekly = "weekly"


class SavedSearch(SQLModel, table=True):
    __tablename__ = "saved_search"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(
        sa_column=sa.Column(sa.ForeignKey("user_account.id", ondelete="CASCADE"), nullable=False, index=True)
    )
    kind: SearchKind = enum_column(SearchKind)
    path: str = Field(max_length=200)  # the page searched: /jobs, /jobs/students, /marketplace/hardware …
    query: str = Field(default="", max_length=2000)  # normalised: sorted pairs, without page, sort or lang
    name: str = Field(max_length=120)
    frequency: AlertFrequency = enum_column(AlertFrequency, default=AlertFrequency.daily)
    language: str = Field(default="zh", max_length=5)  # the digest's language: the reader's when saved
    created_at: datetime = timestamp_column()
    last_sent_at: datetime | None = timestamp_column(nullable=True)
    # Records published up to this time were looked at (mailed or not matching); the next run looks after
    # it (less an overlap, see app/alerts/service.py), and a daily or weekly search is due a period after it.
    seen_until: datetime = timestamp_column(index=True)
    unsubscribed_at: datetime | None = timestamp_column(nullable=True)  # the mail stops; the feed stays


class SavedSearchDelivery(SQLModel, table=True):
    """One row per record mailed for a saved search. Inserted before the mail leaves, and unique, so two
    overlapping runs (or two workers) cannot both mail it: the second insert fails and that run skips it."""

    __tablename__ = "saved_search_delivery"
    __table_args__ = (sa.UniqueConstraint("saved_search_id", "record_type", "record_id"),)

    id: int | None = Field(default=None, primary_key=True)
    saved_search_id: int = Field(
        sa_column=sa.Column(sa.ForeignKey("saved_search.id", ondelete="CASCADE"), nullable=False)
    )
    record_type: str = Field(max_length=20)  # job | listing | organization
    record_id: int
    created_at: datetime = timestamp_column()
