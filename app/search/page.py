"""The search page's questions to the engine, and its answer shaped for the template.

One search for the hits and facets; when a type tab is chosen, a second one without the type filter,
so that every tab shows how many it would find (the engine counts facets within the filters applied).
"""

import asyncio
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from html import escape

from sqlalchemy import Engine

from app.catalog.schemas import CategoryNode
from app.catalog.service import category_tree
from app.db import new_session
from app.models import Category
from app.models.labels import label
from app.pagination import Pagination
from app.search.backend import SearchBackend
from app.search.params import SearchParams
from app.search.result_cache import ResultCache
from app.search.runner import CircuitBreaker, run_search
from app.search.schemas import DOC_TYPES, Hit, SearchResult
from app.web import country_name, localized

# Facets shown beside the results, by the tab chosen (None = all types). Empty facets are not shown.
FACETS_BY_TYPE: dict[str | None, tuple[str, ...]] = {
    None: ("category", "country", "region", "org_type", "membership"),
    "organization": ("category", "country", "region", "org_type", "membership", "domains"),
    "listing": ("category", "kind", "country", "region", "org_type", "membership"),
    "job": ("function", "employment_type", "workplace", "country", "region", "org_type"),
}

FacetCounts = list[tuple[str, int]]  # (value, count) in the order shown


@dataclass(frozen=True)
class FacetValue:
    """One value of a facet as the panel shows it: prepared here, not by template calls, because a results
    page shows dozens of them on every keystroke of the live search."""

    value: str
    label: str
    count: int
    on: bool  # chosen: the link switches it off
    url: str  # this search with the value switched on or off
_MARK = re.compile(r"</?mark>")
EXCERPT_CHARS = 160

# Offered on the empty search page: searches that find something in both languages.
POPULAR_SEARCHES = {
    "zh": ("稀释制冷机", "单光子探测器", "量子密钥分发", "离子阱", "博士后"),
    "en": ("dilution refrigerator", "SNSPD", "QKD", "ion trap", "postdoc"),
}


@dataclass
class HitCard:
    """One hit with what its card shows; `title`/`title_zh` and `org_name`/`org_name_zh` suit `tr()`."""

    type: str
    url: str
    title: str
    title_zh: str | None
    org_name: str
    org_name_zh: str
    org_slug: str | None
    highlight: str  # safe HTML from the engine: escaped text and <mark> only
    title_highlight: str | None  # the highlight, when it is just the title: then it is shown as the title
    excerpt: str  # plain text shown under a title_highlight
    category: Category | None
    document: dict


@dataclass
class SearchPage:
    result: SearchResult
    cards: list[HitCard]
    pages: Pagination
    tab_counts: dict[str, int]  # "all" and each doc type → hits it would find with the other filters kept
    tabs_lower_bound: bool  # the "all" count was capped ("10,000+")
    facets: list[tuple[str, list[FacetValue]]]  # facet name → its values, in the order shown
    active_filters: list[tuple[str, str]]  # (facet, value) chosen, besides the type tab
    labeller: Callable[[str], Callable[[str], str]]  # facet name → names its values


_TAXONOMY_SECONDS = 60.0  # the taxonomy changes with a seed or an upgrade, not while people search
_taxonomy: dict[int, tuple[float, list[CategoryNode]]] = {}


def cached_categories(engine: Engine) -> list[CategoryNode] | None:
    """The kept category tree, if fresh: read on the event loop, it saves a trip to a thread."""
    cached = _taxonomy.get(id(engine))
    return cached[1] if cached is not None and time.monotonic() - cached[0] <= _TAXONOMY_SECONDS else None


def load_categories(engine: Engine) -> list[CategoryNode]:
    """The category tree for facets and labels (facet counts come from the engine), kept for a minute."""
    now = time.monotonic()
    cached = _taxonomy.get(id(engine))
    if cached is None or now - cached[0] > _TAXONOMY_SECONDS:
        with new_session(engine, write=False) as session:
            cached = _taxonomy[id(engine)] = (now, category_tree(session, with_counts=False))
    return cached[1]


def _by_path(tree: list[CategoryNode]) -> dict[str, Category]:
    return {n.category.path: n.category for top in tree for n in (top, *top.children)}


def current_type(params: SearchParams) -> str | None:
    """The tab to show as chosen: a single type filter; none or several mean "All"."""
    types = params.selected("type")
    return types[0] if len(types) == 1 else None


def _category_counts(counts: dict[str, int], tree: list[CategoryNode], selected: tuple[str, ...]) -> FacetCounts:
    """Top categories in taxonomy order; the subcategories of a chosen one follow it."""
    chosen_tops = {path.split("/")[0] for path in selected}
    shown = []
    for top in tree:
        if top.category.path in counts:
            shown.append((top.category.path, counts[top.category.path]))
        if top.category.path in chosen_tops:
            shown += [(c.category.path, counts[c.category.path]) for c in top.children if c.category.path in counts]
    return shown


def value_labeller(tree: list[CategoryNode], language: str) -> Callable[[str], Callable[[str], str]]:
    """For a facet name, the function that names its values in the reader's language."""
    categories = _by_path(tree)

    def category_label(path: str) -> str:
        category = categories.get(path)
        if category is None:
            return path
        name = localized(category, "name", language)
        return name if category.is_top else f"› {name}"

    def labeller(name: str) -> Callable[[str], str]:
        if name == "category":
            return category_label
        if name == "country":
            return lambda code: country_name(code, language)
        return lambda value: label(value, language)

    return labeller


def _facets(params: SearchParams, result: SearchResult, tree: list[CategoryNode],
            labeller: Callable[[str], Callable[[str], str]],
            toggle_url: Callable[[str, str], str]) -> list[tuple[str, list[FacetValue]]]:
    facets = []
    for name in FACETS_BY_TYPE[current_type(params)]:
        counts = result.facets.get(name) or {}
        selected = params.selected(name)
        if name == "category":
            ordered = _category_counts(counts, tree, selected)
        else:
            ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
        named = labeller(name)
        facets.append((name, [FacetValue(value=value, label=named(value), count=count, on=value in selected,
                                         url=toggle_url(name, value)) for value, count in ordered]))
    return facets


def _shown(document: dict, field: str, language: str) -> str:
    english, chinese = document.get(field) or "", document.get(f"{field}_zh") or ""
    return (chinese or english) if language == "zh" else (english or chinese)


def _card(hit: Hit, categories: dict[str, Category], language: str) -> HitCard:
    document = hit.document or {}
    paths = document.get("category") or []
    deepest = max(paths, key=len) if paths and hit.type == "listing" else None
    title = (hit.title_zh or hit.title) if language == "zh" else (hit.title or hit.title_zh or "")
    # When the engine's highlight is only the title, the card would say the title twice: mark the words
    # in the title instead, and show the start of the summary (or text) below it.
    title_highlight = hit.highlight if _MARK.sub("", hit.highlight) == escape(title) else None
    excerpt = ""
    if title_highlight:
        excerpt = _shown(document, "summary", language) or _shown(document, "body", language)
        excerpt = excerpt if len(excerpt) <= EXCERPT_CHARS else excerpt[:EXCERPT_CHARS].rstrip() + "…"
    return HitCard(
        type=hit.type, url=hit.url, title=hit.title, title_zh=hit.title_zh,
        org_name=document.get("org_name") or "", org_name_zh=document.get("org_name_zh") or "",
        org_slug=hit.org_slug, highlight=hit.highlight, title_highlight=title_highlight, excerpt=excerpt,
        category=categories.get(deepest) if deepest else None, document=document,
    )


async def search_page(
    backend: SearchBackend,
    engine: Engine,
    params: SearchParams,
    *,
    language: str,
    breaker: CircuitBreaker,
    cache: ResultCache | None = None,
    tree: list[CategoryNode],
    toggle_url: Callable[[str, str], str],
) -> SearchPage:
    """Raises SearchUnavailable when the engine is down, slow or switched off by the breaker."""
    searches = [run_search(backend, engine, params.query(language), breaker=breaker, cache=cache)]
    if "type" in params.filters:
        others = {k: v for k, v in params.filters.items() if k != "type"}
        searches.append(run_search(backend, engine, params.query(language, filters=others, page=1, per_page=0),
                                   breaker=breaker, cache=cache))
    results = await asyncio.gather(*searches)
    result, everything = results[0], results[-1]
    tab_counts = {t: everything.facets.get("type", {}).get(t, 0) for t in DOC_TYPES}
    tab_counts["all"] = everything.total
    categories = _by_path(tree)
    labeller = value_labeller(tree, language)
    return SearchPage(
        result=result,
        cards=[_card(hit, categories, language) for hit in result.hits],
        pages=Pagination(page=params.page, per_page=params.per_page, total=result.total),
        tab_counts=tab_counts,
        tabs_lower_bound=everything.total_is_lower_bound,
        facets=_facets(params, result, tree, labeller, toggle_url),
        active_filters=[(name, value) for name, values in params.filters.items() if name != "type" for value in values],
        labeller=labeller,
    )
