"""The OpenAPI document of the JSON API alone (DESIGN §4: /api/v1/openapi.json), for integrators.

FastAPI's generator sees every route, pages included; this keeps the /api/v1 paths only, and adds what it
cannot know from the code:
- which operations need a token (those that depend on app.api.auth.api_auth) and the HTTP bearer scheme;
- the request bodies of the writes, which read their body themselves (so that only a known caller's body is
  parsed): each route names its schema and an example with `json_body()`;
- the errors, all in the one shape of app.errors.error_body, instead of FastAPI's own validation shape.
"""

from collections.abc import Callable, Iterator
from typing import Any

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute

PREFIX = "/api/v1/"
SCHEME = "bearerAuth"
REF = "#/components/schemas/{model}"
# Schemas of the request bodies routes declared with json_body(), built when the document is.
_BODIES: dict[str, Callable[[], dict[str, Any]]] = {}

ERROR_SCHEMA = {
    "type": "object",
    "required": ["error", "message", "errors"],
    "properties": {
        "error": {"type": "string", "description": "a stable code: invalid, not_found, unauthorized, conflict …"},
        "message": {"type": "string", "description": "what went wrong, in English"},
        "errors": {"type": "array", "description": "one entry per offending field or parameter", "items": {
            "type": "object", "required": ["field", "message"],
            "properties": {"field": {"type": "string"}, "message": {"type": "string"}}}},
    },
}
ERRORS = {
    400: "A credential in the query string (send the token in the Authorization header).",
    401: "No token, or an unknown, revoked or expired one (with a `WWW-Authenticate: Bearer` challenge).",
    404: "No such record, or one this caller may not see. A token that may not use this route gets 404 too: "
         "the API never answers 403, so that it does not tell outsiders what exists.",
    409: "The record changed since the `version` you sent, or its state does not allow this change.",
    413: "The request body is too large.",
    415: "The body is not JSON: send it with `Content-Type: application/json`.",
    422: "A field of the body, or a parameter, is invalid; `errors` names each one.",
    429: "Too many requests from this address; see `Retry-After`.",
}


def register_schema(name: str, schema: Callable[[], dict[str, Any]]) -> None:
    """A component the document carries (built when the document is), for bodies to refer to."""
    _BODIES[name] = schema


def json_body(name: str, schema: Callable[[], dict[str, Any]], example: Any, description: str = "") -> dict:
    """`openapi_extra` for a route that reads a JSON body itself: the body's schema (registered as component
    `name`, built by `schema` with refs into the components) and an example."""
    register_schema(name, schema)
    media = {"schema": {"$ref": REF.format(model=name)}, "example": example}
    return {"requestBody": {"required": True, "description": description, "content": {"application/json": media}}}


def model_schema(model, *, only: tuple[str, ...] | None = None, partial: bool = False) -> Callable[[], dict[str, Any]]:
    """The model's input schema; with `only`, just those fields; `partial`: a PATCH, every field optional but
    `version`, the version the caller last read."""

    def build() -> dict[str, Any]:
        schema = model.model_json_schema(ref_template=REF)
        if only is not None:
            schema["properties"] = {k: v for k, v in schema["properties"].items() if k in only}
            schema["required"] = [k for k in schema.get("required", []) if k in only]
        if partial:
            schema["properties"] = {"version": {"type": "integer", "minimum": 1, "maximum": 2_147_483_647,
                                                "description": "the version you last read (stale: 409)"},
                                    **schema["properties"]}
            schema["required"] = ["version"]
            schema["title"] = f"{schema.get('title', model.__name__)} (changes)"
        return schema

    return build


def _api_routes(routes) -> Iterator[APIRoute]:
    for route in routes:
        inner = getattr(route, "original_router", None)
        if inner is not None:
            yield from _api_routes(inner.routes)
        elif isinstance(route, APIRoute) and route.path.startswith(PREFIX) and route.include_in_schema:
            yield route


def dependency_calls(dependant: Dependant) -> Iterator[Any]:
    """Every callable a route depends on, however deep (a token check hides inside MemberOrg, StaffAuth)."""
    for dependency in dependant.dependencies:
        yield dependency.call
        yield from dependency_calls(dependency)


def _needs_token(route: APIRoute) -> bool:
    from app.api.auth import api_auth  # the API's modules import this one for json_body()

    return api_auth in dependency_calls(route.dependant)


def _error(status: int) -> dict:
    return {"description": ERRORS[status], "content": {"application/json": {"schema": {"$ref": REF.format(model="Error")}}}}


def _add_components(components: dict, name: str, schema: dict) -> None:
    for def_name, definition in schema.pop("$defs", {}).items():
        components.setdefault(def_name, definition)
    components[name] = schema


def api_schema(app: FastAPI) -> dict[str, Any]:
    routes = list(_api_routes(app.routes))
    document = get_openapi(title="QMarket API", version="1", routes=routes, description=(
        "The public reads (organisations, listings, jobs, categories, webinars, search, insights, partners) need "
        "no token. The member API (an organisation's own listings and jobs) and the staff import and export need "
        "`Authorization: Bearer <token>`: owners mint tokens on their organisation's account page, staff with "
        "`qmarket tokens create`. Lists answer `{\"items\": [...], \"next\": url | null}`: follow `next`."))
    components = document.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    for name in ("HTTPValidationError", "ValidationError"):  # FastAPI's shape; the app answers its own
        schemas.pop(name, None)
    schemas["Error"] = ERROR_SCHEMA
    for name, build in _BODIES.items():
        _add_components(schemas, name, build())
    components["securitySchemes"] = {SCHEME: {"type": "http", "scheme": "bearer", "description": (
        "An organisation's token acts for that organisation only; a staff token for the import and export.")}}
    for route in routes:
        for method in route.methods - {"HEAD"}:
            _document(document["paths"][route.path][method.lower()], route, method)
    return document


def _document(operation: dict, route: APIRoute, method: str) -> None:
    responses = operation["responses"]
    codes = {429}
    if operation.get("parameters") or "requestBody" in operation:
        codes.add(422)
    if "{" in route.path:
        codes.add(404)
    if _needs_token(route):
        operation["security"] = [{SCHEME: []}]
        codes |= {400, 401, 404}
        if method != "GET" and "{" in route.path.replace("{slug}", ""):  # a change to one record
            codes.add(409)
    if "requestBody" in operation:
        codes |= {413, 415, 422}
    for status in sorted(codes):
        responses[str(status)] = _error(status)
