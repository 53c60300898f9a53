"""The listings the public may see, for the read API: filtered like the marketplace (a category path matches
everything under it), newest first, a page at a time."""

from dataclasses import dataclass

from sqlalchemy import or_
from sqlmodel import Session, col, select

from app.errors import Invalid
from app.models import Category, Listing, Organization
from app.pagination import keyset
from app.visibility import visible_listings

ORDER = [col(Listing.published_at), col(Listing.id)]


def in_subtree(path: str):
    return or_(col(Category.path) == path, col(Category.path).startswith(f"{path}/"))


def require_category(session: Session, name: str, path: str) -> None:
    """An unknown path is a mistake to report, not a filter that quietly matches nothing."""
    if session.exec(select(Category.id).where(Category.path == path)).first() is None:
        raise Invalid.field(name, "no such category path (GET /api/v1/categories lists them)")


@dataclass(frozen=True)
class ListingFilters:
    category: str | None = None
    kind: tuple[str, ...] = ()
    org: tuple[str, ...] = ()
    country: tuple[str, ...] = ()
    region: tuple[str, ...] = ()


def _visible():
    return (visible_listings().join(Category, col(Category.id) == Listing.category_id)
            .with_only_columns(Listing, Organization, Category))


def listings_page(session: Session, filters: ListingFilters, *, after: tuple | None,
                  limit: int) -> list[tuple[Listing, Organization, Category]]:
    query = _visible()
    if filters.category:
        require_category(session, "category", filters.category)
        query = query.where(in_subtree(filters.category))
    for values, column in ((filters.kind, Listing.kind), (filters.org, Organization.slug),
                           (filters.country, Organization.country), (filters.region, Organization.region)):
        if values:
            query = query.where(col(column).in_(values))
    rows = session.execute(keyset(query, ORDER, after=after, limit=limit, descending=True)).all()
    return [tuple(row) for row in rows]


def sort_key(row: tuple[Listing, Organization, Category]) -> tuple:
    return (row[0].published_at, row[0].id)
