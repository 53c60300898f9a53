"""Highlights: a short piece of a document with the matched words marked, safe to put in a page.

Everything is HTML-escaped; only the <mark> tags we add are markup.
"""

from html import escape

from app.search.text import term_spans

SNIPPET_CHARS = 160


def _fields(document: dict, language: str) -> list[str]:
    mine, other = ("_zh", "") if language == "zh" else ("", "_zh")
    names = [f"title{mine}", f"summary{mine}", f"body{mine}", f"title{other}", f"summary{other}", f"body{other}"]
    return [document.get(name) or "" for name in names] + [" · ".join(document.get("tags") or [])]


def _marked_intervals(text: str, terms: set[str]) -> list[tuple[int, int]]:
    intervals = sorted(term_spans(text, terms))
    merged: list[tuple[int, int]] = []
    for start, end in intervals:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _render(text: str, intervals: list[tuple[int, int]], start: int, end: int) -> str:
    out, position = [], start
    for a, b in intervals:
        if b <= start or a >= end:
            continue
        a, b = max(a, start), min(b, end)
        out.append(escape(text[position:a]))
        out.append(f"<mark>{escape(text[a:b])}</mark>")
        position = b
    out.append(escape(text[position:end]))
    return ("…" if start > 0 else "") + "".join(out) + ("…" if end < len(text) else "")


def highlight(document: dict, terms: set[str], language: str) -> str:
    """The first field (reader's language first) that contains a match, cut around it; else the summary."""
    fields = [f for f in _fields(document, language) if f]
    for text in fields:
        intervals = _marked_intervals(text, terms) if terms else []
        if intervals:
            first = intervals[0][0]
            start = 0 if len(text) <= SNIPPET_CHARS else max(0, min(first - SNIPPET_CHARS // 3, len(text) - SNIPPET_CHARS))
            return _render(text, intervals, start, min(len(text), start + SNIPPET_CHARS))
    fallback = next((f for f in fields[1:3] if f), fields[0] if fields else "")
    return _render(fallback, [], 0, min(len(fallback), SNIPPET_CHARS))
