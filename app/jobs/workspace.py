"""An organisation's job postings in its workspace: write, submit for review, close.

Every route finds the organisation through workspace_org (anyone else: 404) and the job within it.
"""

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from app.deps import CurrentUser, SessionDep, SettingsDep
from app.errors import Conflict, FieldError, Invalid, by_field
from app.i18n import N_
from app.jobs.moderation import EDITABLE, close_job, create_job, get_org_job, org_jobs, submit_job, update_job
from app.jobs.schemas import JobIn
from app.mail import build_message, send_after_commit
from app.models import Job, Organization
from app.models.states import JOB, JobStatus
from app.models.vocab import EmploymentType, JobFunction, SalaryPeriod, Workplace
from app.organizations.access import workspace_org
from app.validation import field_errors
from app.web import render

router = APIRouter(prefix="/account/orgs/{slug}/jobs", tags=["workspace"])
JobId = Annotated[int, Path(ge=1, le=2_147_483_647)]
FormText = Annotated[str, Form()]


def job_form(
    title: FormText = "", title_zh: FormText = "", function: FormText = "", employment_type: FormText = "",
    workplace: FormText = "", country: FormText = "", city: FormText = "", province: FormText = "",
    description: FormText = "", description_zh: FormText = "", requirements: FormText = "",
    requirements_zh: FormText = "", apply_url: FormText = "", apply_email: FormText = "",
    salary_min: FormText = "", salary_max: FormText = "", salary_currency: FormText = "", salary_period: FormText = "",
    version: FormText = "",
) -> dict[str, str]:
    """The posted fields as typed. Only these are read (never an organisation, status, id or date), and
    nothing is validated here: the organisation is checked first, so outsiders get 404, not field errors."""
    return {name: value for name, value in locals().items()}


JobForm = Annotated[dict[str, str], Depends(job_form)]


def _parse(values: dict[str, str]) -> JobIn:
    """Empty optional fields are absent; a blank title is still an error that names the title."""
    data = {name: value for name, value in values.items()
            if (value.strip() or name == "title") and name != "version"}
    return JobIn.model_validate(data)


def _version(values: dict[str, str]) -> int | None:
    """The version the edit form was opened at; None when none was sent."""
    raw = values.get("version", "").strip()
    if not raw:
        return None
    if not raw.isdigit() or len(raw) > 9:
        raise Invalid.field("version", N_("reload the page and try again"))
    return int(raw)


def _form_values(job: Job | None) -> dict[str, str]:
    if job is None:
        return {"country": "CN"}
    values = {name: "" if getattr(job, name, None) is None else str(getattr(job, name)) for name in EDITABLE}
    return values | {"version": str(job.version)}


def _form_page(request: Request, org: Organization, job: Job | None, values: dict[str, str],
               errors: list[FieldError] | None = None, conflict: bool = False) -> HTMLResponse:
    context = {
        "org": org, "job": job, "values": values,
        "errors": by_field(errors or []),
        "choices": {"function": list(JobFunction), "employment_type": list(EmploymentType),
                    "workplace": list(Workplace), "salary_period": list(SalaryPeriod)},
    }
    context["conflict"] = conflict
    return render(request, "account_job_form.html", context, status_code=409 if conflict else 422 if errors else 200)


def _to_list(slug: str, notice: str = "") -> RedirectResponse:
    return RedirectResponse(f"/account/orgs/{slug}/jobs" + (f"?done={notice}" if notice else ""), status_code=303)


@router.get("", response_class=HTMLResponse)
def jobs_page(request: Request, session: SessionDep, user: CurrentUser, slug: str, done: str = "") -> HTMLResponse:
    org, membership = workspace_org(session, user=user, slug=slug)
    context = {"org": org, "jobs": org_jobs(session, org=org), "done": done[:20],
               "can_submit": lambda job: JOB.can(job.status, JobStatus.review) and job.status != JobStatus.published,
               "can_close": lambda job: job.status == JobStatus.published}
    return render(request, "account_jobs.html", context)


@router.get("/new", response_class=HTMLResponse)
def new_job_page(request: Request, session: SessionDep, user: CurrentUser, slug: str) -> HTMLResponse:
    org, _ = workspace_org(session, user=user, slug=slug)
    return _form_page(request, org, None, _form_values(None))


@router.post("/new")
def new_job(request: Request, session: SessionDep, user: CurrentUser, slug: str, form: JobForm) -> Response:
    org, _ = workspace_org(session, user=user, slug=slug)
    try:
        create_job(session, org=org, data=_parse(form), actor=user)
    except ValidationError as exc:
        return _form_page(request, org, None, form, field_errors(exc))
    except Invalid as exc:
        return _form_page(request, org, None, form, exc.errors)
    return _to_list(org.slug, "created")


@router.get("/{job_id}/edit", response_class=HTMLResponse)
def edit_job_page(request: Request, session: SessionDep, user: CurrentUser, slug: str, job_id: JobId) -> HTMLResponse:
    org, _ = workspace_org(session, user=user, slug=slug)
    job = get_org_job(session, org=org, job_id=job_id)
    return _form_page(request, org, job, _form_values(job))


@router.post("/{job_id}/edit")
def edit_job(request: Request, session: SessionDep, user: CurrentUser, slug: str, job_id: JobId,
             form: JobForm) -> Response:
    org, _ = workspace_org(session, user=user, slug=slug)
    job = get_org_job(session, org=org, job_id=job_id, lock=True)
    try:
        version = _version(form)
        data = _parse(form)
        sent_back = update_job(session, org=org, job=job, data=data, actor=user, expected_version=version)
    except ValidationError as exc:
        return _form_page(request, org, job, form, field_errors(exc))
    except Invalid as exc:  # raised before anything is assigned: nothing half-written
        return _form_page(request, org, job, form, exc.errors)
    except Conflict:  # someone saved since this form was opened: show what was typed, save nothing
        return _form_page(request, org, job, form | {"version": str(job.version)}, conflict=True)
    return _to_list(org.slug, "review" if sent_back else "saved")


@router.post("/{job_id}/submit")
def submit(request: Request, session: SessionDep, settings: SettingsDep, user: CurrentUser, slug: str,
           job_id: JobId) -> Response:
    org, _ = workspace_org(session, user=user, slug=slug)
    job = get_org_job(session, org=org, job_id=job_id, lock=True)
    already_waiting = job.status == JobStatus.review
    flags = submit_job(session, org=org, job=job, actor=user)
    staff_address = settings.staff_email  # optional: without it, staff read the queue
    if staff_address and not already_waiting:
        link = f"{str(request.base_url).rstrip('/')}/staff/jobs"
        warning = "".join(f"\n  ! {flag.reason}" for flag in flags)
        message = build_message(
            to=staff_address,
            subject=f"QMarket: job to review / 待审核职位 — {job.title}",
            body=f"{org.name} submitted “{job.title}” for review.{warning}\n\n{link}\n",
        )
        send_after_commit(session, settings, [message], what=f"job {job.id} to review")
    return _to_list(org.slug, "submitted")


@router.post("/{job_id}/close")
def close(request: Request, session: SessionDep, user: CurrentUser, slug: str, job_id: JobId) -> Response:
    org, _ = workspace_org(session, user=user, slug=slug)
    job = get_org_job(session, org=org, job_id=job_id, lock=True)
    close_job(session, org=org, job=job, actor=user)
    return _to_list(org.slug, "closed")
