"""Pages of saved searches: saving one from a board, the list under /account/searches, its feed, and the
unsubscribe link of its mails (which works without signing in)."""

import asyncio
from typing import Annotated

from fastapi import APIRouter, Form, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from app.alerts import service
from app.alerts.matching import matching
from app.alerts.schemas import parse_query, target_of
from app.alerts.summary import describe_saved
from app.deps import CurrentUser, SessionDep, SettingsDep
from app.errors import NotFound
from app.i18n import N_
from app.models.base import utcnow
from app.search.schemas import SearchUnavailable
from app.web import FEED_EPOCH, render, request_language

router = APIRouter()
SearchId = Annotated[int, Path(ge=1, le=2**62)]
Text = Annotated[str, Form(max_length=2100)]  # longer than any valid value: the service names the field
FEED_SIZE = 50
ATOM = "application/atom+xml; charset=utf-8"


def _back(saved: str) -> RedirectResponse:
    return RedirectResponse(f"/account/searches?saved={saved}", status_code=303)


@router.post("/account/searches")
def save(request: Request, session: SessionDep, user: CurrentUser, path: Text, query: Text = "", name: Text = "",
         frequency: Text = "daily") -> RedirectResponse:
    search = service.save_search(session, user=user, path=path, query=query, name=name, frequency=frequency,
                                 language=request_language(request))
    return RedirectResponse(f"/account/searches?saved=new#search-{search.id}", status_code=303)


@router.get("/account/searches", response_class=HTMLResponse)
def saved_searches(request: Request, session: SessionDep, settings: SettingsDep, user: CurrentUser,
                   saved: Annotated[str, Query(max_length=20)] = "") -> HTMLResponse:
    language = request_language(request)
    rows = [
        {"search": search, "summary": describe_saved(session, search, language),
         "run_url": f"{search.path}{'?' + search.query if search.query else ''}",
         "feed_url": f"/account/searches/{search.id}/feed.xml?token="
                     f"{service.link_token(search, secret_key=settings.secret_key, purpose='feed')}&lang={search.language}"}
        for search in service.user_searches(session, user=user)
    ]
    return render(request, "account_searches.html", {"rows": rows, "saved": saved,
                                                      "limit": service.MAX_SAVED_SEARCHES})


# The fields have defaults so that the ownership check comes first: another user's id is a 404 whatever
# was sent, and a missing value is the service's 422 naming the field.
@router.post("/account/searches/{search_id}/rename")
def rename(session: SessionDep, user: CurrentUser, search_id: SearchId, name: Text = "") -> RedirectResponse:
    service.rename(session, search=service.get_user_search(session, user=user, search_id=search_id), name=name)
    return _back("name")


@router.post("/account/searches/{search_id}/frequency")
def set_frequency(session: SessionDep, user: CurrentUser, search_id: SearchId,
                  frequency: Text = "") -> RedirectResponse:
    search = service.get_user_search(session, user=user, search_id=search_id)
    service.set_frequency(session, search=search, frequency=frequency)
    return _back("frequency")


@router.post("/account/searches/{search_id}/delete")
def delete(session: SessionDep, user: CurrentUser, search_id: SearchId) -> RedirectResponse:
    service.delete(session, search=service.get_user_search(session, user=user, search_id=search_id))
    return _back("deleted")


@router.get("/account/searches/{search_id}/feed.xml")
async def feed(request: Request, session: SessionDep, settings: SettingsDep, search_id: SearchId,
               token: Annotated[str, Query(max_length=200)] = "") -> Response:
    """Atom: what the search matches now, newest first. Feed readers send no cookie, so the signed token in
    the link is the only key (and a token of another search is NotFound, like an unknown id)."""
    search = service.search_of_token(session, token, secret_key=settings.secret_key, purpose="feed")
    if search.id != search_id:
        raise NotFound(N_("no such saved search"))
    target = target_of(search.path)
    now = utcnow()
    try:
        rows = await asyncio.to_thread(matching, session, request.app.state.search, target,
                                       parse_query(target.kind, search.query), since=None, now=now, limit=FEED_SIZE)
    except SearchUnavailable:
        return Response("Search is unavailable right now; please try again shortly.", status_code=503,
                        media_type="text/plain; charset=utf-8", headers={"Retry-After": "30"})
    base_url = str(request.base_url).rstrip("/")
    context = {
        "search": search, "rows": rows,
        "feed_id": f"{base_url}/account/searches/{search.id}/feed.xml?token={token}&lang={search.language}",
        "page_url": f"{base_url}{search.path}{'?' + search.query if search.query else ''}",
        "updated": max((row.published_at for row in rows), default=FEED_EPOCH),
        "atom_date": lambda value: value.replace(microsecond=0).isoformat(),
    }
    response = render(request, "saved_search_feed.xml", context)
    response.headers["content-type"] = ATOM
    response.headers["Cache-Control"] = "private, max-age=300"
    return response


@router.get("/alerts/unsubscribe/{token}", response_class=HTMLResponse)
def unsubscribe_page(request: Request, session: SessionDep, settings: SettingsDep,
                     token: Annotated[str, Path(max_length=200)]) -> HTMLResponse:
    """A GET only asks (link scanners and previews follow links); the button, or a mail client's
    RFC 8058 one-click POST, unsubscribes."""
    search = service.search_of_token(session, token, secret_key=settings.secret_key, purpose="unsubscribe")
    return render(request, "alerts_unsubscribe.html", {"search": search, "token": token, "done": False})


@router.post("/alerts/unsubscribe/{token}", response_class=HTMLResponse)
def unsubscribe(request: Request, session: SessionDep, settings: SettingsDep,
                token: Annotated[str, Path(max_length=200)]) -> HTMLResponse:
    search = service.search_of_token(session, token, secret_key=settings.secret_key, purpose="unsubscribe")
    service.unsubscribe(session, search=search)
    return render(request, "alerts_unsubscribe.html", {"search": search, "token": token, "done": True})
