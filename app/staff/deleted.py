"""Deleted listings and organisations inside the retention period, with Restore (RELIABILITY 57)."""

from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from app.deps import SessionDep, SettingsDep, StaffUser
from app.staff.service import request_id
from app.web import render
from app.workspace.retention import deleted_records, restore_listing, restore_org

router = APIRouter(prefix="/staff/deleted", tags=["staff"])
RecordId = Annotated[int, Path(ge=1, le=2_147_483_647)]
NOTICES = ("listing", "org")


@router.get("", response_class=HTMLResponse)
def deleted_page(request: Request, session: SessionDep, settings: SettingsDep, staff: StaffUser,
                 done: str = "") -> HTMLResponse:
    records = deleted_records(session, retention_days=settings.deleted_retention_days)
    context = {"records": records, "retention_days": settings.deleted_retention_days,
               "done": done if done in NOTICES else ""}
    return render(request, "staff_deleted.html", context)


@router.post("/listings/{listing_id}/restore")
def restore_a_listing(request: Request, session: SessionDep, settings: SettingsDep, staff: StaffUser,
                      listing_id: RecordId) -> RedirectResponse:
    restore_listing(session, listing_id=listing_id, staff=staff, retention_days=settings.deleted_retention_days,
                    request_id=request_id(request))
    return RedirectResponse("/staff/deleted?done=listing", status_code=303)


@router.post("/orgs/{org_id}/restore")
def restore_an_org(request: Request, session: SessionDep, settings: SettingsDep, staff: StaffUser,
                   org_id: RecordId) -> RedirectResponse:
    restore_org(session, org_id=org_id, staff=staff, retention_days=settings.deleted_retention_days,
                request_id=request_id(request))
    return RedirectResponse("/staff/deleted?done=org", status_code=303)
