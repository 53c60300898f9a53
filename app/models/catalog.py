"""The two-level category taxonomy and the listings (products and services) filed under it."""

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from app.models.base import enum_column, json_list_column, timestamp_column
from app.models.states import ListingStatus
from app.models.vocab import ListingKind


class Category(SQLModel, table=True):
    __tablename__ = "category"

    id: int | None = Field(default=None, primary_key=True)
    path: str = Field(max_length=80, unique=True)  # "hardware/cryogenics"; a top category is its slug
    parent_id: int | None = Field(default=None, foreign_key="category.id", index=True)
    slug: str = Field(max_length=40)
    name: str = Field(max_length=100)
    name_zh: str = Field(max_length=100)
    position: int = 0

    @property
    def is_top(self) -> bool:
        return self.parent_id is None


class Listing(SQLModel, table=True):
    __tablename__ = "listing"
    __table_args__ = (sa.CheckConstraint("trl IS NULL OR (trl BETWEEN 1 AND 9)", name="trl_range"),)

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=120, unique=True)
    organization_id: int = Field(foreign_key="organization.id", index=True)
    kind: ListingKind = enum_column(ListingKind)
    category_id: int = Field(foreign_key="category.id", index=True)
    title: str = Field(max_length=200)
    title_zh: str | None = Field(default=None, max_length=200)
    summary: str = Field(default="", max_length=300)
    summary_zh: str = Field(default="", max_length=300)
    description: str = Field(default="", sa_type=sa.Text)
    description_zh: str = Field(default="", sa_type=sa.Text)
    tags: list[str] = json_list_column()
    trl: int | None = None
    datasheet_url: str | None = Field(default=None, max_length=300)
    status: ListingStatus = enum_column(ListingStatus, index=True, default=ListingStatus.draft)
    created_at: datetime = timestamp_column()
    updated_at: datetime = timestamp_column()
    published_at: datetime | None = timestamp_column(nullable=True)
    last_confirmed_at: datetime = timestamp_column()
    # When the owners were last reminded to confirm it (cleared by confirming), so they are told once.
    reminded_at: datetime | None = timestamp_column(nullable=True)
    # Staff's word to the organisation when a listing held for review is sent back.
    moderation_note: str | None = Field(default=None, sa_type=sa.Text)
    deleted_at: datetime | None = timestamp_column(nullable=True)
    # Raised by every edit; a form or API write that carries an older number is refused (409), so two
    # people editing at once cannot silently overwrite each other.
    version: int = Field(default=1, sa_column_kwargs={"server_default": "1"})
