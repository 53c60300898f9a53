"""The search contract shared by both engines: a query in, a result out."""

from dataclasses import dataclass, field
from typing import Literal

DocType = Literal["organization", "listing", "job"]
DOC_TYPES: tuple[DocType, ...] = ("organization", "listing", "job")
SortOrder = Literal["relevance", "newest"]

# Facets a query may filter on and that results count. "category" holds every ancestor path, so filtering
# on "hardware" finds everything under it.
FACETS = (
    "type",
    "category",
    "country",
    "region",
    "org_type",
    "membership",
    "domains",
    "kind",
    "function",
    "employment_type",
    "workplace",
)

MAX_PER_PAGE = 100
MAX_PAGE = 1000


class SearchUnavailable(RuntimeError):
    """The engine is down, too slow or failing: search degrades, writes carry on."""


class SearchRejected(SearchUnavailable):
    """The engine is up but refused a change; in Meilisearch one bad document fails its whole batch."""


@dataclass(frozen=True)
class SearchQuery:
    q: str = ""
    filters: dict[str, tuple[str, ...]] = field(default_factory=dict)  # facet → accepted values (OR)
    sort: SortOrder = "relevance"
    page: int = 1
    per_page: int = 20  # 0: only the total and the facet counts (the search page's tab counts)
    language: str = "zh"  # which language highlights prefer

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page


@dataclass
class Hit:
    type: DocType
    id: int  # the record's id in the database
    slug: str
    title: str
    title_zh: str | None
    org_slug: str | None
    url: str
    highlight: str  # HTML: escaped text with <mark> around matched words
    document: dict = field(default_factory=dict, repr=False)


@dataclass
class SearchResult:
    total: int
    hits: list[Hit]
    facets: dict[str, dict[str, int]]
    total_is_lower_bound: bool = False  # very large match sets are counted up to a cap ("10,000+")
