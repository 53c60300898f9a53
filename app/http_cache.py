"""HTTP conventions every answer follows, as ASGI middleware (app/main.py puts them in order).

- HEAD works wherever GET does: the GET runs, its headers are sent, its body is not (RFC 9110 §9.3.2).
- Cache-Control, when a route did not set its own: `private, no-store` for anything of a signed-in member
  (a session cookie or a bearer token) or under /account and /staff, or an answer that sets a cookie;
  `public, max-age=…` for what an anonymous reader gets from a public page, feed or read API.
- Vary names what changes the answer: the language (Accept-Language, the language cookie) and htmx's
  fragment requests (HX-Request), so a shared cache never hands one reader's page to another.
- Strong ETag on feeds, the sitemap, calendars, CSV and the JSON API (not on HTML: every page carries a new
  CSP nonce), with 304 Not Modified for a matching If-None-Match. It is the hash of the bytes sent, taken
  after compression, so that each encoding has its own tag.
"""

import hashlib

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

PUBLIC_SECONDS = 60
FEED_SECONDS = 300
PRIVATE_PREFIXES = ("/account", "/staff")
# Kinds of answer that get an ETag: the same bytes for everyone who asks the same way.
TAGGED_TYPES = ("application/json", "application/atom+xml", "application/xml", "text/xml", "text/calendar",
                "text/csv", "text/plain")
LANGUAGE_VARY = "Accept-Language, Cookie, HX-Request"


class HeadAsGet:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def headers_only(message: Message) -> None:
            if message["type"] == "http.response.body":
                if message.get("more_body", False):
                    return  # the rest of the body is dropped too
                message = {"type": "http.response.body", "body": b"", "more_body": False}
            await send(message)

        await self.app(dict(scope, method="GET"), receive, headers_only)


def _signed_in(scope: Scope, session_cookie: str) -> bool:
    headers = Headers(scope=scope)
    if headers.get("authorization"):
        return True
    cookies = headers.get("cookie", "")
    return any(part.strip().startswith(session_cookie + "=") for part in cookies.split(";"))


def _add_vary(headers: MutableHeaders, names: str) -> None:
    present = {v.strip().lower() for v in headers.get("vary", "").split(",") if v.strip()}
    for name in names.split(","):
        if name.strip().lower() not in present:
            headers.add_vary_header(name.strip())


def _tagged(content_type: str) -> bool:
    return content_type.split(";")[0].strip().lower() in TAGGED_TYPES


class CachePolicy:
    def __init__(self, app: ASGIApp, *, session_cookie: str) -> None:
        self.app = app
        self.session_cookie = session_cookie

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "GET":
            await self.app(scope, receive, send)
            return
        private = scope["path"].startswith(PRIVATE_PREFIXES) or _signed_in(scope, self.session_cookie)
        if_none_match = Headers(scope=scope).get("if-none-match")
        start: Message | None = None
        chunks: list[bytes] = []

        async def with_policy(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                self._set_cache_control(headers, message["status"], private)
                content_type = headers.get("content-type", "")
                if content_type.startswith("text/html") or _tagged(content_type):
                    _add_vary(headers, LANGUAGE_VARY)
                if message["status"] == 200 and _tagged(content_type) and "etag" not in headers \
                        and "no-store" not in headers["cache-control"]:
                    start = message  # held back until the whole body is known
                    return
                await send(message)
                return
            if start is None:
                await send(message)
                return
            chunks.append(message.get("body", b""))
            if message.get("more_body", False):
                return
            await self._send_tagged(start, b"".join(chunks), if_none_match, send)

        await self.app(scope, receive, with_policy)

    @staticmethod
    def _set_cache_control(headers: MutableHeaders, status: int, private: bool) -> None:
        if "cache-control" in headers:
            if private and "no-store" not in headers["cache-control"]:
                headers["cache-control"] = "private, no-store"  # a member's answer is never shared
            return
        if private or "set-cookie" in headers:
            headers["cache-control"] = "private, no-store"
        elif status in (200, 203, 204, 301, 404, 410):
            content_type = headers.get("content-type", "")
            seconds = FEED_SECONDS if _tagged(content_type) and "json" not in content_type else PUBLIC_SECONDS
            headers["cache-control"] = f"public, max-age={seconds}"
        else:
            headers["cache-control"] = "no-store"

    @staticmethod
    async def _send_tagged(start: Message, body: bytes, if_none_match: str | None, send: Send) -> None:
        etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
        headers = MutableHeaders(scope=start)
        headers["etag"] = etag
        if if_none_match and (if_none_match.strip() == "*" or etag in {t.strip() for t in if_none_match.split(",")}):
            # 304 keeps the headers a cache needs (ETag, Cache-Control, Vary) and drops those of the body.
            kept = [(k, v) for k, v in start["headers"] if k.lower() not in (b"content-length", b"content-type")]
            await send({"type": "http.response.start", "status": 304, "headers": kept})
            await send({"type": "http.response.body", "body": b"", "more_body": False})
            return
        await send(start)
        await send({"type": "http.response.body", "body": body, "more_body": False})
