"""Remembering a language chosen with ?lang= in a cookie, on the way out of every answer.

A plain ASGI middleware: Starlette's BaseHTTPMiddleware (`@app.middleware("http")`) runs each request in a
task group with a streamed copy of the answer, about a millisecond a request for one header.
"""

from http.cookies import SimpleCookie
from urllib.parse import parse_qs

from starlette.datastructures import MutableHeaders
from starlette.requests import cookie_parser
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.i18n import LANG_COOKIE, parse_language

ONE_YEAR = 365 * 24 * 3600


class RememberLanguage:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or b"lang=" not in scope.get("query_string", b""):
            await self.app(scope, receive, send)
            return
        values = parse_qs(scope["query_string"].decode("latin-1")).get("lang", [])
        chosen = parse_language(values[0]) if values else None
        if not chosen or _cookie(scope) == chosen:
            await self.app(scope, receive, send)
            return

        async def send_with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start":
                cookie = SimpleCookie()
                cookie[LANG_COOKIE] = chosen
                morsel = cookie[LANG_COOKIE]
                morsel.update({"max-age": str(ONE_YEAR), "path": "/", "samesite": "lax", "httponly": True})
                MutableHeaders(scope=message).append("set-cookie", morsel.OutputString())
            await send(message)

        await self.app(scope, receive, send_with_cookie)


def _cookie(scope: Scope) -> str | None:
    for name, value in scope.get("headers", ()):
        if name == b"cookie":
            return cookie_parser(value.decode("latin-1")).get(LANG_COOKIE)
    return None
