"""Account events in the log: one line each, with outside text escaped (RELIABILITY 4, 28).

What a visitor typed (an e-mail address at sign-in) goes through `printable`, so a newline or an ANSI
escape cannot forge a second line or recolour a terminal. Passwords, session tokens, cookies and the
secrets in reset or confirmation links are never passed here: lines name users by id.
"""

import logging

from app.request_context import current_request_id, printable

log = logging.getLogger("qmarket.accounts")


def event(what: str, **fields: object) -> None:
    """Log `what` with its fields as key=value, escaped, and the request id."""
    parts = " ".join(f"{name}={printable(value, limit=120)}" for name, value in fields.items())
    log.info("%s %s request=%s", what, parts, current_request_id())
