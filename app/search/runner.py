"""Running searches off the event loop, in a small pool, with a deadline and a circuit breaker.

When the engine keeps failing, searches fail fast for a while instead of each waiting for a timeout;
results are re-checked against the database so that a stale index never shows a hidden record.
"""

import asyncio
import dataclasses
import time
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import Engine

from app.metrics import SEARCH_LATENCY
from app.search.backend import SearchBackend
from app.search.result_cache import ResultCache, cache_key
from app.search.schemas import SearchQuery, SearchResult, SearchUnavailable
from app.search.service import drop_hidden_hits

SEARCH_TIMEOUT_SECONDS = 2.0
FAILURES_TO_OPEN = 3
OPEN_SECONDS = 30.0
# Bounded: a burst of searches queues here instead of taking every worker thread of the server.
_pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="search")


class CircuitBreaker:
    def __init__(self, failures_to_open: int = FAILURES_TO_OPEN, open_seconds: float = OPEN_SECONDS) -> None:
        self.failures_to_open = failures_to_open
        self.open_seconds = open_seconds
        self.failures = 0
        self.opened_at: float | None = None

    def check(self) -> None:
        if self.opened_at is not None:
            if time.monotonic() - self.opened_at < self.open_seconds:
                raise SearchUnavailable("search is temporarily switched off after repeated failures")
            self.opened_at = None  # half-open: let one try through

    def record(self, ok: bool) -> None:
        if ok:
            self.failures, self.opened_at = 0, None
            return
        self.failures += 1
        if self.failures >= self.failures_to_open:
            self.opened_at = time.monotonic()


def _search_visible(backend: SearchBackend, engine: Engine, query: SearchQuery, started: list[float],
                    cache: ResultCache | None) -> SearchResult:
    started.append(time.monotonic())
    # A backend that cannot say when it changed (a test's stand-in) is simply not cached.
    generation = getattr(backend, "generation", lambda: None)() if cache is not None else None
    key = cache_key(generation, query) if generation is not None else None
    result = cache.get(key) if key is not None else None
    if result is None:
        with SEARCH_LATENCY.labels(getattr(backend, "engine_name", type(backend).__name__)).time():
            result = backend.search(query)
        if key is not None:
            cache.put(key, result)
    return dataclasses.replace(result, hits=drop_hidden_hits(engine, result.hits))


async def run_search(
    backend: SearchBackend,
    engine: Engine,
    query: SearchQuery,
    *,
    breaker: CircuitBreaker,
    cache: ResultCache | None = None,
    timeout: float | None = None,
) -> SearchResult:
    timeout = timeout or SEARCH_TIMEOUT_SECONDS
    breaker.check()
    loop = asyncio.get_running_loop()
    started: list[float] = []  # when a pool thread took the search up
    try:
        result = await asyncio.wait_for(loop.run_in_executor(_pool, _search_visible, backend, engine, query, started, cache),
                                        timeout)
    except TimeoutError as exc:
        # A search that spent its time waiting in the queue says the server is busy, not that the engine
        # is failing: only the engine's own slowness (most of the time spent running) counts towards
        # switching search off for everyone.
        if started and time.monotonic() - started[0] >= timeout / 2:
            breaker.record(ok=False)
        raise SearchUnavailable(f"search took longer than {timeout:g} s") from exc
    except SearchUnavailable:
        breaker.record(ok=False)
        raise
    breaker.record(ok=True)
    return result
