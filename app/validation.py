"""Input types shared by forms, imports and the API, and turning pydantic errors into field messages."""

import re
from dataclasses import replace
from string import Formatter
from typing import Annotated
from urllib.parse import urlsplit

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints, ValidationError, field_validator

from fastapi import Request

from app.errors import FieldError, Invalid, InvalidValue
from app.geography import is_country
from app.i18n import N_
from app.slugs import MAX_SLUG_LENGTH, SLUG_PATTERN

_EMAIL = re.compile(r"^[^@\s<>()\[\],;:\"]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9-]+)+$")
_NAMED_MESSAGE = re.compile(r"^(?P<field>[a-z_]+): (?P<message>.+)$", re.S)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# NUL cannot be stored in Postgres text, and a lone surrogate (valid in JSON, "\ud800") cannot be encoded
# for any database or mail: both would fail after validation, so every text of every input refuses them.
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
UNSTORABLE = N_("contains a character that cannot be stored (NUL or an unpaired surrogate)")
UNSTORABLE_NUL = N_("contains a character that cannot be stored (NUL)")


def storable(text: str) -> bool:
    """False for text no database can keep (NUL, an unpaired surrogate): for values decoded from input."""
    return not _UNSTORABLE.search(text)


def _storable(value: object) -> None:
    if isinstance(value, str):
        if _UNSTORABLE.search(value):
            raise ValueError(UNSTORABLE)
    elif isinstance(value, list | tuple | set):
        for item in value:
            _storable(item)
    elif isinstance(value, dict):
        for key, item in value.items():
            _storable(key)
            _storable(item)


class InputModel(BaseModel):
    """Unknown fields are an error (a typo must not pass silently); strings are trimmed, except where a
    field's own constraint says otherwise (passwords are taken exactly as typed)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    @field_validator("*", mode="before")
    @classmethod
    def _refuse_unstorable_text(cls, value: object) -> object:
        _storable(value)
        return value


async def refuse_unstorable_input(request: Request) -> None:
    """An app-wide dependency: a query parameter or form field holding NUL is refused (422 naming it) before
    any route runs — routes that take plain form fields need not each remember it. (Invalid UTF-8 in a form
    or query is decoded as U+FFFD; JSON bodies go through InputModel, which refuses lone surrogates.)"""
    for name, value in request.query_params.multi_items():
        if _UNSTORABLE.search(name + value):
            raise Invalid(FieldError(name[:40].replace("\x00", ""), UNSTORABLE_NUL))
    if request.method in ("POST", "PUT", "PATCH") and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        form = await request.form()  # cached on the request: the route reads the same form
        for name, value in form.multi_items():
            if isinstance(value, str) and _UNSTORABLE.search(name + value):
                raise Invalid(FieldError(name[:40].replace("\x00", ""), UNSTORABLE_NUL))


def _no_control_characters(value: str) -> str:
    if _CONTROL.search(value):
        raise ValueError(N_("must not contain control characters"))
    return value


def _https_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme != "https" or not parts.hostname or " " in value:
        raise ValueError(N_("must be an https:// address"))
    return value


def _web_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname or any(c.isspace() for c in value):
        raise ValueError(N_("must be an http:// or https:// address"))
    return value


def _email(value: str) -> str:
    if not _EMAIL.match(value) or len(value) > 254:
        raise ValueError(N_("must be an e-mail address"))
    return value.lower()


def _country(value: str) -> str:
    value = value.upper()
    if not is_country(value):
        raise InvalidValue(N_("'{value}' is not an ISO 3166-1 alpha-2 country code"), value=value)
    return value


Slug = Annotated[str, StringConstraints(pattern=SLUG_PATTERN, max_length=MAX_SLUG_LENGTH, to_lower=True)]
Title = Annotated[str, StringConstraints(min_length=1, max_length=200), AfterValidator(_no_control_characters)]
OptionalTitle = Annotated[str, StringConstraints(max_length=200), AfterValidator(_no_control_characters)]
Summary = Annotated[str, StringConstraints(max_length=300), AfterValidator(_no_control_characters)]
LongText = Annotated[str, StringConstraints(max_length=20_000)]
CityName = Annotated[str, StringConstraints(max_length=100), AfterValidator(_no_control_characters)]
Tag = Annotated[str, StringConstraints(min_length=1, max_length=50), AfterValidator(_no_control_characters)]
Tags = Annotated[list[Tag], Field(max_length=20)]
HttpsUrl = Annotated[str, StringConstraints(max_length=300), AfterValidator(_https_url)]
# An organisation's own website: many real ones still answer on http only. Links and data the site
# sends people to on its behalf (apply pages, datasheets, recordings) stay https.
WebUrl = Annotated[str, StringConstraints(max_length=300), AfterValidator(_web_url)]
Email = Annotated[str, AfterValidator(_email)]
CountryCode = Annotated[str, StringConstraints(min_length=2, max_length=2), AfterValidator(_country)]


# Pydantic's error types, said our way: an N_ template whose {placeholders} are filled from the error's ctx.
_REQUIRED = N_("is required")
_DATE = N_("must be a date (YYYY-MM-DD)")
_DATETIME = N_("must be a date and time (YYYY-MM-DD HH:MM)")
_PYDANTIC_TEMPLATES = {
    "missing": _REQUIRED,
    "string_too_short": N_("must be at least {min_length} characters long"),
    "string_too_long": N_("must be at most {max_length} characters long"),
    "string_pattern_mismatch": N_("is not in the expected form"),
    "string_type": N_("must be text"),
    "too_short": N_("must have at least {min_length} items"),
    "too_long": N_("must have at most {max_length} items"),
    "list_type": N_("must be a list"),
    "int_parsing": N_("must be a whole number"),
    "int_type": N_("must be a whole number"),
    "int_from_float": N_("must be a whole number"),
    "float_parsing": N_("must be a number"),
    "float_type": N_("must be a number"),
    "decimal_parsing": N_("must be a number"),
    "greater_than": N_("must be greater than {gt}"),
    "greater_than_equal": N_("must be at least {ge}"),
    "less_than": N_("must be less than {lt}"),
    "less_than_equal": N_("must be at most {le}"),
    "enum": N_("must be one of: {expected}"),
    "literal_error": N_("must be one of: {expected}"),
    "bool_parsing": N_("must be true or false"),
    "bool_type": N_("must be true or false"),
    "date_parsing": _DATE,
    "date_type": _DATE,
    "date_from_datetime_parsing": _DATE,
    "date_from_datetime_inexact": _DATE,
    "datetime_parsing": _DATETIME,
    "datetime_type": _DATETIME,
    "datetime_from_date_parsing": _DATETIME,
    "timezone_aware": N_("must give a time zone"),
    "url_parsing": N_("must be a web address"),
    "url_type": N_("must be a web address"),
    "url_scheme": N_("must be a web address"),
    "url_syntax_violation": N_("must be a web address"),
    "url_too_long": N_("must be a web address"),
    "json_invalid": N_("must be valid JSON"),
    "json_type": N_("must be valid JSON"),
    "dict_type": N_("must be an object"),
    "model_type": N_("must be an object"),
    "model_attributes_type": N_("must be an object"),
    "extra_forbidden": N_("is not a known field"),
}


def pydantic_error(error: dict, location: str) -> FieldError:
    """One pydantic error (from a ValidationError or FastAPI's RequestValidationError) as a FieldError with
    a msgid and params, so that pages can say it in the reader's language. A rule across fields names the
    field it blames (`field: message`, or InvalidValue.field): that field replaces an empty location."""
    kind, ctx = error.get("type", ""), error.get("ctx") or {}
    template = _PYDANTIC_TEMPLATES.get(kind)
    if kind == "string_too_short" and ctx.get("min_length") == 1:
        template = _REQUIRED
    if template:
        names = [name for _, name, _, _ in Formatter().parse(template) if name]
        return FieldError.of(location, template, **{name: ctx.get(name, "") for name in names})
    cause = ctx.get("error")
    if isinstance(cause, InvalidValue):
        return cause.field_error(location or cause.field or "")
    message = str(error.get("msg", "is invalid")).removeprefix("Value error, ").removeprefix("Assertion failed, ")
    named = _NAMED_MESSAGE.match(message)
    if named and not location:
        return FieldError(named["field"], named["message"])
    return FieldError(location, message)


def field_errors(exc: ValidationError, *, prefix: str = "") -> list[FieldError]:
    """One FieldError per problem, named by its dotted location (`listings[3].category`)."""
    errors = []
    for error in exc.errors():
        location = ""
        for part in error["loc"]:
            location += f"[{part}]" if isinstance(part, int) else (f".{part}" if location else str(part))
        found = pydantic_error(error, location)
        field = found.field
        if prefix:
            field = prefix + (field if not field or field.startswith("[") else f".{field}")
        errors.append(replace(found, field=field or "input"))
    return errors


MAX_REASON = 2000


def required_reason(reason: str, *, why: str = N_("give a reason: it is kept in the audit log"),
                    limit: int = MAX_REASON) -> str:
    """A decision's reason (staff, a group's chairs): required (`why` says who reads it), at most `limit` characters."""
    reason = reason.strip()
    if not reason:
        raise Invalid.field("reason", why)
    if len(reason) > limit:
        raise Invalid.field("reason", N_("at most {max_length} characters"), max_length=limit)
    return reason
