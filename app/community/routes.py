"""Pages of the alliance's working groups."""

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from app.community import service
from app.community.contact_routes import router as contact_router
from app.deps import SessionDep
from app.errors import NotFound
from app.models.base import utcnow
from app.web import render

router = APIRouter()  # with the contact and inquiry pages (contact_routes.py) first
router.include_router(contact_router)

NEWEST_LISTINGS = 6  # a taste of what the members offer; the marketplace has the rest


@router.get("/groups", response_class=HTMLResponse)
def groups(request: Request, session: SessionDep) -> HTMLResponse:
    return render(request, "groups.html", {"groups": service.groups_with_member_counts(session)})


@router.get("/groups/{slug}", response_class=HTMLResponse)
def group_page(request: Request, session: SessionDep, slug: str) -> HTMLResponse:
    group = service.get_group(session, slug=slug)
    if group is None:
        raise NotFound()
    categories = service.member_listing_categories(session, group=group)
    context = {
        "group": group,
        "members": service.active_members(session, group=group),
        "listings": service.newest_member_listings(session, group=group, limit=NEWEST_LISTINGS),
        "listing_categories": categories,
        "listing_total": sum(count for _, _, count in categories),
        "open_jobs": service.member_open_jobs(session, group=group, now=utcnow()),
    }
    return render(request, "group.html", context)
