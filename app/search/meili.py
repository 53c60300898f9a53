"""The Meilisearch engine (production): the SearchBackend protocol over meilisearch-python-sdk.

Meilisearch writes are asynchronous: a 202 only means "enqueued", and the task can still fail later
(meilisearch#4438, #3486). So every write waits for its task, and anything but "succeeded" counts as
not delivered: the outbox keeps the row and retries. Every failure (unreachable, too slow, 5xx, a
rejected request, a failed task) surfaces as SearchUnavailable; no httpx2 or SDK exception escapes.

Needs Meilisearch >= 1.10 (localizedAttributes, and the >= 1.4 backslash rules of the filter parser).
"""

import html
import logging
import re
import secrets
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from itertools import islice
from typing import Literal

import httpx2
from meilisearch_python_sdk import Client
from meilisearch_python_sdk.errors import MeilisearchApiError, MeilisearchError
from meilisearch_python_sdk.index import Index
from meilisearch_python_sdk.models.search import SearchResults
from meilisearch_python_sdk.models.settings import MeilisearchSettings

from app.search import settings as conf
from app.search.meili_settings import index_settings, settings_differences
from app.search.schemas import (
    FACETS,
    MAX_PAGE,
    MAX_PER_PAGE,
    Hit,
    SearchQuery,
    SearchRejected,
    SearchResult,
    SearchUnavailable,
)

log = logging.getLogger(__name__)

PRIMARY_KEY = "id"
CROP_WORDS = 30  # about the 160 characters of the embedded engine's snippets
HIGHLIGHTED = ("title", "title_zh", "summary", "summary_zh", "body", "body_zh", "tags")
CROPPED = ("summary", "summary_zh", "body", "body_zh")
BATCH_SIZE = 1000  # documents per request when rebuilding
IDS_PAGE = 1000
REBUILD_TASK_TIMEOUT = 300.0  # an operator's reindex may wait for a big batch; a request never does
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_KANA = re.compile(r"[\u3040-\u30ff]")
# Whatever goes wrong talking to the server: SDK errors, httpx2 errors the SDK lets through (read
# timeouts, non-JSON error pages), and malformed responses (pydantic and JSON errors are ValueErrors).
_FAILURES = (
    MeilisearchError, httpx2.HTTPError, httpx2.InvalidURL, httpx2.StreamError, ValueError, KeyError, TypeError
)


def quote(value: str) -> str:
    """A filter string literal: double-quoted, backslashes and quotes escaped, so a value is only ever a value."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def build_filter(filters: dict[str, tuple[str, ...]]) -> list[list[str]]:
    """Meilisearch's array form: the outer list is AND (across facets), each inner list OR (within one)."""
    expression = []
    for facet, values in filters.items():
        if facet not in FACETS:  # as in the embedded engine: only known facets filter, and names are never quoted
            continue
        alternatives = [f"{facet} = {quote(str(value))}" for value in dict.fromkeys(values)]
        if alternatives:
            expression.append(alternatives)
    return expression


def query_locales(q: str) -> list[str] | None:
    """Han characters without kana are Chinese: segment the query as the *_zh fields are segmented."""
    return ["cmn"] if _HAN.search(q) and not _KANA.search(q) else None


def _several_words(q: str) -> bool:
    return len(q.split()) > 1 or bool(_HAN.search(q))  # Chinese runs are segmented into words by the engine


def _text(value: object) -> str:
    if isinstance(value, list):
        return " · ".join(str(item) for item in value if item)
    return str(value) if value else ""


def render_highlight(formatted: dict, language: str, pre: str, post: str) -> str:
    """Like the embedded engine: the first field with a match (reader's language first), else the summary.

    Meilisearch marks matches with our placeholder tags; everything is HTML-escaped first, then the
    placeholders become <mark> tags, so a document's own markup can never get through. Fields come in
    as Meilisearch formats them: highlighted, and summaries and bodies cropped around the match.
    """
    mine, other = ("_zh", "") if language == "zh" else ("", "_zh")
    names = [f"{name}{suffix}" for suffix in (mine, other) for name in ("title", "summary", "body")]
    texts = {name: _text(formatted.get(name)) for name in [*names, "tags"]}
    matched = next((text for text in texts.values() if pre in text), None)
    fallback = (f"summary{mine}", f"body{mine}", f"title{mine}", f"summary{other}", f"body{other}", f"title{other}")
    text = matched if matched is not None else next((texts[name] for name in fallback if texts[name]), "")
    # Chinese is matched word by word: 稀释 and 制冷机 become one mark, as the embedded engine merges them.
    text = text.replace(post + pre, "")
    return html.escape(text).replace(html.escape(pre), "<mark>").replace(html.escape(post), "</mark>")


def _batches(documents: Iterable[dict], size: int) -> Iterator[list[dict]]:
    iterator = iter(documents)
    while batch := list(islice(iterator, size)):
        yield batch


def _sdk_client(url: str, api_key: str | None, timeout: float, transport: httpx2.BaseTransport | None) -> Client:
    client = Client(url, api_key, timeout=timeout)  # type: ignore[arg-type]  # httpx2 takes float seconds
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

    # ---- protocol ------------------------------------------------------------------------------------

    def ensure_ready(self) -> None:
        with self._guard("set-up"):
            self._set_up(self.index_uid)
        self._ready = True

    def upsert(self, documents: list[dict]) -> None:
        if not documents:
            return
        with self._guard("upsert"):
            task = self._index_for_writing().add_documents(documents)
            self._wait(task.task_uid, self.task_timeout)

    def delete(self, ids: list[str]) -> None:
        if not ids:
            return
        with self._guard("delete"):
            task = self._index_for_writing().delete_documents(list(ids))
            self._wait(task.task_uid, self.task_timeout)  # unknown ids: the task simply succeeds

    def search(self, query: SearchQuery) -> SearchResult:
        q = query.q.strip()
        with self._guard("search"):
            results = self._search(query, q, "all")  # every word must match, as in the embedded engine
            if not (results.total_hits or results.estimated_total_hits) and _several_words(q):
                # Nothing has every word: like the embedded engine, settle for fewer, dropped from the end.
                results = self._search(query, q, "last")
            hits = [self._hit(raw, query.language) for raw in results.hits]
            facets = {
                name: {str(value): int(count) for value, count in values.items()}
                for name, values in (results.facet_distribution or {}).items()
                if name in FACETS and values
            }
        if results.total_hits is not None:
            total, capped = results.total_hits, results.total_hits >= conf.MAX_COUNTED_HITS
        else:  # only an estimate came back
            total, capped = results.estimated_total_hits or 0, True
        return SearchResult(total=total, hits=hits, facets=facets, total_is_lower_bound=capped)

    def _search(self, query: SearchQuery, q: str, matching_strategy: Literal["all", "last"]) -> SearchResults:
        # Without words there is nothing to rank by relevance: browsing shows the newest first.
        sort = ["timestamp:desc"] if query.sort == "newest" or not q else None
        return self._search_client.index(self.index_uid).search(
            q,
            page=min(max(query.page, 1), MAX_PAGE),
            hits_per_page=min(max(query.per_page, 1), MAX_PER_PAGE),  # page mode: exact totals up to maxTotalHits
            filter=build_filter(query.filters) or None,
            facets=list(FACETS),
            sort=sort,
            attributes_to_highlight=list(HIGHLIGHTED),
            attributes_to_crop=list(CROPPED),
            crop_length=CROP_WORDS,
            crop_marker="…",
            highlight_pre_tag=self._pre,
            highlight_post_tag=self._post,
            matching_strategy=matching_strategy,
            locales=query_locales(q),
        )

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
        return Hit(
            type=document["type"],
            id=int(document["record_id"]),
            slug=document["slug"],
            title=document["title"],
            title_zh=document.get("title_zh") or None,
            org_slug=document.get("org_slug"),
            url=document["url"],
            highlight=render_highlight(formatted, language, self._pre, self._post),
            document=document,
        )
