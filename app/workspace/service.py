"""What owners and editors do for their organisation: keep its profile and its listings.

Every function takes the organisation found by app.organizations.access.workspace_org, so a record of
another organisation can never be reached (it is NotFound). Services never commit; the request does.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func
from sqlmodel import Session, col, select

from app.audit import record
from app.catalog.review import needs_review
from app.catalog.service import categories_by_path, leaf_paths, set_listing_status
from app.config import get_settings
from app.errors import Conflict, FieldError, Invalid, NotFound
from app.i18n import N_
from app.models import Category, Job, Listing, Organization, User
from app.models.base import assign, expect_version, utcnow
from app.models.states import ListingStatus
from app.models.vocab import InterestKind
from app.organizations.service import interests, set_interests, soft_delete_organization
from app.outbox import enqueue
from app.slugs import slugify, unique_slug
from app.workspace.schemas import ListingForm, ProfileIn

REMIND_BEFORE = timedelta(days=14)  # owners are reminded this long before a listing goes stale
# Fields of the organisation that its listings' and jobs' search documents carry as well.
_SHARED_WITH_RECORDS = ("name", "name_zh", "city", "domains")


# ---- the workspace home ----------------------------------------------------------------------------


@dataclass
class Counts:
    listings: dict[str, int]
    stale: int
    jobs: int


def workspace_counts(session: Session, *, org: Organization, confirmed_after: datetime) -> Counts:
    by_status = dict(
        session.execute(
            select(Listing.status, func.count()).where(Listing.organization_id == org.id).group_by(col(Listing.status))
        ).all()
    )
    stale = session.exec(
        select(func.count()).select_from(Listing).where(
            Listing.organization_id == org.id,
            Listing.status == ListingStatus.published,
            col(Listing.last_confirmed_at) < confirmed_after,
        )
    ).one()
    jobs = session.exec(select(func.count()).select_from(Job).where(Job.organization_id == org.id)).one()
    return Counts(listings={str(k): v for k, v in by_status.items()}, stale=stale, jobs=jobs)


# ---- the profile -----------------------------------------------------------------------------------


def profile_values(session: Session, *, org: Organization) -> dict:
    """The form's current values (what the edit page shows before anything is posted)."""
    wanted = interests(session, org)
    values = {name: getattr(org, name) for name in ProfileIn.model_fields if name not in ("offers", "needs")}
    values["offers"] = [c.path for c in wanted[InterestKind.offers]]
    values["needs"] = [c.path for c in wanted[InterestKind.needs]]
    return values


def _categories_named(categories: dict[str, Category], paths: list[str], field: str) -> list[Category]:
    unknown = [p for p in paths if p not in categories]
    if unknown:
        raise Invalid.field(field, N_("unknown category: {slugs}"), slugs=", ".join(sorted(unknown))[:200])
    return [categories[p] for p in dict.fromkeys(paths)]


def update_profile(
    session: Session, *, org: Organization, data: ProfileIn, actor: User, now: datetime | None = None,
    expected_version: int | None = None,
) -> bool:
    """Save the profile; the organisation (and, when their shared fields change, its records) is re-indexed.
    `expected_version` is the version the editor saw: an older one is a Conflict (someone saved since)."""
    now = now or utcnow()
    if expected_version is not None and expected_version != org.version:
        expect_version(org, expected_version)  # raises Conflict
    categories = categories_by_path(session)
    offers = _categories_named(categories, data.offers, "offers")
    needs = _categories_named(categories, data.needs, "needs")
    values = data.model_dump(exclude={"offers", "needs"})
    values["domains"] = [str(d) for d in data.domains]
    before = {name: getattr(org, name) for name in _SHARED_WITH_RECORDS}
    changed = assign(org, values)
    changed = set_interests(session, org, offers=offers, needs=needs) or changed
    if not changed:
        return False
    org.updated_at = now
    org.version += 1
    session.flush()
    enqueue(session, "organization", org.id)
    if before != {name: getattr(org, name) for name in _SHARED_WITH_RECORDS}:
        for listing_id in session.exec(select(Listing.id).where(Listing.organization_id == org.id)).all():
            enqueue(session, "listing", listing_id)
        for job_id in session.exec(select(Job.id).where(Job.organization_id == org.id)).all():
            enqueue(session, "job", job_id)
    record(session, action="organization.profile_updated", target_type="organization", target_id=org.id,
           actor_id=actor.id, organization_id=org.id)
    return True


def lock_organization(session: Session, *, org: Organization) -> Organization:
    """The organisation re-read and held until the request commits (Postgres; SQLite serialises writers),
    so two saves carrying the same version cannot both pass the version check."""
    return session.exec(
        select(Organization).where(Organization.id == org.id).with_for_update()
        .execution_options(populate_existing=True)
    ).one()


def delete_organization(session: Session, *, org: Organization, actor: User, confirm: str,
                        now: datetime | None = None) -> None:
    """An owner deletes the organisation, typing its address name to confirm. Soft: staff can restore it
    within the retention period (QM_DELETED_RETENTION_DAYS); after that it is purged."""
    if (confirm or "").strip() != org.slug:
        raise Invalid.field("confirm", N_("type {slug} to confirm"), slug=org.slug)
    soft_delete_organization(session, org=org, now=now)
    record(session, action="organization.delete", target_type="organization", target_id=org.id,
           actor_id=actor.id, organization_id=org.id)


# ---- listings --------------------------------------------------------------------------------------


def organization_listings(session: Session, *, org: Organization) -> list[tuple[Listing, Category]]:
    """All of the organisation's listings, whatever their status, newest change first."""
    rows = session.execute(
        select(Listing, Category)
        .join(Category, col(Category.id) == Listing.category_id)
        .where(Listing.organization_id == org.id, Listing.status != ListingStatus.deleted)
        .order_by(col(Listing.updated_at).desc(), col(Listing.id).desc())
    ).all()
    return [tuple(row) for row in rows]


def get_listing(session: Session, *, org: Organization, listing_id: int, lock: bool = False) -> Listing:
    """The listing with this id IN this organisation; another organisation's id, or a deleted listing (only
    staff can restore it), is NotFound. `lock`: held until the request commits, for a versioned write."""
    query = select(Listing).where(Listing.id == listing_id, Listing.organization_id == org.id,
                                  Listing.status != ListingStatus.deleted)
    if lock:
        query = query.with_for_update().execution_options(populate_existing=True)
    listing = session.exec(query).first()
    if listing is None:
        raise NotFound(N_("no such listing"))
    return listing


def listing_values(session: Session, *, listing: Listing) -> dict:
    category = session.get(Category, listing.category_id)
    values = {name: getattr(listing, name) for name in ListingForm.model_fields if name != "category"}
    values["category"] = category.path if category else ""
    values["tags"] = ", ".join(listing.tags or [])
    return values


def filing_categories(session: Session) -> list[Category]:
    """The categories a listing may be filed under (leaf paths), in taxonomy order."""
    categories = categories_by_path(session)
    leaves = leaf_paths(categories)
    by_id = {c.id: c for c in categories.values()}

    def taxonomy_order(category: Category) -> tuple[int, int]:
        parent = by_id.get(category.parent_id)
        return (parent.position, category.position) if parent else (category.position, -1)

    return sorted((categories[p] for p in leaves), key=taxonomy_order)


def _leaf(session: Session, path: str) -> Category:
    categories = categories_by_path(session)
    if path not in leaf_paths(categories):
        raise Invalid(FieldError("category", N_("choose a category from the list")))
    return categories[path]


def _listing_values(data: ListingForm, category: Category) -> dict:
    values = data.model_dump(exclude={"category"})
    values["kind"] = data.kind
    values["category_id"] = category.id
    return values


def create_listing(
    session: Session, *, org: Organization, data: ListingForm, actor: User, now: datetime | None = None
) -> Listing:
    """A new listing starts as a draft: nothing is public until its organisation publishes it."""
    now = now or utcnow()
    category = _leaf(session, data.category)
    slug = unique_slug(session, Listing, slugify(f"{org.slug}-{data.title}"))
    listing = Listing(slug=slug, organization_id=org.id, status=ListingStatus.draft, created_at=now, updated_at=now,
                      last_confirmed_at=now, **_listing_values(data, category))
    session.add(listing)
    session.flush()
    enqueue(session, "listing", listing.id)  # a draft has no document: this keeps the index honest anyway
    record(session, action="listing.created", target_type="listing", target_id=listing.id, actor_id=actor.id,
           organization_id=org.id)
    return listing


def update_listing(
    session: Session, *, listing: Listing, data: ListingForm, actor: User, now: datetime | None = None,
    expected_version: int | None = None,
) -> bool:
    """Edit in place: a published listing stays published and is re-indexed. Editing confirms it.
    `expected_version` is the version the editor saw: an older one is a Conflict (someone saved since)."""
    now = now or utcnow()
    category = _leaf(session, data.category)
    expect_version(listing, expected_version)
    changed = assign(listing, _listing_values(data, category))
    listing.last_confirmed_at, listing.reminded_at, listing.updated_at = now, None, now
    listing.moderation_note = None  # staff's note was read and acted on
    enqueue(session, "listing", listing.id)
    if changed:
        record(session, action="listing.updated", target_type="listing", target_id=listing.id, actor_id=actor.id,
               organization_id=listing.organization_id)
    return changed


LISTING_ACTIONS = {
    "publish": ListingStatus.published,
    "unpublish": ListingStatus.draft,
    "archive": ListingStatus.archived,
}


def change_listing_status(
    session: Session, *, listing: Listing, action: str, actor: User, now: datetime | None = None,
    review_first: int | None = None,
) -> ListingStatus:
    """Publish, unpublish or archive through the listing state machine (Conflict when not allowed); returns
    the new status. Publishing a new organisation's first listings (`review_first`, by default
    QM_REVIEW_FIRST_LISTINGS) sends them to staff review instead (app.catalog.review)."""
    now = now or utcnow()
    status = LISTING_ACTIONS[action]
    if listing.status == ListingStatus.review and status == ListingStatus.published:
        raise Conflict(N_("this listing is waiting for review by the alliance staff"))
    if review_first is None:
        review_first = get_settings().review_first_listings
    if status == ListingStatus.published and needs_review(session, listing=listing, review_first=review_first):
        status, action = ListingStatus.review, "submit"
    set_listing_status(session, listing=listing, status=status, now=now)
    if status == ListingStatus.published:
        # Publishing is the organisation saying "this is current".
        listing.last_confirmed_at, listing.reminded_at = now, None
    record(session, action=f"listing.{action}", target_type="listing", target_id=listing.id, actor_id=actor.id,
           organization_id=listing.organization_id, detail={"status": str(status)})
    return status


def delete_listing(session: Session, *, listing: Listing, actor: User, now: datetime | None = None) -> None:
    """Soft delete: the listing leaves pages and search at once; staff can restore it within the retention
    period, after which it is purged."""
    now = now or utcnow()
    set_listing_status(session, listing=listing, status=ListingStatus.deleted, now=now)
    listing.deleted_at = now
    listing.version += 1
    record(session, action="listing.delete", target_type="listing", target_id=listing.id, actor_id=actor.id,
           organization_id=listing.organization_id)


def confirm_listing(session: Session, *, listing: Listing, actor: User, now: datetime | None = None) -> None:
    """"Still current": restarts the freshness period (a stale listing comes back to pages and search)."""
    now = now or utcnow()
    listing.last_confirmed_at, listing.reminded_at = now, None
    enqueue(session, "listing", listing.id)
    record(session, action="listing.confirmed", target_type="listing", target_id=listing.id, actor_id=actor.id,
           organization_id=listing.organization_id)
