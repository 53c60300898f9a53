"""A working group's management page, for its chairs and for staff: decide join requests, post
announcements, keep the list of documents. To anyone else it does not exist (404, as staff pages)."""

from typing import Annotated

from fastapi import APIRouter, Form, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import ValidationError
from sqlmodel import Session

from app.community import group_mails, group_posts, groups
from app.community.group_posts import AnnouncementIn, DocumentIn
from app.config import Settings
from app.deps import CurrentUser, SessionDep, SettingsDep
from app.errors import Invalid, by_field
from app.models import Organization, User, WorkingGroup
from app.validation import field_errors
from app.web import render

router = APIRouter(prefix="/groups/{slug}/manage")
RecordId = Annotated[int, Path(ge=1, le=2_147_483_647)]  # beyond a database integer: 422, not a 500
Short = Annotated[str, Form(max_length=5000)]
Long = Annotated[str, Form(max_length=40_000)]
DONE = ("approved", "declined", "announced", "document_added", "document_removed")


def _managed(session: Session, slug: str, user: User) -> WorkingGroup:
    group = groups.get_group_or_404(session, slug=slug)
    groups.require_manager(session, group=group, user=user)
    return group


def _page(request: Request, session: Session, group: WorkingGroup, *, errors: dict | None = None,
          values: dict | None = None, form: str = "", failed_request: int | None = None, done: str = "",
          status_code: int = 200) -> HTMLResponse:
    """`form` names the form whose errors and values are shown (each form keeps its own)."""
    context = {"group": group, "pending": groups.pending_requests(session, group=group),
               "documents": group_posts.documents(session, group=group),
               "announcements": group_posts.announcements(session, group=group),
               "recipients": len(group_posts.announcement_recipients(session, group=group)),
               "errors": errors or {}, "values": values or {}, "form": form, "failed_request": failed_request,
               "done": done if done in DONE else ""}
    return render(request, "group_manage.html", context, status_code=status_code)


def _back(group: WorkingGroup, done: str) -> RedirectResponse:
    return RedirectResponse(f"/groups/{group.slug}/manage?done={done}", status_code=303)


def _base_url(request: Request) -> str:
    return str(request.base_url).rstrip("/")


@router.get("", response_class=HTMLResponse)
def manage(request: Request, session: SessionDep, user: CurrentUser, slug: str, done: str = "") -> HTMLResponse:
    return _page(request, session, _managed(session, slug, user), done=done)


def _decide(request: Request, session: Session, settings: Settings, user: User, slug: str, request_id: int, *,
            approve: bool, reason: str = "") -> HTMLResponse | RedirectResponse:
    group = _managed(session, slug, user)
    try:
        join = groups.decide(session, group=group, request_id=request_id, chair=user, approve=approve, reason=reason)
    except Invalid as exc:
        return _page(request, session, group, errors=by_field(exc.errors), values={"reason": reason}, form="decline",
                     failed_request=request_id, status_code=422)
    org = session.get(Organization, join.organization_id)
    group_mails.decision(session, settings, base_url=_base_url(request), group=group, org=org, join=join)
    return _back(group, "approved" if approve else "declined")


@router.post("/requests/{request_id}/approve", response_model=None)
def approve(request: Request, session: SessionDep, settings: SettingsDep, user: CurrentUser, slug: str,
            request_id: RecordId) -> HTMLResponse | RedirectResponse:
    return _decide(request, session, settings, user, slug, request_id, approve=True)


@router.post("/requests/{request_id}/decline", response_model=None)
def decline(request: Request, session: SessionDep, settings: SettingsDep, user: CurrentUser, slug: str,
            request_id: RecordId, reason: Short = "") -> HTMLResponse | RedirectResponse:
    return _decide(request, session, settings, user, slug, request_id, approve=False, reason=reason)


@router.post("/announcements", response_model=None)
def announce(request: Request, session: SessionDep, settings: SettingsDep, user: CurrentUser, slug: str,
             title: Short = "", body: Long = "") -> HTMLResponse | RedirectResponse:
    group = _managed(session, slug, user)
    values = {"title": title, "body": body}
    try:
        data = AnnouncementIn(title=title, body=body)
    except ValidationError as exc:
        return _page(request, session, group, errors=by_field(field_errors(exc)), values=values,
                     form="announcement", status_code=422)
    post = group_posts.post_announcement(session, group=group, author=user, data=data)
    recipients = group_posts.announcement_recipients(session, group=group)
    group_mails.announcement(session, settings, base_url=_base_url(request), group=group, post=post,
                             recipients=recipients)
    return _back(group, "announced")


@router.post("/documents", response_model=None)
def add_document(request: Request, session: SessionDep, user: CurrentUser, slug: str, title: Short = "",
                 url: Short = "") -> HTMLResponse | RedirectResponse:
    group = _managed(session, slug, user)
    try:
        data = DocumentIn(title=title, url=url)
    except ValidationError as exc:
        return _page(request, session, group, errors=by_field(field_errors(exc)), values={"title": title, "url": url},
                     form="document", status_code=422)
    group_posts.add_document(session, group=group, user=user, data=data)
    return _back(group, "document_added")


@router.post("/documents/{document_id}/delete")
def remove_document(session: SessionDep, user: CurrentUser, slug: str, document_id: RecordId) -> RedirectResponse:
    group = _managed(session, slug, user)
    group_posts.remove_document(session, group=group, user=user, document_id=document_id)
    return _back(group, "document_removed")
