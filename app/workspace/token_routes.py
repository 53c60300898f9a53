"""The owners' page for their organisation's API tokens: list, create (the secret is shown once), revoke.

Only owners reach it (workspace_org with the owner role): editors, other organisations and staff get 404,
the same as for a page that does not exist.
"""

from typing import Annotated

from fastapi import APIRouter, Form, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlmodel import Session

from app.accounts import tokens
from app.deps import CurrentUser, SessionDep
from app.errors import FieldError, Invalid, by_field
from app.models import Organization
from app.models.vocab import MemberRole
from app.organizations.access import workspace_org
from app.web import render

router = APIRouter(prefix="/account/orgs/{slug}/tokens", tags=["workspace"])
OWNERS = (MemberRole.owner,)
TokenId = Annotated[int, Path(ge=1, le=2_147_483_647)]
Name = Annotated[str, Form()]  # checked by the service, after the organisation: outsiders get 404, not field errors


def _page(request: Request, session: Session, org: Organization, *, created: tokens.NewToken | None = None,
          errors: list[FieldError] | None = None, name: str = "", status: int = 200) -> HTMLResponse:
    context = {
        "org": org,
        "tokens": tokens.org_tokens(session, org=org),
        "display_prefix": tokens.display_prefix,
        "created": created,
        "errors": by_field(errors or []),
        "name": name,
        "done": request.query_params.get("done", "")[:20],
    }
    return render(request, "workspace_tokens.html", context, status_code=status)


@router.get("", response_class=HTMLResponse)
def tokens_page(request: Request, session: SessionDep, user: CurrentUser, slug: str) -> HTMLResponse:
    org, _ = workspace_org(session, user=user, slug=slug, roles=OWNERS)
    return _page(request, session, org)


@router.post("", response_class=HTMLResponse)
def create_token(request: Request, session: SessionDep, user: CurrentUser, slug: str, name: Name = "") -> Response:
    """The answer is the page itself, showing the new secret this once (never a redirect: the secret is
    not kept anywhere it could be shown from again)."""
    org, _ = workspace_org(session, user=user, slug=slug, roles=OWNERS)
    try:
        created = tokens.mint(session, user=user, org=org, name=name)
    except Invalid as exc:
        return _page(request, session, org, errors=exc.errors, name=name[:100], status=422)
    return _page(request, session, org, created=created)


@router.post("/{token_id}/revoke")
def revoke_token(session: SessionDep, user: CurrentUser, slug: str, token_id: TokenId) -> Response:
    org, _ = workspace_org(session, user=user, slug=slug, roles=OWNERS)
    token = tokens.get_org_token(session, org=org, token_id=token_id)
    tokens.revoke(session, token=token, actor=user)
    return RedirectResponse(f"/account/orgs/{org.slug}/tokens?done=revoked", status_code=303)
