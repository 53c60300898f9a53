"""The public jobs board: live jobs filtered, counted per facet and paged; one job and whether it is gone.

Filters combine like the search engine's: the values of one filter are alternatives (OR), different filters
all apply (AND). A facet's counts apply every *other* filter, so a visitor can always add a second value.
"""

import asyncio
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Literal

from markupsafe import Markup
from sqlalchemy import Engine, and_, func, or_
from sqlmodel import Session, col, select

from app.db import contains_text
from app.errors import NotFound
from app.geography import place_name
from app.models import Job, Organization
from app.models.base import utcnow
from app.models.states import JobStatus, OrgStatus
from app.pagination import Pagination
from app.search.backend import SearchBackend
from app.search.result_cache import ResultCache
from app.search.runner import CircuitBreaker, run_search
from app.search.schemas import MAX_PER_PAGE, SearchQuery
from app.visibility import live_jobs

# The filters of the board, in the order the filter panel shows them. All are facets of the search engine.
JOB_FACETS = ("function", "employment_type", "workplace", "country", "region", "org_type")
# Filters that narrow without being facets: pay at least (in a currency, per month or year, as posted),
# posted within a number of days, and a place typed in words (a city, in either language).
NARROWING = ("pay_min", "pay_currency", "pay_period", "posted", "location")
POSTED_WITHIN = (1, 7, 30)
Sort = Literal["relevance", "newest", "expiring"]


@dataclass(frozen=True)
class JobFilters:
    values: dict[str, tuple[str, ...]] = field(default_factory=dict)  # facet → accepted values

    @classmethod
    def of(cls, **given: Any) -> "JobFilters":
        values = {name: tuple(dict.fromkeys(str(v) for v in given[name])) for name in JOB_FACETS if given.get(name)}
        for name in NARROWING:  # one value each
            if given.get(name) not in (None, ""):
                values[name] = (str(given[name]).strip(),)
        if "pay_min" in values:  # pay is compared as posted: in one currency, per one period
            values.setdefault("pay_currency", ("CNY",))
            values.setdefault("pay_period", ("month",))
        else:
            values.pop("pay_currency", None)
            values.pop("pay_period", None)
        return cls(values)

    def narrowing(self) -> dict[str, str]:
        return {name: self.values[name][0] for name in NARROWING if name in self.values}

    def without(self, name: str) -> "JobFilters":
        return JobFilters({k: v for k, v in self.values.items() if k != name})

    def selected(self, name: str) -> tuple[str, ...]:
        return self.values.get(name, ())

    def pairs(self) -> list[tuple[str, str]]:
        """(filter, value) for every value chosen, in panel order: for links and 'remove this filter'."""
        return [(name, value) for name in (*JOB_FACETS, *NARROWING) for value in self.selected(name)]

    def __bool__(self) -> bool:
        return bool(self.values)


@dataclass
class BoardRow:
    job: Job
    org: Organization
    highlight: Markup | None = None


@dataclass
class Board:
    rows: list[BoardRow]
    pages: Pagination
    facets: dict[str, list[tuple[str, int]]]
    sort: Sort


def live_job_columns(*columns, now: datetime):
    """Columns of live jobs (and their organisations), by live_jobs()'s own conditions."""
    joined = select(*columns).select_from(Job).join(Organization, col(Organization.id) == Job.organization_id)
    return joined.where(live_jobs(now).whereclause)


def _column(name: str):
    return col(Organization.org_type) if name == "org_type" else col(getattr(Job, name))


def filtered_jobs(query, filters: JobFilters, *, now: datetime | None = None):
    for name, values in filters.values.items():
        if name in JOB_FACETS:
            query = query.where(_column(name).in_(values))
    narrow = filters.narrowing()
    if pay := narrow.get("pay_min"):
        query = query.where(col(Job.salary_max) >= int(pay), Job.salary_currency == narrow.get("pay_currency", "CNY"),
                            Job.salary_period == narrow.get("pay_period", "month"))
    if days := narrow.get("posted"):
        query = query.where(col(Job.published_at) >= (now or utcnow()) - timedelta(days=int(days)))
    if place := narrow.get("location"):
        query = query.where(_in_place(place))
    return query


def _in_place(words: str):
    """A city (or province, or country code) as typed: 合肥 finds Hefei and the other way round."""
    names = {n for n in (words, place_name(words, "en"), place_name(words, "zh")) if n}
    without_city = or_(col(Job.city).is_(None), Job.city == "")  # then the employer's city is the job's
    return or_(*(contains_text(col(Job.city), n) for n in names),
               and_(without_city, or_(*(contains_text(col(Organization.city), n) for n in names))),
               col(Job.country) == words.upper())


def _ordered(query, sort: Sort):
    if sort == "expiring":
        return query.order_by(col(Job.expires_at).asc(), col(Job.id).asc())
    return query.order_by(col(Job.published_at).desc(), col(Job.id).desc())


def _facet_list(counts: dict[str, int], selected: tuple[str, ...]) -> list[tuple[str, int]]:
    """Most common first; a chosen value stays listed even at zero, so it can be switched off."""
    merged = {value: 0 for value in selected} | counts
    return sorted(merged.items(), key=lambda item: (-item[1], item[0]))


def facet_counts(session: Session, *, filters: JobFilters, now: datetime,
                 among: list[int] | None = None) -> dict[str, list[tuple[str, int]]]:
    """Counts per facet value; `among`: only these jobs (those the search engine found for the words)."""
    facets = {}
    for name in JOB_FACETS:
        column = _column(name)
        query = filtered_jobs(live_job_columns(column, func.count(), now=now), filters.without(name), now=now)
        if among is not None:
            query = query.where(col(Job.id).in_(among))
        query = query.group_by(column)
        counts = {str(value): count for value, count in session.exec(query).all()}
        facets[name] = _facet_list(counts, filters.selected(name))
    return facets


def live_jobs_page(
    session: Session, *, filters: JobFilters, sort: Sort, page: int, per_page: int, now: datetime
) -> tuple[list[BoardRow], int]:
    """One page of live jobs matching the filters, and how many match in all."""
    query = filtered_jobs(live_jobs(now), filters, now=now)
    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    rows = session.exec(
        _ordered(filtered_jobs(live_job_columns(Job, Organization, now=now), filters, now=now), sort)
        .offset((page - 1) * per_page)
        .limit(per_page)
    )
    return [BoardRow(job, org) for job, org in rows.all()], total


def database_board(
    session: Session, *, filters: JobFilters, sort: Sort, page: int, per_page: int, now: datetime
) -> Board:
    sort = "newest" if sort == "relevance" else sort  # relevance needs words to be relevant to
    rows, total = live_jobs_page(session, filters=filters, sort=sort, page=page, per_page=per_page, now=now)
    facets = facet_counts(session, filters=filters, now=now)
    return Board(rows=rows, pages=Pagination(page=page, per_page=per_page, total=total), facets=facets, sort=sort)


def live_rows_by_id(session: Session, ids: list[int], *, now: datetime) -> dict[int, BoardRow]:
    if not ids:
        return {}
    rows = session.exec(live_job_columns(Job, Organization, now=now).where(col(Job.id).in_(ids))).all()
    return {job.id: BoardRow(job, org) for job, org in rows}


async def search_board(
    session: Session,
    *,
    backend: SearchBackend,
    engine: Engine,
    breaker: CircuitBreaker,
    cache: ResultCache | None = None,
    q: str,
    filters: JobFilters,
    sort: Sort,
    page: int,
    per_page: int,
    language: str,
    now: datetime,
) -> Board:
    """Words go to the search engine (typos, synonyms, Chinese segmentation); raises SearchUnavailable.

    The engine has no "closing soon" order: with words, the choice is best match or newest.
    """
    sort = "relevance" if sort == "expiring" else sort

    def query(chosen: JobFilters, **paging: int) -> SearchQuery:
        engine_sort = "newest" if sort == "newest" else "relevance"
        filters = {"type": ("job",), **chosen.values}
        return SearchQuery(q=q, filters=filters, sort=engine_sort, language=language, **paging)

    if filters.narrowing():
        return await _narrowed_search_board(session, backend=backend, engine=engine, breaker=breaker, cache=cache,
                                            query=query(filters, page=1, per_page=MAX_PER_PAGE), filters=filters,
                                            sort=sort, page=page, per_page=per_page, now=now)
    result = await run_search(backend, engine, query(filters, page=page, per_page=per_page), breaker=breaker,
                              cache=cache)
    facets = {name: result.facets.get(name, {}) for name in JOB_FACETS}
    for name in filters.values:  # counts for a chosen filter come from the search without it
        other = await run_search(backend, engine, query(filters.without(name), page=1, per_page=0), breaker=breaker,
                                 cache=cache)
        facets[name] = other.facets.get(name, {})
    ids = [hit.id for hit in result.hits if hit.type == "job"]
    by_id = await asyncio.to_thread(live_rows_by_id, session, ids, now=now)
    rows = []
    for hit in result.hits:
        if row := by_id.get(hit.id):
            # The engine escapes every character of the document and adds only <mark> around matches.
            row.highlight = Markup(hit.highlight)  # noqa: S704
            rows.append(row)
    return Board(
        rows=rows,
        pages=Pagination(page=page, per_page=per_page, total=result.total),
        facets={name: _facet_list(counts, filters.selected(name)) for name, counts in facets.items()},
        sort=sort,
    )


async def _narrowed_search_board(session: Session, *, backend, engine, breaker, cache, query: SearchQuery,
                                 filters: JobFilters, sort: Sort, page: int, per_page: int, now: datetime) -> Board:
    """Words and a narrowing the engine does not index (pay, posting date, place in words): the engine's best
    MAX_PER_PAGE matches, narrowed in the database, in the engine's order; facets counted among them."""
    result = await run_search(backend, engine, query, breaker=breaker, cache=cache)
    found = [hit for hit in result.hits if hit.type == "job"]
    ids = [hit.id for hit in found]

    def narrowed() -> tuple[dict[int, BoardRow], dict]:
        kept = session.exec(filtered_jobs(live_job_columns(Job, Organization, now=now), filters, now=now)
                            .where(col(Job.id).in_(ids))).all()
        rows = {job.id: BoardRow(job, org) for job, org in kept}
        return rows, facet_counts(session, filters=filters, now=now, among=list(rows))

    by_id, facets = await asyncio.to_thread(narrowed)
    rows = []
    for hit in found:
        if row := by_id.get(hit.id):
            row.highlight = Markup(hit.highlight)  # noqa: S704  (the engine escapes all but its <mark>)
            rows.append(row)
    start = (page - 1) * per_page
    return Board(rows=rows[start:start + per_page], pages=Pagination(page=page, per_page=per_page, total=len(rows)),
                 facets=facets, sort=sort)


@dataclass
class PublicJob:
    job: Job
    org: Organization
    live: bool  # False: it was public once and is now closed or expired (the page says so, with 410)


def public_job(session: Session, *, slug: str, now: datetime) -> PublicJob:
    """A job that is or was public. Never published (draft, review, rejected) or unknown → NotFound."""
    joined = select(Job, Organization).join(Organization, col(Organization.id) == Job.organization_id)
    row = session.exec(joined.where(Job.slug == slug)).first()
    if row is None:
        raise NotFound()
    job, org = row
    was_public = job.published_at is not None and job.status in (JobStatus.published, JobStatus.closed)
    if not was_public or org.status not in (OrgStatus.active, OrgStatus.suspended):
        raise NotFound()
    live = (
        job.status == JobStatus.published
        and job.expires_at is not None
        and job.expires_at > now
        and org.status == OrgStatus.active
    )
    return PublicJob(job=job, org=org, live=live)
