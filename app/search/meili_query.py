"""What the Meilisearch engine sends and how it reads the answers: pure functions, no server.

Search bodies are spelled as the REST API spells them. When few records hold every word of a query, a
federated multi-search adds the records holding all words but one (and then the rarest words) after them,
as the embedded engine does: Meilisearch's own strategies ("last", "frequency") always keep one word
mandatory, so a supplier that says two of "cryogenic microwave amplifier" could be missed.
"""

import html
import re

from app.search import settings as conf
from app.search.documents import OPENINGS
from app.search.expansion import Vocabulary, parse
from app.search.meili_settings import MAX_FACET_VALUES
from app.search.schemas import FACETS, MAX_PAGE, MAX_PER_PAGE, SearchQuery

CROP_WORDS = 30  # about the 160 characters of the embedded engine's snippets
HIGHLIGHTED = ("title", "title_zh", "summary", "summary_zh", "body", "body_zh", "tags")
CROPPED = ("summary", "summary_zh", "body", "body_zh")
# What a hit carries back: what result cards and the API show, never the long texts (20 documents with
# their descriptions made answers of 100 kB and more, and a large answer costs more than the search). The
# bodies come back cropped around the match, in `_formatted`.
RETRIEVED = ("id", "type", "record_id", "slug", "url", "title", "title_zh", "summary", "summary_zh", "org_slug",
             "org_name", "org_name_zh", "category", "country", "region", "city", "org_type", "membership", "kind",
             "function", "employment_type", "workplace", "tags", "timestamp", "domains", "trl", "expires_at",
             *OPENINGS.values())
CROPPED_ONLY = ("body", "body_zh")
# Federated scores are multiplied by these: records holding every word stay ahead of those holding fewer.
WEIGHT_ALL_BUT_ONE = 0.5
WEIGHT_RAREST_WORDS = 0.25
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_KANA = re.compile(r"[\u3040-\u30ff]")
_LATIN = re.compile(r"[^\W_]", re.ASCII)
_EMPTY_VOCABULARY = Vocabulary()


def quote(value: str) -> str:
    """A filter string literal: double-quoted, backslashes and quotes escaped, so a value is only ever a value."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def build_filter(filters: dict[str, tuple[str, ...]]) -> list[list[str]]:
    """Meilisearch's array form: the outer list is AND (across facets), each inner list OR (within one)."""
    expression = []
    for facet, values in filters.items():
        if facet not in FACETS:  # as in the embedded engine: only known facets filter, and names are never quoted
            continue
        alternatives = [f"{facet} = {quote(str(value))}" for value in dict.fromkeys(values)]
        if alternatives:
            expression.append(alternatives)
    return expression


def query_locales(q: str) -> list[str] | None:
    """Han characters without kana are Chinese: segment the query as the *_zh fields are segmented."""
    return ["cmn"] if _HAN.search(q) and not _KANA.search(q) else None


def formatted_fields(q: str, language: str) -> tuple[list[str], list[str]]:
    """The fields Meilisearch marks and those it crops. Formatting the bodies is most of its time (the
    Chinese one most of all), so a body is formatted only when it can show a match: the reader's always,
    the other language's when the query is written in its script. Nothing is formatted for browsing:
    hits show the stored start of their text (app/search/documents.py OPENINGS)."""
    if not q:
        return [], []
    bodies = {"body_zh" if language == "zh" else "body"}
    if _HAN.search(q):
        bodies.add("body_zh")
    if _LATIN.search(q):
        bodies.add("body")
    highlighted = [name for name in HIGHLIGHTED if name not in CROPPED_ONLY or name in bodies]
    cropped = [name for name in CROPPED if name not in CROPPED_ONLY or name in bodies]
    return highlighted, cropped


def several_words(q: str) -> bool:
    return len(q.split()) > 1 or bool(_HAN.search(q))  # Chinese runs are segmented into words by the engine


def _text(value: object) -> str:
    if isinstance(value, list):
        return " · ".join(str(item) for item in value if item)
    return str(value) if value else ""


def render_highlight(formatted: dict, language: str, pre: str, post: str) -> str:
    """Like the embedded engine: the first field with a match (reader's language first), else the summary.

    Meilisearch marks matches with our placeholder tags; everything is HTML-escaped first, then the
    placeholders become <mark> tags, so a document's own markup can never get through. Fields come in
    as Meilisearch formats them: highlighted, and summaries and bodies cropped around the match.
    """
    mine, other = ("_zh", "") if language == "zh" else ("", "_zh")
    names = [f"{name}{suffix}" for suffix in (mine, other) for name in ("title", "summary", "body")]
    texts = {name: _text(formatted.get(name)) for name in [*names, "tags"]}
    matched = next((text for text in texts.values() if pre in text), None)
    fallback = (f"summary{mine}", f"body{mine}", f"title{mine}", f"summary{other}", f"body{other}", f"title{other}")
    text = matched if matched is not None else next((texts[name] for name in fallback if texts[name]), "")
    # Chinese is matched word by word: 稀释 and 制冷机 become one mark, as the embedded engine merges them.
    text = text.replace(post + pre, "")
    return html.escape(text).replace(html.escape(pre), "<mark>").replace(html.escape(post), "</mark>")


def relaxed_queries(q: str) -> list[str]:
    """The query with each of its words left out in turn (a glossary phrase counts as one word).

    Words are found as the embedded engine finds them (jieba for Chinese), so 离子阱量子计算机 has two.
    None for one word, and none for a pasted paragraph (it falls back to dropping words from the end).
    """
    words = [clause.typed for clause in parse(q, _EMPTY_VOCABULARY)]
    if not 2 <= len(words) <= conf.MAX_RELAXED_CLAUSES:
        return []
    return [" ".join(word for j, word in enumerate(words) if j != i) for i in range(len(words))]


def search_body(query: SearchQuery, q: str, matching_strategy: str, pre: str, post: str) -> dict:
    """One search of the index; with `federated`, the per-query part of a multi-search."""
    highlighted, cropped = formatted_fields(query.q.strip(), query.language)
    body = {
        "q": q,
        "filter": build_filter(query.filters) or None,
        # Without words there is nothing to rank by relevance: browsing shows the newest first.
        "sort": ["timestamp:desc"] if query.sort == "newest" or not q else None,
        "attributesToRetrieve": list(RETRIEVED),
        "attributesToHighlight": highlighted or None,
        "attributesToCrop": cropped or None,
        "cropLength": CROP_WORDS,
        "cropMarker": "…",
        "highlightPreTag": pre,
        "highlightPostTag": post,
        "matchingStrategy": matching_strategy,
    }
    if locales := query_locales(q):
        body["locales"] = locales
    return body


def _per_page(query: SearchQuery) -> int:
    return min(max(query.per_page, 0), MAX_PER_PAGE)


def page_body(query: SearchQuery, body: dict) -> dict:
    """A plain search: page mode gives exact totals up to maxTotalHits."""
    return {**body, "page": min(max(query.page, 1), MAX_PAGE), "hitsPerPage": _per_page(query),
            "facets": list(FACETS)}


def federated_body(query: SearchQuery, index_uid: str, q: str, pre: str, post: str) -> dict:
    """Every word first, then all words but one, then the rarest words: one ranked list, deduplicated."""
    queries = [{**search_body(query, q, "all", pre, post), "indexUid": index_uid}]
    queries += [{**search_body(query, fewer, "all", pre, post), "indexUid": index_uid,
                 "federationOptions": {"weight": WEIGHT_ALL_BUT_ONE}} for fewer in relaxed_queries(q)]
    queries.append({**search_body(query, q, "frequency", pre, post), "indexUid": index_uid,
                    "federationOptions": {"weight": WEIGHT_RAREST_WORDS}})
    per_page = _per_page(query)
    return {
        "federation": {
            "limit": per_page,
            "offset": (min(max(query.page, 1), MAX_PAGE) - 1) * per_page,
            "facetsByIndex": {index_uid: list(FACETS)},
            "mergeFacets": {"maxValuesPerFacet": MAX_FACET_VALUES},
        },
        "queries": queries,
    }
