"""Pages of the monthly member webinars, and their calendar (iCalendar) files."""

from datetime import datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlmodel import Session

from app.deps import CurrentUser, OptionalUser, SessionDep, SettingsDep
from app.errors import Invalid, NotFound, by_field
from app.i18n import translations
from app.mail import send_after_commit
from app.models import User, Webinar, WorkingGroup
from app.models.base import utcnow
from app.pagination import Pagination
from app.web import FEED_EPOCH, localized, render, request_language
from app.webinars import mails, registration, service
from app.webinars.ical import CalendarEvent, markdown_to_text, serialize_calendar
from app.webinars.proposal_routes import router as proposal_router

router = APIRouter()

PAST_PER_PAGE = 12
MAX_PAGE = 1000  # far beyond any real archive; keeps the offset a sane number


@router.get("/webinars", response_class=HTMLResponse)
def webinars(
    request: Request, session: SessionDep, page: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 1
) -> HTMLResponse:
    now = utcnow()
    past, total = service.past_webinars(session, now=now, offset=(page - 1) * PAST_PER_PAGE, limit=PAST_PER_PAGE)
    context = {
        "upcoming": service.webinar_cards(session, webinars=service.upcoming_webinars(session, now=now)),
        "past": service.webinar_cards(session, webinars=past),
        "pages": Pagination(page=page, per_page=PAST_PER_PAGE, total=total),
    }
    return render(request, "webinars.html", context, block="lists")


@router.get("/webinars.ics")
def webinars_calendar(request: Request, session: SessionDep) -> Response:
    """Every upcoming webinar: a calendar to subscribe to."""
    now = utcnow()
    language = request_language(request)
    webinars_shown = service.upcoming_webinars(session, now=now)
    events = [_event(request, w, language) for w in webinars_shown]
    name = translations(language).gettext("QMarket member webinars")
    return _calendar_response(serialize_calendar(events, stamp=_stamp(webinars_shown), name=name),
                              "qmarket-webinars.ics")


RECORDINGS_IN_FEED = 50
ATOM = "application/atom+xml; charset=utf-8"


@router.get("/webinars/recordings.xml")
def recordings_feed(request: Request, session: SessionDep) -> Response:
    """Atom 1.0: the newest past webinars that have a recording."""
    past, _ = service.past_webinars(session, now=utcnow(), offset=0, limit=RECORDINGS_IN_FEED, recorded_only=True)
    cards = service.webinar_cards(session, webinars=past)
    context = {"cards": cards, "base_url": str(request.base_url).rstrip("/"),
               "updated": max((w.starts_at for w in past), default=FEED_EPOCH),
               "atom_date": lambda value: value.replace(microsecond=0).isoformat()}
    response = render(request, "webinars_feed.xml", context)
    response.headers["content-type"] = ATOM
    return response


# Declared before /webinars/{slug}, which would otherwise take "name.ics" (or "recordings.xml") for a slug.
@router.get("/webinars/{slug}.ics")
def webinar_calendar(request: Request, session: SessionDep, slug: str) -> Response:
    """One webinar, for "add to calendar"."""
    webinar = _webinar_or_404(session, slug)
    event = _event(request, webinar, request_language(request))
    return _calendar_response(serialize_calendar([event], stamp=_stamp([webinar])), f"{webinar.slug}.ics",
                              download=True)


@router.get("/webinars/{slug}", response_class=HTMLResponse)
def webinar_page(request: Request, session: SessionDep, user: OptionalUser, slug: str) -> HTMLResponse:
    return _page(request, session, _webinar_or_404(session, slug), user)


def _page(request: Request, session: Session, webinar: Webinar, user: User | None, *, errors: dict | None = None,
          done: str = "", status_code: int = 200) -> HTMLResponse:
    card = service.webinar_cards(session, webinars=[webinar])[0]
    context = {
        "card": card,
        "listings": service.shown_listings(session, webinar=webinar),
        "is_upcoming": webinar.starts_at >= utcnow(),
        "seats": registration.seats(session, webinar, user),
        "group": session.get(WorkingGroup, webinar.group_id) if webinar.group_id else None,
        "signed_in": user is not None,
        "errors": errors or {},
        "done": done or request.query_params.get("done", "")[:20],
        "event_ld": _event_ld(request, card, request_language(request)),
    }
    return render(request, "webinar.html", context, block="registration", status_code=status_code)


@router.post("/webinars/{slug}/registration", response_model=None)
def register(request: Request, session: SessionDep, settings: SettingsDep, user: CurrentUser,
             slug: str) -> HTMLResponse | RedirectResponse:
    """Take a seat; the confirmation mail (with the .ics) leaves once the seat is committed."""
    webinar = _webinar_or_404(session, slug)
    try:
        registration.register(session, webinar, user)
    except Invalid as exc:
        return _page(request, session, webinar, user, errors=by_field(exc.errors), status_code=422)
    base_url = str(request.base_url).rstrip("/")
    send_after_commit(session, settings, [mails.confirmation(webinar, to=user.email, base_url=base_url,
                                                             stamp=utcnow())], what=f"webinar {webinar.slug}")
    return _done(request, session, webinar, user, "registered")


@router.post("/webinars/{slug}/registration/cancel", response_model=None)
def cancel_registration(request: Request, session: SessionDep, user: CurrentUser,
                        slug: str) -> HTMLResponse | RedirectResponse:
    webinar = _webinar_or_404(session, slug)
    try:
        registration.cancel(session, webinar, user)
    except Invalid as exc:
        return _page(request, session, webinar, user, errors=by_field(exc.errors), status_code=422)
    return _done(request, session, webinar, user, "cancelled")


def _done(request: Request, session: Session, webinar: Webinar, user: User,
          done: str) -> HTMLResponse | RedirectResponse:
    """htmx swaps the registration box in place; without JavaScript, back to the page (post/redirect/get)."""
    if request.headers.get("hx-request") == "true":
        session.flush()
        return _page(request, session, webinar, user, done=done)
    return RedirectResponse(f"/webinars/{webinar.slug}?done={done}#registration", status_code=303)


def _webinar_or_404(session: Session, slug: str) -> Webinar:
    webinar = service.get_webinar(session, slug=slug)
    if webinar is None:
        raise NotFound()
    return webinar


def _event(request: Request, webinar: Webinar, language: str) -> CalendarEvent:
    page_url = f"{str(request.base_url).rstrip('/')}/webinars/{webinar.slug}"
    description = markdown_to_text(localized(webinar, "description", language))
    if webinar.registration_url:
        register = translations(language).gettext("Register: %(url)s") % {"url": webinar.registration_url}
        description = f"{description}\n\n{register}" if description else register
    return CalendarEvent(
        uid=f"{webinar.slug}@qmarket",
        starts_at=webinar.starts_at,
        ends_at=webinar.starts_at + timedelta(minutes=webinar.duration_minutes),
        summary=localized(webinar, "title", language),
        description=description,
        url=page_url,
    )


def _event_ld(request: Request, card: service.WebinarCard, language: str) -> dict:
    """schema.org Event, so that search engines can show the session with its date."""
    base_url = str(request.base_url).rstrip("/")
    webinar = card.webinar
    page_url = f"{base_url}/webinars/{webinar.slug}"
    return {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": localized(webinar, "title", language),
        "description": markdown_to_text(localized(webinar, "description", language)),
        "startDate": webinar.starts_at.isoformat(),
        "endDate": (webinar.starts_at + timedelta(minutes=webinar.duration_minutes)).isoformat(),
        "eventAttendanceMode": "https://schema.org/OnlineEventAttendanceMode",
        "eventStatus": "https://schema.org/EventScheduled",
        "location": {"@type": "VirtualLocation", "url": webinar.registration_url or page_url},
        "url": page_url,
        "performer": [
            {"@type": "Organization", "name": localized(org, "name", language), "url": f"{base_url}/orgs/{org.slug}"}
            for org in card.presenters
        ],
        "organizer": {"@type": "Organization", "name": translations(language).gettext("QMarket"), "url": base_url},
    }


def _stamp(webinars: list[Webinar]) -> datetime:
    """DTSTAMP from the data, not the clock: the same calendar is the same bytes, so its ETag holds and a
    subscribed calendar app's conditional request gets a 304."""
    return max((w.created_at for w in webinars), default=FEED_EPOCH)


def _calendar_response(body: str, filename: str, *, download: bool = False) -> Response:
    disposition = "attachment" if download else "inline"
    return Response(
        body.encode("utf-8"),
        media_type="text/calendar; charset=utf-8",
        headers={"Content-Disposition": f'{disposition}; filename="{filename}"', "Vary": "Accept-Language, Cookie"},
    )


router.include_router(proposal_router)  # an organisation's proposals to present, in its workspace
