"""Browsing the marketplace: visible listings of a category subtree, filtered, counted per facet, paged.

Straight from the database (the truth), so browsing works even when the search engine is down. Facet
counts are "disjunctive": each facet is counted with every other filter applied but its own, so a
reader can always widen a choice.
"""

from dataclasses import dataclass, field

from sqlalchemy import func, or_
from sqlmodel import Session, col, select

from app.models import Category, Listing, Organization
from app.visibility import visible_listings

BROWSE_FACETS = ("kind", "trl", "country", "region", "org_type", "membership", "domains")
SORTS = ("newest", "title", "trl")
_COLUMNS = {
    "kind": Listing.kind,
    "trl": Listing.trl,
    "country": Organization.country,
    "region": Organization.region,
    "org_type": Organization.org_type,
    "membership": Organization.membership,
}


@dataclass
class BrowseResult:
    rows: list[tuple[Listing, Organization, Category]]
    total: int
    facets: dict[str, list[tuple[str, int]]] = field(default_factory=dict)


def _in_subtree(path: str):
    return or_(col(Category.path) == path, col(Category.path).startswith(f"{path}/"))


def listings_in(category_path: str | None):
    query = visible_listings().join(Category, col(Category.id) == Listing.category_id)
    return query.where(_in_subtree(category_path)) if category_path else query


def _orgs_with_domains(session: Session, domains: tuple[str, ...]) -> list[int]:
    # Domains are a short JSON list per organisation; organisations number in the thousands at most.
    wanted = set(domains)
    return [org_id for org_id, held in session.exec(select(Organization.id, Organization.domains)) if wanted & set(held or [])]


def filtered_listings(session: Session, query, filters: dict[str, tuple[str, ...]], *, skip: str | None = None):
    for name, values in filters.items():
        if name == skip or not values:
            continue
        if name == "domains":
            query = query.where(col(Organization.id).in_(_orgs_with_domains(session, values)))
        elif name == "trl":
            query = query.where(col(Listing.trl).in_([int(v) for v in values if v.isdigit()]))
        else:
            query = query.where(col(_COLUMNS[name]).in_(values))
    return query


def _facet_counts(session: Session, category_path: str | None, filters, name: str) -> list[tuple[str, int]]:
    query = filtered_listings(session, listings_in(category_path), filters, skip=name)
    if name == "domains":
        per_org = session.execute(
            query.with_only_columns(Organization.domains, func.count()).group_by(col(Organization.id))
        ).all()
        counts: dict[str, int] = {}
        for domains, count in per_org:
            for domain in domains or []:
                counts[domain] = counts.get(domain, 0) + count
    else:
        column = _COLUMNS[name]
        grouped = session.execute(query.with_only_columns(column, func.count()).group_by(column)).all()
        counts = {str(value): count for value, count in grouped if value is not None}
    ordered = sorted(counts.items(), key=lambda item: (-int(item[0]), 0) if name == "trl" else (-item[1], item[0]))
    return [(value, count) for value, count in ordered]


def browse(
    session: Session,
    *,
    category_path: str | None,
    filters: dict[str, tuple[str, ...]],
    sort: str = "newest",
    offset: int = 0,
    limit: int = 24,
) -> BrowseResult:
    query = filtered_listings(session, listings_in(category_path), filters)
    total = session.exec(query.with_only_columns(func.count(col(Listing.id)))).one()
    order = {
        "newest": (col(Listing.published_at).desc(), col(Listing.id).desc()),
        "title": (col(Listing.title), col(Listing.id)),
        "trl": (col(Listing.trl).desc().nulls_last(), col(Listing.id).desc()),
    }[sort]
    rows = session.execute(
        query.with_only_columns(Listing, Organization, Category).order_by(*order).offset(offset).limit(limit)
    ).all()
    facets = {name: _facet_counts(session, category_path, filters, name) for name in BROWSE_FACETS}
    return BrowseResult(rows=[tuple(r) for r in rows], total=total, facets=facets)
