"""Input types shared by forms, imports and the API, and turning pydantic errors into field messages."""

import re
from typing import Annotated
from urllib.parse import urlsplit

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints, ValidationError, field_validator

from fastapi import Request

from app.errors import FieldError, Invalid
from app.organizations.geography import is_country
from app.slugs import MAX_SLUG_LENGTH, SLUG_PATTERN

_EMAIL = re.compile(r"^[^@\s<>()\[\],;:\"]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9-]+)+$")
_NAMED_MESSAGE = re.compile(r"^(?P<field>[a-z_]+): (?P<message>.+)$", re.S)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# NUL cannot be stored in Postgres text, and a lone surrogate (valid in JSON, "\ud800") cannot be encoded
# for any database or mail: both would fail after validation, so every text of every input refuses them.
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def _storable(value: object) -> None:
    if isinstance(value, str):
        if _UNSTORABLE.search(value):
            raise ValueError("contains a character that cannot be stored (NUL or an unpaired surrogate)")
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
            raise Invalid(FieldError(name[:40].replace("\x00", ""), "contains a character that cannot be stored (NUL)"))
    if request.method in ("POST", "PUT", "PATCH") and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        form = await request.form()  # cached on the request: the route reads the same form
        for name, value in form.multi_items():
            if isinstance(value, str) and _UNSTORABLE.search(name + value):
                raise Invalid(FieldError(name[:40].replace("\x00", ""),
                                         "contains a character that cannot be stored (NUL)"))


def _no_control_characters(value: str) -> str:
    if _CONTROL.search(value):
        raise ValueError("must not contain control characters")
    return value


def _https_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme != "https" or not parts.hostname or " " in value:
        raise ValueError("must be an https:// address")
    return value


def _email(value: str) -> str:
    if not _EMAIL.match(value) or len(value) > 254:
        raise ValueError("must be an e-mail address")
    return value.lower()


def _country(value: str) -> str:
    value = value.upper()
    if not is_country(value):
        raise ValueError(f"'{value}' is not an ISO 3166-1 alpha-2 country code")
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
Email = Annotated[str, AfterValidator(_email)]
CountryCode = Annotated[str, StringConstraints(min_length=2, max_length=2), AfterValidator(_country)]


def field_errors(exc: ValidationError, *, prefix: str = "") -> list[FieldError]:
    """One FieldError per problem, named by its dotted location (`listings[3].category`)."""
    errors = []
    for error in exc.errors():
        location = prefix
        for part in error["loc"]:
            location += f"[{part}]" if isinstance(part, int) else (f".{part}" if location else str(part))
        message = error["msg"].removeprefix("Value error, ")
        if error["type"] == "extra_forbidden":
            message = "is not a known field"
        named = _NAMED_MESSAGE.match(message)
        if named and location == prefix:  # a rule across fields names the field it blames
            location = f"{prefix}.{named['field']}" if prefix else named["field"]
            message = named["message"]
        errors.append(FieldError(location or "input", message))
    return errors
