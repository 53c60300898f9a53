"""The query parameters of a search, read the same way by the JSON API and by the search page.

A FastAPI dependency, so that a bad value (type=planet, page=0, page=abc) is refused by the framework
with a 422 naming the field: JSON for the API, the error page for the HTML route.

Clamps (RELIABILITY 26, 47), so that no query costs more than a normal one:
- `q` longer than MAX_QUERY_LENGTH characters is refused (422 naming q). Below that it is cut, never
  refused: to its first QUERY_TERMS_KEPT characters, then to its first MAX_QUERY_TERMS words. A search
  box pasted full of text still finds what its beginning asks for, and a 200-term query costs what a
  32-term one does.
- `page` beyond MAX_PAGE and `per_page` beyond MAX_PER_PAGE: 422 naming the field on the JSON API (a
  program should learn its mistake); on the HTML page they are clamped to the caps (a person following an
  edited link gets the last page there is). `page`/`per_page` below 1 are refused on both.
- Anything else (`limit=100000`, `offset=1000000`) is not a parameter of the contract and is ignored: the
  page size stays per_page.
"""

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Query, Request

from app.errors import Invalid
from app.search.schemas import MAX_PAGE, MAX_PER_PAGE, DocType, SearchQuery, SortOrder

MAX_QUERY_LENGTH = 5000  # refused beyond this
QUERY_TERMS_KEPT = 200  # characters of q that are searched
MAX_QUERY_TERMS = 32  # words of q that are searched
DEFAULT_PER_PAGE = 20
Values = Annotated[list[Annotated[str, Query(max_length=80)]] | None, Query(max_length=20)]


@dataclass(frozen=True)
class SearchParams:
    q: str
    filters: dict[str, tuple[str, ...]]  # facet → accepted values, duplicates dropped, order kept
    sort: SortOrder
    page: int
    per_page: int

    def query(self, language: str, **changes) -> SearchQuery:
        """The engine's query; `changes` override fields (e.g. filters without `type` for tab counts)."""
        fields = {"q": self.q, "filters": self.filters, "sort": self.sort, "page": self.page,
                  "per_page": self.per_page, "language": language}
        return SearchQuery(**(fields | changes))

    def selected(self, name: str) -> tuple[str, ...]:
        return self.filters.get(name, ())


async def search_params(  # async: pure work, no worker thread (app/deps.py says why)
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
    page: Annotated[int, Query(ge=1, le=10**9)] = 1,
    per_page: Annotated[int, Query(ge=1, le=10**9)] = DEFAULT_PER_PAGE,
    request: Request = None,  # type: ignore[assignment]  (FastAPI always passes it)
) -> SearchParams:
    given = {
        "type": type, "category": category, "country": country, "region": region, "org_type": org_type,
        "membership": membership, "domains": domains, "kind": kind, "function": function,
        "employment_type": employment_type, "workplace": workplace,
    }
    filters = {name: tuple(dict.fromkeys(values)) for name, values in given.items() if values}
    if request is not None and request.url.path.startswith("/api/"):
        for name, value, cap in (("page", page, MAX_PAGE), ("per_page", per_page, MAX_PER_PAGE)):
            if value > cap:
                raise Invalid.field(name, f"must be at most {cap}")
    else:
        page, per_page = min(page, MAX_PAGE), min(per_page, MAX_PER_PAGE)
    return SearchParams(q=clamp_query(q), filters=filters, sort=sort, page=page, per_page=per_page)


def clamp_query(q: str) -> str:
    """The part of `q` that is searched: its first QUERY_TERMS_KEPT characters, at most MAX_QUERY_TERMS words."""
    q = q[:QUERY_TERMS_KEPT]
    words = q.split()
    if len(words) > MAX_QUERY_TERMS:
        q = " ".join(words[:MAX_QUERY_TERMS])
    return q


SearchParamsDep = Annotated[SearchParams, Depends(search_params)]
