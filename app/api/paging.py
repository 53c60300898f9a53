"""Cursor paging of the public lists: `?cursor=…&limit=…` in, `{"items", "next"}` out.

A cursor is the sort key of the last item shown, tagged with the list it belongs to and base64url-encoded:
opaque to callers (they follow `next`), checked when it comes back (a cursor of another list, or one that
was edited, is a 422 naming `cursor`, never a 500).
"""

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any

from fastapi import Depends, Query, Request

from app.errors import Invalid
from app.validation import storable

DEFAULT_LIMIT = 20
MAX_LIMIT = 100
BAD_CURSOR = "is not a cursor of this list; follow the `next` link of a page, or start again without one"


def encode_cursor(kind: str, key: tuple) -> str:
    values = [value.isoformat() if isinstance(value, datetime) else value for value in key]
    raw = json.dumps([kind, *values], separators=(",", ":"), ensure_ascii=False).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _typed(value: Any, kind: type) -> Any:
    if kind is datetime:
        parsed = datetime.fromisoformat(value) if isinstance(value, str) else None
        if parsed is None or parsed.tzinfo is None:
            raise ValueError(value)
        return parsed
    if kind is int and (isinstance(value, bool) or not isinstance(value, int) or not 0 < value < 2**31):
        raise ValueError(value)
    if not isinstance(value, kind):
        raise ValueError(value)
    if kind is str and (len(value) > 200 or not storable(value)):  # a database would refuse it: not a 500
        raise ValueError(value)
    return value


def decode_cursor(cursor: str, kind: str, types: tuple[type, ...]) -> tuple:
    try:
        data = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        if not isinstance(data, list) or len(data) != len(types) + 1 or data[0] != kind:
            raise ValueError(cursor)
        return tuple(_typed(value, t) for value, t in zip(data[1:], types, strict=True))
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError, RecursionError):
        raise Invalid.field("cursor", BAD_CURSOR) from None


@dataclass(frozen=True)
class PageParams:
    kind: str
    after: tuple | None
    limit: int

    def page(self, request: Request, rows: list, key) -> tuple[list, str | None]:
        """The rows of this page and the absolute URL of the next one (None on the last page). `rows` holds
        up to limit + 1 rows (app.pagination.keyset); `key` gives a row's sort key."""
        shown = rows[: self.limit]
        if len(rows) <= self.limit:
            return shown, None
        cursor = encode_cursor(self.kind, key(shown[-1]))
        return shown, str(request.url.include_query_params(cursor=cursor, limit=self.limit))


def page_params(kind: str, *types: type):
    """A dependency reading `cursor` and `limit` for the list `kind`, whose sort key has these types."""

    def params(
        cursor: Annotated[str | None, Query(max_length=500, description="From the `next` link of the previous page.")] = None,
        limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Items per page.")] = DEFAULT_LIMIT,
    ) -> PageParams:
        return PageParams(kind=kind, after=decode_cursor(cursor, kind, types) if cursor else None, limit=limit)

    return Annotated[PageParams, Depends(params)]
