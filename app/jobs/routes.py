"""Pages of the jobs board: the list with filters and search, one job, and the Atom feed."""

import asyncio
from typing import Annotated, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response

from app.deps import SessionDep
from app.jobs.board import JOB_FACETS, Board, JobFilters, Sort, database_board, public_job, search_board
from app.jobs.posting import job_posting_ld, markdown_text
from app.jobs.workspace import router as workspace_router
from app.models.base import utcnow
from app.models.labels import label
from app.models.vocab import EmploymentType, JobFunction, OrgType, Region, Workplace
from app.search.backend import SearchDep
from app.search.schemas import MAX_PAGE, SearchUnavailable
from app.validation import CountryCode
from app.web import FEED_EPOCH, country_name, is_htmx, localized, render, request_language, salary_range

router = APIRouter(tags=["jobs"])

PER_PAGE = 20
FEED_SIZE = 50
MAX_QUERY_LENGTH = 200
ATOM = "application/atom+xml; charset=utf-8"


def job_filters(
    function: Annotated[list[JobFunction] | None, Query(max_length=20)] = None,
    employment_type: Annotated[list[EmploymentType] | None, Query(max_length=20)] = None,
    workplace: Annotated[list[Workplace] | None, Query(max_length=20)] = None,
    country: Annotated[list[CountryCode] | None, Query(max_length=20)] = None,
    region: Annotated[list[Region] | None, Query(max_length=20)] = None,
    org_type: Annotated[list[OrgType] | None, Query(max_length=20)] = None,
    # The filter form sends these even when left empty: an empty value is no filter, not a mistake.
    pay_min: Annotated[str, Query(pattern=r"^\d{0,9}$")] = "",
    pay_currency: Annotated[str, Query(pattern=r"^([A-Z]{3})?$")] = "",
    pay_period: Annotated[str, Query(pattern=r"^(|month|year)$")] = "",
    posted: Annotated[str, Query(pattern=r"^(|1|7|30)$")] = "",
    location: Annotated[str, Query(max_length=60)] = "",
) -> JobFilters:
    """Pages drop a value they do not know (app/stale_links.py); the feed takes the same filters."""
    return JobFilters.of(
        function=function, employment_type=employment_type, workplace=workplace,
        country=country, region=region, org_type=org_type, pay_min=pay_min.lstrip("0"), pay_currency=pay_currency,
        pay_period=pay_period, posted=posted, location=location.strip(),
    )


FiltersDep = Annotated[JobFilters, Depends(job_filters)]
QueryText = Annotated[str, Query(max_length=MAX_QUERY_LENGTH)]


def _query_string(filters: JobFilters, q: str = "", lang: str | None = None) -> str:
    items = filters.pairs() + ([("q", q)] if q else []) + ([("lang", lang)] if lang else [])
    return f"?{urlencode(items)}" if items else ""


async def _board(
    request: Request, session, backend, *, filters: JobFilters, q: str, sort: Sort | None, page: int, per_page: int
) -> tuple[Board, bool]:
    """The board for these words and filters, and whether search was down (then: filters only, newest first)."""
    now = utcnow()
    if q:
        try:
            board = await search_board(
                session, backend=backend, engine=request.app.state.engine, breaker=request.app.state.search_breaker,
                cache=request.app.state.search_results,
                q=q, filters=filters, sort=sort or "relevance", page=page, per_page=per_page,
                language=request_language(request), now=now,
            )
            return board, False
        except SearchUnavailable:
            pass
    board = await asyncio.to_thread(
        database_board, session, filters=filters, sort=sort or "newest", page=page, per_page=per_page, now=now
    )
    return board, bool(q)


# The students' view: internships and PhD/postdoc positions (the alliance's outreach to students).
STUDENT_TYPES = (EmploymentType.internship, EmploymentType.phd_postdoc)


def student_filters(filters: FiltersDep) -> JobFilters:
    """The board's filters with the employment types held to the students' ones (all of them if none chosen)."""
    chosen = [t for t in filters.selected("employment_type") if t in STUDENT_TYPES] or list(STUDENT_TYPES)
    return JobFilters({**filters.values, "employment_type": tuple(map(str, chosen))})


StudentFiltersDep = Annotated[JobFilters, Depends(student_filters)]
Page = Annotated[int, Query(ge=1, le=MAX_PAGE)]
SortChoice = Sort | Literal[""] | None  # empty: the default, best match with words, else newest


async def _jobs_page(request: Request, session, backend, *, filters: JobFilters, q: str, sort, page: int,
                     students: bool) -> HTMLResponse:
    q = q.strip()
    board, search_down = await _board(
        request, session, backend, filters=filters, q=q, sort=sort or None, page=page, per_page=PER_PAGE
    )
    path = "/jobs/students" if students else "/jobs"
    context = {
        "board": board,
        "filters": filters,
        "facet_names": JOB_FACETS,
        "q": q,
        "searched": bool(q) and not search_down,
        "search_down": search_down,
        "students": students,
        "board_path": path,
        # A feed reader sends no cookie: the link carries the reader's language.
        "feed_url": f"{path}/feed.xml{_query_string(filters, q, request_language(request))}",
        "fragment": is_htmx(request),  # then the filter counts travel along, out of band
    }
    return render(request, "jobs.html", context, block="results")


@router.get("/jobs", response_class=HTMLResponse)
async def jobs(request: Request, session: SessionDep, backend: SearchDep, filters: FiltersDep, q: QueryText = "",
               sort: SortChoice = None, page: Page = 1) -> HTMLResponse:
    return await _jobs_page(request, session, backend, filters=filters, q=q, sort=sort, page=page, students=False)


@router.get("/jobs/students", response_class=HTMLResponse)
async def student_jobs(request: Request, session: SessionDep, backend: SearchDep, filters: StudentFiltersDep,
                       q: QueryText = "", sort: SortChoice = None, page: Page = 1) -> HTMLResponse:
    return await _jobs_page(request, session, backend, filters=filters, q=q, sort=sort, page=page, students=True)


async def _feed(request: Request, session, backend, *, filters: JobFilters, q: str, path: str) -> Response:
    """Atom 1.0: the newest live jobs for these filters (and words). With words and no search engine: 503."""
    q = q.strip()
    board, search_down = await _board(
        request, session, backend, filters=filters, q=q, sort="newest", page=1, per_page=FEED_SIZE
    )
    if search_down:
        return Response("Search is unavailable right now; please try again shortly.", status_code=503,
                        media_type="text/plain; charset=utf-8", headers={"Retry-After": "30"})
    base_url = str(request.base_url).rstrip("/")
    language = request_language(request)
    query = _query_string(filters, q, request.query_params.get("lang") and language)
    context = {
        "rows": board.rows,
        "filters": filters,
        "q": q,
        "feed_id": f"{base_url}{path}/feed.xml{query}",
        "page_url": f"{base_url}{path}{query}",
        "updated": max((row.job.published_at for row in board.rows), default=FEED_EPOCH),
        "atom_date": lambda value: value.replace(microsecond=0).isoformat(),
        "filter_labels": [
            country_name(value, language) if name == "country" else label(value, language)
            for name, value in filters.pairs()
        ],
        "summary": lambda job: markdown_text(localized(job, "description", language)),
    }
    response = render(request, "jobs_feed.xml", context)
    response.headers["content-type"] = ATOM
    return response


@router.get("/jobs/feed.xml")
async def jobs_feed(request: Request, session: SessionDep, backend: SearchDep, filters: FiltersDep,
                    q: QueryText = "") -> Response:
    return await _feed(request, session, backend, filters=filters, q=q, path="/jobs")


@router.get("/jobs/students/feed.xml")
async def student_jobs_feed(request: Request, session: SessionDep, backend: SearchDep, filters: StudentFiltersDep,
                            q: QueryText = "") -> Response:
    return await _feed(request, session, backend, filters=filters, q=q, path="/jobs/students")


@router.get("/jobs/{slug}", response_class=HTMLResponse)
def job_page(request: Request, session: SessionDep, slug: str) -> HTMLResponse:
    """A live job with how to apply; a closed or expired one says so (410) and offers no way to apply."""
    now = utcnow()
    found = public_job(session, slug=slug, now=now)
    job, org = found.job, found.org
    language = request_language(request)
    job_url = f"{str(request.base_url).rstrip('/')}/jobs/{job.slug}"
    context = {
        "job": job,
        "org": org,
        "live": found.live,
        # Expired on its date, or closed early (by the employer, or with its suspended organisation).
        "closed_on": job.expires_at if job.expires_at and job.expires_at <= now else job.updated_at,
        "salary": salary_range(job, language),
        "summary": " ".join(markdown_text(localized(job, "description", language)).split()),
        "posting": job_posting_ld(job, org, language=language, job_url=job_url) if found.live else None,
    }
    return render(request, "job.html", context, block="content", status_code=200 if found.live else 410)


router.include_router(workspace_router)  # an organisation's own postings
