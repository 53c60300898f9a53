"""Turning text into search terms, the same way for documents and for queries.

Chinese runs are segmented with rjieba, the binding of jieba-rs: jieba's dictionary and its cut, about 30
times faster than the Python jieba (documents: every sub-word, for recall; queries: the precise cut),
with a quantum-domain user dictionary so that 稀释制冷机 stays whole. Other runs are lower-cased letters and
digits; English words are stemmed (detectors → detector). Terms never contain FTS5 syntax characters.
"""

import re
import threading
import unicodedata
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

import rjieba
import snowballstemmer

USER_DICTIONARY = Path(__file__).resolve().parent / "userdict.txt"
_CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_WORD = re.compile(r"[^\W_]+")
_ASCII_LETTERS = re.compile(r"^[a-z]+$")
_stemmer = snowballstemmer.stemmer("english")
_ready = threading.Lock()
_loaded = False


def load_segmenter() -> None:
    """Add our domain dictionary to jieba's, once per process: call it at start-up."""
    global _loaded
    with _ready:
        if _loaded:
            return
        for line in USER_DICTIONARY.read_text(encoding="utf-8").splitlines():
            parts = line.split()
            if parts:  # "word [frequency [tag]]", as jieba's user dictionaries are written
                rjieba.add_word(parts[0], int(parts[1]) if len(parts) > 1 else None, parts[2] if len(parts) > 2 else None)
        _loaded = True


def normalize(text: str) -> str:
    return unicodedata.normalize("NFKC", text).lower()


@lru_cache(maxsize=262_144)
def stem(word: str) -> str:
    return _stemmer.stemWord(word) if _ASCII_LETTERS.match(word) and len(word) > 2 else word


def is_cjk(term: str) -> bool:
    return bool(_CJK_RUN.match(term))


def _runs(text: str) -> Iterator[tuple[str, bool]]:
    position = 0
    for match in _CJK_RUN.finditer(text):
        if match.start() > position:
            yield text[position : match.start()], False
        yield match.group(0), True
        position = match.end()
    if position < len(text):
        yield text[position:], False


@lru_cache(maxsize=262_144)
def _inner_words(word: str) -> tuple[tuple[str, int, int], ...]:
    """The dictionary words of 2+ characters inside a longer word, with their offsets in it (cached: the
    same words come back in every document)."""
    inner = []
    for i in range(len(word) - 1):
        for j in range(i + 2, len(word) + (i > 0)):
            if rjieba.has_word(word[i:j]):
                inner.append((word[i:j], i, j))
    return tuple(inner)


def _chinese_words(run: str) -> Iterator[tuple[str, int, int]]:
    """jieba's precise cut, plus every dictionary word of 2+ characters inside a longer word.

    jieba's own search mode adds only 2- and 3-character sub-words, so 量子比特 would not be found inside
    超导量子比特; here every known word inside is indexed too.
    """
    for word, start, end in rjieba.tokenize(run, "default", True):
        if not word.strip():
            continue
        if len(word) > 2:
            for inner, i, j in _inner_words(word):
                yield inner, start + i, start + j
        yield word, start, end


def document_terms(text: str) -> list[str]:
    """Terms to index: stems of words, and the Chinese words of Chinese runs with the words inside them."""
    load_segmenter()
    terms: list[str] = []
    for run, chinese in _runs(normalize(text)):
        if chinese:
            terms.extend(word for word, _, _ in _chinese_words(run))
        else:
            terms.extend(stem(word) for word in _WORD.findall(run))
    return terms


def latin_words(text: str) -> dict[str, str]:
    """Every non-Chinese word of `text` as written (lower-cased) → its index term."""
    # Chinese runs become spaces: the words left are exactly those of the non-Chinese runs.
    return {word: stem(word) for word in _WORD.findall(_CJK_RUN.sub(" ", normalize(text)))}


def query_words(text: str) -> list[str]:
    """The words of a query as typed (lower-cased, not stemmed), Chinese cut precisely."""
    load_segmenter()
    words: list[str] = []
    for run, chinese in _runs(normalize(text)):
        if chinese:
            words.extend(t for t in rjieba.cut(run, True) if t.strip())
        else:
            words.extend(_WORD.findall(run))
    return words


def term_spans(text: str, terms: set[str]) -> list[tuple[int, int]]:
    """(start, end) of every piece of `text` that is one of these index terms, for highlighting it.

    Nothing is segmented here: a search segments only its query. Chinese terms are found as substrings of
    the Chinese runs (every word the index holds for a run, sub-words included, is a substring of it);
    other words are cut at letters and digits and stemmed, as documents are. Positions are on the original
    text: NFKC can change lengths, so each piece is folded on its own.
    """
    chinese = [term for term in terms if is_cjk(term)]
    found: list[tuple[int, int]] = []
    position = 0
    for run, is_chinese in _runs(text):
        if is_chinese:
            if chinese:
                folded = normalize(run)
                for term in chinese:
                    at = folded.find(term)
                    while at != -1:
                        found.append((position + at, position + at + len(term)))
                        at = folded.find(term, at + 1)
        else:
            for match in _WORD.finditer(run):
                if stem(normalize(match.group(0))) in terms:
                    found.append((position + match.start(), position + match.end()))
        position += len(run)
    return found
