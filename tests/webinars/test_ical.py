"""The iCalendar writer (RFC 5545): escaping, folding, UTC times, the calendar's structure."""

from datetime import UTC, datetime, timedelta, timezone

import pytest

from app.webinars.ical import (
    CalendarEvent,
    escape_text,
    fold,
    markdown_to_text,
    serialize_calendar,
    utc_stamp,
)

from tests.webinars.ics import assert_well_formed, parse_ics, unescape

BEIJING = timezone(timedelta(hours=8))


def event(**overrides) -> CalendarEvent:
    values = {
        "uid": "cryo-talk@qmarket",
        "starts_at": datetime(2025, 3, 15, 14, 0, tzinfo=BEIJING),
        "ends_at": datetime(2025, 3, 15, 15, 30, tzinfo=BEIJING),
        "summary": "Keeping the fridge cold",
        "description": "Heat loads, helium supply and uptime.",
        "url": "https://qmarket.example/webinars/cryo-talk",
    }
    return CalendarEvent(**(values | overrides))


def test_text_escapes_backslash_semicolon_comma_and_every_kind_of_line_break():
    assert escape_text(r"a\b") == r"a\\b"
    assert escape_text("one; two, three") == r"one\; two\, three"
    assert escape_text("line 1\nline 2\r\nline 3\rline 4") == r"line 1\nline 2\nline 3\nline 4"
    assert escape_text("colons: stay") == "colons: stay"
    assert escape_text("bell\x07 and tab\tkept") == "bell and tab\tkept"
    assert escape_text("\\,") == "\\\\\\,"  # the backslash first, so the comma's backslash is not doubled


@pytest.mark.parametrize(
    "text", ["a" * 200, "稀释制冷机" * 30, "mixed 量子 text, with commas; " * 8, "x" * 75, "x" * 76, "", "😀" * 40]
)
def test_folding_keeps_lines_within_75_octets_and_unfolds_to_the_original(text):
    folded = fold(f"DESCRIPTION:{text}")
    physical = folded.split("\r\n")
    for number, line in enumerate(physical):
        assert len(line.encode("utf-8")) <= 75
        assert line.encode("utf-8").decode("utf-8") == line  # no UTF-8 sequence cut in two
        if number:
            assert line.startswith(" ") and len(line) > 1
    assert "".join([physical[0], *(line[1:] for line in physical[1:])]) == f"DESCRIPTION:{text}"


def test_a_line_of_exactly_75_octets_is_not_folded():
    assert fold("X" * 75) == "X" * 75
    assert fold("X" * 76) == "X" * 75 + "\r\n X"


def test_times_are_written_in_utc():
    assert utc_stamp(datetime(2025, 3, 15, 14, 0, tzinfo=BEIJING)) == "20250315T060000Z"
    assert utc_stamp(datetime(2025, 1, 1, 0, 0, 5, tzinfo=UTC)) == "20250101T000005Z"
    with pytest.raises(ValueError):
        utc_stamp(datetime(2025, 1, 1))


def test_calendar_structure_and_round_trip_of_tricky_text():
    tricky = event(
        summary="Cryogenics, helium; and \\ backslashes",
        description="First paragraph, with a comma.\n\nSecond; with a semicolon.\n" + "长描述" * 40,
    )
    stamp = datetime(2025, 3, 1, 8, 30, tzinfo=UTC)
    body = serialize_calendar([tricky, event(uid="other@qmarket")], stamp=stamp, name="QMarket webinars, all")
    assert_well_formed(body)
    assert body.startswith("BEGIN:VCALENDAR\r\n") and body.endswith("END:VCALENDAR\r\n")
    parsed = parse_ics(body)
    assert parsed["calendar"]["VERSION"] == "2.0"
    assert parsed["calendar"]["PRODID"].startswith("-//QMarket//")
    assert unescape(parsed["calendar"]["X-WR-CALNAME"]) == "QMarket webinars, all"
    first, second = parsed["events"]
    assert first["UID"] == "cryo-talk@qmarket" and second["UID"] == "other@qmarket"
    assert first["DTSTAMP"] == "20250301T083000Z"
    assert first["DTSTART"] == "20250315T060000Z" and first["DTEND"] == "20250315T073000Z"
    assert unescape(first["SUMMARY"]) == tricky.summary
    assert first["SUMMARY"] == r"Cryogenics\, helium\; and \\ backslashes"
    assert unescape(first["DESCRIPTION"]) == tricky.description
    assert first["URL"] == "https://qmarket.example/webinars/cryo-talk"


def test_an_empty_calendar_is_still_a_calendar():
    parsed = parse_ics(serialize_calendar([], stamp=datetime(2025, 1, 1, tzinfo=UTC)))
    assert parsed["events"] == [] and parsed["calendar"]["VERSION"] == "2.0"


def test_markdown_becomes_plain_text_paragraph_by_paragraph():
    source = "Heat loads with **R&D** teams.\n\n- one\n- two\n\n<script>alert(1)</script> [site](https://x.example)"
    text = markdown_to_text(source)
    assert text.split("\n\n")[0] == "Heat loads with R&D teams."
    assert text.split("\n\n")[1] == "one two" and "**" not in text
    # Raw HTML in Markdown is text, not markup (app.markdown): it stays as the member wrote it.
    assert text.split("\n\n")[2] == "<script>alert(1)</script> site"
    assert markdown_to_text("") == "" and markdown_to_text(None) == ""
