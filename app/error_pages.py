"""Turning errors into answers: JSON for the API, the error page or its htmx alert block for pages, the
sign-in redirect, validation errors, and the last-resort 500 with the request's incident id."""

import logging
import uuid
from urllib.parse import urlencode

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from app.errors import DomainError, FieldError, Invalid, NotFound, SignInRequired, error_body, summary
from app.request_context import printable
from app.security.headers import security_headers
from app.stale_links import note_refused
from app.validation import pydantic_error
from app.web import render

log = logging.getLogger("qmarket.errors")


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def _answer(request: Request, status: int, code: str, message: str, errors: list[FieldError],
            source: DomainError | None = None) -> Response:
    """JSON for the API (English messages); otherwise the error page, where the message (`source` when the
    answer is for a DomainError, so that its params survive) and the field errors are said in the reader's
    language by the template (error_text)."""
    if _wants_json(request):
        return JSONResponse(error_body(code, message, errors), status_code=status)
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
        message = f"Something went wrong on our side (incident {incident})."
        return JSONResponse(error_body("server_error", message), status_code=500)
    body = ("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>500</title></head><body>"
            "<h1>Something went wrong · 出错了</h1>"
            f"<p>Something went wrong on our side (incident {incident}). Please try again later.</p>"
            f"<p>我们这边出现了问题（事件编号 {incident}），请稍后再试。</p></body></html>")
    return HTMLResponse(body, status_code=500, headers={"Cache-Control": "no-store",
                                                        "X-Content-Type-Options": "nosniff"})


def _add_security_headers(request: Request, response: Response) -> None:
    """The 500 handler runs outside the middleware that adds these, so it adds them itself (same nonce the
    page was rendered with, when the middleware had set one)."""
    nonce = getattr(request.state, "csp_nonce", None) or uuid.uuid4().hex
    secure = request.url.scheme == "https" or bool(getattr(request.app.state, "settings", None)
                                                    and request.app.state.settings.https)
    for name, value in security_headers(nonce, secure=secure).items():
        response.headers.setdefault(name.decode(), value.decode())


def _validation_errors(exc: RequestValidationError) -> list[FieldError]:
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
        note_refused(request, [tuple(error.get("loc", ())) for error in exc.errors()])  # app/stale_links.py asks again
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
