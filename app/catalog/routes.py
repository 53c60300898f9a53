"""Pages of the marketplace directory: category browsing and listing pages."""

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse
from sqlmodel import select

from app.catalog.browse import browse
from app.catalog.service import category_tree, get_visible_listing, related_listings, webinars_showing
from app.deps import SessionDep
from app.errors import NotFound
from app.i18n import N_
from app.models import Category
from app.models.vocab import ListingKind, MembershipLevel, OrgType, Region, TechDomain
from app.pagination import Pagination
from app.web import render

router = APIRouter()
PER_PAGE = 24
Country = Annotated[str, Query(pattern=r"^[A-Z]{2}$")]


def _category(session: SessionDep, path: str) -> Category:
    category = session.exec(select(Category).where(Category.path == path)).first()
    if category is None:
        raise NotFound(N_("no such category"))
    return category


@router.get("/marketplace", response_class=HTMLResponse)
@router.get("/marketplace/{top}", response_class=HTMLResponse)
@router.get("/marketplace/{top}/{sub}", response_class=HTMLResponse)
def marketplace(
    request: Request,
    session: SessionDep,
    top: str | None = None,
    sub: str | None = None,
    kind: Annotated[list[ListingKind], Query()] = [],  # noqa: B006  (FastAPI copies defaults)
    trl: Annotated[list[Annotated[int, Query(ge=1, le=9)]], Query()] = [],  # noqa: B006
    country: Annotated[list[Country], Query()] = [],  # noqa: B006
    region: Annotated[list[Region], Query()] = [],  # noqa: B006
    org_type: Annotated[list[OrgType], Query()] = [],  # noqa: B006
    membership: Annotated[list[MembershipLevel], Query()] = [],  # noqa: B006
    domains: Annotated[list[TechDomain], Query()] = [],  # noqa: B006
    sort: Literal["newest", "title", "trl"] = "newest",
    page: Annotated[int, Query(ge=1, le=1000)] = 1,
) -> HTMLResponse:
    category = _category(session, f"{top}/{sub}" if sub else top) if top else None
    parent = _category(session, top) if sub else None
    filters = {
        "kind": tuple(map(str, kind)), "trl": tuple(map(str, trl)), "country": tuple(country),
        "region": tuple(map(str, region)), "org_type": tuple(map(str, org_type)),
        "membership": tuple(map(str, membership)), "domains": tuple(map(str, domains)),
    }
    pages = Pagination(page=page, per_page=PER_PAGE, total=0)
    result = browse(session, category_path=category.path if category else None, filters=filters, sort=sort,
                    offset=pages.offset, limit=PER_PAGE)
    pages.total = result.total
    tree = category_tree(session)
    context = {
        "category": category,
        "parent": parent,
        "tree": tree,
        "children": next((n.children for n in tree if category and n.category.id == category.id), []),
        "result": result,
        "filters": filters,
        "active_filters": sum(len(v) for v in filters.values()),
        "sort": sort,
        "pages": pages,
    }
    return render(request, "marketplace.html", context, block="browse")


@router.get("/listings/{slug}", response_class=HTMLResponse)
def listing_page(request: Request, session: SessionDep, slug: str) -> HTMLResponse:
    listing, org, category = get_visible_listing(session, slug)
    parent = session.get(Category, category.parent_id) if category.parent_id else None
    context = {
        "listing": listing,
        "org": org,
        "category": category,
        "parent": parent,
        "related": related_listings(session, listing, limit=4),
        "webinars": webinars_showing(session, listing),
    }
    return render(request, "listing.html", context)
