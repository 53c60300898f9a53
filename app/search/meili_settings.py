"""Meilisearch index settings as the REST API spells them, built from app.search.settings, and the check
that the settings a server holds are still the ones the code asks for (`qmarket search verify`)."""

from app.search import settings as conf

MAX_FACET_VALUES = 500  # more than there are countries or categories, so facet counts are never cut

# Lists whose order means nothing to Meilisearch; every other list (searchable attributes, ranking rules)
# is compared in order, because there the order is the meaning.
_UNORDERED = {"filterableAttributes", "sortableAttributes", "synonyms", "locales", "attributePatterns"}


def index_settings() -> dict:
    """The index settings, all from app.search.settings."""
    return {
        "searchableAttributes": list(conf.SEARCHABLE_ATTRIBUTES),
        "filterableAttributes": list(conf.FILTERABLE_ATTRIBUTES),
        "sortableAttributes": list(conf.SORTABLE_ATTRIBUTES),
        "rankingRules": list(conf.RANKING_RULES),
        "typoTolerance": {
            "enabled": True,
            "minWordSizeForTypos": {"oneTypo": conf.TYPO_ONE_TYPO_FROM, "twoTypos": conf.TYPO_TWO_TYPOS_FROM},
        },
        "synonyms": conf.meilisearch_synonyms(),
        # Most frequent values first, should a facet ever have more values than the cap.
        "faceting": {"maxValuesPerFacet": MAX_FACET_VALUES, "sortFacetValuesBy": {"*": "count"}},
        "pagination": {"maxTotalHits": conf.MAX_COUNTED_HITS},
        # The *_zh fields are always Chinese: segment them as Chinese (jieba) rather than trust language
        # detection, which can take Han text for Japanese and then never match a Chinese query.
        "localizedAttributes": [{"attributePatterns": ["*_zh"], "locales": ["cmn"]}],
    }


def _same(wanted: object, actual: object, name: str) -> bool:
    """Is `actual` what `wanted` asks for? Only the keys we set count: the server adds its defaults."""
    if isinstance(wanted, dict):
        if name == "synonyms" and isinstance(actual, dict) and set(actual) != set(wanted):
            return False  # a synonym the code no longer has changes results as much as a missing one
        # A synonym's list is named by its term, yet is as unordered as the synonyms themselves.
        inner = (lambda key: name) if name == "synonyms" else (lambda key: key)
        return isinstance(actual, dict) and all(_same(value, actual.get(key), inner(key)) for key, value in wanted.items())
    if isinstance(wanted, list):
        if not isinstance(actual, list) or len(wanted) != len(actual):
            return False
        if name in _UNORDERED and all(isinstance(item, str) for item in wanted):
            return sorted(wanted) == sorted(str(item) for item in actual)
        return all(_same(w, a, name) for w, a in zip(wanted, actual, strict=True))
    return wanted == actual


def settings_differences(actual: dict, wanted: dict | None = None) -> list[str]:
    """The names of the settings that differ from what the code asks for; empty when they all agree."""
    wanted = wanted if wanted is not None else index_settings()
    return [name for name, value in wanted.items() if not _same(value, actual.get(name), name)]
