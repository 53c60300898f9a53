"""Small helpers for route tests."""

from app.security.csrf import CSRF_COOKIE


def csrf_headers(client) -> dict[str, str]:
    """The header an htmx request sends: this browser's CSRF token (a page visit sets the cookie)."""
    if CSRF_COOKIE not in client.cookies:
        client.get("/account/login")
    return {"X-CSRF-Token": client.cookies[CSRF_COOKIE]}
