"""Monthly member webinars, who presented them and which listings they showed."""

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from app.models.base import timestamp_column


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
    registration_url: str | None = Field(default=None, max_length=300)
    recording_url: str | None = Field(default=None, max_length=300)
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
