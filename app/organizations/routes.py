"""The organisation directory and the public organisation profile."""

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse
from sqlmodel import col

from app.catalog.service import categories_by_path, organization_listings
from app.deps import SessionDep
from app.models import Job
from app.models.vocab import InterestKind, MembershipLevel, OrgType, Region
from app.organizations.application_routes import router as applications_router
from app.organizations.directory import MAX_WORDS, directory
from app.organizations.member_routes import router as members_router
from app.organizations.service import get_visible_organization, interests, presented_webinars, working_groups_of
from app.pagination import Pagination
from app.visibility import live_jobs
from app.web import render

router = APIRouter()


DIRECTORY_PAGE = 24
CategoryPath = Annotated[str, Query(pattern=r"^[a-z0-9-]+(/[a-z0-9-]+)?$", max_length=80)]
CountryFilter = Annotated[str, Query(pattern=r"^[A-Z]{2}$")]


@router.get("/orgs", response_class=HTMLResponse)
def organization_directory(
    request: Request,
    session: SessionDep,
    offers: Annotated[list[CategoryPath], Query(max_length=10)] = [],  # noqa: B006  (FastAPI copies defaults)
    region: Annotated[list[Region], Query(max_length=10)] = [],  # noqa: B006
    country: Annotated[list[CountryFilter], Query(max_length=20)] = [],  # noqa: B006
    org_type: Annotated[list[OrgType], Query(max_length=10)] = [],  # noqa: B006
    membership: Annotated[list[MembershipLevel], Query(max_length=10)] = [],  # noqa: B006
    q: Annotated[str, Query(max_length=MAX_WORDS)] = "",
    sort: Literal["name", "newest", "listings"] = "name",
    page: Annotated[int, Query(ge=1, le=1000)] = 1,
) -> HTMLResponse:
    """Suppliers, customers and partners, browsed like a supplier directory (app/organizations/directory.py)."""
    known = categories_by_path(session)
    filters = {"offers": tuple(p for p in offers if p in known), "region": tuple(map(str, region)),
               "country": tuple(country), "org_type": tuple(map(str, org_type)),
               "membership": tuple(map(str, membership))}
    pages = Pagination(page=page, per_page=DIRECTORY_PAGE, total=0)
    result = directory(session, filters=filters, words=q, sort=sort, offset=pages.offset, limit=DIRECTORY_PAGE)
    pages.total = result.total
    context = {"result": result, "filters": filters, "q": q, "sort": sort, "pages": pages, "categories": known,
               "active_filters": sum(len(v) for v in filters.values()) + (1 if q.strip() else 0)}
    return render(request, "orgs.html", context, block="directory")


@router.get("/orgs/{slug}", response_class=HTMLResponse)
def organization_page(request: Request, session: SessionDep, slug: str) -> HTMLResponse:
    org = get_visible_organization(session, slug)
    wanted = interests(session, org)
    jobs = session.exec(live_jobs().where(Job.organization_id == org.id).order_by(col(Job.published_at).desc())).all()
    context = {
        "org": org,
        "offers": wanted[InterestKind.offers],
        "needs": wanted[InterestKind.needs],
        "listings": organization_listings(session, org),
        "jobs": jobs,
        "webinars": presented_webinars(session, org),
        "groups": working_groups_of(session, org),
    }
    return render(request, "organization.html", context)


router.include_router(applications_router)
router.include_router(members_router)
