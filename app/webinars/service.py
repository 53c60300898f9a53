"""Rules about webinars: writing them with their presenters and shown listings, and what is upcoming."""

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, col, delete, select

from app.models import Category, Listing, Organization, Webinar, WebinarListing, WebinarPresenter, WorkingGroup
from app.models.base import Outcome, assign, outcome, utcnow
from app.models.states import OrgStatus
from app.visibility import visible_listings


def upcoming(now: datetime | None = None):
    return select(Webinar).where(col(Webinar.starts_at) >= (now or utcnow())).order_by(col(Webinar.starts_at))


def past(now: datetime | None = None):
    return select(Webinar).where(col(Webinar.starts_at) < (now or utcnow())).order_by(col(Webinar.starts_at).desc())


def upsert_webinar(
    session: Session,
    *,
    slug: str,
    values: dict,
    theme: Category | None,
    presenters: list[Organization],
    listings: list[Listing],
    group: WorkingGroup | None = None,
    keep_date: bool = True,
) -> tuple[Webinar, Outcome]:
    """Create or update by slug. With keep_date an existing webinar keeps its date (demo data is relative)."""
    webinar = session.exec(select(Webinar).where(Webinar.slug == slug)).first()
    created = webinar is None
    values = {k: v for k, v in values.items() if k != "group"}
    values.update(theme_category_id=theme.id if theme else None, group_id=group.id if group else None)
    if created:
        webinar = Webinar(slug=slug, **values)
        session.add(webinar)
        session.flush()
    elif keep_date:
        values.pop("starts_at", None)
    changed = assign(webinar, values) or created
    changed |= _replace_links(session, WebinarPresenter, "organization_id", webinar.id, [o.id for o in presenters])
    changed |= _replace_links(session, WebinarListing, "listing_id", webinar.id, [li.id for li in listings])
    return webinar, outcome(created=created, changed=changed)


def _replace_links(session: Session, model, column: str, webinar_id: int, ids: list[int]) -> bool:
    current = set(session.exec(select(getattr(model, column)).where(model.webinar_id == webinar_id)).all())
    if current == set(ids):
        return False
    session.execute(delete(model).where(model.webinar_id == webinar_id))
    for target_id in ids:
        session.add(model(webinar_id=webinar_id, **{column: target_id}))
    return True


# ---- what the public pages read -----------------------------------------------------------------------


@dataclass
class WebinarCard:
    """A webinar with what its card shows: its theme and the presenters the public may see."""

    webinar: Webinar
    theme: Category | None
    presenters: list[Organization] = field(default_factory=list)


def get_webinar(session: Session, *, slug: str) -> Webinar | None:
    return session.exec(select(Webinar).where(Webinar.slug == slug)).first()


def upcoming_webinars(session: Session, *, now: datetime) -> list[Webinar]:
    return list(session.exec(upcoming(now)).all())


def past_webinars(session: Session, *, now: datetime, offset: int, limit: int,
                  recorded_only: bool = False) -> tuple[list[Webinar], int]:
    """One page of past webinars (only those with a recording, if asked), newest first, and how many in all."""
    query = past(now)
    if recorded_only:
        query = query.where(col(Webinar.recording_url).is_not(None), Webinar.recording_url != "")
    total = session.exec(select(func.count()).select_from(query.order_by(None).subquery())).one()
    return list(session.exec(query.offset(offset).limit(limit)).all()), total


def webinar_cards(session: Session, *, webinars: list[Webinar]) -> list[WebinarCard]:
    """Themes and visible presenters (active organisations only, by name) for these webinars, in two queries."""
    if not webinars:
        return []
    theme_ids = {w.theme_category_id for w in webinars if w.theme_category_id is not None}
    themes = {c.id: c for c in session.exec(select(Category).where(col(Category.id).in_(theme_ids))).all()}
    presenters: dict[int, list[Organization]] = {}
    rows = session.exec(
        select(WebinarPresenter.webinar_id, Organization)
        .join(Organization, col(Organization.id) == WebinarPresenter.organization_id)
        .where(col(WebinarPresenter.webinar_id).in_([w.id for w in webinars]), Organization.status == OrgStatus.active)
        .order_by(col(Organization.name))
    ).all()
    for webinar_id, org in rows:
        presenters.setdefault(webinar_id, []).append(org)
    return [
        WebinarCard(webinar=w, theme=themes.get(w.theme_category_id), presenters=presenters.get(w.id, []))
        for w in webinars
    ]


def shown_listings(session: Session, *, webinar: Webinar) -> list[tuple[Listing, Organization, Category]]:
    """The listings shown in the webinar that the public may see, with their organisation and category."""
    query = (
        visible_listings()
        .add_columns(Organization, Category)
        .join(Category, col(Category.id) == Listing.category_id)
        .join(WebinarListing, col(WebinarListing.listing_id) == Listing.id)
        .where(WebinarListing.webinar_id == webinar.id)
        .order_by(col(Organization.name), col(Listing.title))
    )
    return [tuple(row) for row in session.execute(query).all()]
