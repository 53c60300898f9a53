"""The engine's recent answers, kept until the index changes or a few seconds pass.

People type: "cryo", "cryog", back to "cryo"; the tabs and facet links of one page ask again what the page
before asked. An answer is kept under the index's generation (a counter every write moves on; the embedded
engine keeps it in the index file, so every process sees it, Meilisearch in the process that wrote), so a
write here is seen at once; QM_SEARCH_CACHE_SECONDS bounds how long another process's write may go unseen.
Hits are still re-checked against the database on every request (app/search/runner.py): a cached answer
never shows a record that has just been hidden.
"""

import threading
import time
from collections import OrderedDict
from collections.abc import Hashable

from app.search.schemas import SearchQuery, SearchResult

RESULT_CACHE_ENTRIES = 512


def cache_key(generation: Hashable, query: SearchQuery) -> tuple:
    filters = tuple((name, tuple(values)) for name, values in sorted(query.filters.items()))
    return (generation, query.q, filters, query.sort, query.page, query.per_page, query.language)


class ResultCache:
    def __init__(self, *, seconds: float, entries: int = RESULT_CACHE_ENTRIES,
                 clock=time.monotonic) -> None:
        self.entries, self.seconds, self._clock = entries, seconds, clock
        self._answers: OrderedDict[tuple, tuple[float, SearchResult]] = OrderedDict()
        self._lock = threading.Lock()  # searches run in a pool of threads
        self.hits = self.misses = 0

    def get(self, key: tuple) -> SearchResult | None:
        with self._lock:
            kept = self._answers.get(key)
            if kept is None or self._clock() - kept[0] > self.seconds:
                if kept is not None:
                    del self._answers[key]
                self.misses += 1
                return None
            self._answers.move_to_end(key)
            self.hits += 1
            return kept[1]

    def put(self, key: tuple, result: SearchResult) -> None:
        with self._lock:
            self._answers[key] = (self._clock(), result)
            self._answers.move_to_end(key)
            while len(self._answers) > self.entries:
                self._answers.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._answers.clear()
