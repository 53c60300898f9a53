"""Staff decide members' proposals to present: accept (a webinar is scheduled with the organisation as its
presenter, then refined on the webinar form) or decline with a reason the organisation reads by mail and in
its workspace. Both are in the audit log."""

from typing import Annotated

from fastapi import APIRouter, Form, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlmodel import Session

from app import audit
from app.deps import SessionDep, SettingsDep, StaffUser
from app.errors import FieldError, Invalid, by_field
from app.i18n import N_
from app.mail import send_after_commit
from app.models import Organization, User, Webinar, WebinarProposal
from app.staff.service import request_id
from app.staff.webinars import beijing_time
from app.web import render
from app.webinars import mails, proposals

router = APIRouter(prefix="/staff/webinars/proposals", tags=["staff"])
ProposalId = Annotated[int, Path(ge=1, le=2_147_483_647)]
ShortText = Annotated[str, Form(max_length=2_000)]


def _page(request: Request, session: Session, *, errors: dict | None = None, failed: int | None = None,
          values: dict | None = None, status_code: int = 200) -> HTMLResponse:
    context = {"queue": proposals.queue(session), "errors": errors or {}, "failed": failed, "values": values or {},
               "done": request.query_params.get("done", "")[:20]}
    return render(request, "staff_webinar_proposals.html", context, status_code=status_code)


@router.get("", response_class=HTMLResponse)
def proposals_queue(request: Request, session: SessionDep, staff: StaffUser) -> HTMLResponse:
    return _page(request, session)


def _tell_proposer(request: Request, session: Session, settings, proposal: WebinarProposal,
                   webinar: Webinar | None) -> None:
    proposer = session.get(User, proposal.proposed_by_id) if proposal.proposed_by_id else None
    org = session.get(Organization, proposal.organization_id)
    if proposer is None or not proposer.is_active or org is None:
        return
    message = mails.proposal_decision(proposal, to=proposer.email, org=org, webinar=webinar,
                                      base_url=str(request.base_url).rstrip("/"))
    send_after_commit(session, settings, [message], what=f"webinar proposal {proposal.id}")


@router.post("/{proposal_id}/accept", response_model=None)
def accept(request: Request, session: SessionDep, settings: SettingsDep, staff: StaffUser, proposal_id: ProposalId,
           starts_at: ShortText = "", duration_minutes: ShortText = "60") -> Response:
    proposal = proposals.proposal_of(session, proposal_id)
    values = {"starts_at": starts_at[:40], "duration_minutes": duration_minutes[:10]}
    try:
        start = beijing_time(starts_at)
        if not duration_minutes.strip().isdigit():
            raise Invalid(FieldError.of("duration_minutes", N_("a whole number of minutes")))
        webinar = proposals.accept(session, proposal, staff=staff, starts_at=start,
                                   duration_minutes=int(duration_minutes))
    except Invalid as exc:
        return _page(request, session, errors=by_field(exc.errors), failed=proposal_id, values=values, status_code=422)
    audit.record(session, action="webinar_proposal.accept", target_type="webinar_proposal", target_id=proposal.id,
                 actor_id=staff.id, organization_id=proposal.organization_id,
                 detail={"webinar": webinar.slug, "starts_at": webinar.starts_at.isoformat()},
                 request_id=request_id(request))
    _tell_proposer(request, session, settings, proposal, webinar)
    return RedirectResponse(f"/staff/webinars/{webinar.id}?done=saved", status_code=303)


@router.post("/{proposal_id}/decline", response_model=None)
def decline(request: Request, session: SessionDep, settings: SettingsDep, staff: StaffUser, proposal_id: ProposalId,
            reason: ShortText = "") -> Response:
    proposal = proposals.proposal_of(session, proposal_id)
    try:
        proposals.decline(session, proposal, staff=staff, reason=reason)
    except Invalid as exc:
        return _page(request, session, errors=by_field(exc.errors), failed=proposal_id, values={"reason": reason},
                     status_code=422)
    audit.record(session, action="webinar_proposal.decline", target_type="webinar_proposal", target_id=proposal.id,
                 actor_id=staff.id, organization_id=proposal.organization_id,
                 detail={"reason": proposal.decline_reason}, request_id=request_id(request))
    _tell_proposer(request, session, settings, proposal, None)
    return RedirectResponse("/staff/webinars/proposals?done=declined", status_code=303)

