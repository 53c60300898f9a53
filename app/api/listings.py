"""/api/v1/orgs/{slug}/listings: an organisation's own listings, for its token (HTTP only; rules live in
app.workspace.service, the same ones the workspace pages use)."""

import inspect
from typing import Annotated, Any

from fastapi import APIRouter, Path, Response
from pydantic import ValidationError
from sqlmodel import Session

from app.api import write_docs
from app.api.auth import ApiRoute, Body, MemberOrg, json_object
from app.api.member_schemas import ListingOut, ListingsOut, listing_out
from app.deps import SessionDep, SettingsDep
from app.errors import Invalid, NotFound
from app.models import Category, Listing, Organization
from app.models.states import ListingStatus
from app.validation import field_errors
from app.workspace import service
from app.workspace.schemas import ListingForm

router = APIRouter(prefix="/api/v1/orgs/{slug}/listings", tags=["listings"], route_class=ApiRoute)
ListingId = Annotated[int, Path(ge=1, le=2_147_483_647)]
STATUS_ACTIONS = ("publish", "unpublish", "archive")


def take_version(data: dict[str, Any]) -> int:
    """The `version` the caller last read: required for every change (an old one is a 409)."""
    if "version" not in data:
        raise Invalid.field("version", "required: send the version you last read, so no one's change is lost")
    version = data.pop("version")
    if isinstance(version, bool) or not isinstance(version, int) or not 1 <= version <= 2_147_483_647:
        raise Invalid.field("version", "must be a positive whole number")
    return version


def _validated(data: dict[str, Any]) -> ListingForm:
    try:
        return ListingForm.model_validate(data)
    except ValidationError as exc:
        raise Invalid(field_errors(exc)) from None


def _own_listing(session: Session, org: Organization, listing_id: int, *, lock: bool = False) -> Listing:
    listing = service.get_listing(session, org=org, listing_id=listing_id)  # another organisation's: 404
    if listing.status == ListingStatus.deleted:
        raise NotFound("no such listing")
    if lock:
        session.refresh(listing, with_for_update=True)  # Postgres: row lock; SQLite: the write lock is held
    return listing


def _out(session: Session, listing: Listing) -> ListingOut:
    session.flush()
    session.refresh(listing)  # what was stored, with the database's own values
    category = session.get(Category, listing.category_id)
    return listing_out(listing, category.path if category else "")


@router.get("", response_model=ListingsOut)
def list_listings(session: SessionDep, org: MemberOrg, slug: str) -> ListingsOut:
    rows = service.organization_listings(session, org=org[0])
    return ListingsOut(listings=[listing_out(listing, category.path) for listing, category in rows
                                 if listing.status != ListingStatus.deleted])


@router.post("", response_model=ListingOut, status_code=201, openapi_extra=write_docs.NEW_LISTING)
def create_listing(session: SessionDep, org: MemberOrg, slug: str, body: Body) -> ListingOut:
    data = _validated(json_object(body))
    listing = service.create_listing(session, org=org[0], data=data, actor=org[1].user)
    return _out(session, listing)


@router.get("/{listing_id}", response_model=ListingOut)
def get_listing(session: SessionDep, org: MemberOrg, slug: str, listing_id: ListingId) -> ListingOut:
    return _out(session, _own_listing(session, org[0], listing_id))


@router.patch("/{listing_id}", response_model=ListingOut, openapi_extra=write_docs.LISTING_CHANGES)
def update_listing(session: SessionDep, org: MemberOrg, slug: str, listing_id: ListingId, body: Body) -> ListingOut:
    """Change some fields; the others keep their values. `version` is required (stale: 409)."""
    listing = _own_listing(session, org[0], listing_id, lock=True)
    changes = json_object(body)
    version = take_version(changes)
    current = service.listing_values(session, listing=listing)
    current["tags"] = list(listing.tags or [])
    merged = current | changes
    if "version" in ListingForm.model_fields:  # a form model that carries the version itself
        merged["version"] = version
    data = _validated(merged)
    service.update_listing(session, listing=listing, data=data, actor=org[1].user, expected_version=version)
    return _out(session, listing)


@router.delete("/{listing_id}", status_code=204)
def delete_listing(session: SessionDep, org: MemberOrg, slug: str, listing_id: ListingId) -> Response:
    listing = _own_listing(session, org[0], listing_id, lock=True)
    service.delete_listing(session, listing=listing, actor=org[1].user)
    return Response(status_code=204)


def _status_route(action: str):
    def change_status(session: SessionDep, settings: SettingsDep, org: MemberOrg, slug: str,
                      listing_id: ListingId) -> ListingOut:
        """Publishing a new organisation's first listings sends them to staff review (status "review")."""
        listing = _own_listing(session, org[0], listing_id, lock=True)
        extra = {}
        if "review_first" in inspect.signature(service.change_listing_status).parameters:
            extra["review_first"] = settings.review_first_listings  # this app's settings, not the process's
        service.change_listing_status(session, listing=listing, action=action, actor=org[1].user,
                                      **extra)  # 409 if the state machine does not allow it
        return _out(session, listing)

    change_status.__name__ = f"listing_{action}"
    return change_status


for _action in STATUS_ACTIONS:
    if _action in service.LISTING_ACTIONS:
        router.add_api_route("/{listing_id}/" + _action, _status_route(_action), methods=["POST"],
                             response_model=ListingOut, name=f"api_listing_{_action}")
