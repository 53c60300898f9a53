"""Password rules (ASVS 6.2): long enough, not a well-known one, any characters, no silent truncation."""

from functools import cache
from pathlib import Path

MIN_LENGTH = 10
MAX_LENGTH = 256
COMMON_PASSWORDS = Path(__file__).resolve().parent / "common_passwords.txt"


@cache
def _common() -> frozenset[str]:
    with COMMON_PASSWORDS.open(encoding="utf-8") as handle:
        return frozenset(line.strip().lower() for line in handle if line.strip() and not line.startswith("#"))


def problems(password: str, *, email: str = "") -> str | None:
    """Why a password is refused, or None. Checked as typed: no trimming, no case folding."""
    if len(password) < MIN_LENGTH:
        return f"must be at least {MIN_LENGTH} characters long"
    if len(password) > MAX_LENGTH:
        return f"must be at most {MAX_LENGTH} characters long"
    if password.lower() in _common():
        return "is one of the most common passwords; choose another"
    local_part = email.split("@")[0].lower()
    if local_part and len(local_part) >= 4 and password.lower() == local_part:
        return "must not be your e-mail name"
    return None
