"""The member and staff parts of the JSON API, as one router for the application to include."""

from fastapi import APIRouter

from app.api.imports import router as imports_router
from app.api.jobs import router as jobs_router
from app.api.listings import router as listings_router

router = APIRouter()
router.include_router(listings_router)
router.include_router(jobs_router)
router.include_router(imports_router)
