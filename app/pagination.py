"""Pages of results, and the links between them that keep every other query parameter."""

from dataclasses import dataclass
from urllib.parse import urlencode

from fastapi import Request


@dataclass
class Pagination:
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page

    @property
    def first_item(self) -> int:
        return 0 if self.total == 0 else self.offset + 1

    @property
    def last_item(self) -> int:
        return min(self.total, self.offset + self.per_page)

    def window(self, size: int = 2) -> list[int | None]:
        """Page numbers to show: the first, the last, and `size` around the current one; None is a gap."""
        wanted = {1, self.pages, *range(self.page - size, self.page + size + 1)}
        numbers = sorted(n for n in wanted if 1 <= n <= self.pages)
        shown: list[int | None] = []
        for n in numbers:
            if shown and n - (shown[-1] or 0) > 1:
                shown.append(None)
            shown.append(n)
        return shown


def url_with(request: Request, **changes: object) -> str:
    """The current URL with some query parameters changed (None removes one); repeated ones are kept."""
    # A results page draws dozens of such links (every facet value, every page number) that differ only in
    # the parameters they change: the rest of the query is encoded once per request.
    kept_by_changed = request.scope.setdefault("qmarket.kept_query", {})
    changed = frozenset(changes)
    kept = kept_by_changed.get(changed)
    if kept is None:
        kept = kept_by_changed[changed] = urlencode(
            [(k, v) for k, v in request.query_params.multi_items() if k not in changed])
    items = []
    for key, value in changes.items():
        if value is None:
            continue
        for item in value if isinstance(value, (list, tuple)) else [value]:
            items.append((key, str(item)))
    query = "&".join(part for part in (kept, urlencode(items)) if part)
    return f"{request.url.path}?{query}" if query else request.url.path


def toggled(request: Request, name: str, value: str) -> str:
    """The URL with one filter value switched on or off (and back to page 1)."""
    current = request.query_params.getlist(name)
    values = [v for v in current if v != value] if value in current else [*current, value]
    return url_with(request, **{name: values, "page": None})


def keyset(query, order: list, *, after: tuple | None, limit: int, descending: bool = False):
    """Rows strictly after `after` in the order of `order` (columns ending in a unique one, all one way), and
    one more than `limit`, so the caller knows whether a next page exists. Unlike an offset, a page boundary
    does not move when records are added or removed before it: nothing is skipped or shown twice."""
    from sqlalchemy import and_, or_

    if after is not None:
        condition = None
        for column, value in reversed(list(zip(order, after, strict=True))):
            beyond = column < value if descending else column > value
            condition = beyond if condition is None else or_(beyond, and_(column == value, condition))
        query = query.where(condition)
    return query.order_by(*(column.desc() if descending else column.asc() for column in order)).limit(limit + 1)
