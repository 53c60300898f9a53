"""The query parameters of a search, read the same way by the JSON API and by the search page.

A FastAPI dependency, so that a bad value (type=planet, page=0, page=abc) is refused by the framework
with a 422 naming the field: JSON for the API, the error page for the HTML route.
"""

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Query

from app.search.schemas import MAX_PAGE, MAX_PER_PAGE, DocType, SearchQuery, SortOrder

MAX_QUERY_LENGTH = 5000
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


def search_params(
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
    per_page: Annotated[int, Query(ge=1, le=MAX_PER_PAGE)] = DEFAULT_PER_PAGE,
) -> SearchParams:
    given = {
        "type": type, "category": category, "country": country, "region": region, "org_type": org_type,
        "membership": membership, "domains": domains, "kind": kind, "function": function,
        "employment_type": employment_type, "workplace": workplace,
    }
    filters = {name: tuple(dict.fromkeys(values)) for name, values in given.items() if values}
    return SearchParams(q=q, filters=filters, sort=sort, page=page, per_page=per_page)


SearchParamsDep = Annotated[SearchParams, Depends(search_params)]
