"""Reading what the site writes as iCalendar: enough of a parser to check it, for the webinar tests."""

def unfold(body: str) -> list[str]:
    """Content lines of an iCalendar body: split on CRLF, continuation lines (leading space) joined back."""
    assert body.endswith("\r\n")
    lines: list[str] = []
    for physical in body[:-2].split("\r\n"):
        if physical.startswith(" "):
            lines[-1] += physical[1:]
        else:
            lines.append(physical)
    return lines


def unescape(value: str) -> str:
    out, chars = [], iter(value)
    for char in chars:
        if char == "\\":
            following = next(chars)
            out.append("\n" if following in "nN" else following)
        else:
            out.append(char)
    return "".join(out)


def parse_ics(body: str) -> dict:
    """{"calendar": {name: value}, "events": [{name: value}]}: enough of a parser to check what we write."""
    calendar: dict[str, str] = {}
    events: list[dict[str, str]] = []
    stack: list[str] = []
    for line in unfold(body):
        name, _, value = line.partition(":")
        if name == "BEGIN":
            stack.append(value)
            if value == "VEVENT":
                events.append({})
        elif name == "END":
            assert stack.pop() == value, f"END:{value} does not close the open component"
        else:
            target = events[-1] if stack[-1] == "VEVENT" else calendar
            assert name not in target, f"{name} twice"
            target[name] = value
    assert stack == []
    return {"calendar": calendar, "events": events}


def assert_well_formed(body: str) -> None:
    assert "\n" not in body.replace("\r\n", ""), "bare LF"
    assert "\r" not in body.replace("\r\n", ""), "bare CR"
    for physical in body[:-2].split("\r\n"):
        assert len(physical.encode("utf-8")) <= 75, physical
