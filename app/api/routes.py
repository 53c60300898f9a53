"""The JSON API under /api/v1: the public reads (orgs, listings, jobs, categories, webinars), search,
insights and partners, and the member API (bearer tokens)."""

from fastapi import APIRouter

from app.api.insights import router as insights_router
from app.api.members import router as members_router
from app.api.read_jobs import router as read_jobs_router
from app.api.read_listings import router as read_listings_router
from app.api.read_more import router as read_more_router
from app.api.read_orgs import router as read_orgs_router
from app.api.search import router as search_router

router = APIRouter()
for public in (read_orgs_router, read_listings_router, read_jobs_router, read_more_router, search_router,
               insights_router):
    router.include_router(public)
router.include_router(members_router)
