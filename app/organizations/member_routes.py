"""Pages for an organisation's members: owners invite editors, change roles and remove members; invitees accept."""

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from sqlmodel import Session

from app.deps import CurrentUser, SessionDep, SettingsDep
from app.errors import FieldError, Forbidden, Invalid, by_field
from app.i18n import N_
from app.mail import build_message, send_after_commit
from app.models import Organization, User
from app.models.vocab import MemberRole
from app.organizations.access import workspace_org
from app.organizations.members import (
    INVITATION_LIFETIME,
    InvitationIn,
    accept_invitation,
    change_role,
    invite_editor,
    members,
    open_invitation,
    pending_invitations,
    remove_member,
)
from app.validation import field_errors
from app.web import render

router = APIRouter(prefix="/account")
OWNERS = (MemberRole.owner,)
Short = Annotated[str, Form(max_length=1000)]


def _members_page(request: Request, session: Session, org: Organization, user: User, *,
                  errors: list[FieldError] | None = None, values: dict | None = None,
                  status: int = 200) -> HTMLResponse:
    context = {
        "org": org,
        "user": user,
        "members": members(session, org),
        "invitations": pending_invitations(session, org),
        "errors": by_field(errors or []),
        "values": values or {},
        "done": request.query_params.get("done"),
    }
    return render(request, "account_members.html", context, status_code=status)


@router.get("/orgs/{slug}/members", response_class=HTMLResponse)
def members_page(request: Request, session: SessionDep, user: CurrentUser, slug: str) -> HTMLResponse:
    org, _ = workspace_org(session, user=user, slug=slug, roles=OWNERS)
    return _members_page(request, session, org, user)


@router.post("/orgs/{slug}/members/invite")
def invite(request: Request, session: SessionDep, settings: SettingsDep, user: CurrentUser, slug: str,
           email: Short = "") -> Response:
    org, _ = workspace_org(session, user=user, slug=slug, roles=OWNERS)
    try:
        _, token = invite_editor(session, org=org, inviter=user, data=InvitationIn(email=email))
    except ValidationError as exc:
        return _members_page(request, session, org, user, errors=field_errors(exc), values={"email": email},
                             status=422)
    except Invalid as exc:
        return _members_page(request, session, org, user, errors=exc.errors, values={"email": email},
                             status=422)
    link = f"{str(request.base_url).rstrip('/')}/account/invitations/{token}"
    days = INVITATION_LIFETIME.days
    message = build_message(
        to=email.strip().lower(),
        subject="QMarket: you are invited to edit an organisation / 邀请您成为机构编辑",
        body=(f"{user.display_name or user.email} invites you to edit {org.name} on QMarket.\n"
              f"Sign in (or create an account) with this e-mail address and open this link within {days} days:\n"
              f"{link}\n\n"
              f"{user.display_name or user.email} 邀请您在 QMarket 上编辑 {org.name_zh or org.name} 的信息。\n"
              f"请用本邮箱地址登录（或注册）后，在 {days} 天内打开以下链接：\n{link}\n\n"
              "If you did not expect this, ignore this message. 如非预期，请忽略本邮件。\n"),
    )
    send_after_commit(session, settings, [message], what=f"invitation to {org.slug}")
    return RedirectResponse(f"/account/orgs/{org.slug}/members?done=invited", status_code=303)


@router.post("/orgs/{slug}/members/{membership_id}/role")
def role(request: Request, session: SessionDep, user: CurrentUser, slug: str, membership_id: int,
         role: Short = "") -> Response:
    org, _ = workspace_org(session, user=user, slug=slug, roles=OWNERS)
    try:
        wanted = MemberRole(role.strip())
    except ValueError:
        raise Invalid.field("role", N_("choose owner or editor")) from None
    changed = change_role(session, org=org, membership_id=membership_id, role=wanted, actor=user)
    if changed.user_id == user.id and wanted != MemberRole.owner:
        return RedirectResponse(f"/account/orgs/{org.slug}", status_code=303)  # the members page is owners' only
    return RedirectResponse(f"/account/orgs/{org.slug}/members?done=role", status_code=303)


@router.post("/orgs/{slug}/members/{membership_id}/remove")
def remove(request: Request, session: SessionDep, user: CurrentUser, slug: str, membership_id: int) -> Response:
    org, _ = workspace_org(session, user=user, slug=slug, roles=OWNERS)
    removed = remove_member(session, org=org, membership_id=membership_id, actor=user)
    if removed.user_id == user.id:
        return RedirectResponse("/account", status_code=303)  # they left: the members page is no longer theirs
    return RedirectResponse(f"/account/orgs/{org.slug}/members?done=removed", status_code=303)


def _masked(address: str) -> str:
    """"ana@lab.example" → "a…@lab.example": enough to recognise one's own address, not to harvest it."""
    local, _, domain = address.partition("@")
    return f"{local[:1]}…@{domain}"


def _invitation_page(request: Request, session: Session, user: User, token: str, *,
                     problem: str | None = None) -> HTMLResponse:
    invitation, org = open_invitation(session, token)
    matches = invitation.email == user.email.lower()
    if not matches and problem is None:
        problem = "other_address"
    context = {"org": org, "invitation": invitation, "token": token, "problem": problem,
               "invited": _masked(invitation.email), "matches": matches}
    return render(request, "account_invitation.html", context, status_code=200 if matches else 403)


@router.get("/invitations/{token}", response_class=HTMLResponse)
def invitation_page(request: Request, session: SessionDep, user: CurrentUser, token: str) -> HTMLResponse:
    return _invitation_page(request, session, user, token)


@router.post("/invitations/{token}")
def accept(request: Request, session: SessionDep, user: CurrentUser, token: str) -> Response:
    try:
        org = accept_invitation(session, token=token, user=user)
    except Forbidden:
        return _invitation_page(request, session, user, token, problem="other_address")
    return RedirectResponse(f"/account/orgs/{org.slug}", status_code=303)
