"""The application factory."""

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request, Response
from fastapi.staticfiles import StaticFiles

from app.catalog.routes import router as catalog_router
from app.config import PROJECT_ROOT, Settings, get_settings
from app.db import create_db_engine
from app.errors import install_error_handlers
from app.i18n import LANG_COOKIE, parse_language
from app.system.routes import router as system_router

ONE_YEAR = 365 * 24 * 3600


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        app.state.engine.dispose()

    app = FastAPI(
        title="QMarket",
        lifespan=lifespan,
        docs_url=None if settings.environment == "production" else "/docs",
        redoc_url=None,
        openapi_url=None if settings.environment == "production" else "/openapi.json",
    )
    app.state.settings = settings
    app.state.engine = create_db_engine(settings)
    install_error_handlers(app)

    @app.middleware("http")
    async def remember_language(request: Request, call_next) -> Response:
        response = await call_next(request)
        chosen = parse_language(request.query_params.get("lang"))
        if chosen and request.cookies.get(LANG_COOKIE) != chosen:
            response.set_cookie(LANG_COOKIE, chosen, max_age=ONE_YEAR, samesite="lax", httponly=True)
        return response

    app.mount("/static", StaticFiles(directory=PROJECT_ROOT / "static"), name="static")
    app.include_router(system_router)
    app.include_router(catalog_router)
    logging.basicConfig(level=logging.INFO)
    return app
