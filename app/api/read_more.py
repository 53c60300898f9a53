"""GET /api/v1/categories (the taxonomy tree) and /api/v1/webinars (no token)."""

from datetime import datetime
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request

from app.api.paging import page_params
from app.api.public_links import absolute
from app.api.public_schemas import CategoriesOut, CategoryOut, PresenterOut, WebinarOut, WebinarsOut
from app.catalog.schemas import CategoryNode
from app.catalog.service import category_tree
from app.deps import SessionDep
from app.errors import Invalid
from app.models.base import utcnow
from app.webinars.public_list import When, shown_listing_slugs, sort_key, webinars_page

router = APIRouter(prefix="/api/v1", tags=["public"])
WebinarPage = page_params("webinars", str, datetime, int)


def category_out(request: Request, node: CategoryNode) -> CategoryOut:
    category = node.category
    return CategoryOut(path=category.path, slug=category.slug, name=category.name, name_zh=category.name_zh,
                       url=absolute(request, f"/marketplace/{category.path}"),
                       listings_api_url=absolute(request, f"/api/v1/listings?{urlencode({'category': category.path})}"),
                       listings_count=node.count, children=[category_out(request, child) for child in node.children])


@router.get("/categories", response_model=CategoriesOut)
def list_categories(request: Request, session: SessionDep) -> CategoriesOut:
    """The top categories in their order, each with its subcategories; counts are of visible listings."""
    return CategoriesOut(items=[category_out(request, node) for node in category_tree(session)], next=None)


@router.get("/webinars", response_model=WebinarsOut)
def list_webinars(request: Request, session: SessionDep, page: WebinarPage,
                  when: Annotated[When, Query(description="upcoming: soonest first; past: latest first")] = "upcoming",
                  ) -> WebinarsOut:
    after = None
    if page.after is not None:
        if page.after[0] != when:  # a cursor of the other half: its position means nothing here
            raise Invalid.field("cursor", "belongs to the other value of `when`; start again without it")
        after = page.after[1:]
    cards = webinars_page(session, when=when, after=after, limit=page.limit, now=utcnow())
    cards, next_url = page.page(request, cards, lambda card: (when, *sort_key(card)))
    listings = shown_listing_slugs(session, [card.webinar.id for card in cards])
    items = []
    for card in cards:
        webinar = card.webinar
        fields = {name: getattr(webinar, name) for name in (
            "slug", "title", "title_zh", "description", "description_zh", "starts_at", "duration_minutes",
            "registration_url", "recording_url", "slides_url")}
        presenters = [PresenterOut(slug=org.slug, name=org.name, name_zh=org.name_zh,
                                   api_url=absolute(request, f"/api/v1/orgs/{org.slug}")) for org in card.presenters]
        items.append(WebinarOut(**fields, url=absolute(request, f"/webinars/{webinar.slug}"),
                                theme=card.theme.path if card.theme else None, presenters=presenters,
                                listings=listings[webinar.id]))
    return WebinarsOut(items=items, next=next_url)
