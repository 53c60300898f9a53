"""Cross-site request forgery protection for every unsafe request, plain form or htmx.

A random token lives in an HttpOnly cookie and is written into every page (forms carry it as a hidden
field, htmx sends it as the X-CSRF-Token header). An unsafe request must present the same token, and must
not come from another site according to the browser (Sec-Fetch-Site, Origin). The JSON API is exempt: it
takes bearer tokens only, never cookies, so a forged cross-site request carries no credentials there.
"""

import hmac
import secrets

from fastapi import Request

from app.errors import DomainError
from app.i18n import N_

CSRF_COOKIE = "qm_csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
# Paths whose signed token in the URL is the only credential (no cookie is read): a forged request can do
# no more than whoever holds the link. The one-click unsubscribe of alert mails (RFC 8058) is POSTed by the
# mail client itself, which has no CSRF cookie.
TOKEN_AUTHENTICATED = ("/alerts/unsubscribe/",)


class CsrfRejected(DomainError):
    status_code = 403
    code = "csrf"


def csrf_token(request: Request) -> str:
    """This browser's token (made on first use; the response middleware stores it in the cookie)."""
    token = getattr(request.state, "csrf_token", None) or request.cookies.get(CSRF_COOKIE)
    if not token or len(token) > 100:
        token = secrets.token_urlsafe(32)
    request.state.csrf_token = token
    return token


def _same_origin(request: Request) -> bool:
    if request.headers.get("sec-fetch-site") == "cross-site":
        return False
    origin = request.headers.get("origin")
    if origin and origin != "null":
        return origin.rstrip("/") == str(request.base_url).rstrip("/")
    return origin != "null"


async def verify_csrf(request: Request) -> None:
    """An app-wide dependency: refuses forged unsafe requests with 403 before any route code runs."""
    if request.method in SAFE_METHODS or request.url.path.startswith(("/api/", *TOKEN_AUTHENTICATED)):
        return
    expected = request.cookies.get(CSRF_COOKIE)
    sent = request.headers.get(CSRF_HEADER)
    if sent is None and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        form = await request.form()  # cached on the request: the route reads the same form
        value = form.get(CSRF_FIELD)
        sent = value if isinstance(value, str) else None
    if not expected or not sent or not hmac.compare_digest(expected, sent) or not _same_origin(request):
        raise CsrfRejected(N_("this form has expired or did not come from this site; reload the page and try again"))
