"""Password rules (ASVS 6.2): long enough, not a well-known one, any characters, no silent truncation."""

from functools import cache
from pathlib import Path

from app.errors import InvalidValue
from app.i18n import N_

MIN_LENGTH = 10
MAX_LENGTH = 256
COMMON_PASSWORDS = Path(__file__).resolve().parent / "common_passwords.txt"


@cache
def _common() -> frozenset[str]:
    with COMMON_PASSWORDS.open(encoding="utf-8") as handle:
        return frozenset(line.strip().lower() for line in handle if line.strip() and not line.startswith("#"))


def problems(password: str, *, email: str = "", field: str = "password") -> InvalidValue | None:
    """Why a password is refused (blaming `field`; raise it from a validator), or None. Checked as typed:
    no trimming, no case folding."""
    if len(password) < MIN_LENGTH:
        return InvalidValue(N_("must be at least {min_length} characters long"), field=field, min_length=MIN_LENGTH)
    if len(password) > MAX_LENGTH:
        return InvalidValue(N_("must be at most {max_length} characters long"), field=field, max_length=MAX_LENGTH)
    if password.lower() in _common():
        return InvalidValue(N_("is one of the most common passwords; choose another"), field=field)
    local_part = email.split("@")[0].lower()
    if local_part and len(local_part) >= 4 and password.lower() == local_part:
        return InvalidValue(N_("must not be your e-mail name"), field=field)
    return None
