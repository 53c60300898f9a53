"""Search documents: pure functions from records to the one shape both engines index.

A record that must not be found (draft, pending, rejected, expired, archived, or from an organisation that
is not active) has no document: `None` means "delete it from the index".
"""

import re
from datetime import datetime

from app.models import Category, Job, Listing, Organization
from app.models.states import JobStatus, ListingStatus, OrgStatus
from app.search.highlight import SNIPPET_CHARS

_MARKDOWN_NOISE = re.compile(r"[#*_`>|~\[\]]+|\(https?://[^)]*\)")


def document_id(doc_type: str, record_id: int) -> str:
    return f"{doc_type}-{record_id}"


def ancestors(path: str) -> list[str]:
    """'hardware/cryogenics' → ['hardware', 'hardware/cryogenics']."""
    parts = path.split("/")
    return ["/".join(parts[: i + 1]) for i in range(len(parts))]


# The start of each body, stored beside it: an engine shows it as the excerpt of a hit that has no match
# in its text (browsing, a match in the title) without reading or formatting the whole body per search.
OPENINGS = {"body": "body_start", "body_zh": "body_start_zh"}


def opening(text: str) -> str:
    return text if len(text) <= SNIPPET_CHARS else text[:SNIPPET_CHARS].rstrip() + "…"


def with_openings(document: dict) -> dict:
    return document | {start: opening(document.get(body) or "") for body, start in OPENINGS.items()}


def plain(markdown: str | None) -> str:
    """Markdown as searchable text (link targets and markup dropped)."""
    return _MARKDOWN_NOISE.sub(" ", markdown or "").strip()


def _timestamp(value: datetime | None) -> int:
    return int(value.timestamp()) if value else 0


def _org_fields(org: Organization) -> dict:
    return {
        "org_slug": org.slug,
        "org_name": org.name,
        "org_name_zh": org.name_zh or "",
        "org_type": str(org.org_type),
        "membership": str(org.membership) if org.membership else None,
        "domains": list(org.domains or []),
    }


def organization_document(org: Organization, offers: list[Category]) -> dict | None:
    if org.status != OrgStatus.active:
        return None
    categories = sorted({path for c in offers for path in ancestors(c.path)})
    return with_openings({
        "id": document_id("organization", org.id),
        "type": "organization",
        "record_id": org.id,
        "slug": org.slug,
        "url": f"/orgs/{org.slug}",
        "title": org.name,
        "title_zh": org.name_zh or "",
        "summary": "",
        "summary_zh": "",
        "body": plain(org.description),
        "body_zh": plain(org.description_zh),
        "tags": [org.city] if org.city else [],
        **_org_fields(org),
        "category": categories,
        "country": org.country,
        "region": str(org.region),
        "city": org.city,
        "kind": None,
        "function": None,
        "employment_type": None,
        "workplace": None,
        "timestamp": _timestamp(org.approved_at or org.created_at),
    })


def listing_document(
    listing: Listing, org: Organization, category: Category, *, confirmed_after: datetime
) -> dict | None:
    """`confirmed_after`: a listing last confirmed before it is stale and must not be found."""
    if listing.status != ListingStatus.published or org.status != OrgStatus.active:
        return None
    if listing.last_confirmed_at is None or listing.last_confirmed_at < confirmed_after:
        return None
    return with_openings({
        "id": document_id("listing", listing.id),
        "type": "listing",
        "record_id": listing.id,
        "slug": listing.slug,
        "url": f"/listings/{listing.slug}",
        "title": listing.title,
        "title_zh": listing.title_zh or "",
        "summary": listing.summary,
        "summary_zh": listing.summary_zh,
        "body": plain(listing.description),
        "body_zh": plain(listing.description_zh),
        "tags": list(listing.tags or []),
        **_org_fields(org),
        "category": ancestors(category.path),
        "country": org.country,
        "region": str(org.region),
        "city": org.city,
        "kind": str(listing.kind),
        "trl": listing.trl,
        "function": None,
        "employment_type": None,
        "workplace": None,
        "timestamp": _timestamp(listing.published_at or listing.created_at),
    })


def job_document(job: Job, org: Organization, *, now: datetime) -> dict | None:
    live = job.status == JobStatus.published and job.expires_at is not None and job.expires_at > now
    if not live or org.status != OrgStatus.active:
        return None
    return with_openings({
        "id": document_id("job", job.id),
        "type": "job",
        "record_id": job.id,
        "slug": job.slug,
        "url": f"/jobs/{job.slug}",
        "title": job.title,
        "title_zh": job.title_zh or "",
        "summary": "",
        "summary_zh": "",
        "body": plain(f"{job.description}\n{job.requirements}"),
        "body_zh": plain(f"{job.description_zh}\n{job.requirements_zh}"),
        "tags": [job.city] if job.city else [],
        **_org_fields(org),
        "category": [],
        "country": job.country,
        "region": str(job.region),
        "city": job.city,
        "kind": None,
        "function": str(job.function),
        "employment_type": str(job.employment_type),
        "workplace": str(job.workplace),
        "expires_at": _timestamp(job.expires_at),
        "timestamp": _timestamp(job.published_at),
    })
