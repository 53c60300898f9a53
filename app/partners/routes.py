"""/orgs/{slug}/partners: the organisations that meet what one organisation needs and need what it offers."""

import asyncio
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse
from sqlmodel import Session

from app.catalog.service import category_tree
from app.deps import SessionDep
from app.models import Organization
from app.models.vocab import InterestKind, OrgType, Region
from app.organizations.service import get_visible_organization, interests
from app.partners.service import Match, need_words, partners
from app.search.runner import run_search
from app.search.schemas import SearchQuery, SearchUnavailable
from app.web import render, request_language

router = APIRouter()
CategoryPath = Annotated[str, Query(max_length=120, pattern=r"^[a-z0-9-]+(/[a-z0-9-]+)?$")]
TEXT_SEARCH_HITS = 50


async def found_by_needs(request: Request, session: Session, org: Organization, language: str) -> dict[str, int]:
    """Listings the search engine finds for the words of `org`'s needs, counted by organisation slug.
    Without the engine the match rests on the categories alone."""
    words = await asyncio.to_thread(need_words, session, org)
    if not words:
        return {}
    query = SearchQuery(q=words, filters={"type": ("listing",)}, per_page=TEXT_SEARCH_HITS, language=language)
    try:
        result = await run_search(request.app.state.search, request.app.state.engine, query,
                                  breaker=request.app.state.search_breaker, cache=request.app.state.search_results)
    except SearchUnavailable:
        return {}
    counts: dict[str, int] = {}
    for hit in result.hits:
        if hit.org_slug and hit.org_slug != org.slug:
            counts[hit.org_slug] = counts.get(hit.org_slug, 0) + 1
    return counts


async def find_partners(request: Request, session: Session, slug: str, **options) -> tuple[Organization, list[Match]]:
    """The organisation (404 unless active) and its partners, in the reader's language."""
    language = request_language(request)
    org = await asyncio.to_thread(get_visible_organization, session, slug)
    hits = await found_by_needs(request, session, org, language)
    return org, await asyncio.to_thread(partners, session, org, language=language, text_hits=hits, **options)


@router.get("/orgs/{slug}/partners", response_class=HTMLResponse)
async def partners_page(
    request: Request, session: SessionDep, slug: str,
    category: CategoryPath | None = None, region: Region | None = None, org_type: OrgType | None = None,
    mutual: bool = False,
) -> HTMLResponse:
    org, matches = await find_partners(
        request, session, slug, limit=50, category=category, region=str(region) if region else None,
        org_type=str(org_type) if org_type else None, mutual_only=mutual)
    wanted = await asyncio.to_thread(interests, session, org)
    tree = await asyncio.to_thread(category_tree, session, with_counts=False)
    context = {"org": org, "matches": matches, "offers": wanted[InterestKind.offers], "needs": wanted[InterestKind.needs],
               "categories": tree,
               "chosen": {"category": category or "", "region": str(region or ""), "org_type": str(org_type or ""),
                          "mutual": mutual},
               "regions": list(Region), "org_types": list(OrgType)}
    return render(request, "partners.html", context, block="results")
