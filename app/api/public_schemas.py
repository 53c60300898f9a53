"""JSON shapes of the public read API (DESIGN §4): every item names its page (`url`) and itself in the API
(`api_url`) with absolute URLs, and carries both languages (`name`/`name_zh`, `title`/`title_zh` …).

Only what the public pages show: never a contact e-mail of an organisation, a moderation note, a status
or a version (those belong to the member API)."""

from datetime import datetime

from pydantic import BaseModel, Field

from app.models.vocab import (
    EmploymentType,
    JobFunction,
    ListingKind,
    MembershipLevel,
    OrgType,
    Region,
    SalaryPeriod,
    SizeBand,
    Workplace,
)


class OrgOut(BaseModel):
    slug: str
    url: str
    api_url: str
    name: str
    name_zh: str | None
    org_type: OrgType
    membership: MembershipLevel | None
    country: str = Field(description="ISO 3166-1 alpha-2")
    province: str | None = Field(description="ISO 3166-2 code of a Chinese province")
    city: str | None
    region: Region
    website: str | None
    description: str
    description_zh: str
    founded_year: int | None
    size_band: SizeBand | None
    domains: list[str]
    offers: list[str] = Field(description="category paths the organisation supplies")
    needs: list[str] = Field(description="category paths the organisation seeks")
    listings_count: int = Field(description="its listings the public can see")
    partners_api_url: str


class OrgsOut(BaseModel):
    items: list[OrgOut]
    next: str | None = Field(description="absolute URL of the next page; null on the last one")


class PublicListingOut(BaseModel):
    slug: str
    url: str
    api_url: str
    kind: ListingKind
    category: str = Field(description="category path, e.g. hardware/cryogenics")
    org: str = Field(description="slug of the organisation")
    org_name: str
    org_name_zh: str | None
    org_api_url: str
    country: str
    region: Region
    title: str
    title_zh: str | None
    summary: str
    summary_zh: str
    description: str
    description_zh: str
    tags: list[str]
    trl: int | None
    datasheet_url: str | None
    published_at: datetime | None
    updated_at: datetime


class PublicListingsOut(BaseModel):
    items: list[PublicListingOut]
    next: str | None


class SalaryOut(BaseModel):
    min: int
    max: int
    currency: str = Field(description="ISO 4217")
    period: SalaryPeriod


class PublicJobOut(BaseModel):
    slug: str
    url: str
    api_url: str
    org: str
    org_name: str
    org_name_zh: str | None
    org_api_url: str
    title: str
    title_zh: str | None
    function: JobFunction
    employment_type: EmploymentType
    workplace: Workplace
    country: str
    province: str | None = Field(description="ISO 3166-2 code, for a job in China when known")
    city: str | None
    region: Region
    description: str
    description_zh: str
    requirements: str
    requirements_zh: str
    salary: SalaryOut | None
    apply_url: str | None
    apply_email: str | None = Field(description="the posting's public address for applications")
    published_at: datetime | None
    expires_at: datetime | None


class PublicJobsOut(BaseModel):
    items: list[PublicJobOut]
    next: str | None


class CategoryOut(BaseModel):
    path: str
    slug: str
    name: str
    name_zh: str
    url: str
    listings_api_url: str
    listings_count: int = Field(description="visible listings under it (its subcategories included)")
    children: list["CategoryOut"]


class CategoriesOut(BaseModel):
    items: list[CategoryOut]
    next: str | None = Field(default=None, description="always null: the whole tree is one page")


class PresenterOut(BaseModel):
    slug: str
    name: str
    name_zh: str | None
    api_url: str


class WebinarOut(BaseModel):
    slug: str
    url: str
    title: str
    title_zh: str | None
    description: str
    description_zh: str
    theme: str | None = Field(description="category path")
    starts_at: datetime
    duration_minutes: int
    registration_url: str | None
    recording_url: str | None
    slides_url: str | None
    presenters: list[PresenterOut]
    listings: list[str] = Field(description="slugs of the listings it shows")


class WebinarsOut(BaseModel):
    items: list[WebinarOut]
    next: str | None
