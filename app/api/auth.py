"""How the JSON API knows who is calling: `Authorization: Bearer <token>`, and nothing else.

- Session cookies are never read here, so a forged cross-site request (which carries only cookies) has no
  credentials at all: it is 401, whatever its Origin or Sec-Fetch-Site say.
- A token in the URL (`?token=`, `?access_token=`, `?api_key=` …) is refused even when it is valid: URLs end
  up in logs, histories and Referer headers.
- A member token acts for one organisation only; the organisation comes from the token, and the slug in the
  path must be that one. Any other slug, and any record id of another organisation, is 404.
- Request bodies are read by the route only after the caller is known, so outsiders learn nothing from
  validation errors; JSON with a duplicated key is refused (it would mean different things to different
  parsers). Bodies are JSON only: any other Content-Type (a form post, a missing one) is 415.
"""

import json
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.responses import JSONResponse, Response
from fastapi.routing import APIRoute

from app.accounts.tokens import TokenAuth, resolve
from app.deps import SessionDep
from app.errors import DomainError, FieldError, Invalid, NotFound, error_body
from app.models import Organization

# Query parameters that are, by common convention, credentials. Refused whatever their value.
URL_CREDENTIALS = ("token", "access_token", "api_key", "apikey", "api_token", "key", "bearer", "auth")
MAX_BODY = 4 * 1024 * 1024  # generous for one record (a too-long text is a field error, not a cut-off)
MAX_IMPORT_BODY = 64 * 1024 * 1024
REALM = 'Bearer realm="qmarket"'


class Unauthorized(DomainError):
    status_code = 401
    code = "unauthorized"

    def __init__(self, message: str, *, invalid_token: bool = False) -> None:
        super().__init__(message)
        self.challenge = REALM + (', error="invalid_token"' if invalid_token else "")


class TokenInUrl(Invalid):
    """A credential in the query string: refused before anything else is looked at."""

    status_code = 400
    code = "token_in_url"


class BodyTooLarge(DomainError):
    status_code = 413
    code = "too_large"


class UnsupportedMediaType(DomainError):
    status_code = 415
    code = "unsupported_media_type"


JSON_ONLY = "send the body as JSON, with 'Content-Type: application/json'"


def is_json(content_type: str | None) -> bool:
    """application/json, or a JSON type such as application/merge-patch+json; parameters (charset) allowed."""
    media = (content_type or "").split(";")[0].strip().lower()
    return media == "application/json" or (media.startswith("application/") and media.endswith("+json"))


def domain_error_body(exc: DomainError) -> dict[str, Any]:
    return error_body(exc.code, exc.message, exc.errors if isinstance(exc, Invalid) else [])


class ApiRoute(APIRoute):
    """Answers 401 with the `WWW-Authenticate: Bearer` challenge, and marks every answer `no-store`
    (an API answer is the caller's own data)."""

    def get_route_handler(self):
        handler = super().get_route_handler()

        async def guarded(request: Request) -> Response:
            try:
                response = await handler(request)
            except Unauthorized as exc:
                response = JSONResponse(domain_error_body(exc), status_code=401, headers={"WWW-Authenticate": exc.challenge})
            response.headers["Cache-Control"] = "no-store"
            return response

        return guarded


def _refuse_url_credentials(request: Request) -> None:
    for name in request.query_params.keys():
        if name.lower() in URL_CREDENTIALS:
            raise TokenInUrl(
                FieldError(name, "credentials are not accepted in the URL; send the token in the "
                                 "Authorization header as 'Bearer <token>' (and revoke this one: URLs are logged)"),
                message=f"{name}: tokens must be sent in the Authorization header, never in the URL",
            )


def bearer_secret(request: Request) -> str:
    values = request.headers.getlist("authorization")
    if not values:
        raise Unauthorized("this API needs a token: send 'Authorization: Bearer <token>'")
    if len(values) > 1:
        raise Unauthorized("send exactly one Authorization header", invalid_token=True)
    scheme, _, secret = values[0].strip().partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        raise Unauthorized("the Authorization header must be 'Bearer <token>'", invalid_token=True)
    return secret.strip()


def api_auth(request: Request, session: SessionDep) -> TokenAuth:
    """The caller's valid token, or 400 (token in the URL) / 401 (none, unknown, revoked, disabled user)."""
    _refuse_url_credentials(request)
    auth = resolve(session, bearer_secret(request))
    if auth is None:
        raise Unauthorized("the token is unknown, revoked, or no longer valid", invalid_token=True)
    return auth


ApiAuth = Annotated[TokenAuth, Depends(api_auth)]


def member_org(auth: ApiAuth, slug: str) -> tuple[Organization, TokenAuth]:
    """The organisation in the path, when it is the token's own; anything else does not exist (404)."""
    if auth.org is None or auth.org.slug != slug:
        raise NotFound("no such organisation")
    return auth.org, auth


MemberOrg = Annotated[tuple[Organization, TokenAuth], Depends(member_org)]


def staff_auth(auth: ApiAuth) -> TokenAuth:
    if not auth.is_staff:
        raise NotFound()  # staff endpoints do not exist for anyone else
    return auth


StaffAuth = Annotated[TokenAuth, Depends(staff_auth)]


# ---- bodies ----------------------------------------------------------------------------------------


class RawBody(bytes):
    """The request body as sent; parsed by json_object() once the caller is known."""


async def _read_body(request: Request, limit: int) -> RawBody:
    # Checked before the body is touched: a form post has already been parsed by the app-wide NUL check
    # (app.validation.refuse_unstorable_input), so its stream is gone, and the API takes JSON only anyway.
    if not is_json(request.headers.get("content-type")):
        raise UnsupportedMediaType(JSON_ONLY)
    length = request.headers.get("content-length")
    if length is not None and (not length.isdigit() or int(length) > limit):
        raise BodyTooLarge(f"the request body must be at most {limit // (1024 * 1024)} MB")
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise BodyTooLarge(f"the request body must be at most {limit // (1024 * 1024)} MB")
    return RawBody(body)


async def record_body(request: Request) -> RawBody:
    return await _read_body(request, MAX_BODY)


async def import_body(request: Request) -> RawBody:
    return await _read_body(request, MAX_IMPORT_BODY)


Body = Annotated[RawBody, Depends(record_body)]
ImportBody = Annotated[RawBody, Depends(import_body)]


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    seen: dict[str, Any] = {}
    for key, value in pairs:
        if key in seen:
            raise Invalid.field(key[:80], "appears more than once in the JSON object; send each field once")
        seen[key] = value
    return seen


def _refuse_constant(name: str) -> Any:
    raise Invalid.field("body", f"{name} is not a JSON number")


def _check_text(value: Any, where: str) -> None:
    """Strings must be valid Unicode (a lone surrogate cannot be stored or shown)."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise Invalid.field(where or "body", "contains an invalid character (a lone surrogate)") from None
    elif isinstance(value, dict):
        for key, item in value.items():
            _check_text(key, where or "body")
            _check_text(item, f"{where}.{key}" if where else str(key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            _check_text(item, f"{where}[{i}]")


def parse_json(body: bytes) -> Any:
    try:
        data = json.loads(body, object_pairs_hook=_no_duplicates, parse_constant=_refuse_constant)
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        raise Invalid.field("body", "must be a JSON document (Content-Type: application/json)") from None
    _check_text(data, "")
    return data


def json_object(body: bytes) -> dict[str, Any]:
    data = parse_json(body)
    if not isinstance(data, dict):
        raise Invalid.field("body", "must be a JSON object")
    return data
