"""Interface languages: Chinese (zh_CN) and English. Chosen by ?lang=, then a cookie, then Accept-Language.

UI strings are gettext messages (English msgids; catalogues under app/locale). `make` compiles them; a
checkout that was never built still works because a missing .mo is compiled from its .po in memory.
"""

from collections.abc import Callable
from functools import cache
from io import BytesIO
from pathlib import Path
from typing import Any

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
LANGUAGES = ("zh", "en")
DEFAULT_LANGUAGE = "zh"
BABEL_LOCALES = {"zh": "zh_CN", "en": "en"}
LANG_COOKIE = "lang"


@cache
def translations(language: str) -> NullTranslations:
    if language == "en":
        return NullTranslations()  # msgids are English
    babel_locale = BABEL_LOCALES[language]
    folder = LOCALE_DIR / babel_locale / "LC_MESSAGES"
    mo, po = folder / "messages.mo", folder / "messages.po"
    if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
        with mo.open("rb") as handle:
            return Translations(handle, domain="messages")
    with po.open("rb") as handle:
        catalog = read_po(handle, locale=babel_locale)
    buffer = BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(buffer, domain="messages")


def N_(message: str) -> str:  # noqa: N802  (the conventional name of gettext_noop)
    """Marks a message for extraction where it is defined; it is translated where it is shown."""
    return message


def gettext(language: str, message: str) -> str:
    return translations(language).gettext(message)


def error_text(value: Any, gettext: Callable[[str], str]) -> str:
    """An error message in the reader's language. `value` is a FieldError or a DomainError (with `msgid` and
    `params` when its English message was filled in from a template; without, its message is the msgid) or
    a plain string. A text the catalogue does not know comes back unchanged (English)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return gettext(value) if value else value
    msgid, params = getattr(value, "msgid", None), getattr(value, "params", None) or {}
    if msgid:
        try:
            return gettext(msgid).format(**params)
        except (KeyError, IndexError, ValueError):  # a translation with a broken placeholder: say it in English
            return value.message
    message = getattr(value, "message", None)
    return gettext(message) if message else str(value)


def parse_language(value: str | None) -> str | None:
    """'zh', 'zh-CN', 'zh_Hans', 'en-GB' … → 'zh' or 'en'; anything else → None."""
    if not value:
        return None
    primary = value.strip().lower().replace("_", "-").split("-")[0]
    return primary if primary in LANGUAGES else None


def negotiate(*, query: str | None, cookie: str | None, accept_language: str | None) -> str:
    for candidate in (query, cookie):
        language = parse_language(candidate)
        if language:
            return language
    return _from_accept_language(accept_language or "") or DEFAULT_LANGUAGE


def _from_accept_language(header: str) -> str | None:
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate(header.split(",")[:20]):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                continue
        language = parse_language(tag)
        if language and quality > 0:
            ranked.append((-quality, position, language))
    return min(ranked)[2] if ranked else None
