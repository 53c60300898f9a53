"""Reports of listings and jobs by visitors: what staff review in the moderation queue."""

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from app.models.base import enum_column, timestamp_column


class ReportTarget(StrEnum):
    listing = "listing"
    job = "job"


class ReportResolution(StrEnum):
    dismissed = "dismissed"  # staff found nothing wrong
    hidden = "hidden"  # the listing was unpublished, or the job closed


class Report(SQLModel, table=True):
    __tablename__ = "report"
    __table_args__ = (sa.Index("ix_report_target", "target_type", "target_id"),)

    id: int | None = Field(default=None, primary_key=True)
    target_type: ReportTarget = enum_column(ReportTarget)
    target_id: int
    reason: str = Field(sa_type=sa.Text)
    # Who reported: anyone may, so the user is optional; the address tells independent reporters apart.
    reporter_user_id: int | None = Field(
        default=None,
        sa_column=sa.Column(sa.ForeignKey("user_account.id", ondelete="SET NULL"), nullable=True, index=True),
    )
    reporter_ip: str = Field(max_length=45)
    created_at: datetime = timestamp_column(index=True)
    resolved_at: datetime | None = timestamp_column(nullable=True, index=True)
    resolution: ReportResolution | None = enum_column(ReportResolution, nullable=True, default=None)
