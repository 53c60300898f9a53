"""The staff's review queue for job postings: approve (publish) or reject with a reason."""

from typing import Annotated

from fastapi import APIRouter, Form, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from app.deps import SessionDep, SettingsDep, StaffUser
from app.i18n import N_
from app.jobs.moderation import approve_job, job_for_decision, reject_job, review_queue
from app.staff.service import request_id
from app.validation import required_reason
from app.web import render

router = APIRouter(prefix="/staff/jobs", tags=["staff"])
JobId = Annotated[int, Path(ge=1, le=2_147_483_647)]
POSTER_READS_IT = N_("give a reason: the poster reads it and acts on it")


@router.get("", response_class=HTMLResponse)
def queue_page(request: Request, session: SessionDep, staff: StaffUser, done: str = "") -> HTMLResponse:
    return render(request, "staff_jobs.html", {"items": review_queue(session), "done": done[:20]})


@router.post("/{job_id}/approve")
def approve(request: Request, session: SessionDep, settings: SettingsDep, staff: StaffUser,
            job_id: JobId) -> RedirectResponse:
    job = job_for_decision(session, job_id=job_id)
    approve_job(session, job=job, staff=staff, live_days=settings.job_live_days, request_id=request_id(request))
    return RedirectResponse("/staff/jobs?done=approved", status_code=303)


@router.post("/{job_id}/reject")
def reject(request: Request, session: SessionDep, staff: StaffUser, job_id: JobId,
           reason: Annotated[str, Form()] = "") -> RedirectResponse:
    job = job_for_decision(session, job_id=job_id)
    reject_job(session, job=job, staff=staff, reason=required_reason(reason, why=POSTER_READS_IT), request_id=request_id(request))
    return RedirectResponse("/staff/jobs?done=rejected", status_code=303)
