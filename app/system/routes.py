"""Health checks for load balancers and deploys."""

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy import text

from app.search.service import backlog
from app.system.metrics_route import router as metrics_router
from app.system.sitemap import router as sitemap_router

router = APIRouter(tags=["system"])  # with the sitemap and robots.txt (sitemap.py), included below


# A health answer is about this moment and this process: no cache may keep it.
NOT_KEPT = {"Cache-Control": "no-store"}


@router.get("/healthz")
def healthz() -> JSONResponse:
    """The process is up (says nothing about its dependencies)."""
    return JSONResponse({"status": "ok"}, headers=NOT_KEPT)


@router.get("/readyz")
def readyz(request: Request) -> JSONResponse:
    """Ready to serve: the database answers, and so does the search engine when one is attached."""
    checks: dict[str, str] = {}
    try:
        with request.app.state.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        checks["database"] = "ok"
    except Exception as exc:  # any failure means "not ready"; the reason is for the operator
        checks["database"] = f"error: {type(exc).__name__}"
    search = getattr(request.app.state, "search", None)
    if search is not None:
        try:
            search.ensure_ready()
            checks["search"] = "ok"
        except Exception as exc:
            checks["search"] = f"error: {type(exc).__name__}"
    ready = all(value == "ok" for value in checks.values())
    body: dict = {"status": "ok" if ready else "unavailable", "checks": checks}
    if checks["database"] == "ok":
        body["search_backlog"] = backlog(request.app.state.engine)  # how far the index lags (not a failure)
    return JSONResponse(body, status_code=200 if ready else 503, headers=NOT_KEPT)


# One router per package: main.py includes this one.
router.include_router(sitemap_router)
router.include_router(metrics_router)
