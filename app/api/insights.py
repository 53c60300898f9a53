"""Public read API of the ecosystem map and of partner matching (DESIGN §4)."""

import asyncio
from typing import Annotated

from fastapi import APIRouter, Query, Request

from app.deps import SessionDep
from app.insights.service import as_json, insights
from app.partners.routes import find_partners
from app.partners.service import MAX_LIMIT

router = APIRouter(prefix="/api/v1", tags=["insights"])


@router.get("/insights")
async def insights_api(session: SessionDep) -> dict:
    return as_json(await asyncio.to_thread(insights, session))


@router.get("/orgs/{slug}/partners")
async def partners_api(request: Request, session: SessionDep, slug: str,
                       limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 20) -> dict:
    """The organisation's best partners, best first; 404 for an unknown or inactive organisation."""
    org, matches = await find_partners(request, session, slug, limit=limit)
    return {"org": org.slug, "partners": [
        {"org_slug": m.org.slug, "name": m.org.name, "name_zh": m.org.name_zh or None, "score": round(m.score, 2),
         "mutual": m.mutual, "reasons": m.reasons, "meets_your_needs": m.they_meet, "you_meet_their_needs": m.we_meet}
        for m in matches]}
