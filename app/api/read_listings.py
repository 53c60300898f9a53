"""GET /api/v1/listings and /api/v1/listings/{slug}: the listings the public may see (no token)."""

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query, Request

from app.api.paging import page_params
from app.api.public_links import CategoryPath, Countries, Slugs, absolute, values
from app.api.public_schemas import PublicListingOut, PublicListingsOut
from app.catalog.public_list import ListingFilters, listings_page, sort_key
from app.catalog.service import get_visible_listing
from app.deps import SessionDep
from app.models import Category, Listing, Organization
from app.models.vocab import ListingKind, Region

router = APIRouter(prefix="/api/v1", tags=["public"])
ListingPage = page_params("listings", datetime, int)


def listing_out(request: Request, listing: Listing, org: Organization, category: Category) -> PublicListingOut:
    fields = {name: getattr(listing, name) for name in (
        "slug", "kind", "title", "title_zh", "summary", "summary_zh", "description", "description_zh", "trl",
        "datasheet_url", "published_at", "updated_at")}
    return PublicListingOut(**fields, tags=list(listing.tags or []), category=category.path, org=org.slug,
                      org_name=org.name, org_name_zh=org.name_zh, country=org.country, region=org.region,
                      url=absolute(request, f"/listings/{listing.slug}"),
                      api_url=absolute(request, f"/api/v1/listings/{listing.slug}"),
                      org_api_url=absolute(request, f"/api/v1/orgs/{org.slug}"))


@router.get("/listings", response_model=PublicListingsOut)
def list_listings(
    request: Request, session: SessionDep, page: ListingPage,
    category: CategoryPath = None,
    kind: Annotated[list[ListingKind] | None, Query(max_length=20)] = None,
    org: Slugs = None,
    country: Countries = None,
    region: Annotated[list[Region] | None, Query(max_length=20)] = None,
) -> PublicListingsOut:
    """Published listings of active organisations, newest first. `country` and `region` are the
    organisation's; an unknown category path is a 422."""
    filters = ListingFilters(category=category, kind=values(kind), org=values(org), country=values(country),
                             region=values(region))
    rows, next_url = page.page(request, listings_page(session, filters, after=page.after, limit=page.limit), sort_key)
    return PublicListingsOut(items=[listing_out(request, *row) for row in rows], next=next_url)


@router.get("/listings/{slug}", response_model=PublicListingOut)
def get_listing(request: Request, session: SessionDep, slug: str) -> PublicListingOut:
    """404 for an unknown listing and for one the public may not see (a draft, or its organisation's is not active)."""
    return listing_out(request, *get_visible_listing(session, slug))
