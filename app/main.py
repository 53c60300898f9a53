"""The application factory."""

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import Depends, FastAPI
from fastapi.staticfiles import StaticFiles
from starlette.middleware.gzip import GZipMiddleware

from app.accounts.preferences import router as preferences_router
from app.accounts.routes import router as accounts_router
from app.alerts.digests import alert_periodically
from app.alerts.routes import router as alerts_router
from app.api.docs import install as install_api_docs
from app.api.routes import router as api_router
from app.catalog.routes import router as catalog_router
from app.community.routes import router as community_router
from app.config import PROJECT_ROOT, Settings, get_settings, production_problems
from app.db import create_db_engine
from app.error_pages import install_error_handlers
from app.home.routes import router as home_router
from app.http_cache import CachePolicy, HeadAsGet
from app.insights.routes import router as insights_router
from app.jobs.moderation import expire_periodically
from app.jobs.routes import router as jobs_router
from app.language_cookie import RememberLanguage
from app.logs import configure_logging
from app.metrics import MetricsMiddleware
from app.learn.routes import router as learn_router
from app.organizations.routes import router as organizations_router
from app.partners.routes import router as partners_router
from app.periodic import LeaseTerms
from app.request_context import RequestIdMiddleware
from app.search.backend import create_backend
from app.search.relay import OutboxRelay
from app.search.result_cache import ResultCache
from app.search.routes import router as search_router
from app.search.runner import CircuitBreaker
from app.search.schemas import SearchUnavailable
from app.search.service import index_is_empty, reindex
from app.search.text import load_segmenter
from app.security.body_limit import BodySizeLimit
from app.security.csrf import verify_csrf
from app.security.headers import SecurityHeaders
from app.security.throttle import Throttle
from app.staff.routes import router as staff_router
from app.stale_links import StaleLinks
from app.system.routes import router as system_router
from app.validation import refuse_unstorable_input
from app.webinars.reminders import remind_periodically as remind_registered
from app.webinars.routes import router as webinars_router
from app.workspace.freshness import remind_periodically
from app.workspace.retention import purge_periodically
from app.workspace.routes import router as workspace_router

log = logging.getLogger("qmarket")

def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    if settings.environment == "production" and (problems := production_problems(settings)):
        raise RuntimeError("refusing to start in production: " + "; ".join(problems))

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await asyncio.to_thread(load_segmenter)  # our domain words into the segmenter, once per process
        try:
            await asyncio.to_thread(app.state.search.ensure_ready)
        except SearchUnavailable as exc:
            log.warning("search engine not ready at start-up (%s); search is degraded until it is", exc)
        relay_task = asyncio.create_task(_keep_index_current(app))
        engine, drain = app.state.engine, app.state.search_relay.drain
        # Every worker runs these loops; a pass runs only where the task's lease is held (app/periodic.py).
        lease = LeaseTerms(engine, seconds=settings.lease_seconds)
        periodic = [
            expire_periodically(engine, interval=settings.job_expiry_interval_seconds, after=drain, lease=lease),
            remind_periodically(engine, settings, interval=settings.listing_reminder_interval_seconds, after=drain,
                                lease=lease),
            purge_periodically(engine, settings, interval=settings.purge_interval_seconds, after=drain, lease=lease),
            remind_registered(engine, settings, interval=settings.webinar_reminder_interval_seconds, lease=lease),
            alert_periodically(engine, settings, app.state.search, lease=lease),
        ]
        tasks = [relay_task, *(asyncio.create_task(loop) for loop in periodic)]
        yield
        for task in tasks:
            task.cancel()
        # Let each loop's clean-up run (it hands its lease over) before the engine goes.
        await asyncio.gather(*tasks, return_exceptions=True)
        app.state.search.close()
        app.state.engine.dispose()

    app = FastAPI(
        title="QMarket",
        # Every unsafe request on every router is checked for forgery, then every request for input that
        # cannot be stored (NUL), before any route code runs.
        dependencies=[Depends(verify_csrf), Depends(refuse_unstorable_input)],
        lifespan=lifespan,
        # The API's own document and docs page replace FastAPI's (app/api/docs.py): no HTML routes in them.
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
    )
    app.state.settings = settings
    app.state.engine = create_db_engine(settings)
    app.state.search = create_backend(settings)
    app.state.search_relay = OutboxRelay(app.state.engine, app.state.search)
    app.state.search_breaker = CircuitBreaker()
    app.state.search_results = ResultCache(seconds=settings.search_cache_seconds) if settings.search_cache_seconds else None
    install_error_handlers(app)

    app.add_middleware(StaleLinks)  # innermost: asks the routes again without a stale link's refused values
    app.add_middleware(RememberLanguage)  # sets the cookie on whatever the routes answer
    app.add_middleware(Throttle, per_minute=settings.public_requests_per_minute)  # before any route or database work
    app.add_middleware(BodySizeLimit)  # inside SecurityHeaders: its 413 gets the headers too
    app.add_middleware(SecurityHeaders, https_only=settings.https)
    app.add_middleware(GZipMiddleware, minimum_size=1000, compresslevel=6)  # HTML, JSON, CSS, JS, feeds (not images)
    app.add_middleware(CachePolicy, session_cookie=settings.session_cookie)  # sees the cookies set inside it
    app.add_middleware(MetricsMiddleware)  # inside HeadAsGet: a HEAD counts as the GET it is answered as
    app.add_middleware(HeadAsGet)  # HEAD wherever GET: every middleware inside sees a GET
    app.add_middleware(RequestIdMiddleware)  # outermost: every answer carries X-Request-ID
    app.mount("/static", StaticFiles(directory=PROJECT_ROOT / "static"), name="static")
    # One router per package, each including its own pages (order matters only where paths overlap).
    for router in (system_router, accounts_router, preferences_router, alerts_router, staff_router, webinars_router, community_router,
                   home_router, catalog_router, organizations_router, partners_router, insights_router, jobs_router,
                   workspace_router, search_router, learn_router, api_router):
        app.include_router(router)
    install_api_docs(app)
    configure_logging(settings)
    for chatty in ("httpx", "httpx2"):  # one line per Meilisearch call would bury the access log
        logging.getLogger(chatty).setLevel(logging.WARNING)
    return app


async def _keep_index_current(app: FastAPI) -> None:
    """Rebuild the index if it is empty (new or lost), then keep delivering the outbox."""
    try:
        if await asyncio.to_thread(index_is_empty, app.state.engine, app.state.search):
            count = await asyncio.to_thread(reindex, app.state.engine, app.state.search)
            log.info("search index was empty: rebuilt with %s documents", count)
    except SearchUnavailable as exc:
        log.warning("search index not rebuilt (%s); the relay keeps retrying", exc)
    await app.state.search_relay.run_forever()
