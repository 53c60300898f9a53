"""A small iCalendar (RFC 5545) writer: just what a calendar of webinars needs, as pure functions.

Content lines end in CRLF and are folded at 75 octets (§3.1) without splitting a UTF-8 character; TEXT
values escape backslash, semicolon, comma and line breaks (§3.3.11); times are written in UTC (§3.3.5).
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from app.markdown import render_markdown

CRLF = "\r\n"
LINE_OCTETS = 75
PRODID = "-//QMarket//Member webinars//EN"

# TEXT may not carry control characters other than HTAB (§3.3.11); line breaks are escaped, not removed.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_PARAGRAPHS = re.compile(r"\n\s*\n")


@dataclass(frozen=True)
class CalendarEvent:
    uid: str
    starts_at: datetime
    ends_at: datetime
    summary: str
    description: str
    url: str


def escape_text(value: str) -> str:
    value = _CONTROL.sub("", value)
    value = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return _LINE_BREAK.sub("\\\\n", value)


def utc_stamp(value: datetime) -> str:
    """A DATE-TIME in UTC form, e.g. 20250315T060000Z."""
    if value.tzinfo is None:
        raise ValueError("naive datetime given; iCalendar times here are always UTC")
    return value.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def fold(line: str) -> str:
    """One content line as physical lines of at most 75 octets; continuation lines start with a space."""
    pieces: list[str] = []
    current, size, limit = [], 0, LINE_OCTETS
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            pieces.append("".join(current))
            current, size, limit = [], 0, LINE_OCTETS - 1  # the leading space counts
        current.append(char)
        size += width
    pieces.append("".join(current))
    return (CRLF + " ").join(pieces)


def markdown_to_text(source: str | None) -> str:
    """Member Markdown as plain text: paragraph by paragraph, tags stripped, entities decoded."""
    if not source:
        return ""
    paragraphs = (render_markdown(part).striptags() for part in _PARAGRAPHS.split(source.strip()))
    return "\n\n".join(text for text in paragraphs if text)


def event_lines(event: CalendarEvent, *, stamp: datetime) -> list[str]:
    return [
        "BEGIN:VEVENT",
        f"UID:{escape_text(event.uid)}",
        f"DTSTAMP:{utc_stamp(stamp)}",
        f"DTSTART:{utc_stamp(event.starts_at)}",
        f"DTEND:{utc_stamp(event.ends_at)}",
        f"SUMMARY:{escape_text(event.summary)}",
        f"DESCRIPTION:{escape_text(event.description)}",
        f"URL:{event.url}",  # a URI value: not TEXT, so not escaped
        "END:VEVENT",
    ]


def serialize_calendar(events: Iterable[CalendarEvent], *, stamp: datetime, name: str | None = None) -> str:
    """A whole VCALENDAR object: CRLF line endings, every line folded, ending in CRLF."""
    lines = ["BEGIN:VCALENDAR", f"PRODID:{PRODID}", "VERSION:2.0", "CALSCALE:GREGORIAN", "METHOD:PUBLISH"]
    if name:
        lines.append(f"X-WR-CALNAME:{escape_text(name)}")  # the name calendar apps show for a subscription
    for event in events:
        lines.extend(event_lines(event, stamp=stamp))
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + CRLF for line in lines)
