"""An organisation's webinar page in its workspace: propose to present, follow the proposals, withdraw one.

Owners and editors reach it (workspace_org): anyone else gets 404, before any input is looked at; a proposal
of another organisation is "not found" too.
"""

from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from sqlmodel import Session

from app import audit
from app.catalog.service import categories_by_path
from app.deps import CurrentUser, SessionDep
from app.errors import Invalid, by_field
from app.models import Organization
from app.organizations.access import workspace_org
from app.organizations.service import presented_webinars
from app.validation import field_errors
from app.web import render
from app.webinars import proposals
from app.webinars.schemas import ProposalIn

router = APIRouter(prefix="/account/orgs/{slug}/webinars", tags=["workspace"])
ProposalId = Annotated[int, Path(ge=1, le=2_147_483_647)]
FIELDS = ("title", "title_zh", "summary", "theme", "preferred_dates")


def _page(request: Request, session: Session, org: Organization, *, values: dict | None = None,
          errors: dict | None = None, status_code: int = 200) -> HTMLResponse:
    context = {"org": org, "proposals": proposals.proposals_of(session, org),
               "presented": presented_webinars(session, org), "categories": sorted(categories_by_path(session)),
               "values": values or {}, "errors": errors or {}, "done": request.query_params.get("done", "")[:20]}
    return render(request, "workspace_webinars.html", context, status_code=status_code)


@router.get("", response_class=HTMLResponse)
def webinars_page(request: Request, session: SessionDep, user: CurrentUser, slug: str) -> HTMLResponse:
    org, _ = workspace_org(session, user=user, slug=slug)
    return _page(request, session, org)


@router.post("", response_model=None)
async def propose(request: Request, session: SessionDep, user: CurrentUser, slug: str) -> Response:
    org, _ = workspace_org(session, user=user, slug=slug)
    form = await request.form()
    values = {name: str(form.get(name, ""))[:20_000] for name in FIELDS}
    try:
        data = ProposalIn.model_validate({k: v.strip() for k, v in values.items() if v.strip()})
        proposal = proposals.propose(session, org=org, user=user, data=data)
    except ValidationError as exc:
        return _page(request, session, org, values=values, errors=by_field(field_errors(exc)), status_code=422)
    except Invalid as exc:
        return _page(request, session, org, values=values, errors=by_field(exc.errors), status_code=422)
    audit.record(session, action="webinar_proposal.create", target_type="webinar_proposal", target_id=proposal.id,
                 actor_id=user.id, organization_id=org.id, detail={"title": proposal.title})
    return RedirectResponse(f"/account/orgs/{org.slug}/webinars?done=proposed", status_code=303)


@router.post("/proposals/{proposal_id}/withdraw", response_model=None)
def withdraw(request: Request, session: SessionDep, user: CurrentUser, slug: str,
             proposal_id: ProposalId) -> Response:
    org, _ = workspace_org(session, user=user, slug=slug)
    proposal = proposals.proposal_of(session, proposal_id, org=org)
    try:
        proposals.withdraw(session, proposal)
    except Invalid as exc:
        return _page(request, session, org, errors=by_field(exc.errors), status_code=422)
    audit.record(session, action="webinar_proposal.withdraw", target_type="webinar_proposal", target_id=proposal.id,
                 actor_id=user.id, organization_id=org.id)
    return RedirectResponse(f"/account/orgs/{org.slug}/webinars?done=withdrawn", status_code=303)
