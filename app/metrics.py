"""Prometheus metrics, served at /metrics (app/system/metrics_route.py).

With several worker processes (`qmarket serve --workers N`) each process keeps its own counts in files
under PROMETHEUS_MULTIPROC_DIR (the serve command sets it before the workers start), and a scrape of any
worker adds up all of them: prometheus-client's multiprocess mode. It reads that variable when it is first
imported, so it must be set before this module is. Only counters and histograms are kept per process (they
add up, even across a worker's restart); what is the same for every worker, such as the outbox backlog, is
read from the database at scrape time instead.
"""

import os
import time
from collections.abc import Callable, Iterator

from prometheus_client import REGISTRY, CollectorRegistry, Counter, Histogram, generate_latest, multiprocess
from prometheus_client.core import GaugeMetricFamily
from sqlalchemy import Engine
from starlette.types import ASGIApp, Message, Receive, Scope, Send

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)

HTTP_REQUESTS = Counter("qmarket_http_requests", "HTTP requests answered, by route template and status",
                        ["method", "route", "status"])
HTTP_LATENCY = Histogram("qmarket_http_request_duration_seconds", "Time to answer an HTTP request, by route template",
                         ["method", "route"], buckets=LATENCY_BUCKETS)
SEARCH_LATENCY = Histogram("qmarket_search_duration_seconds", "Time the search engine took to answer a query",
                           ["engine"], buckets=LATENCY_BUCKETS)
INDEX_LAG = Histogram("qmarket_search_index_lag_seconds",
                      "From a change's commit to its delivery to the search engine (how stale search was)",
                      buckets=(0.1, 0.5, 1.0, 5.0, 15.0, 60.0, 300.0, 900.0, 3600.0))
MAILS = Counter("qmarket_mails", "Mails handed to the SMTP server, or not", ["outcome"])  # sent | failed | not_configured
PERIODIC_PASSES = Counter("qmarket_periodic_passes", "Passes of the periodic tasks run by this deployment",
                          ["task", "outcome"])  # done | failed


def route_label(scope: Scope) -> str:
    """The route's template (/orgs/{slug}), never the raw path: one series per route, not per URL."""
    route = scope.get("route")
    path = getattr(route, "path", None)
    return path if isinstance(path, str) and path else "unmatched"


class MetricsMiddleware:
    """Counts and times every HTTP answer, including those of the middlewares inside it (429, 413)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500  # an exception that escapes becomes the server's 500

        async def send_and_note(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_and_note)
        finally:
            route, method = route_label(scope), scope["method"]
            HTTP_REQUESTS.labels(method, route, str(status)).inc()
            HTTP_LATENCY.labels(method, route).observe(time.perf_counter() - started)


class OutboxCollector:
    """The search outbox as every worker sees it: read from the database when Prometheus scrapes."""

    def __init__(self, engine: Engine, backlog: Callable[[Engine], dict]) -> None:
        # `backlog` is app.search.service.backlog, handed in by the route: the search package imports this
        # module (to time its deliveries), so this one does not import it back.
        self.engine, self.backlog = engine, backlog

    def collect(self) -> Iterator[GaugeMetricFamily]:
        lag = self.backlog(self.engine)
        yield GaugeMetricFamily("qmarket_search_outbox_pending", "Index changes not yet delivered",
                                value=lag["pending"])
        yield GaugeMetricFamily("qmarket_search_outbox_oldest_age_seconds",
                                "Age of the oldest undelivered index change (0: none)", value=lag["oldest_seconds"])


def exposition(engine: Engine, backlog: Callable[[Engine], dict]) -> bytes:
    """The text format: this deployment's counters (every worker's, in multiprocess mode) and the backlog."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    else:
        registry = REGISTRY
    database = CollectorRegistry(auto_describe=False)
    database.register(OutboxCollector(engine, backlog))
    return generate_latest(registry) + generate_latest(database)
