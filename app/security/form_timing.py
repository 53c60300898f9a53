"""The fast-form rule (RELIABILITY 64): a form carries the time it was rendered, signed with the secret key.

A person needs a few seconds to read a form and type into it; a script posts at once, or posts without
ever loading the form. So a submission made less than MIN_SECONDS after its form was rendered, or whose
stamp is missing, forged or from the future, is flagged. A flag never refuses anything by itself: the
caller decides (an inquiry is held for staff, an application shows the flag in the staff queue).

The stamp is "<unix seconds>.<HMAC-SHA256 of them, hex>", keyed with settings.secret_key and a purpose
string, so a stamp cannot be replayed as any other signed value. Templates write it with
{{ form_stamp_field() }} (or the route passes `form_stamp` into the context).
"""

import hashlib
import hmac
import time

from jinja2 import pass_context
from markupsafe import Markup, escape


FIELD = "form_started"
MIN_SECONDS = 3
MAX_AGE_SECONDS = 7 * 24 * 3600  # a form left open for a week is stale; treated like a missing stamp
PURPOSE = b"qmarket form render time\x00"

# The flags a submission may get (stable codes; pages and tests use them).
MISSING, FORGED, TOO_FAST = "form_stamp_missing", "form_stamp_forged", "form_too_fast"


def _mac(secret: str, seconds: str) -> str:
    return hmac.new(secret.encode(), PURPOSE + seconds.encode(), hashlib.sha256).hexdigest()


def stamp(secret: str, *, at: float | None = None) -> str:
    """The signed render time to put in a form (`at` defaults to now)."""
    seconds = str(int(time.time() if at is None else at))
    return f"{seconds}.{_mac(secret, seconds)}"


def check(secret: str, value: str | None, *, now: float | None = None) -> str | None:
    """None when the form was rendered at least MIN_SECONDS ago by this site; otherwise the flag."""
    now = time.time() if now is None else now
    if not value:
        return MISSING
    seconds, _, mac = value.strip()[:200].partition(".")
    if not seconds.isdigit() or len(seconds) > 12 or not hmac.compare_digest(_mac(secret, seconds), mac):
        return FORGED
    elapsed = now - int(seconds)
    if elapsed < -60 or elapsed > MAX_AGE_SECONDS:  # from the future (beyond clock skew), or stale
        return FORGED
    if elapsed < MIN_SECONDS:
        return TOO_FAST
    return None


@pass_context
def stamp_field(context) -> Markup:
    """{{ form_stamp_field() }} in a template (app/web.py registers it)."""
    request = context["request"]
    value = stamp(request.app.state.settings.secret_key)
    return Markup(f'<input type="hidden" name="{FIELD}" value="{escape(value)}">')

