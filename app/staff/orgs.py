"""Staff pages: organisations (suspend, reinstate) and the audit log (read-only: no route edits or deletes)."""

from typing import Annotated, Literal

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from app.deps import SessionDep, StaffUser
from app.search.schemas import MAX_PAGE
from app.staff.service import audit_page, org_for_staff, organisations, reinstate, request_id, suspend
from app.validation import required_reason
from app.web import render

router = APIRouter(prefix="/staff", tags=["staff"])
Page = Annotated[int, Query(ge=1, le=MAX_PAGE)]


@router.get("/orgs", response_class=HTMLResponse)
def orgs_page(request: Request, session: SessionDep, staff: StaffUser, page: Page = 1,
              q: Annotated[str, Query(max_length=100)] = "",
              status: Literal["active", "suspended", ""] = "") -> HTMLResponse:
    rows, pages = organisations(session, q=q.strip(), status=status, page=page)
    context = {"orgs": rows, "pages": pages, "q": q.strip(), "status": status,
               "done": request.query_params.get("done", "")[:20]}
    return render(request, "staff_orgs.html", context, block="results")


@router.post("/orgs/{slug}/suspend")
def suspend_org(request: Request, session: SessionDep, staff: StaffUser, slug: str,
                reason: Annotated[str, Form()] = "") -> RedirectResponse:
    org = org_for_staff(session, slug=slug)
    suspend(session, org=org, staff=staff, reason=required_reason(reason), request_id=request_id(request))
    return RedirectResponse("/staff/orgs?done=suspended", status_code=303)


@router.post("/orgs/{slug}/reinstate")
def reinstate_org(request: Request, session: SessionDep, staff: StaffUser, slug: str,
                  reason: Annotated[str, Form()] = "") -> RedirectResponse:
    org = org_for_staff(session, slug=slug)
    reinstate(session, org=org, staff=staff, reason=reason.strip()[:2000], request_id=request_id(request))
    return RedirectResponse("/staff/orgs?done=reinstated", status_code=303)


@router.get("/audit", response_class=HTMLResponse)
def audit_log(request: Request, session: SessionDep, staff: StaffUser, page: Page = 1,
              action: Annotated[str, Query(max_length=60)] = "") -> HTMLResponse:
    log = audit_page(session, action=action.strip(), page=page)
    return render(request, "staff_audit.html", {"log": log, "action": action.strip()}, block="results")
