"""Pending search-index changes, written in the same transaction as the record they describe."""

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from app.models.base import timestamp_column


class SearchOutbox(SQLModel, table=True):
    __tablename__ = "search_outbox"
    __table_args__ = (sa.Index("ix_search_outbox_doc", "doc_type", "doc_id"),)

    id: int | None = Field(default=None, primary_key=True)
    doc_type: str = Field(max_length=20)  # organization | listing | job
    doc_id: int
    created_at: datetime = timestamp_column()
    attempts: int = 0
    last_error: str | None = Field(default=None, sa_type=sa.Text)
    # A failed delivery is retried no earlier than this.
    available_at: datetime = timestamp_column(index=True)
