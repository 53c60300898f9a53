"""The organisations the public may see, for the read API: filtered like the directory, in slug order,
a page at a time, with what each offers and needs and how many visible listings it has (in bulk: one query
each per page, not per organisation)."""

from dataclasses import dataclass, field

from sqlalchemy import func
from sqlmodel import Session, col, select

from app.catalog.public_list import in_subtree, require_category
from app.models import Category, Listing, Organization, OrganizationCategory
from app.models.vocab import InterestKind
from app.pagination import keyset
from app.visibility import visible_listings, visible_organizations


@dataclass(frozen=True)
class OrgFilters:
    """Values of one filter are alternatives; different filters all apply. A category path matches
    everything under it; `category` is offered or needed, `offers` and `needs` one of the two."""

    org_type: tuple[str, ...] = ()
    country: tuple[str, ...] = ()
    region: tuple[str, ...] = ()
    category: str | None = None
    offers: str | None = None
    needs: str | None = None


_COLUMNS = {"org_type": Organization.org_type, "country": Organization.country, "region": Organization.region}


def _interested(path: str, kinds: tuple[InterestKind, ...]):
    return (select(OrganizationCategory.organization_id)
            .join(Category, col(Category.id) == OrganizationCategory.category_id)
            .where(in_subtree(path), col(OrganizationCategory.kind).in_(kinds)))


def organizations_page(session: Session, filters: OrgFilters, *, after: tuple | None, limit: int) -> list[Organization]:
    query = visible_organizations()
    for name, column in _COLUMNS.items():
        if values := getattr(filters, name):
            query = query.where(col(column).in_(values))
    for name, kinds in (("category", (InterestKind.offers, InterestKind.needs)), ("offers", (InterestKind.offers,)),
                        ("needs", (InterestKind.needs,))):
        if path := getattr(filters, name):
            require_category(session, name, path)
            query = query.where(col(Organization.id).in_(_interested(path, kinds)))
    return list(session.exec(keyset(query, [col(Organization.slug)], after=after, limit=limit)).all())


def sort_key(org: Organization) -> tuple:
    return (org.slug,)


@dataclass
class OrgExtras:
    offers: list[str] = field(default_factory=list)
    needs: list[str] = field(default_factory=list)
    listings_count: int = 0


def extras(session: Session, orgs: list[Organization]) -> dict[int, OrgExtras]:
    ids = [org.id for org in orgs]
    found = {org_id: OrgExtras() for org_id in ids}
    if not ids:
        return found
    interests = session.exec(
        select(OrganizationCategory.organization_id, OrganizationCategory.kind, Category.path)
        .join(Category, col(Category.id) == OrganizationCategory.category_id)
        .where(col(OrganizationCategory.organization_id).in_(ids)).order_by(col(Category.path))
    ).all()
    for org_id, kind, path in interests:
        getattr(found[org_id], InterestKind(kind).value).append(path)
    counts = session.execute(
        visible_listings().with_only_columns(Listing.organization_id, func.count())
        .where(col(Listing.organization_id).in_(ids)).group_by(col(Listing.organization_id))
    ).all()
    for org_id, count in counts:
        found[org_id].listings_count = count
    return found
