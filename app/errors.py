"""Domain errors raised by services and rules: plain exception types, no web layer (app/error_pages.py turns
them into HTML, htmx or JSON answers)."""

from dataclasses import dataclass, field as dataclass_field
from typing import Any


@dataclass(frozen=True)
class FieldError:
    """One problem with one field. `message` is the complete English text (the API, the CLI and logs read
    it); `msgid` and `params`, when set, let a page say the same in the reader's language
    (app.i18n.error_text): the message is `msgid` (an N_-marked template) formatted with `params`."""

    field: str
    message: str
    msgid: str | None = dataclass_field(default=None, compare=False)
    params: dict[str, Any] = dataclass_field(default_factory=dict, compare=False, hash=False)

    @classmethod
    def of(cls, field: str, template: str, **params: Any) -> "FieldError":
        """`template` is an N_-marked msgid with named {placeholders}; the English message is filled in now."""
        return cls(field, template.format(**params), msgid=template, params=params)


class InvalidValue(ValueError):
    """A validator's complaint that pages can say in the reader's language: an N_-marked template with named
    {placeholders} and their values, and the field it blames when a rule across fields raises it. str() is
    the English text, `field: message` when it names a field (as pydantic and the CLI expect)."""

    def __init__(self, template: str, /, *, field: str | None = None, **params: Any) -> None:
        self.msgid, self.params, self.field = template, params, field
        text = template.format(**params)
        super().__init__(f"{field}: {text}" if field else text)

    def field_error(self, field: str | None = None) -> "FieldError":
        return FieldError.of(self.field or "input" if field is None else field, self.msgid, **self.params)


class DomainError(Exception):
    """`message` is English (the API, the CLI, logs). With params, the given message is an N_-marked template
    with named {placeholders}: `msgid` keeps it and `params` its values, so pages can translate it."""

    status_code = 400
    code = "error"

    def __init__(self, message: str = "", /, **params: Any) -> None:
        self.msgid = message if params else None
        self.params = params
        text = message.format(**params) if params else message
        super().__init__(text or self.code)
        self.message = text or self.code


class NotFound(DomainError):
    status_code = 404
    code = "not_found"


class Forbidden(DomainError):
    status_code = 403
    code = "forbidden"


class Conflict(DomainError):
    status_code = 409
    code = "conflict"


class Invalid(DomainError):
    """Bad input: carries one message per offending field."""

    status_code = 422
    code = "invalid"

    def __init__(self, errors: list[FieldError] | FieldError, message: str = "") -> None:
        self.errors = [errors] if isinstance(errors, FieldError) else list(errors)
        super().__init__(message or summary(self.errors))

    @classmethod
    def field(cls, field: str, message: str, **params: Any) -> "Invalid":
        """With params, `message` is a template (FieldError.of); without, the message itself is the msgid."""
        return cls(FieldError.of(field, message, **params) if params else FieldError(field, message))


def summary(errors: list[FieldError]) -> str:
    """All field errors in one English line (the message of an Invalid raised without one)."""
    return "; ".join(f"{e.field}: {e.message}" for e in errors)


def error_body(code: str, message: str, errors: list[FieldError] | tuple = ()) -> dict:
    """The one shape of every JSON error: {"error", "message", "errors": [{"field", "message"}]}."""
    return {"error": code, "message": message, "errors": [{"field": e.field, "message": e.message} for e in errors]}


def by_field(errors: list[FieldError]) -> dict[str, FieldError]:
    """A form's errors by the name of the input they belong to (`tags[3]` and `links.url` are shown at `tags`
    and `links`); the FieldErrors themselves are kept, so that pages can say them in the reader's language."""
    return {e.field.split(".")[0].split("[")[0]: e for e in errors}


class SignInRequired(Exception):
    """The page needs a signed-in user: answered with a redirect to the sign-in page (or HX-Redirect)."""
