"""Pages of the alliance's working groups: the list here; a group's page, joining and leaving in
group_routes.py; its chairs' management page in group_manage.py."""

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from app.community import service
from app.community.contact_routes import router as contact_router
from app.community.group_manage import router as manage_router
from app.community.group_routes import router as group_router
from app.deps import SessionDep
from app.web import render

router = APIRouter()  # with the contact and inquiry pages (contact_routes.py) first
router.include_router(contact_router)


@router.get("/groups", response_class=HTMLResponse)
def groups(request: Request, session: SessionDep) -> HTMLResponse:
    return render(request, "groups.html", {"groups": service.groups_with_member_counts(session)})


router.include_router(group_router)
router.include_router(manage_router)
