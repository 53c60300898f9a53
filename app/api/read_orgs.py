"""GET /api/v1/orgs and /api/v1/orgs/{slug}: the organisations the public may see (no token)."""

from typing import Annotated

from fastapi import APIRouter, Query, Request

from app.api.paging import page_params
from app.api.public_links import CategoryPath, Countries, absolute, values
from app.api.public_schemas import OrgOut, OrgsOut
from app.deps import SessionDep
from app.models import Organization
from app.models.vocab import OrgType, Region
from app.organizations.public_list import OrgExtras, OrgFilters, extras, organizations_page, sort_key
from app.organizations.service import get_visible_organization

router = APIRouter(prefix="/api/v1", tags=["public"])
OrgPage = page_params("orgs", str)


def org_out(request: Request, org: Organization, more: OrgExtras) -> OrgOut:
    fields = {name: getattr(org, name) for name in (
        "slug", "name", "name_zh", "org_type", "membership", "country", "province", "city", "region", "website",
        "description", "description_zh", "founded_year", "size_band")}
    return OrgOut(**fields, domains=list(org.domains or []), offers=more.offers, needs=more.needs,
                  listings_count=more.listings_count, url=absolute(request, f"/orgs/{org.slug}"),
                  api_url=absolute(request, f"/api/v1/orgs/{org.slug}"),
                  partners_api_url=absolute(request, f"/api/v1/orgs/{org.slug}/partners"))


@router.get("/orgs", response_model=OrgsOut)
def list_orgs(
    request: Request, session: SessionDep, page: OrgPage,
    org_type: Annotated[list[OrgType] | None, Query(max_length=20)] = None,
    country: Countries = None,
    region: Annotated[list[Region] | None, Query(max_length=20)] = None,
    category: CategoryPath = None, offers: CategoryPath = None, needs: CategoryPath = None,
) -> OrgsOut:
    """Active organisations in slug order. `category` matches what they offer or need, `offers` and `needs`
    one of the two; an unknown category path is a 422."""
    filters = OrgFilters(org_type=values(org_type), country=values(country), region=values(region),
                         category=category, offers=offers, needs=needs)
    rows, next_url = page.page(request, organizations_page(session, filters, after=page.after, limit=page.limit),
                               sort_key)
    found = extras(session, rows)
    return OrgsOut(items=[org_out(request, org, found[org.id]) for org in rows], next=next_url)


@router.get("/orgs/{slug}", response_model=OrgOut)
def get_org(request: Request, session: SessionDep, slug: str) -> OrgOut:
    """404 for an unknown organisation and for one the public may not see (pending, suspended, deleted)."""
    org = get_visible_organization(session, slug)
    return org_out(request, org, extras(session, [org])[org.id])
