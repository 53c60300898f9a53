"""The staff area's front page: what is waiting for a decision."""

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import func
from sqlmodel import select

from app.community.reports import open_report_count
from app.deps import SessionDep, StaffUser
from app.jobs.service import pending_review
from app.models import Organization
from app.models.states import OrgStatus
from app.staff.deleted import router as deleted_router
from app.staff.export import router as export_router
from app.staff.groups import router as groups_router
from app.staff.jobs import router as jobs_router
from app.staff.learn import router as learn_router
from app.staff.listings import router as listings_router
from app.staff.orgs import router as orgs_router
from app.staff.users import router as users_router
from app.staff.webinar_proposals import router as proposals_router
from app.staff.webinars import router as webinars_router
from app.web import render

router = APIRouter()  # the whole staff area: this front page and the routers included below


@router.get("/staff", response_class=HTMLResponse)
def staff_home(request: Request, session: SessionDep, staff: StaffUser) -> HTMLResponse:
    pending_orgs = session.exec(
        select(func.count()).select_from(Organization).where(Organization.status == OrgStatus.pending)
    ).one()
    jobs_in_review = len(session.exec(pending_review()).all())
    return render(request, "staff_home.html", {"pending_orgs": pending_orgs, "jobs_in_review": jobs_in_review,
                                               "open_reports": open_report_count(session)})


# The proposals' paths (/staff/webinars/proposals…) come before /staff/webinars/{webinar_id}.
for area in (orgs_router, listings_router, jobs_router, deleted_router, users_router, learn_router, proposals_router,
             webinars_router, groups_router, export_router):
    router.include_router(area)
