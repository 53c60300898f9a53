"""A working group's public page, members asking to join, and the workspace page where an organisation
follows its requests, withdraws one, or leaves a group (acting for it, as in the rest of the workspace)."""

from typing import Annotated

from fastapi import APIRouter, Form, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlmodel import Session

from app.community import group_posts, groups, service
from app.deps import CurrentUser, OptionalUser, SessionDep
from app.errors import Invalid, by_field
from app.models import User, WorkingGroup
from app.models.base import utcnow
from app.models.states import RequestStatus
from app.organizations.access import workspace_org
from app.web import render

router = APIRouter()
RecordId = Annotated[int, Path(ge=1, le=2_147_483_647)]  # beyond a database integer: 422, not a 500
# Generous bounds on the raw form; the services give the precise limits with their own messages.
Short = Annotated[str, Form(max_length=5000)]

NEWEST_LISTINGS = 6  # a taste of what the members offer; the marketplace has the rest
DONE = ("requested", "withdrawn", "left")


def _member_context(session: Session, group: WorkingGroup, user: User | None, member_ids: set[int]) -> dict:
    """What a signed-in reader may do here: ask to join for an organisation they act for, follow its requests."""
    if user is None:
        return {"join_choices": [], "my_requests": [], "my_member_orgs": [], "can_manage": False}
    acting = groups.acting_organizations(session, user=user)
    requests = groups.requests_of_organizations(session, org_ids=[o.id for o in acting], group=group)
    pending = {row.organization.id for row in requests if row.request.status == RequestStatus.pending}
    return {
        "join_choices": [o for o in acting if o.id not in member_ids and o.id not in pending],
        "my_requests": requests,
        "my_member_orgs": [o for o in acting if o.id in member_ids],
        "can_manage": groups.may_manage(session, group=group, user=user),
    }


def group_page(request: Request, session: Session, group: WorkingGroup, user: User | None, *,
               errors: dict | None = None, values: dict | None = None, done: str = "",
               status_code: int = 200) -> HTMLResponse:
    now = utcnow()
    members = service.active_members(session, group=group)
    categories = service.member_listing_categories(session, group=group)
    context = {
        "group": group,
        "members": members,
        "listings": service.newest_member_listings(session, group=group, limit=NEWEST_LISTINGS),
        "listing_categories": categories,
        "listing_total": sum(count for _, _, count in categories),
        "open_jobs": service.member_open_jobs(session, group=group, now=now),
        "chairs": groups.chairs_of(session, group=group),
        "announcements": group_posts.announcements(session, group=group),
        "documents": group_posts.documents(session, group=group),
        "webinars": group_posts.upcoming_webinars(session, group=group, now=now),
        "errors": errors or {},
        "values": values or {},
        "done": done if done in DONE else "",
    } | _member_context(session, group, user, {o.id for o in members})
    return render(request, "group.html", context, status_code=status_code)


@router.get("/groups/{slug}", response_class=HTMLResponse)
def show_group(request: Request, session: SessionDep, user: OptionalUser, slug: str, done: str = "") -> HTMLResponse:
    return group_page(request, session, groups.get_group_or_404(session, slug=slug), user, done=done)


@router.post("/groups/{slug}/join", response_model=None)
def join(request: Request, session: SessionDep, user: CurrentUser, slug: str, organization: Short = "",
         message: Short = "") -> HTMLResponse | RedirectResponse:
    group = groups.get_group_or_404(session, slug=slug)
    try:
        groups.request_to_join(session, group=group, user=user, org_slug=organization.strip(), message=message)
    except Invalid as exc:
        return group_page(request, session, group, user, errors=by_field(exc.errors),
                          values={"organization": organization, "message": message}, status_code=422)
    return RedirectResponse(f"/groups/{group.slug}?done=requested#membership", status_code=303)


# ---- the organisation's side, in its workspace ---------------------------------------------------------

WORKSPACE = "/account/orgs/{slug}"


@router.get(WORKSPACE + "/groups", response_class=HTMLResponse)
def workspace_groups(request: Request, session: SessionDep, user: CurrentUser, slug: str,
                     done: str = "") -> HTMLResponse:
    org, membership = workspace_org(session, user=user, slug=slug)
    context = {"org": org, "membership": membership, "groups": groups.groups_of(session, org=org),
               "requests": groups.requests_of_organizations(session, org_ids=[org.id]),
               "done": done if done in DONE else ""}
    return render(request, "workspace_groups.html", context)


@router.post(WORKSPACE + "/group-requests/{request_id}/withdraw")
def withdraw(session: SessionDep, user: CurrentUser, slug: str, request_id: RecordId) -> RedirectResponse:
    org, _ = workspace_org(session, user=user, slug=slug)
    groups.withdraw(session, org=org, request_id=request_id, user=user)
    return RedirectResponse(f"/account/orgs/{org.slug}/groups?done=withdrawn", status_code=303)


@router.post(WORKSPACE + "/groups/{group_id}/leave")
def leave(session: SessionDep, user: CurrentUser, slug: str, group_id: RecordId) -> RedirectResponse:
    org, _ = workspace_org(session, user=user, slug=slug)
    groups.leave(session, org=org, group_id=group_id, user=user)
    return RedirectResponse(f"/account/orgs/{org.slug}/groups?done=left", status_code=303)
