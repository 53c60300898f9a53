"""Records for tests, written through the services so they obey the same rules as real ones."""

from datetime import timedelta
from typing import Any

from sqlmodel import Session

from app.catalog.schemas import ListingIn
from app.catalog.service import categories_by_path, upsert_listing
from app.community.service import upsert_group
from app.jobs.schemas import JobIn
from app.jobs.service import upsert_published_job
from app.models import Job, Listing, Organization
from app.models.base import utcnow
from app.models.states import OrgStatus
from app.organizations.schemas import OrganizationIn
from app.organizations.service import upsert_organization
from app.webinars.service import upsert_webinar

_counter = iter(range(1, 1_000_000))


def org_row(**overrides: Any) -> dict[str, Any]:
    n = next(_counter)
    row = {
        "slug": f"test-org-{n}",
        "name": f"Test Quantum Org {n}",
        "name_zh": f"测试量子机构{n}",
        "org_type": "sme",
        "membership": "full",
        "country": "CN",
        "province": "CN-AH",
        "city": "Hefei",
        "website": f"https://org-{n}.example",
        "description": "Makes cryogenic things.",
        "offers": ["hardware/cryogenics"],
        "needs": [],
    }
    return row | overrides


def listing_row(org: str, **overrides: Any) -> dict[str, Any]:
    n = next(_counter)
    row = {
        "org": org,
        "kind": "product",
        "category": "hardware/cryogenics",
        "title": f"Dilution refrigerator model {n}",
        "title_zh": f"稀释制冷机 {n} 型",
        "description": "Base temperature below 10 mK.",
        "tags": ["dilution refrigerator", "稀释制冷机"],
        "trl": 8,
    }
    return row | overrides


def job_row(org: str, **overrides: Any) -> dict[str, Any]:
    n = next(_counter)
    row = {
        "org": org,
        "title": f"Cryogenic engineer {n}",
        "function": "engineering",
        "employment_type": "full_time",
        "workplace": "onsite",
        "country": "CN",
        "city": "Hefei",
        "description": "Build and service dilution refrigerators.",
        "apply_url": "https://org.example/careers",
    }
    return row | overrides


def make_org(session: Session, **overrides: Any) -> Organization:
    data = OrganizationIn.model_validate(org_row(**overrides))
    org, _ = upsert_organization(session, data=data, categories=categories_by_path(session), activate=True)
    return org


def make_listing(session: Session, org: Organization, **overrides: Any) -> Listing:
    row = listing_row(org.slug, **overrides)
    row.pop("org")
    category = categories_by_path(session)[row["category"]]
    listing, _ = upsert_listing(session, org=org, data=ListingIn.model_validate(row), category=category, publish=True)
    return listing


def make_job(session: Session, org: Organization, **overrides: Any) -> Job:
    row = job_row(org.slug, **overrides)
    row.pop("org")
    job, _ = upsert_published_job(session, org=org, data=JobIn.model_validate(row), live_days=60)
    return job


_numbers = iter(range(1, 1_000_000))


def make_webinar(session, *, days_from_now: float, presenters=(), listings=(), theme="hardware/cryogenics", group=None,
                 **values):
    n = next(_numbers)
    row = {
        "title": f"Webinar number {n}",
        "title_zh": f"第 {n} 期研讨会",
        "description": f"About webinar {n}.",
        "description_zh": f"第 {n} 期研讨会简介。",
        "starts_at": utcnow() + timedelta(days=days_from_now),
        "duration_minutes": 90,
        "registration_url": f"https://events.example/register/{n}",
        "recording_url": f"https://video.example/recording/{n}" if days_from_now < 0 else None,
    } | values
    webinar, _ = upsert_webinar(
        session,
        slug=f"webinar-{n}",
        values=row,
        theme=categories_by_path(session)[theme] if theme else None,
        presenters=list(presenters),
        listings=list(listings),
        group=group,
    )
    return webinar


def make_group(session, *, members, **values):
    n = next(_numbers)
    row = {"name": f"Working group {n}", "name_zh": f"第 {n} 工作组", "mission": f"Mission of group {n}.",
           "mission_zh": f"第 {n} 工作组的使命。"} | values
    group, _ = upsert_group(session, slug=f"group-{n}", values=row, members=list(members))
    return group


def make_pending_org(session, **overrides):
    data = OrganizationIn.model_validate(org_row(**overrides))
    org, _ = upsert_organization(session, data=data, categories=categories_by_path(session), activate=False)
    assert org.status == OrgStatus.pending
    return org
