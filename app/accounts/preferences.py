"""The signed-in person's mail preferences (shown on the account page)."""

from typing import Annotated, Literal

from fastapi import APIRouter, Form
from fastapi.responses import RedirectResponse

from app import audit
from app.deps import CurrentUser, SessionDep

router = APIRouter(prefix="/account")


@router.post("/group-mail")
def set_group_mail(session: SessionDep, user: CurrentUser,
                   group_mail: Annotated[Literal["on", "off"], Form()]) -> RedirectResponse:
    """Announcements of the working groups one's organisations belong to: on or off (anything else is a 422)."""
    wanted = group_mail == "on"
    if user.group_mail != wanted:
        user.group_mail = wanted
        session.add(user)
        audit.record(session, action="account.group_mail", target_type="user", target_id=user.id, actor_id=user.id,
                     detail={"group_mail": wanted})
    return RedirectResponse("/account?saved=group_mail#mail", status_code=303)
