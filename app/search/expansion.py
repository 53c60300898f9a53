"""From what a person typed to what the embedded engine looks for: synonyms, typos and prefixes.

A query becomes clauses that must all match; each clause is a set of alternatives, any of which may
match: a glossary phrase and all its synonyms, or a word with its typo variants and (for the last word,
search-as-you-type) its completions. Alternatives are index terms, so they can be quoted for FTS5 safely.
"""

import bisect
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cache

from rapidfuzz import process
from rapidfuzz.distance import OSA

from app.search.settings import synonym_groups, typos_allowed
from app.search.text import is_cjk, query_words, stem

MAX_QUERY_WORDS = 32  # a 5 kB paste is searched by its first words, not refused
MAX_COMPLETIONS = 30
MAX_TYPO_VARIANTS = 8
MAX_PHRASE_WORDS = 8

Phrase = tuple[str, ...]


class Vocabulary:
    """The index's terms with their document frequencies, and the English words behind the stems.

    Typos and unfinished words are matched against words as people write them (a stem such as
    'refriger' is not what anyone types) and lead to the stems the index holds.
    """

    def __init__(self, frequencies: dict[str, int] | None = None, words: dict[str, str] | None = None) -> None:
        self.frequencies: dict[str, int] = {}
        self.words: dict[str, str] = {}  # written word → its index term
        self._sorted_words: list[str] = []
        self._words_by_length: dict[int, list[str]] = defaultdict(list)
        self.add(frequencies or {}, words or {})

    def add(self, frequencies: dict[str, int], words: dict[str, str]) -> None:
        for term, count in frequencies.items():
            self.frequencies[term] = self.frequencies.get(term, 0) + count
        for word, term in words.items():
            if word not in self.words:
                self.words[word] = term
                bisect.insort(self._sorted_words, word)
                self._words_by_length[len(word)].append(word)

    def __contains__(self, term: str) -> bool:
        return term in self.frequencies

    def __len__(self) -> int:
        return len(self.frequencies)

    def _ranked_terms(self, words: list[str], limit: int) -> list[str]:
        terms = {self.words[w] for w in words if self.words[w] in self.frequencies}
        return sorted(terms, key=lambda t: -self.frequencies[t])[:limit]

    def typo_variants(self, word: str, typos: int) -> list[str]:
        """Index terms of written words within `typos` edits (Damerau-Levenshtein: a swap is one edit)."""
        if typos == 0 or not word.isascii() or not word.isalpha():
            return []
        candidates = [w for n in range(len(word) - typos, len(word) + typos + 1) for w in self._words_by_length.get(n, ())]
        matches = process.extract(word, candidates, scorer=OSA.distance, score_cutoff=typos, limit=None)
        # As in Meilisearch, a typo on the first letter counts as two.
        costs = {w: distance + (w[0] != word[0]) for w, distance, _ in matches if w != word}
        return self._ranked_terms(sorted((w for w, c in costs.items() if c <= typos), key=costs.get), MAX_TYPO_VARIANTS)

    def completions(self, prefix: str) -> list[str]:
        """Index terms of the written words that begin with `prefix` (search as you type)."""
        start = bisect.bisect_left(self._sorted_words, prefix)
        found = []
        for word in self._sorted_words[start : start + 2000]:
            if not word.startswith(prefix):
                break
            found.append(word)
        return self._ranked_terms(found, MAX_COMPLETIONS)


@dataclass
class Clause:
    alternatives: set[Phrase] = field(default_factory=set)
    typed: str = ""

    def terms(self) -> set[str]:
        return {term for phrase in self.alternatives for term in phrase}


def _index_phrase(text: str) -> Phrase:
    return tuple(stem(word) for word in query_words(text))


@cache
def _glossary() -> dict[Phrase, frozenset[Phrase]]:
    """Every glossary term as a phrase of index terms → all phrases of its group."""
    lookup: dict[Phrase, frozenset[Phrase]] = {}
    for group in synonym_groups():
        phrases = frozenset(p for p in (_index_phrase(term) for term in group) if p)
        for phrase in phrases:
            lookup[phrase] = phrases
    return lookup


def parse(text: str, vocabulary: Vocabulary) -> list[Clause]:
    words = query_words(text)[:MAX_QUERY_WORDS]
    stems = [stem(w) for w in words]
    typing_last_word = bool(text) and not text[-1].isspace()
    glossary = _glossary()
    clauses: list[Clause] = []
    i = 0
    while i < len(words):
        for length in range(min(MAX_PHRASE_WORDS, len(words) - i), 0, -1):
            phrase = tuple(stems[i : i + length])
            if phrase in glossary:
                clauses.append(Clause(alternatives=set(glossary[phrase]), typed=" ".join(words[i : i + length])))
                i += length
                break
        else:
            clauses.append(_word_clause(words[i], stems[i], vocabulary, last=typing_last_word and i == len(words) - 1))
            i += 1
    return clauses


def _word_clause(word: str, term: str, vocabulary: Vocabulary, *, last: bool) -> Clause:
    alternatives: set[Phrase] = {(term,)}
    if not is_cjk(word):
        if term not in vocabulary:
            alternatives |= {(v,) for v in vocabulary.typo_variants(word, typos_allowed(word))}
        if last:
            alternatives |= {(c,) for c in vocabulary.completions(word)}
    return Clause(alternatives=alternatives, typed=word)


def fts_expression(clauses: list[Clause]) -> str:
    """An FTS5 MATCH expression in which every term is a quoted string (user text is never syntax)."""

    def quote(phrase: Phrase) -> str:
        return '"' + " ".join(term.replace('"', '""') for term in phrase) + '"'

    return " AND ".join("(" + " OR ".join(sorted(quote(p) for p in clause.alternatives)) + ")" for clause in clauses)
