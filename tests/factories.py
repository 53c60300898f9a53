"""Records for tests, written through the services so they obey the same rules as real ones."""

from typing import Any

from sqlmodel import Session

from app.catalog.schemas import ListingIn
from app.catalog.service import categories_by_path, upsert_listing
from app.jobs.schemas import JobIn
from app.jobs.service import upsert_published_job
from app.models import Job, Listing, Organization
from app.organizations.schemas import OrganizationIn
from app.organizations.service import upsert_organization

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
