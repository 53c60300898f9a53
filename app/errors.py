"""Domain errors raised by services, and the handlers that turn them into HTML, htmx or JSON answers."""

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


def by_field(errors: list[FieldError]) -> dict[str, FieldError]:
    """A form's errors by the name of the input they belong to (`tags[3]` and `links.url` are shown at `tags`
    and `links`); the FieldErrors themselves are kept, so that pages can say them in the reader's language."""
    return {e.field.split(".")[0].split("[")[0]: e for e in errors}


# ---- turning errors into answers -------------------------------------------------------------------

import logging  # noqa: E402
import uuid  # noqa: E402

from fastapi import FastAPI, Request  # noqa: E402
from fastapi.exceptions import RequestValidationError  # noqa: E402
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response  # noqa: E402
from urllib.parse import urlencode  # noqa: E402
from starlette.exceptions import HTTPException as StarletteHTTPException  # noqa: E402

log = logging.getLogger("qmarket.errors")


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def _answer(request: Request, status: int, code: str, message: str, errors: list[FieldError],
            source: DomainError | None = None) -> Response:
    """JSON for the API (English messages); otherwise the error page, where the message (`source` when the
    answer is for a DomainError, so that its params survive) and the field errors are said in the reader's
    language by the template (error_text)."""
    if _wants_json(request):
        body = {"error": code, "message": message, "errors": [{"field": e.field, "message": e.message} for e in errors]}
        return JSONResponse(body, status_code=status)
    from app.web import render  # the page layer depends on errors, not the other way round

    shown: DomainError | str = message
    if errors and message == summary(errors):
        shown = ""  # only the English summary of the list below, which the page says in the reader's language
    elif source is not None:
        # A DomainError raised without a message carries only its code: the page's own text says it better.
        shown = "" if source.message == source.code else source
    context = {"status": status, "code": code, "message": shown, "errors": errors}
    return render(request, "error.html", context, block="alert", status_code=status)


def _bare_error(request: Request, incident: str) -> Response:
    """The 500 answer when even the error page cannot be rendered (the database is down): no template, no
    database, nothing about the cause; only the correlation id, in both languages."""
    if _wants_json(request):
        return JSONResponse({"error": "server_error", "message": f"Something went wrong on our side (incident "
                                                                  f"{incident}).", "errors": []}, status_code=500)
    body = ("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>500</title></head><body>"
            "<h1>Something went wrong · 出错了</h1>"
            f"<p>Something went wrong on our side (incident {incident}). Please try again later.</p>"
            f"<p>我们这边出现了问题（事件编号 {incident}），请稍后再试。</p></body></html>")
    return HTMLResponse(body, status_code=500, headers={"Cache-Control": "no-store",
                                                        "X-Content-Type-Options": "nosniff"})


def _add_security_headers(request: Request, response: Response) -> None:
    """The 500 handler runs outside the middleware that adds these, so it adds them itself (same nonce the
    page was rendered with, when the middleware had set one)."""
    from app.security.headers import security_headers

    nonce = getattr(request.state, "csp_nonce", None) or uuid.uuid4().hex
    secure = request.url.scheme == "https" or bool(getattr(request.app.state, "settings", None)
                                                    and request.app.state.settings.https)
    for name, value in security_headers(nonce, secure=secure).items():
        response.headers.setdefault(name.decode(), value.decode())


def _validation_errors(exc: RequestValidationError) -> list[FieldError]:
    from app.validation import pydantic_error  # validation builds on these errors

    errors = []
    for error in exc.errors():
        location = [str(part) for part in error.get("loc", ()) if part not in ("query", "body", "path", "header")]
        errors.append(pydantic_error(error, ".".join(location) or "input"))
    return errors


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(DomainError)
    async def _domain(request: Request, exc: DomainError) -> Response:
        errors = exc.errors if isinstance(exc, Invalid) else []
        response = _answer(request, exc.status_code, exc.code, exc.message, errors, source=exc)
        retry_after = getattr(exc, "retry_after", None)
        if retry_after:
            response.headers["Retry-After"] = str(retry_after)
        return response

    from app.deps import SignInRequired  # noqa: E402  (deps imports the session layer, which imports errors)

    @app.exception_handler(SignInRequired)
    async def _sign_in(request: Request, exc: SignInRequired) -> Response:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        location = f"/account/login?{urlencode({'next': target})}"
        if request.headers.get("hx-request") == "true":
            return Response(status_code=204, headers={"HX-Redirect": location})
        return RedirectResponse(location, status_code=303)

    @app.exception_handler(RequestValidationError)
    async def _request_validation(request: Request, exc: RequestValidationError) -> Response:
        errors = _validation_errors(exc)
        return _answer(request, 422, Invalid.code, summary(errors), errors)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        code = {404: NotFound.code, 405: "method_not_allowed"}.get(exc.status_code, "error")
        # Starlette's own texts ("Not Found") are not shown on pages; the page headline says it in the reader's language.
        detail = str(exc.detail) if _wants_json(request) or exc.status_code not in (404, 405) else ""
        response = _answer(request, exc.status_code, code, detail, [])
        for name, value in (exc.headers or {}).items():
            response.headers[name] = value
        return response

    from app.request_context import printable  # noqa: E402

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> Response:
        # The correlation id is the request's id (app/request_context.py): the same in the log line, the
        # page, the X-Request-ID header and any audit row. This handler runs outside the middleware that
        # adds the header, so it sets it here.
        incident = getattr(request.state, "request_id", None) or uuid.uuid4().hex
        log.exception("unhandled error %s on %s %s", incident, request.method, printable(request.url.path))
        message = f"Something went wrong on our side (incident {incident})."
        try:
            response = _answer(request, 500, "server_error", message, [])
        except Exception:  # noqa: BLE001  (the page itself needs the database, which may be what failed)
            log.exception("error page for incident %s could not be rendered; answering the bare one", incident)
            response = _bare_error(request, incident)
        response.headers["X-Request-ID"] = incident
        _add_security_headers(request, response)
        return response
