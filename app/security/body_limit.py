"""Request bodies have a size limit, checked before the body is read (RELIABILITY 70).

Starlette would otherwise read a whole form into memory and then refuse one field over 1 MB with a bare
400. Here a declared Content-Length over the limit is answered 413 at once, and a body sent without one
(chunked) is counted as it arrives and cut off at the limit. The few routes that need more say so below.
"""

import json
import re

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.errors import error_body

DEFAULT_LIMIT = 1024 * 1024  # every form of the site fits many times over
# (path pattern, limit): the logo upload (its own, finer check is in app/workspace/logos.py), bulk import,
# and the member API, whose clients get a 422 naming the field for an over-long text rather than a bare 413.
LARGER = (
    (re.compile(r"^/account/orgs/[^/]+/logo$"), 3 * 1024 * 1024),
    (re.compile(r"^/api/v1/import$"), 64 * 1024 * 1024),
    (re.compile(r"^/api/v1/orgs/"), 4 * 1024 * 1024),
)
MESSAGE = "The request is too large. 请求内容过大。"


def limit_for(path: str) -> int:
    return next((limit for pattern, limit in LARGER if pattern.match(path)), DEFAULT_LIMIT)


class BodySizeLimit:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = limit_for(scope["path"])
        declared = dict(scope.get("headers", [])).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > limit):
            await _refuse(scope, send)
            return
        received = 0
        started = refused = False

        async def counting_receive() -> Message:
            nonlocal received, refused
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit and not started:
                    # Answer now; the app sees the client leave (the framework would turn an exception
                    # raised here into its own 400) and whatever it sends afterwards is dropped.
                    refused = True
                    await _refuse(scope, send)
                    return {"type": "http.disconnect"}
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if refused:
                return
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except Exception:
            if not refused:
                raise


async def _refuse(scope: Scope, send: Send) -> None:
    if scope["path"].startswith("/api/"):
        body = json.dumps(error_body("too_large", MESSAGE)).encode()
        content_type = b"application/json"
    else:
        body = MESSAGE.encode()
        content_type = b"text/plain; charset=utf-8"
    await send({"type": "http.response.start", "status": 413,
                "headers": [(b"content-type", content_type), (b"content-length", str(len(body)).encode()),
                            (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": body})
