"""Leases: which process runs a piece of work that must run in one place at a time (app/leases.py)."""

from datetime import datetime

from sqlmodel import Field, SQLModel

from app.models.base import timestamp_column


class Lease(SQLModel, table=True):
    __tablename__ = "lease"

    name: str = Field(primary_key=True, max_length=100)  # "periodic:job expiry", "search:delivery"
    holder: str = Field(max_length=200)  # host:pid:random of the process that holds it
    # Past this moment the lease is free: a holder that died without releasing it loses it here.
    expires_at: datetime = timestamp_column()
