"""Staff pages for accounts (RELIABILITY 11): find a user, disable (a reason is required) or enable them.

Disabling ends all the user's sessions at once, and their API tokens stop working (tokens count only for
active users). Staff cannot disable themselves. Every action is audited with the request's id.
"""

from typing import Annotated

from fastapi import APIRouter, Form, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from app.accounts.admin import disable_user, enable_user, find_users, user_for_staff
from app.accounts.events import event
from app.deps import SessionDep, StaffUser
from app.search.schemas import MAX_PAGE
from app.staff.service import request_id
from app.validation import MAX_REASON, required_reason
from app.web import render

router = APIRouter(prefix="/staff/users", tags=["staff"])
Page = Annotated[int, Query(ge=1, le=MAX_PAGE)]
UserId = Annotated[int, Path(ge=1, le=2_147_483_647)]
DONE = ("disabled", "enabled")


@router.get("", response_class=HTMLResponse)
def users_page(request: Request, session: SessionDep, staff: StaffUser, page: Page = 1,
               q: Annotated[str, Query(max_length=100)] = "", done: str = "") -> HTMLResponse:
    rows, pages = find_users(session, q=q.strip(), page=page)
    context = {"rows": rows, "pages": pages, "q": q.strip(), "staff": staff, "done": done if done in DONE else ""}
    return render(request, "staff_users.html", context, block="results")


@router.post("/{user_id}/disable")
def disable(request: Request, session: SessionDep, staff: StaffUser, user_id: UserId,
            reason: Annotated[str, Form(max_length=5000)] = "") -> RedirectResponse:
    user = user_for_staff(session, user_id=user_id)
    disable_user(session, user=user, staff=staff, reason=required_reason(reason), request_id=request_id(request))
    event("user disabled", user=user.id, staff=staff.id)
    return RedirectResponse("/staff/users?done=disabled", status_code=303)


@router.post("/{user_id}/enable")
def enable(request: Request, session: SessionDep, staff: StaffUser, user_id: UserId,
           reason: Annotated[str, Form(max_length=5000)] = "") -> RedirectResponse:
    user = user_for_staff(session, user_id=user_id)
    enable_user(session, user=user, staff=staff, reason=reason.strip()[:MAX_REASON], request_id=request_id(request))
    event("user enabled", user=user.id, staff=staff.id)
    return RedirectResponse("/staff/users?done=enabled", status_code=303)
