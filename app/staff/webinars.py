"""Staff pages for the monthly webinars: schedule one, edit it, and add its recording afterwards.

The start is entered in Beijing time (where the alliance and its sessions are) and stored in UTC. A new
webinar cannot start in the past; an existing one may be edited after it happened (to add the recording).
Presenters and featured listings are named by slug and must be public. Every change is in the audit log.
"""

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import ValidationError
from sqlmodel import Session, select

from app import audit
from app.catalog.service import categories_by_path
from app.deps import SessionDep, StaffUser
from app.errors import FieldError, Invalid, NotFound, by_field
from app.i18n import N_
from app.models import Listing, Organization, Webinar, WebinarListing, WebinarPresenter, WorkingGroup
from app.models.base import utcnow
from app.slugs import slugify, unique_slug
from app.staff.service import request_id
from app.validation import field_errors
from app.visibility import visible_listings, visible_organizations
from app.web import BEIJING, render
from app.webinars.schemas import WebinarIn
from app.webinars.proposals import pending_proposal_count
from app.webinars.registration import registration_counts
from app.webinars.service import past, upcoming, upsert_webinar

router = APIRouter(prefix="/staff/webinars", tags=["staff"])
WebinarId = Annotated[int, Path(ge=1, le=2_147_483_647)]
FIELDS = ("title", "title_zh", "description", "description_zh", "theme", "starts_at", "duration_minutes",
          "presenters", "listings", "registration_url", "capacity", "recording_url", "slides_url", "group")


def _slugs(text: str) -> list[str]:
    return [part.strip() for part in text.replace("，", ",").split(",") if part.strip()]


def beijing_time(text: str) -> datetime:
    """A date and time typed in Beijing time (the form's datetime-local value), as an aware datetime."""
    try:
        return datetime.fromisoformat(text.strip()).replace(tzinfo=BEIJING)
    except ValueError:
        raise Invalid(FieldError.of("starts_at", N_("must be a date and time (YYYY-MM-DD HH:MM)"))) from None


def parse_form(values: dict[str, str], *, existing: Webinar | None, now: datetime) -> WebinarIn:
    """The form as a WebinarIn; the start is read as Beijing time. Raises Invalid naming each bad field."""
    raw: dict = {k: v for k, v in values.items() if v.strip()}
    # The slug is not the form's: an existing webinar keeps its own, a new one gets one from its title later.
    raw["slug"] = existing.slug if existing else "new-webinar"
    raw["presenters"], raw["listings"] = _slugs(values.get("presenters", "")), _slugs(values.get("listings", ""))
    errors: list[FieldError] = []
    if raw.get("starts_at"):
        try:
            raw["starts_at"] = beijing_time(raw["starts_at"]).isoformat()
        except Invalid as exc:
            errors.extend(exc.errors)
            raw.pop("starts_at")
    try:
        data = WebinarIn.model_validate(raw)
    except ValidationError as exc:
        raise Invalid(errors + field_errors(exc)) from None
    if errors:
        raise Invalid(errors)
    if existing is None and data.starts_at < now:
        raise Invalid(FieldError("starts_at", N_("a new webinar cannot start in the past")))
    return data


def _references(session: Session, data: WebinarIn):
    """The theme, presenters and listings the form names; unknown or hidden ones are errors naming the field."""
    errors = []
    categories = categories_by_path(session)
    if data.theme and data.theme not in categories:
        errors.append(FieldError("theme", N_("unknown category")))
    orgs = {o.slug: o for o in session.exec(visible_organizations().where(Organization.slug.in_(data.presenters)))}
    listings = {li.slug: li for li in session.exec(visible_listings().where(Listing.slug.in_(data.listings)))}
    if missing := [s for s in data.presenters if s not in orgs]:
        errors.append(FieldError("presenters", f"unknown or inactive organisation(s): {', '.join(missing)}"))
    if missing := [s for s in data.listings if s not in listings]:
        errors.append(FieldError("listings", f"unknown or hidden listing(s): {', '.join(missing)}"))
    group = session.exec(select(WorkingGroup).where(WorkingGroup.slug == data.group)).first() if data.group else None
    if data.group and group is None:
        errors.append(FieldError("group", N_("unknown working group")))
    if errors:
        raise Invalid(errors)
    return (categories[data.theme] if data.theme else None, [orgs[s] for s in data.presenters],
            [listings[s] for s in data.listings], group)


def _page(request: Request, session: Session, *, values: dict, errors: dict, editing: Webinar | None = None,
          done: str = "", status_code: int = 200) -> HTMLResponse:
    now = utcnow()
    shown = list(session.exec(upcoming(now)).all()) + list(session.exec(past(now)).all())
    context = {"upcoming": [w for w in shown if w.starts_at >= now], "past": [w for w in shown if w.starts_at < now],
               "values": values, "errors": errors, "editing": editing, "done": done if done == "saved" else "",
               "categories": sorted(categories_by_path(session)),
               "groups": session.exec(select(WorkingGroup).order_by(WorkingGroup.name)).all(),
               "seats": registration_counts(session, [w.id for w in shown]),
               "pending_proposals": pending_proposal_count(session)}
    return render(request, "staff_webinars.html", context, status_code=status_code)


def _values(webinar: Webinar, session: Session) -> dict[str, str]:
    theme = next((path for path, c in categories_by_path(session).items() if c.id == webinar.theme_category_id), "")
    return {
        "title": webinar.title, "title_zh": webinar.title_zh or "", "description": webinar.description,
        "description_zh": webinar.description_zh, "theme": theme,
        "starts_at": webinar.starts_at.astimezone(BEIJING).strftime("%Y-%m-%dT%H:%M"),
        "duration_minutes": str(webinar.duration_minutes),
        "presenters": ", ".join(session.exec(select(Organization.slug).join(
            WebinarPresenter, WebinarPresenter.organization_id == Organization.id).where(
            WebinarPresenter.webinar_id == webinar.id)).all()),
        "listings": ", ".join(session.exec(select(Listing.slug).join(
            WebinarListing, WebinarListing.listing_id == Listing.id).where(WebinarListing.webinar_id == webinar.id)).all()),
        "registration_url": webinar.registration_url or "", "recording_url": webinar.recording_url or "",
        "capacity": str(webinar.capacity or ""), "slides_url": webinar.slides_url or "",
        "group": session.exec(select(WorkingGroup.slug).where(WorkingGroup.id == webinar.group_id)).first() or "",
    }


@router.get("", response_class=HTMLResponse)
def webinars_admin(request: Request, session: SessionDep, staff: StaffUser, done: str = "") -> HTMLResponse:
    return _page(request, session, values={"duration_minutes": "60"}, errors={}, done=done)


def _webinar(session: Session, webinar_id: int) -> Webinar:
    webinar = session.get(Webinar, webinar_id)
    if webinar is None:
        raise NotFound(N_("no such webinar"))
    return webinar


@router.get("/{webinar_id}", response_class=HTMLResponse)
def edit_form(request: Request, session: SessionDep, staff: StaffUser, webinar_id: WebinarId) -> HTMLResponse:
    webinar = _webinar(session, webinar_id)
    return _page(request, session, values=_values(webinar, session), errors={}, editing=webinar)


async def _save(request: Request, session: Session, staff, existing: Webinar | None):
    form = await request.form()
    values = {name: str(form.get(name, ""))[:20_000] for name in FIELDS}
    try:
        data = parse_form(values, existing=existing, now=utcnow())
        theme, presenters, listings, group = _references(session, data)
    except Invalid as exc:
        return _page(request, session, values=values, errors=by_field(exc.errors), editing=existing, status_code=422)
    slug = existing.slug if existing else unique_slug(session, Webinar, slugify(data.title) or "webinar")
    webinar, result = upsert_webinar(
        session, slug=slug, values=data.model_dump(exclude={"slug", "theme", "presenters", "listings"}),
        theme=theme, presenters=presenters, listings=listings, group=group, keep_date=False)
    if result != "unchanged":
        audit.record(session, action=f"webinar.{result}", target_type="webinar", target_id=webinar.id,
                     actor_id=staff.id, detail={"title": webinar.title, "starts_at": webinar.starts_at.isoformat()},
                     request_id=request_id(request))
    return RedirectResponse("/staff/webinars?done=saved", status_code=303)


@router.post("", response_model=None)
async def create(request: Request, session: SessionDep, staff: StaffUser) -> HTMLResponse | RedirectResponse:
    return await _save(request, session, staff, None)


@router.post("/{webinar_id}", response_model=None)
async def update(request: Request, session: SessionDep, staff: StaffUser,
                 webinar_id: WebinarId) -> HTMLResponse | RedirectResponse:
    return await _save(request, session, staff, _webinar(session, webinar_id))
