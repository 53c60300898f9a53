"""GET /api/v1/jobs and /api/v1/jobs/{slug}: the live jobs of the board (no token)."""

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query, Request

from app.api.paging import page_params
from app.api.public_links import Countries, Slugs, absolute, values
from app.api.public_schemas import PublicJobOut, PublicJobsOut, SalaryOut
from app.deps import SessionDep
from app.jobs.public_list import JobListFilters, job_province, jobs_page, live_job, sort_key
from app.models import Job, Organization
from app.models.base import utcnow
from app.models.vocab import EmploymentType, JobFunction, Region, Workplace

router = APIRouter(prefix="/api/v1", tags=["public"])
JobPage = page_params("jobs", datetime, int)


def job_out(request: Request, job: Job, org: Organization) -> PublicJobOut:
    fields = {name: getattr(job, name) for name in (
        "slug", "title", "title_zh", "function", "employment_type", "workplace", "country", "city", "region",
        "description", "description_zh", "requirements", "requirements_zh", "apply_url", "apply_email",
        "published_at", "expires_at")}
    salary = None
    if job.salary_min is not None and job.salary_max is not None and job.salary_currency and job.salary_period:
        salary = SalaryOut(min=job.salary_min, max=job.salary_max, currency=job.salary_currency,
                           period=job.salary_period)
    return PublicJobOut(**fields, province=job_province(job, org), salary=salary, org=org.slug, org_name=org.name,
                  org_name_zh=org.name_zh, url=absolute(request, f"/jobs/{job.slug}"),
                  api_url=absolute(request, f"/api/v1/jobs/{job.slug}"),
                  org_api_url=absolute(request, f"/api/v1/orgs/{org.slug}"))


@router.get("/jobs", response_model=PublicJobsOut)
def list_jobs(
    request: Request, session: SessionDep, page: JobPage,
    function: Annotated[list[JobFunction] | None, Query(max_length=20)] = None,
    employment_type: Annotated[list[EmploymentType] | None, Query(max_length=20)] = None,
    workplace: Annotated[list[Workplace] | None, Query(max_length=20)] = None,
    country: Countries = None,
    region: Annotated[list[Region] | None, Query(max_length=20)] = None,
    org: Slugs = None,
) -> PublicJobsOut:
    """Published, unexpired jobs of active organisations, newest first; `country` and `region` are the job's."""
    filters = JobListFilters(function=values(function), employment_type=values(employment_type),
                             workplace=values(workplace), country=values(country), region=values(region),
                             org=values(org))
    rows = jobs_page(session, filters, after=page.after, limit=page.limit, now=utcnow())
    rows, next_url = page.page(request, rows, sort_key)
    return PublicJobsOut(items=[job_out(request, *row) for row in rows], next=next_url)


@router.get("/jobs/{slug}", response_model=PublicJobOut)
def get_job(request: Request, session: SessionDep, slug: str) -> PublicJobOut:
    """404 for an unknown job and for one the board does not show (not yet published, closed, expired)."""
    return job_out(request, *live_job(session, slug, now=utcnow()))
