"""Rules about webinars: writing them with their presenters and shown listings, and what is upcoming."""

from datetime import datetime

from sqlmodel import Session, col, delete, select

from app.models import Category, Listing, Organization, Webinar, WebinarListing, WebinarPresenter
from app.models.base import Outcome, assign, outcome, utcnow


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
    keep_date: bool = True,
) -> tuple[Webinar, Outcome]:
    """Create or update by slug. With keep_date an existing webinar keeps its date (demo data is relative)."""
    webinar = session.exec(select(Webinar).where(Webinar.slug == slug)).first()
    created = webinar is None
    values = dict(values, theme_category_id=theme.id if theme else None)
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
