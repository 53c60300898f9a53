"""Staff pages for the outreach corner: add, edit and remove learning resources (every change audited)."""

from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import ValidationError

from app.deps import SessionDep, StaffUser
from app.errors import by_field
from app.learn.schemas import LearningResourceIn
from app.learn.service import delete_resource, get_resource, resources, save_resource
from app.models.vocab import Audience, ResourceKind, ResourceLanguage
from app.staff.service import request_id
from app.validation import field_errors
from app.web import render

router = APIRouter(prefix="/staff/learn", tags=["staff"])
ResourceId = Annotated[int, Path(ge=1, le=2_147_483_647)]
FIELDS = ("title", "title_zh", "note", "note_zh", "kind", "audience", "language", "url")
DONE = ("saved", "deleted")


def _page(request: Request, session, *, values: dict, errors: dict, editing: int | None = None,
          done: str = "", status_code: int = 200) -> HTMLResponse:
    context = {"groups": resources(session), "values": values, "errors": errors, "editing": editing,
               "done": done if done in DONE else "", "kinds": list(ResourceKind), "audiences": list(Audience),
               "languages": list(ResourceLanguage)}
    return render(request, "staff_learn.html", context, status_code=status_code)


async def _form(request: Request) -> dict:
    form = await request.form()
    return {name: str(form.get(name, "")) for name in FIELDS}


def _validated(values: dict) -> LearningResourceIn:
    return LearningResourceIn.model_validate({k: v for k, v in values.items() if v != "" or k in ("title", "url")})


@router.get("", response_class=HTMLResponse)
def learn_admin(request: Request, session: SessionDep, staff: StaffUser, done: str = "") -> HTMLResponse:
    return _page(request, session, values={}, errors={}, done=done)


@router.get("/{resource_id}", response_class=HTMLResponse)
def edit_form(request: Request, session: SessionDep, staff: StaffUser, resource_id: ResourceId) -> HTMLResponse:
    resource = get_resource(session, resource_id)
    values = {name: str(getattr(resource, name) or "") for name in FIELDS}
    return _page(request, session, values=values, errors={}, editing=resource.id)


@router.post("", response_model=None)
async def create(request: Request, session: SessionDep, staff: StaffUser) -> HTMLResponse | RedirectResponse:
    values = await _form(request)
    try:
        data = _validated(values)
    except ValidationError as exc:
        return _page(request, session, values=values, errors=by_field(field_errors(exc)), status_code=422)
    save_resource(session, data=data, staff_id=staff.id, request_id=request_id(request))
    return RedirectResponse("/staff/learn?done=saved", status_code=303)


@router.post("/{resource_id}", response_model=None)
async def update(request: Request, session: SessionDep, staff: StaffUser,
                 resource_id: ResourceId) -> HTMLResponse | RedirectResponse:
    resource = get_resource(session, resource_id)
    values = await _form(request)
    try:
        data = _validated(values)
    except ValidationError as exc:
        return _page(request, session, values=values, errors=by_field(field_errors(exc)), editing=resource.id,
                     status_code=422)
    save_resource(session, data=data, staff_id=staff.id, request_id=request_id(request), resource=resource)
    return RedirectResponse("/staff/learn?done=saved", status_code=303)


@router.post("/{resource_id}/delete")
def delete(request: Request, session: SessionDep, staff: StaffUser, resource_id: ResourceId) -> RedirectResponse:
    delete_resource(session, resource=get_resource(session, resource_id), staff_id=staff.id,
                    request_id=request_id(request))
    return RedirectResponse("/staff/learn?done=deleted", status_code=303)
