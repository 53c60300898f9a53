"""One id per request (or per piece of background work), to match audit rows, log lines and error pages.

The middleware gives every HTTP request an id before anything else runs: the caller's X-Request-ID when it
is a short safe token (a proxy or a load balancer may set one), else a fresh uuid4 hex. The id is kept in a
context variable (sync routes run in worker threads that copy the context, so they see it too) and in
`request.state.request_id`, and it goes back in the X-Request-ID response header.

Work outside a request uses `work_id("cli")` / `work_id("task")` as a context manager to get a
"cli-<hex>" / "task-<hex>" id of its own. Code that sets none gets SYSTEM_REQUEST_ID ("system"), so an
audit row written by a command or a periodic task is never without an id; its time and action tell it apart.
"""

import logging
import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

HEADER = "X-Request-ID"
SYSTEM_REQUEST_ID = "system"
# Letters, digits and - _ . : only, at most 64 characters (the audit column's width): safe in logs and headers.
_SAFE_ID = re.compile(r"^[A-Za-z0-9._:-]{8,64}$")

# Control characters (C0, DEL, C1, line and paragraph separators) and the backslash that starts an escape.
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\\]")

_current: ContextVar[str | None] = ContextVar("qmarket_request_id", default=None)


def new_request_id() -> str:
    return uuid.uuid4().hex


def accepted_request_id(incoming: str | None) -> str:
    """The caller's id if it is a short safe token, else a new one (never echo arbitrary header text)."""
    if incoming and _SAFE_ID.match(incoming):
        return incoming
    return new_request_id()


def current_request_id() -> str:
    """The id of the request (or work) running now; SYSTEM_REQUEST_ID outside any."""
    return _current.get() or SYSTEM_REQUEST_ID


def printable(value: object, *, limit: int = 200) -> str:
    """Text from outside (an e-mail typed at sign-in, a path) made safe for one log line: control characters
    and backslashes are escaped (a newline becomes \\n, ESC becomes \\x1b), and it is cut at `limit`."""
    text = str(value)
    cut = len(text) > limit
    text = _UNPRINTABLE.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text[:limit])
    return text + ("…" if cut else "")


@contextmanager
def work_id(kind: str) -> Iterator[str]:
    """Give a command or a background task its own id ("cli-…", "task-…") while it runs."""
    value = f"{kind}-{uuid.uuid4().hex[:16]}"
    token = _current.set(value)
    try:
        yield value
    finally:
        _current.reset(token)


# Paths that carry a secret (password reset, e-mail confirmation and invitation links) and query parameters
# that may (an API token sent where it does not belong): the access log keeps the path, not the secret.
_SECRET_IN_PATH = re.compile(r"(/account/(?:reset|email/confirm|invitations)/)[^/?#\s]+")
_SECRET_IN_QUERY = re.compile(r"([?&](?:token|access_token|api_key|key|password)=)[^&#\s]*", re.I)


def redact(text: str) -> str:
    return _SECRET_IN_QUERY.sub(r"\1[redacted]", _SECRET_IN_PATH.sub(r"\1[redacted]", text))


class RedactSecrets(logging.Filter):
    """For the server's access log: secrets in link paths and query strings become [redacted]."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple) and record.args:
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
        elif isinstance(record.msg, str):
            record.msg = redact(record.msg)
        return True


def redact_access_log(logger_name: str = "uvicorn.access") -> None:
    """Install RedactSecrets on the access logger once per process."""
    logger = logging.getLogger(logger_name)
    if not any(isinstance(f, RedactSecrets) for f in logger.filters):
        logger.addFilter(RedactSecrets())


class RequestIdMiddleware:
    """Pure ASGI middleware: sets the id before the app runs, adds the header to whatever is answered.

    Errors that escape every handler are answered by Starlette's outermost layer, after this one; the
    error handler there (app/errors.py) reads the id from request.state and sets the header itself.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        redact_access_log()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = None
        for name, value in scope.get("headers", []):
            if name == b"x-request-id":
                incoming = value.decode("latin-1")
                break
        request_id = accepted_request_id(incoming)
        scope.setdefault("state", {})["request_id"] = request_id
        token = _current.set(request_id)

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != b"x-request-id"]
                headers.append((b"x-request-id", request_id.encode()))
                message["headers"] = headers
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            _current.reset(token)


def client_ip(request: Request) -> str:
    """The client's address; X-Forwarded-For counts only when a trusted proxy sets it."""
    settings = request.app.state.settings
    if settings.trust_forwarded_for:
        forwarded = request.headers.get("x-forwarded-for", "").split(",")[-1].strip()
        if forwarded:
            return forwarded[:45]
    return request.client.host if request.client else "unknown"
