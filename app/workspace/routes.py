"""The organisation workspace: owners and editors keep their profile and listings (HTTP only).

Every route finds the organisation with workspace_org first: anyone who does not act for it gets 404
(the sign-in redirect when not signed in), before any input is looked at.
"""

from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from fastapi.routing import APIRoute
from pydantic import ValidationError
from sqlmodel import Session

from app.catalog.service import categories_by_path
from app.deps import CurrentUser, SessionDep, SettingsDep
from app.errors import Conflict, Invalid, NotFound, by_field
from app.i18n import N_
from app.models import Listing, Organization, User
from app.models.base import utcnow
from app.models.states import ListingStatus, OrgStatus
from app.models.vocab import MemberRole, SizeBand, TechDomain
from app.organizations.access import workspace_org
from app.security.csrf import CSRF_FIELD
from app.validation import field_errors
from app.visibility import confirmed_since
from app.web import render
from app.workspace import service
from app.workspace.logos import MAX_LOGO_BYTES, PayloadTooLarge, logo_file, set_logo
from app.workspace.schemas import ListingForm, ProfileIn
from app.workspace.service import REMIND_BEFORE
from app.workspace.token_routes import router as token_router

PREFIX = "/account/orgs/{slug}"
LIST_FIELDS = frozenset({"domains", "offers", "needs"})
MAX_UPLOAD_BODY = MAX_LOGO_BYTES + 64 * 1024  # the file plus the form around it
LOGO_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; sandbox",
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "public, max-age=86400",
}


class UploadLimitedRoute(APIRoute):
    """Refuses a body over MAX_UPLOAD_BODY with 413: from Content-Length before reading anything, and by
    counting when the client sends no length, before the CSRF check or the route parse the form."""

    def get_route_handler(self):
        handler = super().get_route_handler()

        async def limited(request: Request) -> Response:
            length = request.headers.get("content-length")
            if length is not None and (not length.isdigit() or int(length) > MAX_UPLOAD_BODY):
                raise PayloadTooLarge(N_("the logo must be at most 2 MB"))
            receive, received = request.receive, 0

            async def counting_receive():
                nonlocal received
                message = await receive()
                received += len(message.get("body", b""))
                if received > MAX_UPLOAD_BODY:
                    raise PayloadTooLarge(N_("the logo must be at most 2 MB"))
                return message

            return await handler(Request(request.scope, counting_receive, request._send))

        return limited


router = APIRouter()
upload_router = APIRouter(route_class=UploadLimitedRoute)


async def _posted_form(request: Request) -> dict[str, Any]:
    """The posted fields (the CSRF token aside); checkbox groups as lists. Unknown names are kept, so the
    form model can refuse them (mass assignment is a 422 naming the field, never a silent write)."""
    form = await request.form()
    data: dict[str, Any] = {}
    for name in form:
        if name == CSRF_FIELD:
            continue
        values = form.getlist(name)
        data[name] = [v for v in values if isinstance(v, str)] if name in LIST_FIELDS else values[-1]
    return data


PostedForm = Annotated[dict[str, Any], Depends(_posted_form)]


# The organisation's identity (its profile and logo) and deleting its records are for owners; editors keep
# its listings and jobs (RELIABILITY 17).
OWNERS = (MemberRole.owner,)


def _org(session: Session, user: User, slug: str, roles=None) -> tuple[Organization, Any]:
    """The organisation the user acts for. A deleted one has no workspace (404) until staff restore it."""
    org, membership = workspace_org(session, user=user, slug=slug, roles=roles) if roles else \
        workspace_org(session, user=user, slug=slug)
    if org.status == OrgStatus.deleted:
        raise NotFound(N_("no such organisation"))
    return org, membership


def _version(form: dict[str, Any]) -> int | None:
    """The `version` the form was opened at (taken out of the posted fields); None if it sent none."""
    raw = form.pop("version", None)
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if not isinstance(raw, str) or not raw.strip().isdigit() or len(raw.strip()) > 9:
        raise Invalid.field("version", N_("reload the page and try again"))
    return int(raw)


def _see_other(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


# ---- home ------------------------------------------------------------------------------------------


@router.get(PREFIX, response_class=HTMLResponse)
def workspace_home(request: Request, session: SessionDep, user: CurrentUser, slug: str) -> HTMLResponse:
    org, membership = _org(session, user, slug)
    counts = service.workspace_counts(session, org=org, confirmed_after=confirmed_since())
    return render(request, "workspace_home.html", {"org": org, "membership": membership, "counts": counts,
                                                   "is_owner": membership.role == MemberRole.owner})


# ---- profile and logo ------------------------------------------------------------------------------


def _profile_page(request: Request, session: Session, org: Organization, membership, values: dict,
                  errors: dict[str, str], status: int = 200, saved: bool = False) -> HTMLResponse:
    categories = categories_by_path(session)
    tops = sorted((c for c in categories.values() if c.parent_id is None), key=lambda c: c.position)
    children = {top.id: sorted((c for c in categories.values() if c.parent_id == top.id), key=lambda c: c.position)
                for top in tops}
    context = {"org": org, "values": values, "errors": errors, "saved": saved, "tops": tops, "children": children,
               "domains": list(TechDomain), "size_bands": list(SizeBand),
               "is_owner": membership.role == MemberRole.owner, "conflict": status == 409}
    return render(request, "workspace_profile.html", context, status_code=status)


def _profile_values(session: Session, org: Organization) -> dict:
    return service.profile_values(session, org=org) | {"version": org.version}


@router.get(PREFIX + "/profile", response_class=HTMLResponse)
def profile_page(request: Request, session: SessionDep, user: CurrentUser, slug: str,
                 saved: bool = False) -> HTMLResponse:
    org, membership = _org(session, user, slug, roles=OWNERS)
    return _profile_page(request, session, org, membership, _profile_values(session, org), {}, saved=saved)


@router.post(PREFIX + "/profile", response_class=HTMLResponse)
def profile_save(request: Request, session: SessionDep, user: CurrentUser, slug: str, form: PostedForm) -> Response:
    org, membership = _org(session, user, slug, roles=OWNERS)
    org = service.lock_organization(session, org=org)
    fields = dict(form)
    try:
        version = _version(fields)
        data = ProfileIn.model_validate(fields)
        service.update_profile(session, org=org, data=data, actor=user, expected_version=version)
    except ValidationError as exc:
        return _profile_page(request, session, org, membership, form, by_field(field_errors(exc)), 422)
    except Invalid as exc:
        return _profile_page(request, session, org, membership, form, by_field(exc.errors), 422)
    except Conflict:  # someone saved since this form was opened: show what was typed, save nothing
        return _profile_page(request, session, org, membership, form | {"version": org.version}, {}, 409)
    return _see_other(f"/account/orgs/{org.slug}/profile?saved=1")


async def _logo_bytes(request: Request) -> AsyncIterator[bytes]:
    """The uploaded file's bytes (at most one more than allowed); the parsed form's files are closed after."""
    form = await request.form()  # parsed (and size-limited) before the CSRF check already; cached
    try:
        upload = form.get("logo")
        yield b"" if upload is None or isinstance(upload, str) else await upload.read(MAX_LOGO_BYTES + 1)
    finally:
        await form.close()


@upload_router.post(PREFIX + "/logo", response_class=HTMLResponse)
def logo_upload(data: Annotated[bytes, Depends(_logo_bytes)], request: Request, session: SessionDep,
                user: CurrentUser, settings: SettingsDep, slug: str) -> Response:
    org, membership = _org(session, user, slug, roles=OWNERS)
    try:
        set_logo(session, org=org, data=data, upload_path=settings.upload_path, actor=user,
                 uploads_per_day=settings.logo_uploads_per_day)  # past the quota: RateLimited, 429
    except Invalid as exc:
        return _profile_page(request, session, org, membership, _profile_values(session, org),
                             by_field(exc.errors), 422)
    return _see_other(f"/account/orgs/{org.slug}/profile?saved=1")


router.include_router(upload_router)


@router.get("/logos/{name}")
def logo(session: SessionDep, settings: SettingsDep, name: str) -> FileResponse:
    path = logo_file(session, name=name, upload_path=settings.upload_path)
    if path is None:
        raise NotFound(N_("no such logo"))
    return FileResponse(path, media_type="image/png", headers=LOGO_HEADERS)


# ---- listings --------------------------------------------------------------------------------------

LISTING_NOTICES = ("review", "deleted")


@router.get(PREFIX + "/listings", response_class=HTMLResponse)
def listings_page(request: Request, session: SessionDep, user: CurrentUser, slug: str,
                  done: str = "") -> HTMLResponse:
    org, membership = _org(session, user, slug)
    now = utcnow()
    stale_before = confirmed_since(now)
    context = {"org": org, "listings": service.organization_listings(session, org=org),
               "is_owner": membership.role == MemberRole.owner,
               "stale_before": stale_before, "due_before": stale_before + REMIND_BEFORE,
               "confirm_period": now - stale_before, "done": done if done in LISTING_NOTICES else ""}
    return render(request, "workspace_listings.html", context)


def _listing_form(request: Request, session: Session, org: Organization, listing: Listing | None, values: dict,
                  errors: dict[str, str], status: int = 200, *, membership) -> HTMLResponse:
    context = {"org": org, "listing": listing, "values": values, "errors": errors,
               "is_owner": membership.role == MemberRole.owner,
               "categories": service.filing_categories(session), "conflict": status == 409}
    return render(request, "workspace_listing_form.html", context, status_code=status)


@router.get(PREFIX + "/listings/new", response_class=HTMLResponse)
def new_listing_page(request: Request, session: SessionDep, user: CurrentUser, slug: str) -> HTMLResponse:
    org, membership = _org(session, user, slug)
    return _listing_form(request, session, org, None, {"kind": "product"}, {}, membership=membership)


@router.post(PREFIX + "/listings/new", response_class=HTMLResponse)
def new_listing(request: Request, session: SessionDep, user: CurrentUser, slug: str, form: PostedForm) -> Response:
    org, membership = _org(session, user, slug)
    try:
        service.create_listing(session, org=org, data=ListingForm.model_validate(form), actor=user)
    except ValidationError as exc:
        return _listing_form(request, session, org, None, form, by_field(field_errors(exc)), 422, membership=membership)
    except Invalid as exc:
        return _listing_form(request, session, org, None, form, by_field(exc.errors), 422, membership=membership)
    return _see_other(f"/account/orgs/{org.slug}/listings")


@router.get(PREFIX + "/listings/{listing_id}/edit", response_class=HTMLResponse)
def edit_listing_page(request: Request, session: SessionDep, user: CurrentUser, slug: str,
                      listing_id: int) -> HTMLResponse:
    org, membership = _org(session, user, slug)
    listing = service.get_listing(session, org=org, listing_id=listing_id)
    values = service.listing_values(session, listing=listing) | {"version": listing.version}
    return _listing_form(request, session, org, listing, values, {}, membership=membership)


@router.post(PREFIX + "/listings/{listing_id}/edit", response_class=HTMLResponse)
def edit_listing(request: Request, session: SessionDep, user: CurrentUser, slug: str, listing_id: int,
                 form: PostedForm) -> Response:
    org, membership = _org(session, user, slug)
    listing = service.get_listing(session, org=org, listing_id=listing_id, lock=True)
    fields = dict(form)
    try:
        version = _version(fields)
        service.update_listing(session, listing=listing, data=ListingForm.model_validate(fields), actor=user,
                               expected_version=version)
    except ValidationError as exc:
        return _listing_form(request, session, org, listing, form, by_field(field_errors(exc)), 422,
                             membership=membership)
    except Invalid as exc:
        return _listing_form(request, session, org, listing, form, by_field(exc.errors), 422, membership=membership)
    except Conflict:  # someone saved since this form was opened: show what was typed, save nothing
        return _listing_form(request, session, org, listing, form | {"version": listing.version}, {}, 409,
                             membership=membership)
    return _see_other(f"/account/orgs/{org.slug}/listings")


def _listing_action(action: str):
    def listing_action(session: SessionDep, settings: SettingsDep, user: CurrentUser, slug: str,
                       listing_id: int) -> Response:
        org, membership = _org(session, user, slug)
        listing = service.get_listing(session, org=org, listing_id=listing_id, lock=True)
        notice = ""
        if action == "confirm":
            service.confirm_listing(session, listing=listing, actor=user)
        else:
            status = service.change_listing_status(session, listing=listing, action=action, actor=user,
                                                   review_first=settings.review_first_listings)  # Conflict: 409
            notice = "?done=review" if status == ListingStatus.review else ""
        return _see_other(f"/account/orgs/{org.slug}/listings{notice}")

    listing_action.__name__ = f"listing_{action}"
    return listing_action


for _action in (*service.LISTING_ACTIONS, "confirm"):  # publish, unpublish, archive; confirm
    router.add_api_route(PREFIX + "/listings/{listing_id}/" + _action, _listing_action(_action), methods=["POST"],
                         name=f"listing_{_action}")


# ---- deleting: a listing (owners and editors), the organisation (owners) ---------------------------------


def _delete_page(request: Request, org: Organization, listing: Listing | None, errors: dict[str, str] | None = None,
                 status: int = 200) -> HTMLResponse:
    context = {"org": org, "listing": listing, "errors": errors or {},
               "retention_days": request.app.state.settings.deleted_retention_days}
    return render(request, "workspace_delete.html", context, status_code=status)


@router.get(PREFIX + "/listings/{listing_id}/delete", response_class=HTMLResponse)
def delete_listing_page(request: Request, session: SessionDep, user: CurrentUser, slug: str,
                        listing_id: int) -> HTMLResponse:
    org, _ = _org(session, user, slug, roles=OWNERS)
    return _delete_page(request, org, service.get_listing(session, org=org, listing_id=listing_id))


@router.post(PREFIX + "/listings/{listing_id}/delete")
def delete_listing(session: SessionDep, user: CurrentUser, slug: str, listing_id: int) -> Response:
    org, _ = _org(session, user, slug, roles=OWNERS)
    listing = service.get_listing(session, org=org, listing_id=listing_id, lock=True)
    service.delete_listing(session, listing=listing, actor=user)
    return _see_other(f"/account/orgs/{org.slug}/listings?done=deleted")


@router.get(PREFIX + "/delete", response_class=HTMLResponse)
def delete_org_page(request: Request, session: SessionDep, user: CurrentUser, slug: str) -> HTMLResponse:
    org, _ = _org(session, user, slug, roles=OWNERS)
    return _delete_page(request, org, None)


@router.post(PREFIX + "/delete", response_class=HTMLResponse)
def delete_org(request: Request, session: SessionDep, user: CurrentUser, slug: str, form: PostedForm) -> Response:
    org, _ = _org(session, user, slug, roles=OWNERS)
    org = service.lock_organization(session, org=org)
    try:
        service.delete_organization(session, org=org, actor=user, confirm=str(form.get("confirm") or ""))
    except Invalid as exc:
        return _delete_page(request, org, None, by_field(exc.errors), 422)
    return _see_other("/account")


router.include_router(token_router)  # an organisation's API tokens (token_routes.py)
