"""Index settings, in one place, for both engines: what is searched, filtered, sorted and how typos count."""

from functools import cache
from pathlib import Path

import yaml

from app.search.schemas import FACETS

GLOSSARY_PATH = Path(__file__).resolve().parent / "glossary.yaml"

# In order of importance: a match in a title beats one in tags, then the organisation, then the text.
SEARCHABLE_ATTRIBUTES = (
    "title",
    "title_zh",
    "tags",
    "org_name",
    "org_name_zh",
    "summary",
    "summary_zh",
    "body",
    "body_zh",
)
# The embedded engine folds those into four weighted FTS5 columns.
EMBEDDED_COLUMNS = {
    "title": ("title", "title_zh"),
    "tags": ("tags",),
    "org": ("org_name", "org_name_zh"),
    "body": ("summary", "summary_zh", "body", "body_zh"),
}
EMBEDDED_WEIGHTS = {"title": 10.0, "tags": 5.0, "org": 3.0, "body": 1.0}

FILTERABLE_ATTRIBUTES = FACETS
SORTABLE_ATTRIBUTES = ("timestamp",)
# "sort" right after "words": with a sort asked for (newest), date decides before typo and proximity.
RANKING_RULES = ("words", "sort", "typo", "proximity", "attribute", "exactness")

# Meilisearch's rule, used by both engines: words of 5+ characters allow one typo, 9+ allow two.
TYPO_ONE_TYPO_FROM = 5
TYPO_TWO_TYPOS_FROM = 9

# When fewer records than this (a page) hold every word of a query, both engines add the records that hold
# most of its words after them: three suppliers of "cryogenic microwave amplifier" may each describe their
# product in two of the three words, and a buyer expects to see them all.
FEW_FULL_MATCHES = 20
# Longer queries (pastes) are relaxed by dropping words from the end instead, as Meilisearch's "last".
MAX_RELAXED_CLAUSES = 6

# The embedded engine interrupts a statement still running after this long, so that a search the page has
# given up on (app/search/runner.py waits 2 s) frees its thread instead of running on.
SEARCH_DEADLINE_SECONDS = 1.8

# Past these, counts are reported as "at least" (and the embedded engine ranks the newest matches only).
MAX_COUNTED_HITS = 10_000
MAX_RANKED_HITS = 2_000


def typos_allowed(word: str) -> int:
    if len(word) >= TYPO_TWO_TYPOS_FROM:
        return 2
    return 1 if len(word) >= TYPO_ONE_TYPO_FROM else 0


@cache
def synonym_groups() -> tuple[tuple[str, ...], ...]:
    """The glossary: groups of terms (any language, abbreviations) that mean the same thing."""
    with GLOSSARY_PATH.open(encoding="utf-8") as handle:
        groups = yaml.safe_load(handle) or []
    return tuple(tuple(str(term).strip() for term in group) for group in groups)


def meilisearch_synonyms() -> dict[str, list[str]]:
    """Meilisearch wants each term mapped to all the others (multi-way synonyms)."""
    synonyms: dict[str, list[str]] = {}
    for group in synonym_groups():
        for term in group:
            synonyms[term.lower()] = [other.lower() for other in group if other != term]
    return synonyms
