"""Webinars for the read API: upcoming ones soonest first, or past ones latest first, a page at a time, with
their visible presenters and the slugs of the visible listings they show."""

from datetime import datetime
from typing import Literal

from sqlmodel import Session, col, select

from app.models import Listing, Webinar, WebinarListing
from app.pagination import keyset
from app.visibility import visible_listings
from app.webinars.service import WebinarCard, webinar_cards

When = Literal["upcoming", "past"]


def webinars_page(session: Session, *, when: When, after: tuple | None, limit: int,
                  now: datetime) -> list[WebinarCard]:
    """`after` is a (starts_at, id) of the same `when`. A webinar is upcoming until it starts, as on /webinars."""
    upcoming = when == "upcoming"
    query = select(Webinar).where(col(Webinar.starts_at) >= now if upcoming else col(Webinar.starts_at) < now)
    order = [col(Webinar.starts_at), col(Webinar.id)]
    webinars = list(session.exec(keyset(query, order, after=after, limit=limit, descending=not upcoming)).all())
    return webinar_cards(session, webinars=webinars)


def sort_key(card: WebinarCard) -> tuple:
    return (card.webinar.starts_at, card.webinar.id)


def shown_listing_slugs(session: Session, webinar_ids: list[int]) -> dict[int, list[str]]:
    found: dict[int, list[str]] = {webinar_id: [] for webinar_id in webinar_ids}
    if webinar_ids:
        rows = session.execute(
            visible_listings().join(WebinarListing, col(WebinarListing.listing_id) == Listing.id)
            .with_only_columns(WebinarListing.webinar_id, Listing.slug)
            .where(col(WebinarListing.webinar_id).in_(webinar_ids)).order_by(col(Listing.slug))
        ).all()
        for webinar_id, slug in rows:
            found[webinar_id].append(slug)
    return found
