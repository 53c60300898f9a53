"""JSON shapes of the member API (an organisation's own listings and jobs).

Inputs are the workspace's own models (app.workspace.schemas.ListingForm, app.jobs.schemas.JobIn): the same
rules, and unknown fields (org_id, status, is_featured, id, created_by, approved_at …) are a 422 naming the
field. Outputs list their fields explicitly: never a creator's e-mail, a token hash, a staff note or an
applicant's data.
"""

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict

from app.models import Job, Listing
from app.models.states import JobStatus, ListingStatus
from app.models.vocab import EmploymentType, JobFunction, ListingKind, Region, SalaryPeriod, Workplace


class ListingOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    slug: str
    kind: ListingKind
    category: str
    title: str
    title_zh: str | None
    summary: str
    summary_zh: str
    description: str
    description_zh: str
    tags: list[str]
    trl: int | None
    datasheet_url: str | None
    status: ListingStatus
    version: int
    created_at: datetime
    updated_at: datetime
    published_at: datetime | None
    last_confirmed_at: datetime


def listing_out(listing: Listing, category_path: str) -> ListingOut:
    values: dict[str, Any] = {name: getattr(listing, name) for name in ListingOut.model_fields if name != "category"}
    values["tags"] = list(listing.tags or [])
    return ListingOut(category=category_path, **values)


class ListingsOut(BaseModel):
    listings: list[ListingOut]


class JobOut(BaseModel):
    id: int
    slug: str
    title: str
    title_zh: str | None
    function: JobFunction
    employment_type: EmploymentType
    workplace: Workplace
    country: str
    city: str | None
    region: Region
    description: str
    description_zh: str
    requirements: str
    requirements_zh: str
    apply_url: str | None
    apply_email: str | None  # the posting's public address for applications, not a user's
    salary_min: int | None
    salary_max: int | None
    salary_currency: str | None
    salary_period: SalaryPeriod | None
    status: JobStatus
    version: int
    created_at: datetime
    updated_at: datetime
    published_at: datetime | None
    expires_at: datetime | None


def job_out(job: Job) -> JobOut:
    return JobOut(**{name: getattr(job, name) for name in JobOut.model_fields})


class JobsOut(BaseModel):
    jobs: list[JobOut]


class ImportOut(BaseModel):
    counts: dict[str, dict[str, int]]
    changed: int
