"""GET /api/v1/search: one search across organisations, listings and jobs (DESIGN §4)."""

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse

from app.api.schemas import SearchHitOut, SearchOut
from app.deps import SearchDep
from app.search.schemas import MAX_PAGE, MAX_PER_PAGE, DocType, SearchQuery, SearchUnavailable, SortOrder
from app.search.runner import run_search
from app.web import request_language

router = APIRouter(prefix="/api/v1", tags=["search"])

MAX_QUERY_LENGTH = 5000
Values = Annotated[list[Annotated[str, Query(max_length=80)]] | None, Query(max_length=20)]


@router.get("/search", response_model=SearchOut, responses={503: {"description": "search is unavailable"}})
async def search(
    request: Request,
    backend: SearchDep,
    q: Annotated[str, Query(max_length=MAX_QUERY_LENGTH)] = "",
    type: Annotated[list[DocType] | None, Query(max_length=3)] = None,  # noqa: A002  (the contract's name)
    category: Values = None,
    country: Values = None,
    region: Values = None,
    org_type: Values = None,
    membership: Values = None,
    domains: Values = None,
    kind: Values = None,
    function: Values = None,
    employment_type: Values = None,
    workplace: Values = None,
    sort: SortOrder = "relevance",
    page: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 1,
    per_page: Annotated[int, Query(ge=1, le=MAX_PER_PAGE)] = 20,
):
    given = {
        "type": type, "category": category, "country": country, "region": region, "org_type": org_type,
        "membership": membership, "domains": domains, "kind": kind, "function": function,
        "employment_type": employment_type, "workplace": workplace,
    }
    filters = {name: tuple(dict.fromkeys(values)) for name, values in given.items() if values}
    language = request_language(request)
    query = SearchQuery(q=q, filters=filters, sort=sort, page=page, per_page=per_page, language=language)
    try:
        result = await run_search(backend, request.app.state.engine, query, breaker=request.app.state.search_breaker)
    except SearchUnavailable:
        body = {"error": "search_unavailable", "message": "Search is unavailable right now; please try again shortly.",
                "errors": []}
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
