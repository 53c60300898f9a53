"""Security headers on every response, and a per-response nonce for the page's script tags."""

import secrets

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.security.csrf import CSRF_COOKIE

HSTS = "max-age=31536000; includeSubDomains"


def content_security_policy(nonce: str) -> str:
    # No 'unsafe-inline' or 'unsafe-eval' anywhere: htmx runs with allowEval=false and its indicator
    # styles come from our stylesheet.
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src 'self' 'nonce-{nonce}'",
            "style-src 'self'",
            "img-src 'self' data:",
            "font-src 'self'",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "frame-ancestors 'none'",
            "form-action 'self'",
        ]
    )


def security_headers(nonce: str, *, secure: bool) -> dict[bytes, bytes]:
    """The headers every response carries (the middleware adds them; so does the last-resort 500 handler,
    which Starlette runs outside every middleware)."""
    headers = {
        b"content-security-policy": content_security_policy(nonce).encode(),
        b"x-content-type-options": b"nosniff",
        b"referrer-policy": b"strict-origin-when-cross-origin",
        b"x-frame-options": b"DENY",
        b"permissions-policy": b"camera=(), microphone=(), geolocation=()",
        b"cross-origin-opener-policy": b"same-origin",
    }
    if secure:
        headers[b"strict-transport-security"] = HSTS.encode()
    return headers


class SecurityHeaders:
    """Pure ASGI middleware: sets the nonce before the app runs, adds the headers to whatever it answers."""

    def __init__(self, app: ASGIApp, *, https_only: bool) -> None:
        self.app = app
        self.https_only = https_only

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        nonce = secrets.token_urlsafe(16)
        scope.setdefault("state", {})["csp_nonce"] = nonce
        secure = self.https_only or scope.get("scheme") == "https"

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != b"server"]
                names = {k.lower() for k, _ in headers}
                extra = security_headers(nonce, secure=secure)
                headers += [(k, v) for k, v in extra.items() if k not in names]
                state = scope.get("state", {})
                token = state.get("csrf_token")
                if token and token != _cookie(scope, CSRF_COOKIE):
                    flags = "; Secure" if secure else ""
                    cookie = f"{CSRF_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax{flags}"
                    headers.append((b"set-cookie", cookie.encode()))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _cookie(scope: Scope, name: str) -> str | None:
    for key, value in scope.get("headers", []):
        if key == b"cookie":
            for part in value.decode("latin-1").split(";"):
                cookie_name, _, cookie_value = part.strip().partition("=")
                if cookie_name == name:
                    return cookie_value
    return None
