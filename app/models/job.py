"""Job postings. Live = published and not past `expires_at`."""

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from app.models.base import enum_column, timestamp_column
from app.models.states import JobStatus
from app.models.vocab import EmploymentType, JobFunction, Region, SalaryPeriod, Workplace


class Job(SQLModel, table=True):
    __tablename__ = "job"
    __table_args__ = (
        sa.CheckConstraint(
            "salary_min IS NULL OR salary_max IS NULL OR salary_min <= salary_max", name="salary_order"
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=120, unique=True)
    organization_id: int = Field(foreign_key="organization.id", index=True)
    title: str = Field(max_length=200)
    title_zh: str | None = Field(default=None, max_length=200)
    function: JobFunction = enum_column(JobFunction, index=True)
    employment_type: EmploymentType = enum_column(EmploymentType, index=True)
    workplace: Workplace = enum_column(Workplace, index=True)
    country: str = Field(max_length=2, index=True)
    city: str | None = Field(default=None, max_length=100)
    region: Region = enum_column(Region, index=True)
    description: str = Field(default="", sa_type=sa.Text)
    description_zh: str = Field(default="", sa_type=sa.Text)
    requirements: str = Field(default="", sa_type=sa.Text)
    requirements_zh: str = Field(default="", sa_type=sa.Text)
    apply_url: str | None = Field(default=None, max_length=300)
    apply_email: str | None = Field(default=None, max_length=254)
    salary_min: int | None = None
    salary_max: int | None = None
    salary_currency: str | None = Field(default=None, max_length=3)
    salary_period: SalaryPeriod | None = enum_column(SalaryPeriod, nullable=True, default=None)
    status: JobStatus = enum_column(JobStatus, index=True, default=JobStatus.draft)
    rejection_reason: str | None = Field(default=None, sa_type=sa.Text)
    created_at: datetime = timestamp_column()
    updated_at: datetime = timestamp_column()
    published_at: datetime | None = timestamp_column(nullable=True, index=True)
    expires_at: datetime | None = timestamp_column(nullable=True, index=True)
    version: int = Field(default=1, sa_column_kwargs={"server_default": "1"})  # see Listing.version
