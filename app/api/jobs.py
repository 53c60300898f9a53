"""/api/v1/orgs/{slug}/jobs: an organisation's own job postings, for its token (HTTP only; rules live in
app.jobs.moderation, the same ones the workspace pages use)."""

from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from pydantic import ValidationError
from sqlmodel import Session

from app.api import write_docs
from app.api.auth import ApiRoute, Body, MemberOrg, json_object
from app.api.listings import take_version
from app.api.member_schemas import JobOut, JobsOut, job_out
from app.deps import SessionDep, SettingsDep
from app.errors import FieldError, Invalid
from app.jobs.moderation import EDITABLE, close_job, create_job, get_org_job, org_jobs, submit_job, update_job
from app.jobs.schemas import JobIn
from app.mail import build_message, send_after_commit
from app.models import Job
from app.models.states import JobStatus
from app.validation import field_errors

router = APIRouter(prefix="/api/v1/orgs/{slug}/jobs", tags=["jobs"], route_class=ApiRoute)
JobId = Annotated[int, Path(ge=1, le=2_147_483_647)]


def _validated(data: dict[str, Any]) -> JobIn:
    """JobIn's rules, on the fields a member may set: slug and dates are the system's (422 naming them)."""
    unknown = [name for name in data if name not in EDITABLE]
    if unknown:
        raise Invalid([FieldError(name[:80], "is not a known field") for name in unknown])
    try:
        return JobIn.model_validate(data)
    except ValidationError as exc:
        raise Invalid(field_errors(exc)) from None


def _out(session: Session, job: Job) -> JobOut:
    session.flush()
    session.refresh(job)
    return job_out(job)


@router.get("", response_model=JobsOut)
def list_jobs(session: SessionDep, org: MemberOrg, slug: str) -> JobsOut:
    return JobsOut(jobs=[job_out(job) for job in org_jobs(session, org=org[0])])


@router.post("", response_model=JobOut, status_code=201, openapi_extra=write_docs.NEW_JOB)
def new_job(session: SessionDep, org: MemberOrg, slug: str, body: Body) -> JobOut:
    """A draft; submit it for review when it is ready."""
    job = create_job(session, org=org[0], data=_validated(json_object(body)), actor=org[1].user)
    return _out(session, job)


@router.get("/{job_id}", response_model=JobOut)
def get_job(session: SessionDep, org: MemberOrg, slug: str, job_id: JobId) -> JobOut:
    return job_out(get_org_job(session, org=org[0], job_id=job_id))


@router.patch("/{job_id}", response_model=JobOut, openapi_extra=write_docs.JOB_CHANGES)
def edit_job(session: SessionDep, org: MemberOrg, slug: str, job_id: JobId, body: Body) -> JobOut:
    """Change some fields; the others keep their values. `version` is required (stale: 409). Changing the
    text of a published posting sends it back to review."""
    job = get_org_job(session, org=org[0], job_id=job_id, lock=True)
    changes = json_object(body)
    version = take_version(changes)
    current = {name: getattr(job, name, None) for name in EDITABLE}
    merged = {name: value for name, value in (current | changes).items() if value is not None or name in changes}
    update_job(session, org=org[0], job=job, data=_validated(merged), actor=org[1].user, expected_version=version)
    return _out(session, job)


@router.post("/{job_id}/submit", response_model=JobOut)
def submit(request: Request, session: SessionDep, settings: SettingsDep, org: MemberOrg, slug: str,
           job_id: JobId) -> JobOut:
    organization, auth = org
    job = get_org_job(session, org=organization, job_id=job_id, lock=True)
    already_waiting = job.status == JobStatus.review
    flags = submit_job(session, org=organization, job=job, actor=auth.user)
    if settings.staff_email and not already_waiting:  # as the workspace page does: staff hear of it once
        link = f"{str(request.base_url).rstrip('/')}/staff/jobs"
        warning = "".join(f"\n  ! {flag.reason}" for flag in flags)
        message = build_message(
            to=settings.staff_email,
            subject=f"QMarket: job to review / 待审核职位 — {job.title}",
            body=f"{organization.name} submitted “{job.title}” for review.{warning}\n\n{link}\n",
        )
        send_after_commit(session, settings, [message], what=f"job {job.id} to review")
    return _out(session, job)


@router.post("/{job_id}/close", response_model=JobOut)
def close(session: SessionDep, org: MemberOrg, slug: str, job_id: JobId) -> JobOut:
    job = get_org_job(session, org=org[0], job_id=job_id, lock=True)
    close_job(session, org=org[0], job=job, actor=org[1].user)
    return _out(session, job)
