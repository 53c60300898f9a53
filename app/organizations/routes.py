"""The public organisation profile."""

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from sqlmodel import col

from app.catalog.service import organization_listings
from app.deps import SessionDep
from app.models import Job
from app.models.vocab import InterestKind
from app.organizations.application_routes import router as applications_router
from app.organizations.member_routes import router as members_router
from app.organizations.service import get_visible_organization, interests, presented_webinars, working_groups_of
from app.visibility import live_jobs
from app.web import render

router = APIRouter()


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
