"""Absolute URLs of public pages and API resources, and the query types the public lists share."""

from typing import Annotated

from fastapi import Query, Request

from app.validation import CountryCode

Countries = Annotated[list[CountryCode] | None, Query(max_length=20, description="ISO 3166-1 alpha-2 codes")]
CategoryPath = Annotated[str | None, Query(max_length=80, description="a category path; matches everything under it")]
Slugs = Annotated[list[Annotated[str, Query(max_length=120)]] | None, Query(max_length=20)]


def absolute(request: Request, path: str) -> str:
    return str(request.base_url).rstrip("/") + path


def values(given: list | None) -> tuple[str, ...]:
    """A repeated query parameter as distinct strings, in the order given."""
    return tuple(dict.fromkeys(str(value) for value in given or ()))
