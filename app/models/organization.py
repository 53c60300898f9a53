"""Organisations (members and applicants) and the categories they offer or need."""

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from app.models.base import enum_column, json_list_column, timestamp_column
from app.models.states import OrgStatus
from app.models.vocab import InterestKind, MembershipLevel, OrgType, Region, SizeBand


class Organization(SQLModel, table=True):
    __tablename__ = "organization"

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=80, unique=True)
    name: str = Field(max_length=200)
    name_zh: str | None = Field(default=None, max_length=200)
    org_type: OrgType = enum_column(OrgType, index=True)
    membership: MembershipLevel | None = enum_column(MembershipLevel, nullable=True, default=None)
    status: OrgStatus = enum_column(OrgStatus, index=True, default=OrgStatus.pending)
    country: str = Field(max_length=2, index=True)
    province: str | None = Field(default=None, max_length=6)
    city: str | None = Field(default=None, max_length=100)
    # Derived from country and province by app.geography.derive_region; kept for filtering.
    region: Region = enum_column(Region, index=True)
    website: str | None = Field(default=None, max_length=300)
    contact_email: str | None = Field(default=None, max_length=254)
    description: str = Field(default="", sa_type=sa.Text)
    description_zh: str = Field(default="", sa_type=sa.Text)
    founded_year: int | None = None
    size_band: SizeBand | None = enum_column(SizeBand, nullable=True, default=None)
    domains: list[str] = json_list_column()
    logo_path: str | None = Field(default=None, max_length=200)
    status_reason: str | None = Field(default=None, sa_type=sa.Text)
    created_at: datetime = timestamp_column()
    updated_at: datetime = timestamp_column()
    approved_at: datetime | None = timestamp_column(nullable=True)
    deleted_at: datetime | None = timestamp_column(nullable=True)
    version: int = Field(default=1, sa_column_kwargs={"server_default": "1"})  # see Listing.version


class OrganizationCategory(SQLModel, table=True):
    """One row per (organisation, category, offers|needs): what partner matching and the gap map read."""

    __tablename__ = "organization_category"

    organization_id: int = Field(
        sa_column=sa.Column(sa.ForeignKey("organization.id", ondelete="CASCADE"), primary_key=True)
    )
    category_id: int = Field(
        sa_column=sa.Column(sa.ForeignKey("category.id", ondelete="CASCADE"), primary_key=True, index=True)
    )
    kind: InterestKind = enum_column(InterestKind, primary_key=True)
