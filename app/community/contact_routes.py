"""Members contacting organisations (inquiries), visitors reporting content, staff handling reports."""

from typing import Annotated

from fastapi import APIRouter, Form, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from sqlmodel import Session

from app.community import inquiries, reports
from app.community.inquiries import InquiryIn, MembersOnly
from app.community.reports import ReportIn
from app.config import Settings
from app.deps import CurrentUser, OptionalUser, SessionDep, SettingsDep, StaffUser
from app.errors import Invalid, by_field
from app.mail import build_message, send_after_commit
from app.models import Inquiry, Job, Listing, Organization, User
from app.models.report import ReportTarget
from app.models.states import INQUIRY, InquiryStatus
from app.organizations.access import workspace_org
from app.organizations.service import get_visible_organization
from app.request_context import client_ip
from app.security import form_timing
from app.validation import field_errors
from app.web import render

router = APIRouter()

# Bounds on what a form may send at all; the input models give the precise rules and messages.
ShortField = Annotated[str, Form(max_length=1000)]
LongField = Annotated[str, Form(max_length=inquiries.MESSAGE_MAX * 2)]
RecordId = Annotated[int, Path(ge=1, le=2**63 - 1)]  # beyond a database integer: 422, not a 500


# ---- inquiries: writing ------------------------------------------------------------------------------


def _form_page(request: Request, org: Organization, listing: Listing | None, *, errors: dict, values: dict,
               status: int = 200) -> HTMLResponse:
    context = {"org": org, "listing": listing, "errors": errors, "values": values}
    return render(request, "inquiry_form.html", context, status_code=status)


@router.get("/orgs/{slug}/inquiries", response_class=HTMLResponse)
def inquiry_form(request: Request, session: SessionDep, user: CurrentUser, slug: str, listing: str = "") -> HTMLResponse:
    """The form on its own page: where sign-in leads back to, and where mistakes are shown."""
    org = get_visible_organization(session, slug)
    if not inquiries.sender_organizations(session, user):
        return render(request, "inquiry_members_only.html", {"org": org}, status_code=403)
    about = None
    if listing:
        try:
            about = inquiries.listing_of(session, org, listing[:200])
        except Invalid:
            about = None  # a stale link: write about the organisation instead
    return _form_page(request, org, about, errors={}, values={})


def _notify_owners(request: Request, session: Session, settings: Settings, *, org: Organization, sender: User,
                   inquiry: Inquiry, listing: Listing | None) -> None:
    """One message per owner (no owner sees another's address), sent once the inquiry is committed."""
    sender_orgs = ", ".join(o.name for o in inquiries.sender_organizations(session, sender))
    who = f"{sender.display_name or sender.email} <{sender.email}> ({sender_orgs})"
    about = f'\nAbout the listing / 关于产品服务: "{listing.title}"\n' if listing else ""
    link = f"{str(request.base_url).rstrip('/')}/account/orgs/{org.slug}/inquiries"
    body = (
        f"{who} sent {org.name} an inquiry on QMarket.\n{who} 通过 QMarket 向 {org.name} 发送了询盘。\n{about}\n"
        f"Subject / 主题: {inquiry.subject}\n\n{inquiry.message}\n\n"
        f"Reply to / 回复: {sender.email}\nAll inquiries / 全部询盘: {link}\n"
    )
    messages = []
    for owner in inquiries.owners_of(session, org):
        message = build_message(to=owner.email, subject=f"QMarket inquiry / 询盘: {inquiry.subject}", body=body)
        message["Reply-To"] = sender.email
        messages.append(message)

    send_after_commit(session, settings, messages, what=f"inquiry {inquiry.id} to {org.slug}")


@router.post("/orgs/{slug}/inquiries")
def send_inquiry(request: Request, session: SessionDep, settings: SettingsDep, user: CurrentUser, slug: str,
                 subject: ShortField = "", message: LongField = "", listing: ShortField = "",
                 form_started: ShortField = "") -> Response:
    org = get_visible_organization(session, slug)
    values = {"subject": subject, "message": message, "listing": listing, "form_started": form_started[:200]}
    try:
        data = InquiryIn(subject=subject, message=message, listing=listing.strip() or None)
        form_flag = form_timing.check(settings.secret_key, form_started)
        inquiry = inquiries.send_inquiry(session, sender=user, org=org, data=data, form_flag=form_flag,
                                         review_first=settings.review_first_inquiries)
    except MembersOnly:
        return render(request, "inquiry_members_only.html", {"org": org}, status_code=403)
    except ValidationError as exc:
        return _form_page(request, org, None, errors=by_field(field_errors(exc)), values=values, status=422)
    except Invalid as exc:
        return _form_page(request, org, None, errors=by_field(exc.errors), values=values, status=422)
    if inquiry.status == InquiryStatus.held:  # the owners hear of it only if staff release it
        return RedirectResponse("/account/inquiries?sent=held", status_code=303)
    about = session.get(Listing, inquiry.listing_id) if inquiry.listing_id else None
    _notify_owners(request, session, settings, org=org, sender=user, inquiry=inquiry, listing=about)
    return RedirectResponse("/account/inquiries?sent=1", status_code=303)


# ---- inquiries: reading ------------------------------------------------------------------------------


@router.get("/account/inquiries", response_class=HTMLResponse)
def sent_inquiries(request: Request, session: SessionDep, user: CurrentUser, sent: str = "") -> HTMLResponse:
    rows = inquiries.sent_inquiries(session, sender=user)
    context = {"rows": rows, "just_sent": sent == "1", "just_held": sent == "held"}
    return render(request, "inquiry_sent.html", context)


@router.get("/account/orgs/{slug}/inquiries", response_class=HTMLResponse)
def organization_inquiries(request: Request, session: SessionDep, user: CurrentUser, slug: str) -> HTMLResponse:
    org, membership = workspace_org(session, user=user, slug=slug)
    rows = inquiries.organization_inquiries(session, org=org)
    context = {"org": org, "membership": membership, "rows": rows, "allowed": INQUIRY.allowed}
    return render(request, "inquiry_inbox.html", context, block="inbox")


@router.post("/account/orgs/{slug}/inquiries/{inquiry_id}/status")
def inquiry_status(request: Request, session: SessionDep, user: CurrentUser, slug: str, inquiry_id: RecordId,
                   status: ShortField = "") -> Response:
    org, _ = workspace_org(session, user=user, slug=slug)
    inquiries.set_inquiry_status(session, org=org, inquiry_id=inquiry_id, status=status.strip())
    return RedirectResponse(f"/account/orgs/{org.slug}/inquiries#inquiry-{inquiry_id}", status_code=303)


# ---- inquiries: the staff queue of held ones ---------------------------------------------------------


@router.get("/staff/inquiries", response_class=HTMLResponse)
def staff_inquiries(request: Request, session: SessionDep, staff: StaffUser) -> HTMLResponse:
    context = {"items": inquiries.held_inquiries(session, staff=staff), "done": request.query_params.get("done")}
    return render(request, "staff_inquiries.html", context, block="queue")


def _decide(request: Request, session: Session, settings: Settings, staff: User, inquiry_id: int,
            *, release: bool) -> Response:
    inquiry = inquiries.decide_held(session, inquiry_id=inquiry_id, staff=staff, release=release)
    if release:
        org = session.get(Organization, inquiry.organization_id)
        sender = session.get(User, inquiry.sender_id)
        about = session.get(Listing, inquiry.listing_id) if inquiry.listing_id else None
        _notify_owners(request, session, settings, org=org, sender=sender, inquiry=inquiry, listing=about)
    return RedirectResponse(f"/staff/inquiries?done={'released' if release else 'refused'}", status_code=303)


@router.post("/staff/inquiries/{inquiry_id}/release")
def release_inquiry(request: Request, session: SessionDep, settings: SettingsDep, staff: StaffUser,
                    inquiry_id: RecordId) -> Response:
    return _decide(request, session, settings, staff, inquiry_id, release=True)


@router.post("/staff/inquiries/{inquiry_id}/refuse")
def refuse_inquiry(request: Request, session: SessionDep, settings: SettingsDep, staff: StaffUser,
                   inquiry_id: RecordId) -> Response:
    return _decide(request, session, settings, staff, inquiry_id, release=False)


# ---- reports -----------------------------------------------------------------------------------------


def _reportable(session: Session, target_type: ReportTarget, slug: str):
    if target_type == ReportTarget.listing:
        return reports.reportable_listing(session, slug=slug)
    return reports.reportable_job(session, slug=slug)


def _report_page(request: Request, target_type: ReportTarget, record, *, errors: dict, values: dict,
                 status: int = 200) -> HTMLResponse:
    context = {"target_type": target_type.value, "record": record, "errors": errors, "values": values,
               "action": f"/{target_type.value}s/{record.slug}/report"}
    return render(request, "report_form.html", context, status_code=status)


def _report_form(request: Request, session: Session, target_type: ReportTarget, slug: str) -> HTMLResponse:
    return _report_page(request, target_type, _reportable(session, target_type, slug), errors={}, values={})


def _file_report(request: Request, session: Session, user: User | None, target_type: ReportTarget, slug: str,
                 reason: str) -> HTMLResponse:
    record = _reportable(session, target_type, slug)
    try:
        data = ReportIn(reason=reason)
    except ValidationError as exc:
        return _report_page(request, target_type, record, errors=by_field(field_errors(exc)),
                            values={"reason": reason}, status=422)
    reports.file_report(session, target_type=target_type, target_id=record.id, data=data, reporter=user,
                        ip=client_ip(request))
    hidden = reports.hide_if_flagged(session, target_type=target_type, target_id=record.id)
    if hidden is not None:
        _tell_owners_hidden(request, session, request.app.state.settings, target_type, *hidden)
    return render(request, "report_sent.html", {"target_type": target_type.value, "record": record})


def _tell_owners_hidden(request: Request, session: Session, settings: Settings, target_type: ReportTarget,
                       record: Listing | Job, org: Organization) -> None:
    """Once, when reports hide an item: each owner of its organisation learns what was hidden and that
    staff will review it. Reporters are never named."""
    base = str(request.base_url).rstrip("/")
    if target_type == ReportTarget.listing:
        what, what_zh, link = "listing", "产品服务", f"{base}/account/orgs/{org.slug}/listings"
    else:
        what, what_zh, link = "job posting", "职位", f"{base}/account/orgs/{org.slug}/jobs"
    body = (
        f'Your {what} "{record.title}" on QMarket was reported by several visitors and is hidden from the '
        f"public pages and search until the alliance's staff have reviewed it. You do not need to do anything; "
        f"staff will publish it again or tell you what needs to change.\n{link}\n\n"
        f"{org.name_zh or org.name} 的{what_zh}“{record.title_zh or record.title}”被多位访客举报，"
        f"在联盟工作人员审核之前已暂时从公开页面和搜索中隐藏。您无需操作，工作人员审核后会恢复发布或告知需要修改之处。\n{link}\n"
    )
    messages = [build_message(to=owner.email, subject=f"QMarket: your {what} is hidden pending review / 内容待审核",
                              body=body) for owner in inquiries.owners_of(session, org)]

    send_after_commit(session, settings, messages, what=f"{what} {record.id} hidden by reports, {org.slug}")


@router.get("/listings/{slug}/report", response_class=HTMLResponse)
def listing_report_form(request: Request, session: SessionDep, slug: str) -> HTMLResponse:
    return _report_form(request, session, ReportTarget.listing, slug)


@router.post("/listings/{slug}/report", response_class=HTMLResponse)
def report_listing(request: Request, session: SessionDep, user: OptionalUser, slug: str,
                   reason: LongField = "") -> HTMLResponse:
    return _file_report(request, session, user, ReportTarget.listing, slug, reason)


@router.get("/jobs/{slug}/report", response_class=HTMLResponse)
def job_report_form(request: Request, session: SessionDep, slug: str) -> HTMLResponse:
    return _report_form(request, session, ReportTarget.job, slug)


@router.post("/jobs/{slug}/report", response_class=HTMLResponse)
def report_job(request: Request, session: SessionDep, user: OptionalUser, slug: str,
               reason: LongField = "") -> HTMLResponse:
    return _file_report(request, session, user, ReportTarget.job, slug, reason)


@router.get("/staff/reports", response_class=HTMLResponse)
def staff_reports(request: Request, session: SessionDep, staff: StaffUser) -> HTMLResponse:
    context = {"items": reports.open_report_items(session), "flag_at": reports.FLAG_AT}
    return render(request, "staff_reports.html", context, block="queue")


@router.post("/staff/reports/{report_id}/resolve")
def dismiss_reports(session: SessionDep, staff: StaffUser, report_id: RecordId) -> Response:
    reports.resolve_reports(session, report_id=report_id, staff=staff, hide=False)
    return RedirectResponse("/staff/reports", status_code=303)


@router.post("/staff/reports/{report_id}/hide")
def hide_reported(session: SessionDep, staff: StaffUser, report_id: RecordId) -> Response:
    reports.resolve_reports(session, report_id=report_id, staff=staff, hide=True)
    return RedirectResponse("/staff/reports", status_code=303)
