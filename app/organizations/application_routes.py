"""Pages for membership applications: the applicant's form and the staff queue with its decisions."""

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from sqlmodel import Session

from app.config import Settings
from app.request_context import client_ip
from app.deps import CurrentUser, SessionDep, SettingsDep, StaffUser
from app.errors import FieldError, Invalid, by_field
from app.i18n import N_
from app.mail import build_message, send_after_commit
from app.models import Organization
from app.models.vocab import MembershipLevel, OrgType
from app.organizations.applications import (
    ApplicationIn,
    applicants,
    approve_application,
    get_application,
    pending_applications,
    reject_application,
    submit_application,
)
from app.geography import CN_PROVINCES
from app.security import form_timing
from app.validation import field_errors
from app.web import render

router = APIRouter()
Short = Annotated[str, Form(max_length=1000)]
Long = Annotated[str, Form(max_length=40_000)]
OPTIONAL_FIELDS = ("name_zh", "province", "city", "website")


def _apply_page(request: Request, errors: list[FieldError], values: dict, *, status: int = 200,
                submitted: bool = False) -> HTMLResponse:
    context = {
        "errors": by_field(errors),
        "values": values,
        "org_types": list(OrgType),
        "levels": list(MembershipLevel),
        "provinces": sorted(CN_PROVINCES),
        "submitted": submitted,
    }
    return render(request, "account_apply.html", context, status_code=status)


@router.get("/account/apply", response_class=HTMLResponse)
def apply_page(request: Request, user: CurrentUser, submitted: bool = False) -> HTMLResponse:
    return _apply_page(request, [], {"contact_email": user.email, "country": "CN"}, submitted=submitted)


@router.post("/account/apply")
def apply(request: Request, session: SessionDep, settings: SettingsDep, user: CurrentUser, name: Short = "", name_zh: Short = "",
          org_type: Short = "", membership: Short = "", country: Short = "", province: Short = "",
          city: Short = "", website: Short = "", contact_email: Short = "", description: Long = "",
          description_zh: Long = "", form_started: Short = "") -> Response:
    # Only these named fields are read: a slug, a status or an id in the form is ignored.
    values = {"name": name, "name_zh": name_zh, "org_type": org_type, "membership": membership, "country": country,
              "province": province, "city": city, "website": website, "contact_email": contact_email,
              "description": description, "description_zh": description_zh}
    cleaned = {key: (value.strip() or None) if key in OPTIONAL_FIELDS else value for key, value in values.items()}
    try:
        data = ApplicationIn.model_validate(cleaned)
        submit_application(session, user=user, data=data, ip=client_ip(request),
                           form_flag=form_timing.check(settings.secret_key, form_started))
    except ValidationError as exc:
        return _apply_page(request, field_errors(exc), values | {"form_started": form_started[:200]}, status=422)
    except Invalid as exc:
        return _apply_page(request, exc.errors, values | {"form_started": form_started[:200]}, status=422)
    return RedirectResponse("/account/apply?submitted=true", status_code=303)


# ---- staff ---------------------------------------------------------------------------------------------


def _queue_page(request: Request, session: Session, *, errors: dict[int, dict[str, str]] | None = None,
                status: int = 200) -> HTMLResponse:
    context = {"applications": pending_applications(session), "levels": list(MembershipLevel),
               "errors": errors or {}, "done": request.query_params.get("done")}
    return render(request, "staff_applications.html", context, status_code=status)


@router.get("/staff/applications", response_class=HTMLResponse)
def applications_queue(request: Request, session: SessionDep, staff: StaffUser) -> HTMLResponse:
    return _queue_page(request, session)


def _tell_applicants(session: Session, settings: Settings, org: Organization, *, subject: str, body: str) -> None:
    for user in applicants(session, org):
        message = build_message(to=user.email, subject=subject, body=body)
        send_after_commit(session, settings, [message], what=f"application of {org.slug}")


def _approved_text(org: Organization, base: str) -> str:
    link = f"{base}/account/orgs/{org.slug}"
    return (f"Welcome to QMarket! The membership application for {org.name} is approved.\n"
            f"Keep your profile, listings and jobs up to date here:\n{link}\n\n"
            f"欢迎加入 QMarket！{org.name_zh or org.name} 的会员申请已通过。\n"
            f"请在这里维护机构资料、产品服务和职位：\n{link}\n")


def _rejected_text(org: Organization, base: str) -> str:
    return (f"The membership application for {org.name} was not approved, for this reason:\n\n"
            f"{org.status_reason}\n\n"
            f"You may correct it and apply again: {base}/account/apply\n\n"
            f"{org.name_zh or org.name} 的会员申请未通过，原因如上。修改后可重新申请：{base}/account/apply\n")


@router.post("/staff/applications/{org_id}/approve")
def approve(request: Request, session: SessionDep, settings: SettingsDep, staff: StaffUser, org_id: int,
            membership: Short = "") -> Response:
    org = get_application(session, org_id)
    try:
        level = MembershipLevel(membership) if membership else None
    except ValueError:
        raise Invalid.field("membership", N_("choose one of the membership levels")) from None
    approve_application(session, org=org, staff=staff, membership=level)
    _tell_applicants(session, settings, org, body=_approved_text(org, str(request.base_url).rstrip("/")),
                     subject="QMarket: your membership application is approved / 会员申请已通过")
    return RedirectResponse("/staff/applications?done=approved", status_code=303)


@router.post("/staff/applications/{org_id}/reject")
def reject(request: Request, session: SessionDep, settings: SettingsDep, staff: StaffUser, org_id: int,
           reason: Long = "") -> Response:
    org = get_application(session, org_id)
    try:
        reject_application(session, org=org, staff=staff, reason=reason)
    except Invalid as exc:
        return _queue_page(request, session, errors={org.id: by_field(exc.errors)}, status=422)
    _tell_applicants(session, settings, org, body=_rejected_text(org, str(request.base_url).rstrip("/")),
                     subject="QMarket: your membership application / 会员申请结果")
    return RedirectResponse("/staff/applications?done=rejected", status_code=303)
