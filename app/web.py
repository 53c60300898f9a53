"""Rendering pages: Jinja2 templates, the whole page or one block of it for htmx, in the reader's language."""

from datetime import UTC, date, datetime
from functools import lru_cache
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date as babel_format_date
from babel.numbers import format_currency, format_decimal
from fastapi import Request
from fastapi.responses import HTMLResponse

from jinja2 import Environment, FileSystemLoader, select_autoescape
from jinja2.ext import _make_new_gettext, _make_new_ngettext
from jinja2_fragments import render_block
from sqlalchemy import inspect as sa_inspect

from app.config import PROJECT_ROOT
from app.db import new_session
from app.geography import CN_PROVINCES, COUNTRY_CONTINENT, place_name
from app.i18n import BABEL_LOCALES, LANG_COOKIE, LANGUAGES, N_, error_text, negotiate, translations
from app.markdown import render_markdown
from app.models.labels import label
from app.pagination import toggled, url_with
from app.security.csrf import CSRF_COOKIE, csrf_token
from app.security.form_timing import stamp_field
from app.security.sessions import resolve
from app.stale_links import dropped_filters

BEIJING = ZoneInfo("Asia/Shanghai")
# The `updated` of an empty feed (and a calendar's stamp with no event): a fixed time, not the clock, so that
# the same feed is the same bytes and its ETag holds (app/http_cache.py).
FEED_EPOCH = datetime(2026, 1, 1, tzinfo=UTC)

environment = Environment(
    loader=FileSystemLoader(PROJECT_ROOT / "templates"),
    autoescape=select_autoescape(["html", "xml"], default_for_string=True),
    extensions=["jinja2.ext.i18n"],
    trim_blocks=True,
    lstrip_blocks=True,
)
environment.install_null_translations(newstyle=True)  # real catalogues are passed per request, below
environment.filters["markdown"] = render_markdown
environment.globals["form_stamp_field"] = stamp_field
environment.globals["HTMX_JS"] = "/static/vendor/htmx-2.0.11.min.js"

_GETTEXT = {lang: _make_new_gettext(translations(lang).gettext) for lang in LANGUAGES}
_NGETTEXT = {lang: _make_new_ngettext(translations(lang).ngettext) for lang in LANGUAGES}
_GETTEXT_PLAIN = {lang: translations(lang).gettext for lang in LANGUAGES}
BEIJING_TIME = N_("Beijing time")


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


def safe_next(target: str | None, default: str = "/account") -> str:
    """Where to go after signing in: only a path on this site, never another host (//evil, https:…)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target or "\n" in target:
        return default
    return target


def _stale(user: Any) -> bool:
    """True when the request's session rolled back (a DomainError) and closed: the user row it loaded
    is expired and detached, and reading it would raise instead of rendering the error page."""
    state = sa_inspect(user, raiseerr=False)
    return state is not None and state.detached and bool(state.expired_attributes)


def current_user(request: Request):
    """The signed-in user, for the page header; resolved once per request (again after a rollback)."""
    if not hasattr(request.state, "user") or (request.state.user is not None and _stale(request.state.user)):
        settings = request.app.state.settings
        with new_session(request.app.state.engine, write=False) as session:
            request.state.user = resolve(session, request.cookies.get(settings.session_cookie), settings=settings)
    return request.state.user


def is_htmx(request: Request) -> bool:
    """An htmx request that wants a fragment (not a boosted page load, not a history restore)."""
    return (
        request.headers.get("hx-request") == "true"
        and request.headers.get("hx-history-restore-request") != "true"
        and request.headers.get("hx-boosted") != "true"
    )


@lru_cache(maxsize=4096)
def country_name(code: str | None, language: str) -> str:
    if not code:
        return ""
    return Locale.parse(BABEL_LOCALES[language]).territories.get(code, code)


def salary_range(job: Any, language: str) -> str:
    """A job's pay, '¥30,000 – ¥50,000' in the reader's locale ('' when it gives none): the job page, the
    cards of the board and the feed all say it the same way."""
    if job.salary_min is None or job.salary_max is None or not job.salary_currency:
        return ""
    locale = BABEL_LOCALES[language]

    def money(amount: int) -> str:
        return format_currency(amount, job.salary_currency, format="¤#,##0", currency_digits=False, locale=locale)

    if job.salary_min == job.salary_max:
        return money(job.salary_min)
    return f"{money(job.salary_min)} – {money(job.salary_max)}"


def format_number(value: object, babel_locale: str) -> str:
    """Whole numbers as both our languages write them (1,234); anything else through Babel. A result page
    formats a few dozen counts, and Babel parses its locale data on every call."""
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return format_decimal(value, locale=babel_locale)


@lru_cache(maxsize=4)
def country_choices(language: str) -> tuple[tuple[str, str], ...]:
    """Every country a form accepts, by its name in the reader's language (China first: most members are there)."""
    names = Locale.parse(BABEL_LOCALES[language]).territories
    known = [(code, names.get(code, code)) for code in COUNTRY_CONTINENT if code != "CN"]
    return (("CN", names.get("CN", "CN")), *sorted(known, key=lambda pair: pair[1]))


def province_name(code: str | None, language: str) -> str:
    if not code or code not in CN_PROVINCES:
        return ""
    english, chinese, _ = CN_PROVINCES[code]
    return chinese if language == "zh" else english



# What the error summaries call a form's fields (the keys are the inputs' names). The labels are the forms'
# own msgids, so they are translated already; an unknown name is shown as it is.
FIELD_LABELS = {
    "name": N_("Name (English)"), "name_zh": N_("Name (Chinese)"),
    "title": N_("Title (English)"), "title_zh": N_("Title (Chinese)"),
    "summary": N_("Summary (English)"), "summary_zh": N_("Summary (Chinese)"),
    "description": N_("Description (English)"), "description_zh": N_("Description (Chinese)"),
    "requirements": N_("Requirements (English, Markdown)"), "requirements_zh": N_("Requirements (Chinese, Markdown)"),
    "kind": N_("Kind"), "category": N_("Category"), "tags": N_("Tags"), "trl": N_("Technology readiness level"),
    "datasheet_url": N_("Datasheet"), "website": N_("Website"), "contact_email": N_("Contact e-mail address"),
    "city": N_("City"), "country": N_("Country"), "founded_year": N_("Founded (year)"),
    "domains": N_("Technology domains"), "org_type": N_("Organisation type"), "membership": N_("Membership level"),
    "function": N_("Function"), "employment_type": N_("Employment type"), "workplace": N_("Workplace"),
    "apply_url": N_("Application page (https://…)"), "apply_email": N_("Application e-mail address"),
    "salary_min": N_("From"), "salary_max": N_("To"), "salary_currency": N_("Currency (e.g. CNY)"),
    "email": N_("E-mail address"), "new_email": N_("New e-mail address"), "password": N_("Password"),
    "current_password": N_("Current password"), "new_password": N_("New password"), "display_name": N_("Your name"),
    "subject": N_("Subject"), "message": N_("Message"), "reason": N_("Reason"),
    "mission": N_("Mission (English, Markdown)"), "mission_zh": N_("Mission (Chinese, Markdown)"),
    "chairs": N_("Chairs"), "organization": N_("Organisation"), "url": N_("Link"), "body": N_("Text"),
}

def _context(request: Request, language: str) -> dict[str, Any]:
    babel_locale = BABEL_LOCALES[language]

    def url_with_lang(lang: str) -> str:
        params = dict(request.query_params)
        params["lang"] = lang
        return f"{request.url.path}?{urlencode(params)}"

    def format_date(value: date | datetime | None, style: str = "medium") -> str:
        return babel_format_date(value, format=style, locale=babel_locale) if value else ""

    def format_datetime(value: datetime | None, style: str = "medium") -> str:
        """Date in the locale's `style`, time as HH:mm, in Beijing time (where the alliance and its events are)."""
        if not value:
            return ""
        local = value.astimezone(BEIJING)
        day = babel_format_date(local, format=style, locale=babel_locale)
        return f"{day} {local:%H:%M} ({_GETTEXT_PLAIN[language](BEIJING_TIME)})"

    return {
        "dropped_filters": dropped_filters(request),
        "request": request,
        "language": language,
        "html_lang": "zh-CN" if language == "zh" else "en",
        "gettext": _GETTEXT[language],
        "ngettext": _NGETTEXT[language],
        "tr": lambda record, field: localized(record, field, language),
        "label": lambda value: label(value, language),
        "error_text": lambda value: error_text(value, _GETTEXT_PLAIN[language]),
        "field_label": lambda name: _GETTEXT_PLAIN[language](FIELD_LABELS[name]) if name in FIELD_LABELS else name,
        "format_date": format_date,
        "format_datetime": format_datetime,
        "format_number": lambda value: format_number(value, babel_locale),
        "url_with_lang": url_with_lang,
        "url_with": lambda **changes: url_with(request, **changes),
        "toggled": lambda name, value: toggled(request, name, value),
        "country_name": lambda code: country_name(code, language),
        "place_name": lambda city: place_name(city, language),
        "salary": lambda job: salary_range(job, language),
        "province_name": lambda code: province_name(code, language),
        "country_choices": lambda: country_choices(language),
        "province_codes": sorted(CN_PROVINCES),
        "canonical_url": str(request.url.replace(query=None)),
        "current_user": current_user(request),
        "csrf_token": lambda: csrf_token(request),
        "has_csrf_cookie": CSRF_COOKIE in request.cookies,
        "csp_nonce": getattr(request.state, "csp_nonce", ""),
        "base_url": str(request.base_url).rstrip("/"),
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
    # The reader's language (header or cookie) and htmx's fragment requests change the page.
    response.headers["Vary"] = "Accept-Language, Cookie, HX-Request"
    if full_context["current_user"] is not None:
        response.headers["Cache-Control"] = "private, no-store"  # pages of a signed-in member are nobody else's
    return response
