"""Running searches off the event loop, in a small pool, with a deadline."""

import asyncio
from concurrent.futures import ThreadPoolExecutor

from app.search.backend import SearchBackend
from app.search.schemas import SearchQuery, SearchResult, SearchUnavailable

SEARCH_TIMEOUT_SECONDS = 3.0
# Bounded: a burst of searches queues here instead of taking every worker thread of the server.
_pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="search")


async def run_search(backend: SearchBackend, query: SearchQuery, *, timeout: float = SEARCH_TIMEOUT_SECONDS) -> SearchResult:
    loop = asyncio.get_running_loop()
    try:
        return await asyncio.wait_for(loop.run_in_executor(_pool, backend.search, query), timeout)
    except TimeoutError as exc:
        raise SearchUnavailable(f"search took longer than {timeout:g} s") from exc
