"""The live jobs the public may see, for the read API: filtered like the board, newest first, a page at a
time; and one live job by its slug."""

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col

from app.errors import NotFound
from app.geography import province_of_city
from app.i18n import N_
from app.models import Job, Organization
from app.pagination import keyset
from app.visibility import live_jobs

ORDER = [col(Job.published_at), col(Job.id)]


@dataclass(frozen=True)
class JobListFilters:
    function: tuple[str, ...] = ()
    employment_type: tuple[str, ...] = ()
    workplace: tuple[str, ...] = ()
    country: tuple[str, ...] = ()
    region: tuple[str, ...] = ()
    org: tuple[str, ...] = ()


def _live(now: datetime):
    return live_jobs(now).with_only_columns(Job, Organization)


def jobs_page(session: Session, filters: JobListFilters, *, after: tuple | None, limit: int,
              now: datetime) -> list[tuple[Job, Organization]]:
    query = _live(now)
    for name in ("function", "employment_type", "workplace", "country", "region"):
        if values := getattr(filters, name):
            query = query.where(col(getattr(Job, name)).in_(values))
    if filters.org:
        query = query.where(col(Organization.slug).in_(filters.org))
    rows = session.execute(keyset(query, ORDER, after=after, limit=limit, descending=True)).all()
    return [tuple(row) for row in rows]


def sort_key(row: tuple[Job, Organization]) -> tuple:
    return (row[0].published_at, row[0].id)


def live_job(session: Session, slug: str, *, now: datetime) -> tuple[Job, Organization]:
    """A job the board shows. A closed or expired one is gone from the API as from the board (its page says
    410 to readers who followed an old link; an integrator syncing the list simply no longer sees it)."""
    row = session.execute(_live(now).where(Job.slug == slug)).first()
    if row is None:
        raise NotFound(N_("no such job"))
    return row[0], row[1]


def job_province(job: Job, org: Organization) -> str | None:
    """Postings store their region, not their province: it is found again as job_region found it, from the
    city, or else (no city, same country) from the organisation's province."""
    if job.country != "CN":
        return None
    if job.city:
        return province_of_city(job.city)
    return org.province if org.country == "CN" else None
