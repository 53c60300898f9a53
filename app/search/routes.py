"""The search page: one search across organisations, listings and jobs, with type tabs and facets."""

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from starlette.concurrency import run_in_threadpool

from app.pagination import toggled
from app.search.backend import SearchDep
from app.search.page import POPULAR_SEARCHES, cached_categories, current_type, load_categories, search_page
from app.search.params import SearchParamsDep
from app.search.schemas import SearchUnavailable
from app.web import is_htmx, render, request_language

router = APIRouter()


@router.get("/search", response_class=HTMLResponse)
async def search(request: Request, backend: SearchDep, params: SearchParamsDep) -> HTMLResponse:
    language = request_language(request)
    engine = request.app.state.engine
    tree = cached_categories(engine) or await run_in_threadpool(load_categories, engine)
    context = {
        "q": params.q.strip(),
        "params": params,
        "current_type": current_type(params),
        "fragment": is_htmx(request),  # the live search box swaps only the content block: it brings its <title>
        "categories": tree,
        "popular": POPULAR_SEARCHES[language],
        "page": None,
    }
    if not params.q.strip() and not params.filters:
        return render(request, "search.html", context, block="content")
    try:
        context["page"] = await search_page(backend, engine, params, language=language,
                                            breaker=request.app.state.search_breaker,
                                            cache=request.app.state.search_results, tree=tree,
                                            toggle_url=lambda name, value: toggled(request, name, value))
    except SearchUnavailable:
        response = render(request, "search.html", context | {"unavailable": True}, block="content", status_code=503)
        response.headers["Retry-After"] = "30"
        return response
    return render(request, "search.html", context, block="content")
