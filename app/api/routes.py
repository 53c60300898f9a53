"""The JSON API under /api/v1: the public search, insights and partners, and the member API (bearer tokens)."""

from fastapi import APIRouter

from app.api.insights import router as insights_router
from app.api.members import router as members_router
from app.api.search import router as search_router

router = APIRouter()
router.include_router(search_router)
router.include_router(insights_router)
router.include_router(members_router)
