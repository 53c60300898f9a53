"""Staff pages for the working groups: create one, edit its names, mission and chairs, and add or remove
member organisations. The rules are in app/community/group_admin.py; every change is in the audit log."""

from typing import Annotated

from fastapi import APIRouter, Form, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlmodel import Session, col, select

from app.community import group_admin
from app.deps import SessionDep, StaffUser
from app.errors import Invalid, NotFound, by_field
from app.i18n import N_
from app.models import User, WorkingGroup
from app.web import render

router = APIRouter(prefix="/staff/groups", tags=["staff"])
GroupId = Annotated[int, Path(ge=1, le=2_147_483_647)]
Short = Annotated[str, Form(max_length=1000)]
FIELDS = ("name", "name_zh", "mission", "mission_zh", "chairs")
DONE = ("saved", "member_added", "member_removed")


def _group(session: Session, group_id: int) -> WorkingGroup:
    group = session.get(WorkingGroup, group_id)
    if group is None:
        raise NotFound(N_("no such working group"))
    return group


def _values(session: Session, group: WorkingGroup) -> dict[str, str]:
    return {"name": group.name, "name_zh": group.name_zh or "", "mission": group.mission,
            "mission_zh": group.mission_zh, "chairs": ", ".join(u.email for u in group_admin.current_chairs(session, group))}


def _page(request: Request, session: Session, *, values: dict, errors: dict, editing: WorkingGroup | None = None,
          member_errors: dict | None = None, member_value: str = "", done: str = "",
          status_code: int = 200) -> HTMLResponse:
    context = {"groups": session.exec(select(WorkingGroup).order_by(col(WorkingGroup.name))).all(),
               "values": values, "errors": errors, "editing": editing, "done": done if done in DONE else "",
               "members": group_admin.all_members(session, editing) if editing else [],
               "member_errors": member_errors or {}, "member_value": member_value}
    return render(request, "staff_groups.html", context, status_code=status_code)


@router.get("", response_class=HTMLResponse)
def groups_admin(request: Request, session: SessionDep, staff: StaffUser, done: str = "") -> HTMLResponse:
    return _page(request, session, values={}, errors={}, done=done)


@router.get("/{group_id}", response_class=HTMLResponse)
def edit_form(request: Request, session: SessionDep, staff: StaffUser, group_id: GroupId,
              done: str = "") -> HTMLResponse:
    group = _group(session, group_id)
    return _page(request, session, values=_values(session, group), errors={}, editing=group, done=done)


async def _save(request: Request, session: Session, staff: User, existing: WorkingGroup | None):
    form = await request.form()
    values = {name: str(form.get(name, ""))[:40_000] for name in FIELDS}
    try:
        data = group_admin.parse_group_form(values)
        chairs = group_admin.chair_users(session, data.chairs)
    except Invalid as exc:
        return _page(request, session, values=values, errors=by_field(exc.errors), editing=existing, status_code=422)
    group = group_admin.save_group(session, data=data, chairs=chairs, staff=staff, group=existing)
    return RedirectResponse(f"/staff/groups/{group.id}?done=saved", status_code=303)


@router.post("", response_model=None)
async def create(request: Request, session: SessionDep, staff: StaffUser) -> HTMLResponse | RedirectResponse:
    return await _save(request, session, staff, None)


@router.post("/{group_id}", response_model=None)
async def update(request: Request, session: SessionDep, staff: StaffUser,
                 group_id: GroupId) -> HTMLResponse | RedirectResponse:
    return await _save(request, session, staff, _group(session, group_id))


def _membership_change(request: Request, session: Session, staff: User, group_id: int, organization: str, *,
                       add: bool) -> HTMLResponse | RedirectResponse:
    group = _group(session, group_id)
    change = group_admin.add_member if add else group_admin.remove_member
    try:
        change(session, group=group, org_slug=organization, staff=staff)
    except Invalid as exc:
        return _page(request, session, values=_values(session, group), errors={}, editing=group,
                     member_errors=by_field(exc.errors), member_value=organization, status_code=422)
    return RedirectResponse(f"/staff/groups/{group.id}?done={'member_added' if add else 'member_removed'}#members",
                            status_code=303)


@router.post("/{group_id}/members", response_model=None)
def add_member(request: Request, session: SessionDep, staff: StaffUser, group_id: GroupId,
               organization: Short = "") -> HTMLResponse | RedirectResponse:
    return _membership_change(request, session, staff, group_id, organization, add=True)


@router.post("/{group_id}/members/remove", response_model=None)
def remove_member(request: Request, session: SessionDep, staff: StaffUser, group_id: GroupId,
                  organization: Short = "") -> HTMLResponse | RedirectResponse:
    return _membership_change(request, session, staff, group_id, organization, add=False)
