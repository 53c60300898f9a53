"""Rules about the taxonomy and listings: what is visible, what counts, how listings are written."""

from datetime import datetime
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from app.catalog.schemas import CategoryNode, ListingIn
from app.errors import NotFound
from app.i18n import N_
from app.models import Category, Listing, Organization, Webinar, WebinarListing
from app.models.base import Outcome, assign, outcome, utcnow
from app.models.states import LISTING, ListingStatus
from app.outbox import enqueue
from app.slugs import slugify, unique_slug
from app.visibility import visible_listings


def load_taxonomy(session: Session, tops: list[dict[str, Any]]) -> int:
    """Create or update the categories from the taxonomy data; returns how many changed. Idempotent."""
    existing = categories_by_path(session)
    changed = 0
    for top_position, top in enumerate(tops):
        parent, top_changed = _upsert_category(session, existing, top, parent=None, position=top_position)
        changed += top_changed
        for position, sub in enumerate(top.get("subcategories") or []):
            changed += _upsert_category(session, existing, sub, parent=parent, position=position)[1]
    return changed


def _upsert_category(
    session: Session, existing: dict[str, Category], data: dict[str, Any], *, parent: Category | None, position: int
) -> tuple[Category, bool]:
    path = f"{parent.path}/{data['slug']}" if parent else data["slug"]
    values = {"slug": data["slug"], "name": data["name"], "name_zh": data["name_zh"], "position": position}
    category = existing.get(path)
    if category is None:
        category = Category(path=path, parent_id=parent.id if parent else None, **values)
        session.add(category)
        session.flush()
        existing[path] = category
        return category, True
    return category, assign(category, values)


def categories_by_path(session: Session) -> dict[str, Category]:
    return {c.path: c for c in session.exec(select(Category)).all()}


def leaf_paths(categories: dict[str, Category]) -> set[str]:
    """Paths a listing may be filed under: subcategories, and top categories that have none."""
    parents = {c.parent_id for c in categories.values() if c.parent_id is not None}
    return {path for path, c in categories.items() if c.id not in parents}


def category_tree(session: Session, *, with_counts: bool = True) -> list[CategoryNode]:
    """The six top categories with their subcategories and (unless not wanted) counts of visible listings."""
    counts: dict[int, int] = {}
    if with_counts:  # a GROUP BY over every visible listing: the search page, which needs only names, skips it
        per_category = visible_listings().with_only_columns(Listing.category_id, func.count())
        counts = dict(session.execute(per_category.group_by(col(Listing.category_id))).all())
    categories = session.exec(select(Category).order_by(col(Category.position))).all()
    nodes = {c.id: CategoryNode(category=c, count=counts.get(c.id, 0)) for c in categories}
    tops = []
    for category in categories:
        node = nodes[category.id]
        if category.parent_id is None:
            tops.append(node)
        else:
            parent = nodes[category.parent_id]
            parent.children.append(node)
            parent.count += node.count
    return tops


def find_listing(session: Session, *, org: Organization, slug: str | None, title: str) -> Listing | None:
    """The listing an import row means: by its slug, or else by the same title in the same organisation."""
    if slug:
        return session.exec(select(Listing).where(Listing.slug == slug)).first()
    return session.exec(select(Listing).where(Listing.organization_id == org.id, Listing.title == title)).first()


def upsert_listing(
    session: Session,
    *,
    org: Organization,
    data: ListingIn,
    category: Category,
    publish: bool,
    now: datetime | None = None,
) -> tuple[Listing, Outcome]:
    now = now or utcnow()
    values = data.model_dump(include=set(ListingIn.model_fields) - {"slug", "category", "published_at"})
    values.update(category_id=category.id, organization_id=org.id, kind=data.kind)
    listing = find_listing(session, org=org, slug=data.slug, title=data.title)
    created = listing is None
    if created:
        slug = data.slug or unique_slug(session, Listing, slugify(f"{org.slug}-{data.title}"))
        published = data.published_at or now
        listing = Listing(slug=slug, created_at=now, last_confirmed_at=published, published_at=data.published_at, **values)
        session.add(listing)
    changed = assign(listing, values) or created
    if publish and listing.status != ListingStatus.published:
        publish_listing(listing, now=now)
        changed = True
    if changed:
        listing.updated_at = now
        session.flush()
        enqueue(session, "listing", listing.id)
    return listing, outcome(created=created, changed=changed)


def publish_listing(listing: Listing, *, now: datetime) -> None:
    LISTING.move(listing, ListingStatus.published)
    listing.published_at = listing.published_at or now


def set_listing_status(session: Session, *, listing: Listing, status: ListingStatus, now: datetime | None = None) -> None:
    """Publish, unpublish or archive; the index follows through the outbox."""
    now = now or utcnow()
    if status == ListingStatus.published:
        publish_listing(listing, now=now)
    else:
        LISTING.move(listing, status)
    listing.updated_at = now
    enqueue(session, "listing", listing.id)


def get_visible_listing(session: Session, slug: str) -> tuple[Listing, Organization, Category]:
    """The listing behind a public URL; NotFound when it does not exist or must not be seen."""
    row = session.execute(
        visible_listings()
        .join(Category, col(Category.id) == Listing.category_id)
        .with_only_columns(Listing, Organization, Category)
        .where(Listing.slug == slug)
    ).first()
    if row is None:
        raise NotFound(N_("no such listing"))
    return row[0], row[1], row[2]


def newest_listings(session: Session, *, limit: int) -> list[tuple[Listing, Organization, Category]]:
    rows = session.execute(
        visible_listings()
        .join(Category, col(Category.id) == Listing.category_id)
        .with_only_columns(Listing, Organization, Category)
        .order_by(col(Listing.published_at).desc(), col(Listing.id).desc())
        .limit(limit)
    ).all()
    return [tuple(r) for r in rows]


def related_listings(session: Session, listing: Listing, *, limit: int) -> list[tuple[Listing, Organization]]:
    """Other visible listings in the same subcategory, newest first."""
    rows = session.execute(
        visible_listings()
        .with_only_columns(Listing, Organization)
        .where(Listing.category_id == listing.category_id, Listing.id != listing.id)
        .order_by(col(Listing.published_at).desc())
        .limit(limit)
    ).all()
    return [tuple(r) for r in rows]


def organization_listings(session: Session, org: Organization) -> list[tuple[Listing, Category]]:
    rows = session.execute(
        visible_listings()
        .join(Category, col(Category.id) == Listing.category_id)
        .with_only_columns(Listing, Category)
        .where(Listing.organization_id == org.id)
        .order_by(col(Category.path), col(Listing.title))
    ).all()
    return [tuple(r) for r in rows]


def webinars_showing(session: Session, listing: Listing) -> list[Webinar]:
    """The webinars that feature this listing, newest first (the listing page links them)."""
    return list(session.exec(
        select(Webinar).join(WebinarListing, col(WebinarListing.webinar_id) == Webinar.id)
        .where(WebinarListing.listing_id == listing.id).order_by(col(Webinar.starts_at).desc())
    ).all())
