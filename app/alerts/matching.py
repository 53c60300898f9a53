"""Which records a saved search matches: the same visibility rules and filters as the page it came from.

Filters are columns, so they run in the database; words (`q`) need the search engine (typos, synonyms,
Chinese segmentation), so with words the database's candidates are kept only if the engine also finds
them. A search engine that is down raises SearchUnavailable: the caller tries again at its next run.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col

from app.alerts.schemas import ParsedQuery, SearchTarget
from app.catalog.browse import filtered_listings, listings_in
from app.jobs.board import JobFilters, filtered_jobs, live_job_columns
from app.jobs.routes import STUDENT_TYPES
from app.models import Job, Listing, Organization
from app.models.alert import SearchKind
from app.search.backend import SearchBackend
from app.search.schemas import MAX_PER_PAGE, SearchQuery, SearchUnavailable
from app.organizations.directory import FACETS as DIRECTORY_FILTERS, filtered_organizations
from app.visibility import visible_organizations

RECORD_TYPE = {SearchKind.jobs: "job", SearchKind.listings: "listing", SearchKind.organizations: "organization"}


@dataclass(frozen=True)
class Match:
    record_type: str  # job | listing | organization
    record_id: int
    path: str  # its public page
    title: str
    title_zh: str | None
    org_name: str
    org_name_zh: str | None
    published_at: datetime


def _job_filters(target: SearchTarget, parsed: ParsedQuery) -> JobFilters:
    values = dict(parsed.filters)
    if target.students:  # as the students' view: its employment types only (all of them if none chosen)
        chosen = [t for t in values.get("employment_type", ()) if t in STUDENT_TYPES]
        values["employment_type"] = tuple(chosen or map(str, STUDENT_TYPES))
    return JobFilters(values)


def _jobs(session: Session, target, parsed, *, since, now, limit) -> list[Match]:
    query = filtered_jobs(live_job_columns(Job, Organization, now=now), _job_filters(target, parsed))
    if since is not None:
        query = query.where(col(Job.published_at) > since)
    rows = session.exec(query.order_by(col(Job.published_at).desc(), col(Job.id).desc()).limit(limit)).all()
    return [Match("job", job.id, f"/jobs/{job.slug}", job.title, job.title_zh, org.name, org.name_zh,
                  job.published_at) for job, org in rows]


def _listings(session: Session, target, parsed, *, since, now, limit) -> list[Match]:
    query = filtered_listings(session, listings_in(target.category_path), dict(parsed.filters))
    if since is not None:
        query = query.where(col(Listing.published_at) > since)
    rows = session.execute(query.with_only_columns(Listing, Organization)
                           .order_by(col(Listing.published_at).desc(), col(Listing.id).desc()).limit(limit)).all()
    return [Match("listing", listing.id, f"/listings/{listing.slug}", listing.title, listing.title_zh, org.name,
                  org.name_zh, listing.published_at) for listing, org in rows]


def _organizations(session: Session, target, parsed, *, since, now, limit) -> list[Match]:
    """The directory's public organisations, filtered as /orgs filters them (its words are a name match,
    so no search engine is needed), new since they were approved."""
    filters = {name: tuple(values) for name, values in parsed.filters.items() if name in DIRECTORY_FILTERS}
    query = filtered_organizations(visible_organizations().where(col(Organization.approved_at).is_not(None)),
                                   filters, parsed.q or "")
    if since is not None:
        query = query.where(col(Organization.approved_at) > since)
    rows = session.exec(query.order_by(col(Organization.approved_at).desc(), col(Organization.id).desc())
                        .limit(limit)).all()
    return [Match("organization", org.id, f"/orgs/{org.slug}", org.name, org.name_zh, org.name, org.name_zh,
                  org.approved_at) for org in rows]


_FINDERS = {SearchKind.jobs: _jobs, SearchKind.listings: _listings, SearchKind.organizations: _organizations}
# The engine's facets for the filters it knows.
_ENGINE_FILTERS = ("function", "employment_type", "workplace", "country", "region", "org_type", "membership")


def _engine_ids(backend: SearchBackend, kind: SearchKind, parsed: ParsedQuery, filters: dict) -> set[int]:
    """The records the engine finds for these words, newest first; new records are the newest, so the
    first pages hold them."""
    record_type = RECORD_TYPE[kind]
    engine_filters = {"type": (record_type,)} | {k: v for k, v in filters.items() if k in _ENGINE_FILTERS}
    result = backend.search(SearchQuery(q=parsed.q, filters=engine_filters, sort="newest", per_page=MAX_PER_PAGE))
    return {hit.id for hit in result.hits if hit.type == record_type}


def matching(session: Session, backend: SearchBackend | None, target: SearchTarget, parsed: ParsedQuery, *,
             since: datetime | None, now: datetime, limit: int) -> list[Match]:
    """Records the page would show for this search, published after `since` (None: any), newest first."""
    with_words = bool(parsed.q) and target.kind != SearchKind.organizations  # the directory matches names itself
    found = _FINDERS[target.kind](session, target, parsed, since=since, now=now, limit=1000 if with_words else limit)
    if not with_words:
        return found
    if backend is None:
        raise SearchUnavailable("no search engine for a search with words")
    filters = _job_filters(target, parsed).values if target.kind == SearchKind.jobs else parsed.filters
    ids = _engine_ids(backend, target.kind, parsed, filters)
    return [match for match in found if match.record_id in ids][:limit]
