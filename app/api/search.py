"""GET /api/v1/search: one search across organisations, listings and jobs (DESIGN §4)."""

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from app.api.schemas import SearchHitOut, SearchOut
from app.errors import error_body
from app.search.backend import SearchDep
from app.search.params import SearchParamsDep
from app.search.runner import run_search
from app.search.schemas import SearchUnavailable
from app.web import request_language

router = APIRouter(prefix="/api/v1", tags=["search"])


@router.get("/search", response_model=SearchOut, responses={503: {"description": "search is unavailable"}})
async def search(request: Request, backend: SearchDep, params: SearchParamsDep):
    language = request_language(request)
    try:
        result = await run_search(backend, request.app.state.engine, params.query(language),
                                  breaker=request.app.state.search_breaker, cache=request.app.state.search_results)
    except SearchUnavailable:
        body = error_body("search_unavailable", "Search is unavailable right now; please try again shortly.")
        return JSONResponse(body, status_code=503, headers={"Retry-After": "30"})
    return SearchOut(
        total=result.total,
        total_is_lower_bound=result.total_is_lower_bound,
        hits=[
            SearchHitOut(type=h.type, id=h.id, slug=h.slug, title=(h.title_zh if language == "zh" else None) or h.title,
                         org_slug=h.org_slug, url=h.url, highlight=h.highlight)
            for h in result.hits
        ],
        facets=result.facets,
    )
