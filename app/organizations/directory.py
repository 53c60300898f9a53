"""The organisation directory (/orgs): active members browsed as a supplier directory — by what they offer
(a category and everything under it), region of China, country, organisation type and membership, or a
few words of the name — with disjunctive facet counts (each facet counted with the other filters, so a
reader can always widen a choice), sorted, a page at a time. Straight from the database, like browsing.
"""

from dataclasses import dataclass, field

from sqlalchemy import and_, func, or_
from sqlmodel import Session, col, select

from app.db import contains_text
from app.models import Category, Listing, Organization, OrganizationCategory
from app.models.states import ListingStatus
from app.models.vocab import InterestKind
from app.visibility import confirmed_since, visible_listings, visible_organizations

FACETS = ("offers", "region", "country", "org_type", "membership")
SORTS = ("name", "newest", "listings")
_COLUMNS = {"region": Organization.region, "country": Organization.country, "org_type": Organization.org_type,
            "membership": Organization.membership}
MAX_WORDS = 100  # characters of the name search


@dataclass
class DirectoryResult:
    orgs: list[Organization]
    total: int
    facets: dict[str, list[tuple[str, int]]]
    offers: dict[int, list[Category]] = field(default_factory=dict)  # top categories each organisation offers
    listing_counts: dict[int, int] = field(default_factory=dict)


def _offering(path: str):
    """Organisations that offer `path` or anything under it (declared, or shown by a visible listing)."""
    declared = (select(OrganizationCategory.organization_id)
                .join(Category, col(Category.id) == OrganizationCategory.category_id)
                .where(OrganizationCategory.kind == InterestKind.offers,
                       or_(col(Category.path) == path, col(Category.path).startswith(f"{path}/"))))
    listed = (select(Listing.organization_id).join(Category, col(Category.id) == Listing.category_id)
              .where(_shown_listing(), or_(col(Category.path) == path, col(Category.path).startswith(f"{path}/"))))
    return declared.union(listed)


def _shown_listing():
    """A listing the public sees, its organisation aside (the directory lists active organisations only).
    Written out rather than app.visibility.visible_listings(), which joins the organisation: inside a
    subquery of a query on organisations that join would be correlated away."""
    return and_(Listing.status == ListingStatus.published, col(Listing.last_confirmed_at) >= confirmed_since())


def filtered_organizations(query, filters: dict[str, tuple[str, ...]], words: str = "", *, skip: str | None = None):
    """`query` (of organisations) narrowed as the directory narrows it; saved directory searches use it too."""
    for name, values in filters.items():
        if name == skip or not values:
            continue
        if name == "offers":
            query = query.where(or_(*(col(Organization.id).in_(_offering(path)) for path in values)))
        else:
            query = query.where(col(_COLUMNS[name]).in_(values))
    if words:
        query = query.where(or_(contains_text(col(Organization.name), words),
                                contains_text(col(Organization.name_zh), words)))
    return query


def _top_offers(session: Session, org_ids: list[int]) -> dict[int, list[Category]]:
    """Per organisation, the top categories it offers (declared or listed), in the taxonomy's order."""
    tops = {c.id: c for c in session.exec(select(Category).where(col(Category.parent_id).is_(None))).all()}
    by_path = {c.path: c for c in tops.values()}
    found: dict[int, set[int]] = {}
    declared = session.exec(
        select(OrganizationCategory.organization_id, Category.path)
        .join(Category, col(Category.id) == OrganizationCategory.category_id)
        .where(col(OrganizationCategory.organization_id).in_(org_ids), OrganizationCategory.kind == InterestKind.offers)
    ).all()
    listed = session.execute(
        visible_listings().join(Category, col(Category.id) == Listing.category_id)
        .where(col(Listing.organization_id).in_(org_ids))
        .with_only_columns(Listing.organization_id, Category.path).distinct()
    ).all()
    for org_id, path in [*declared, *listed]:
        top = by_path.get(path.split("/")[0])
        if top is not None:
            found.setdefault(org_id, set()).add(top.id)
    return {org_id: sorted((tops[i] for i in ids), key=lambda c: c.position) for org_id, ids in found.items()}


def _facet(session: Session, filters, words: str, name: str) -> list[tuple[str, int]]:
    base = filtered_organizations(visible_organizations(), filters, words, skip=name)
    if name == "offers":
        tops = session.exec(select(Category).where(col(Category.parent_id).is_(None)).order_by(col(Category.position))).all()
        counts = [(top.path, session.exec(base.where(col(Organization.id).in_(_offering(top.path)))
                                          .with_only_columns(func.count(col(Organization.id)))).one()) for top in tops]
        return [(path, n) for path, n in counts if n]
    column = _COLUMNS[name]
    grouped = session.execute(base.with_only_columns(column, func.count()).group_by(column)).all()
    return sorted(((str(v), n) for v, n in grouped if v is not None), key=lambda item: (-item[1], item[0]))


def directory(session: Session, *, filters: dict[str, tuple[str, ...]], words: str = "", sort: str = "name",
              offset: int = 0, limit: int = 24) -> DirectoryResult:
    words = words.strip()[:MAX_WORDS]
    query = filtered_organizations(visible_organizations(), filters, words)
    total = session.exec(query.with_only_columns(func.count(col(Organization.id)))).one()
    listing_count = (select(func.count(col(Listing.id))).where(Listing.organization_id == Organization.id, _shown_listing())
                     .correlate(Organization).scalar_subquery())
    order = {"name": (col(Organization.name), col(Organization.id)),
             "newest": (col(Organization.approved_at).desc().nulls_last(), col(Organization.id).desc()),
             "listings": (listing_count.desc(), col(Organization.name))}[sort]
    orgs = list(session.exec(query.order_by(*order).offset(offset).limit(limit)).all())
    ids = [o.id for o in orgs]
    counts = dict(session.execute(
        visible_listings().where(col(Listing.organization_id).in_(ids))
        .with_only_columns(Listing.organization_id, func.count()).group_by(col(Listing.organization_id))
    ).all()) if ids else {}
    return DirectoryResult(orgs=orgs, total=total, facets={name: _facet(session, filters, words, name) for name in FACETS},
                           offers=_top_offers(session, ids) if ids else {}, listing_counts=counts)
