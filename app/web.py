"""Rendering pages: Jinja2 templates, the whole page or one block of it for htmx, in the reader's language."""

from datetime import date, datetime
from typing import Any
from urllib.parse import urlencode

from babel.dates import format_date as babel_format_date
from babel.numbers import format_decimal
from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape
from jinja2.ext import _make_new_gettext, _make_new_ngettext
from jinja2_fragments import render_block

from app.config import PROJECT_ROOT
from app.i18n import BABEL_LOCALES, LANG_COOKIE, LANGUAGES, negotiate, translations
from app.models.labels import label

environment = Environment(
    loader=FileSystemLoader(PROJECT_ROOT / "templates"),
    autoescape=select_autoescape(["html", "xml"], default_for_string=True),
    extensions=["jinja2.ext.i18n"],
    trim_blocks=True,
    lstrip_blocks=True,
)
environment.install_null_translations(newstyle=True)  # real catalogues are passed per request, below

_GETTEXT = {lang: _make_new_gettext(translations(lang).gettext) for lang in LANGUAGES}
_NGETTEXT = {lang: _make_new_ngettext(translations(lang).ngettext) for lang in LANGUAGES}


def request_language(request: Request) -> str:
    language = getattr(request.state, "language", None)
    if language is None:
        language = negotiate(
            query=request.query_params.get("lang"),
            cookie=request.cookies.get(LANG_COOKIE),
            accept_language=request.headers.get("accept-language"),
        )
        request.state.language = language
    return language


def localized(record: Any, field: str, language: str) -> str:
    """A bilingual field in the reader's language, falling back to the other one."""
    english = getattr(record, field, None) or ""
    chinese = getattr(record, f"{field}_zh", None) or ""
    return (chinese or english) if language == "zh" else (english or chinese)


def is_htmx(request: Request) -> bool:
    return request.headers.get("hx-request") == "true" and request.headers.get("hx-history-restore-request") != "true"


def _context(request: Request, language: str) -> dict[str, Any]:
    babel_locale = BABEL_LOCALES[language]

    def url_with_lang(lang: str) -> str:
        params = dict(request.query_params)
        params["lang"] = lang
        return f"{request.url.path}?{urlencode(params)}"

    def format_date(value: date | datetime | None, style: str = "medium") -> str:
        return babel_format_date(value, format=style, locale=babel_locale) if value else ""

    return {
        "request": request,
        "language": language,
        "html_lang": "zh-CN" if language == "zh" else "en",
        "gettext": _GETTEXT[language],
        "ngettext": _NGETTEXT[language],
        "tr": lambda record, field: localized(record, field, language),
        "label": lambda value: label(value, language),
        "format_date": format_date,
        "format_number": lambda value: format_decimal(value, locale=babel_locale),
        "url_with_lang": url_with_lang,
    }


def render(
    request: Request,
    template: str,
    context: dict[str, Any] | None = None,
    *,
    block: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    """The whole page, or only `block` when htmx asks (and is not restoring history)."""
    language = request_language(request)
    full_context = _context(request, language) | (context or {})
    if block and is_htmx(request):
        html = render_block(environment, template, block, full_context)
    else:
        html = environment.get_template(template).render(full_context)
    response = HTMLResponse(html, status_code=status_code)
    response.headers.append("Vary", "HX-Request")
    return response
