"""The Meilisearch engine (production): the SearchBackend protocol over meilisearch-python-sdk.

Meilisearch writes are asynchronous: a 202 only means "enqueued", and the task can still fail later
(meilisearch#4438, #3486). So every write waits for its task, and anything but "succeeded" counts as
not delivered: the outbox keeps the row and retries. Every failure (unreachable, too slow, 5xx, a
rejected request, a failed task) surfaces as SearchUnavailable; no httpx2 or SDK exception escapes.

Needs Meilisearch >= 1.10 (localizedAttributes, and the >= 1.4 backslash rules of the filter parser).
"""

import logging
import secrets
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from itertools import islice

import httpx2
from meilisearch_python_sdk import Client
from meilisearch_python_sdk.errors import MeilisearchApiError, MeilisearchError
from meilisearch_python_sdk.index import Index
from meilisearch_python_sdk.models.settings import MeilisearchSettings

from app.search import settings as conf
from app.search.documents import OPENINGS
from app.search.meili_query import CROPPED_ONLY, federated_body, page_body, relaxed_queries, render_highlight, search_body, several_words
from app.search.meili_settings import index_settings, settings_differences
from app.search.schemas import (
    FACETS,
    Hit,
    SearchQuery,
    SearchRejected,
    SearchResult,
    SearchUnavailable,
)

log = logging.getLogger(__name__)

PRIMARY_KEY = "id"
BATCH_SIZE = 1000  # documents per request when rebuilding
IDS_PAGE = 1000
REBUILD_TASK_TIMEOUT = 300.0  # an operator's reindex may wait for a big batch; a request never does
# Whatever goes wrong talking to the server: SDK errors, httpx2 errors the SDK lets through (read
# timeouts, non-JSON error pages), and malformed responses (pydantic and JSON errors are ValueErrors).
_FAILURES = (
    MeilisearchError, httpx2.HTTPError, httpx2.InvalidURL, httpx2.StreamError, ValueError, KeyError, TypeError
)


def _batches(documents: Iterable[dict], size: int) -> Iterator[list[dict]]:
    iterator = iter(documents)
    while batch := list(islice(iterator, size)):
        yield batch


def _sdk_client(url: str, api_key: str | None, timeout: float, transport: httpx2.BaseTransport | None) -> Client:
    client = Client(url, api_key, timeout=timeout)  # type: ignore[arg-type]  # httpx2 takes float seconds
    # Uncompressed answers: Meilisearch streams compressed ones in chunks, and the last small chunk waits
    # for the delayed ACK of the one before (about 40 ms a search on loopback, measured; 1 ms without).
    client.http_client.headers["Accept-Encoding"] = "identity"
    if transport is not None:
        # For fault-injection tests. The SDK has no transport parameter, so rebuild its httpx2 client
        # around one, exactly as Client.__init__ builds it (meilisearch-python-sdk 8.x).
        from meilisearch_python_sdk._http_requests import HttpRequests

        old = client.http_client
        client.http_client = httpx2.Client(
            base_url=old.base_url, headers=old.headers, timeout=old.timeout, transport=transport
        )
        client._http_requests = HttpRequests(client.http_client, json_handler=client.json_handler)
        old.close()
    return client


class MeilisearchBackend:
    engine_name = "meilisearch"  # the label of its search latency (app/metrics.py)

    def __init__(
        self,
        url: str,
        api_key: str | None = None,
        *,
        search_key: str | None = None,
        index_uid: str = "qmarket",
        timeout: float = 5.0,
        search_timeout: float = 0.75,
        task_timeout: float = 10.0,
        transport: httpx2.BaseTransport | None = None,
    ) -> None:
        self.url = url
        self.index_uid = index_uid
        self.task_timeout = task_timeout
        self._client = _sdk_client(url, api_key, timeout, transport)
        # Searches get their own, shorter timeout (a slow engine must not hold a page past a second) and,
        # where one is set, a key that can do nothing but search.
        self._search_client = _sdk_client(url, search_key or api_key, search_timeout, transport)
        # Per-process placeholder tags: no document text can contain them, so none can fake a mark.
        token = secrets.token_hex(8)
        self._pre, self._post = f"{{{{qm-mark-{token}}}}}", f"{{{{/qm-mark-{token}}}}}"
        self._ready = False
        self._writes = 0  # this process's writes: the result cache's key (other processes: its time limit)

    # ---- protocol ------------------------------------------------------------------------------------

    def ensure_ready(self) -> None:
        with self._guard("set-up"):
            self._set_up(self.index_uid)
        self._ready = True

    def generation(self) -> int:
        return self._writes

    def upsert(self, documents: list[dict]) -> None:
        if not documents:
            return
        try:
            with self._guard("upsert"):
                task = self._index_for_writing().add_documents(documents)
                self._wait(task.task_uid, self.task_timeout)
        finally:  # after: an answer cached while the write ran is kept under the generation before it
            self._writes += 1

    def delete(self, ids: list[str]) -> None:
        if not ids:
            return
        try:
            with self._guard("delete"):
                task = self._index_for_writing().delete_documents(list(ids))
                self._wait(task.task_uid, self.task_timeout)  # unknown ids: the task simply succeeds
        finally:
            self._writes += 1

    def search(self, query: SearchQuery) -> SearchResult:
        q = query.q.strip()
        with self._guard("search"):
            answer = self._call(f"indexes/{self.index_uid}/search", page_body(query, self._body(query, q, "all")))
            total = answer.get("totalHits", answer.get("estimatedTotalHits")) or 0
            federated = False
            if total < conf.FEW_FULL_MATCHES and several_words(q):
                if federated := query.sort != "newest" and bool(relaxed_queries(q)):
                    # Few records hold every word: those holding fewer follow, as in the embedded engine.
                    answer = self._call("multi-search", federated_body(query, self.index_uid, q, self._pre, self._post))
                elif not total:
                    # Nothing has every word (or a paste of many): settle for fewer, dropped from the end.
                    answer = self._call(f"indexes/{self.index_uid}/search", page_body(query, self._body(query, q, "last")))
            hits = [self._hit(raw, query.language) for raw in answer["hits"]]
            facets = {
                name: {str(value): int(count) for value, count in values.items()}
                for name, values in (answer.get("facetDistribution") or {}).items()
                if name in FACETS and values
            }
            total = answer.get("totalHits")
            # A page-mode answer without an exact count only says "at least"; a federated answer always
            # estimates, and its estimate is exact while the match set is small, as it is when relaxing.
            estimated_only = total is None and not federated
            if total is None:
                total = int(answer["estimatedTotalHits"])
        return SearchResult(total=total, hits=hits, facets=facets,
                            total_is_lower_bound=total >= conf.MAX_COUNTED_HITS or estimated_only)

    def _body(self, query: SearchQuery, q: str, matching_strategy: str) -> dict:
        return search_body(query, q, matching_strategy, self._pre, self._post)

    def _call(self, path: str, body: dict) -> dict:
        return self._search_client._http_requests.post(path, body).json()

    def rebuild(self, documents: Iterable[dict]) -> int:
        """Fill a fresh index next to the live one, then swap them atomically: readers never see a gap.

        A failure anywhere before the swap (the documents, a refused batch, the server going away) leaves
        the live index as it was; the half-built twin is dropped now or by the next rebuild.
        """
        temporary = f"{self.index_uid}__rebuild"
        with self._guard("rebuild"):
            # A swap needs both indexes to exist; the live one's settings are about to be replaced anyway.
            self._set_up(self.index_uid, apply_settings=False)
            self._drop(temporary)  # what an interrupted rebuild left behind
            index = self._set_up(temporary)
            ids: set[str] = set()
            try:
                tasks = []
                for batch in _batches(documents, BATCH_SIZE):
                    ids.update(str(document[PRIMARY_KEY]) for document in batch)
                    tasks.append(index.add_documents(batch).task_uid)
                for task_uid in tasks:
                    self._wait(task_uid, REBUILD_TASK_TIMEOUT)
                self._swap_into_place(temporary)
            except BaseException:
                self._drop_quietly(temporary)
                raise
            finally:
                self._writes += 1
        self._ready = True
        self._drop_quietly(temporary)  # after the swap it holds the old documents
        return len(ids)

    def _swap_into_place(self, temporary: str) -> None:
        """Swap `temporary` with the live index and make sure it happened.

        A key scoped to some indexes cannot read swap tasks (they belong to no single index, so Meilisearch
        hides them), so the swap is awaited through a no-op task on the live index queued behind it, and
        then checked: the live index must now be the one created for the rebuild.
        """
        built = self._client.get_index(temporary).created_at
        self._client.swap_indexes([(self.index_uid, temporary)])
        marker = self._client.index(self.index_uid).delete_documents([])
        self._wait(marker.task_uid, REBUILD_TASK_TIMEOUT)
        if self._client.get_index(self.index_uid).created_at != built:
            raise SearchUnavailable(f"Meilisearch did not swap {temporary!r} into {self.index_uid!r}; the old index stays")

    def settings_drift(self) -> list[str]:
        """Index settings on the server that differ from app.search.settings (empty: none, or no index yet)."""
        with self._guard("reading settings"):
            try:
                actual = self._client._http_requests.get(f"indexes/{self.index_uid}/settings").json()
            except MeilisearchApiError as error:
                if error.code == "index_not_found":
                    return []
                raise
        return settings_differences(actual)

    def document_ids(self) -> set[str]:
        ids: set[str] = set()
        with self._guard("listing document ids"):
            index = self._client.index(self.index_uid)
            offset = 0
            while True:
                try:
                    page = index.get_documents(offset=offset, limit=IDS_PAGE, fields=[PRIMARY_KEY])
                except MeilisearchApiError as error:
                    if error.code == "index_not_found":
                        return set()  # no index holds no documents
                    raise
                ids.update(str(document[PRIMARY_KEY]) for document in page.results)
                offset += len(page.results)
                if not page.results or offset >= page.total:
                    return ids

    def drop_index(self) -> None:
        """Delete the index and its rebuild twin (test suites clean up after themselves)."""
        with self._guard("drop"):
            self._drop(self.index_uid)
            self._drop(f"{self.index_uid}__rebuild")

    def close(self) -> None:
        self._client.close()
        self._search_client.close()

    # ---- internals -----------------------------------------------------------------------------------

    @contextmanager
    def _guard(self, action: str) -> Iterator[None]:
        """Turn every way a call can fail into SearchUnavailable, with a message that says which."""
        try:
            yield
        except SearchUnavailable:
            self._ready = False  # the index may be gone: set it up again on the next write
            raise
        except MeilisearchApiError as error:
            self._ready = False
            raise SearchUnavailable(
                f"Meilisearch {action} failed: HTTP {error.status_code} {error.code} {error.message}".rstrip()
            ) from error
        except _FAILURES as error:
            self._ready = False
            raise SearchUnavailable(f"Meilisearch {action} failed ({self.url}): {error}") from error

    def _index_for_writing(self) -> Index:
        # Writing to a missing index would create it with an inferred primary key (both "id" and
        # "record_id" qualify, so the task fails) and without our settings: set it up first.
        if not self._ready:
            self._set_up(self.index_uid)
            self._ready = True
        return self._client.index(self.index_uid)

    def _set_up(self, uid: str, *, apply_settings: bool = True) -> Index:
        """Create the index if missing, with our primary key, and bring its settings in line with the code.

        Settings are only sent when they differ: every worker does this at start-up, and an unchanged
        settings update would still queue a task behind the documents being written.
        """
        try:
            index = self._client.get_index(uid)
        except MeilisearchApiError as error:
            if error.code != "index_not_found":
                raise
            # A concurrent creator makes our task fail with index_already_exists; the index is there.
            index = self._client.create_index(uid, PRIMARY_KEY, timeout_in_ms=int(self.task_timeout * 1000))
        if index.primary_key is None:
            index = index.update(PRIMARY_KEY)
        if index.primary_key != PRIMARY_KEY:
            raise SearchUnavailable(f"Meilisearch index {uid!r} has primary key {index.primary_key!r}, not 'id'")
        if apply_settings:
            actual = self._client._http_requests.get(f"indexes/{uid}/settings").json()
            if settings_differences(actual):
                task = index.update_settings(MeilisearchSettings(**index_settings()))
                self._wait(task.task_uid, self.task_timeout)
        return index

    def _drop(self, uid: str) -> None:
        try:
            task = self._client.index(uid).delete()
        except MeilisearchApiError as error:
            if error.code == "index_not_found":
                return
            raise
        self._wait(task.task_uid, self.task_timeout, tolerate=("index_not_found",))

    def _drop_quietly(self, uid: str) -> None:
        # Only clean-up: a leftover index is removed by the next rebuild.
        try:
            self._drop(uid)
        except (SearchUnavailable, *_FAILURES) as error:
            log.warning("could not delete Meilisearch index %s: %s", uid, error)

    def _wait(self, task_uid: int, timeout: float, tolerate: tuple[str, ...] = ()) -> None:
        """Poll the task until it is done; failed, canceled or still pending at the deadline → SearchUnavailable."""
        deadline = time.monotonic() + timeout
        delay = 0.01
        while True:
            task = self._client.get_task(task_uid)
            if task.status == "succeeded":
                return
            if task.status in ("failed", "canceled"):
                error = task.error or {}
                if error.get("code") in tolerate:
                    return
                failure = SearchRejected if task.status == "failed" else SearchUnavailable
                raise failure(
                    f"Meilisearch task {task_uid} ({task.task_type}) {task.status}: "
                    f"{error.get('code', '')} {error.get('message', '')}".rstrip()
                )
            if time.monotonic() >= deadline:
                raise SearchUnavailable(f"Meilisearch task {task_uid} still {task.status} after {timeout:g} s")
            time.sleep(delay)
            delay = min(delay * 2, 0.25)

    def _hit(self, raw: dict, language: str) -> Hit:
        formatted = raw.get("_formatted") or {}
        document = {key: value for key, value in raw.items() if not key.startswith("_")}
        for name in CROPPED_ONLY:  # not retrieved whole: the cropped text, unmarked, serves as an excerpt,
            if isinstance(formatted.get(name), str):
                document[name] = formatted[name].replace(self._pre, "").replace(self._post, "")
            else:  # or, where the body was not formatted, its stored start
                document[name] = document.get(OPENINGS[name]) or ""
        return Hit(
            type=document["type"],
            id=int(document["record_id"]),
            slug=document["slug"],
            title=document["title"],
            title_zh=document.get("title_zh") or None,
            org_slug=document.get("org_slug"),
            url=document["url"],
            highlight=render_highlight(document | formatted, language, self._pre, self._post),
            document=document,
        )
