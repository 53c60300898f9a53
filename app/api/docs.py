"""The API's OpenAPI document and its docs page (DESIGN §4), public in every environment: integrators need
them in production most of all, and they describe the API alone (no page, no staff screen). /docs, where
FastAPI's explorer of every route used to be, redirects to the page; /openapi.json, which listed every page
and form route, is gone."""

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse

from app.api.openapi import api_schema
from app.web import render

router = APIRouter(include_in_schema=False)
SPEC = "/api/v1/openapi.json"


def install(app: FastAPI) -> None:
    """Serve the document and the page; app.openapi() (which tools call) answers the same API-only document."""

    def openapi() -> dict:
        if app.openapi_schema is None:  # built once: the routes do not change while the app runs
            app.openapi_schema = api_schema(app)
        return app.openapi_schema

    app.openapi = openapi
    app.include_router(router)


@router.get(SPEC)
def openapi_document(request: Request) -> JSONResponse:
    return JSONResponse(request.app.openapi())


@router.get("/api/v1/docs", response_class=HTMLResponse)
def docs_page(request: Request) -> HTMLResponse:
    """Under the app's own CSP, unrelaxed: Swagger UI (React) sets its styles through the DOM, which
    `style-src 'self'` allows, and its two scripts carry the nonce (tests/browser/test_api_docs.py)."""
    return render(request, "api_docs.html", {"spec_url": SPEC})


@router.get("/docs")
def old_docs() -> RedirectResponse:
    return RedirectResponse("/api/v1/docs", status_code=308)
