"""Leases: work that must run in one process at a time, whatever the number of workers or containers.

A lease is a row (app/models/lease.py): a name, the process holding it, and when it expires. A process
takes a free or expired lease, or renews its own, with one conditional UPDATE (an INSERT the first time):
on SQLite writes are serialised; on Postgres a concurrent UPDATE of the same row waits for the first one
and then re-checks the WHERE clause against the committed row, so exactly one of two contenders wins.
A holder that dies simply stops renewing, and the lease is free again once it expires.

Clocks: each process compares with its own clock, so the hosts' clocks must agree (NTP) to well within
the lease's length; the lengths used here are tens of seconds.
"""

import os
import socket
import uuid
from datetime import datetime, timedelta

from sqlalchemy import Engine, and_, or_, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import col

from app.db import unit_of_work
from app.models.base import utcnow
from app.models.lease import Lease

# This process, as lease holders are named: the host and pid say where to look; the random part tells a
# restarted process with a reused pid from the one that died.
PROCESS_HOLDER = f"{socket.gethostname()[:120]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def take(engine: Engine, name: str, *, seconds: float, holder: str = PROCESS_HOLDER,
         now: datetime | None = None) -> bool:
    """Take the lease `name` for `seconds` (or renew it, if `holder` has it). True if `holder` has it now."""
    now = now or utcnow()
    expires_at = now + timedelta(seconds=seconds)
    with unit_of_work(engine) as session:
        renewed = session.execute(
            update(Lease)
            .where(col(Lease.name) == name, or_(col(Lease.holder) == holder, col(Lease.expires_at) <= now))
            .values(holder=holder, expires_at=expires_at)
        )
        if renewed.rowcount == 1:
            return True
        dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
        created = session.execute(
            dialect.insert(Lease).values(name=name, holder=holder, expires_at=expires_at)
            .on_conflict_do_nothing().returning(Lease.name)
        )
        return created.first() is not None  # no row back: another process inserted it first


def release(engine: Engine, name: str, *, holder: str = PROCESS_HOLDER, now: datetime | None = None) -> None:
    """Give the lease up at once (a clean shutdown), so another process need not wait for it to expire."""
    with unit_of_work(engine) as session:
        session.execute(
            update(Lease).where(and_(col(Lease.name) == name, col(Lease.holder) == holder))
            .values(expires_at=now or utcnow())
        )


def holder_of(engine: Engine, name: str, *, now: datetime | None = None) -> str | None:
    """Who holds the lease now (None: nobody, or it expired)."""
    with unit_of_work(engine, write=False) as session:
        lease = session.get(Lease, name)
    if lease is None or lease.expires_at <= (now or utcnow()):
        return None
    return lease.holder
