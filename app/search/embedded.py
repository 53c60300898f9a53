"""The embedded search engine: SQLite FTS5 in its own file, no server.

Layout: `docs` keeps each document (for results and highlights); `fts` holds the analysed text in four
weighted columns (title, tags, org, body) under the same rowid; `facets` is a narrow (name, value, rowid)
table for filters and counts. Text is analysed in Python (app/search/text.py), so FTS5 only splits on spaces.
This module owns the file, its connections, writes and caches; searching is app/search/embedded_query.py.
"""

import json
import sqlite3
import threading
import time
import zlib
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from app.search import expansion
from app.search.embedded_query import Searcher
from app.search.facet_index import FacetIndex
from app.search.schemas import FACETS, SearchQuery, SearchResult, SearchUnavailable
from app.search.settings import EMBEDDED_COLUMNS, SEARCH_DEADLINE_SECONDS
from app.search.text import USER_DICTIONARY, document_terms, latin_words

SCHEMA = """
CREATE TABLE IF NOT EXISTS docs (
    rowid INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    type TEXT NOT NULL,
    sort_date INTEGER NOT NULL,
    data TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS docs_by_date ON docs (sort_date);
CREATE VIRTUAL TABLE IF NOT EXISTS fts USING fts5 (
    title, tags, org, body, tokenize = "unicode61 remove_diacritics 2"
);
CREATE VIRTUAL TABLE IF NOT EXISTS fts_terms USING fts5vocab (fts, 'row');
CREATE TABLE IF NOT EXISTS facets (
    name TEXT NOT NULL,
    value TEXT NOT NULL,
    rowid INTEGER NOT NULL,
    PRIMARY KEY (name, value, rowid)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS facets_by_doc ON facets (rowid);
-- English words as written, with their stems: what typo and prefix matching compare against.
CREATE TABLE IF NOT EXISTS words (word TEXT PRIMARY KEY, term TEXT NOT NULL) WITHOUT ROWID;
-- Counts every committed write, so a process knows when its cached vocabulary is out of date. (PRAGMA
-- data_version cannot say it: it is per connection, and each thread here has its own.)
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
INSERT OR IGNORE INTO meta (key, value) VALUES ('generation', 0);
"""



# Upserts of more documents than this drop the facet bitsets (reloaded at the next search) instead of
# updating them row by row.
MAX_CACHED_UPDATE = 200
PROGRESS_STEPS = 20_000  # SQLite virtual-machine steps between deadline checks (well under a millisecond)


def dictionary_fingerprint() -> int:
    return zlib.crc32(USER_DICTIONARY.read_bytes())


def _field_text(document: dict, fields: tuple[str, ...]) -> str:
    return " ".join(" ".join(v) if isinstance(v, list) else str(v or "") for v in (document.get(f) for f in fields))


def analysed_columns(document: dict) -> dict[str, str]:
    """The four FTS columns of a document: its fields as index terms joined by spaces."""
    return {column: " ".join(document_terms(_field_text(document, fields))) for column, fields in EMBEDDED_COLUMNS.items()}


def written_words(document: dict) -> dict[str, str]:
    text = " ".join(_field_text(document, fields) for fields in EMBEDDED_COLUMNS.values())
    return latin_words(text)


def facet_rows(document: dict) -> list[tuple[str, str]]:
    rows = []
    for name in FACETS:
        value = document.get(name)
        for item in value if isinstance(value, list) else [value]:
            if item not in (None, ""):
                rows.append((name, str(item)))
    return rows


class EmbeddedBackend:
    engine_name = "embedded"  # the label of its search latency (app/metrics.py)

    def __init__(self, path: str) -> None:
        self.path = Path(path)
        self._local = threading.local()
        self._write_lock = threading.Lock()
        self._vocabulary: expansion.Vocabulary | None = None
        self._vocabulary_generation: int | None = None  # the index generation the cached vocabulary matches
        self._vocabulary_lock = threading.Lock()  # one thread loads it; the others wait for that load
        self._facets: FacetIndex | None = None  # facet values as bitsets, kept like the vocabulary
        self._facets_generation: int | None = None
        self._facets_lock = threading.Lock()
        self._connections: list[sqlite3.Connection] = []
        # Connections are shared across threads only through close(): it waits until no call is using
        # one (a connection closed under a running statement crashes the process).
        self._state = threading.Condition()
        self._active = 0
        self._closing = False

    # ---- connections -------------------------------------------------------------------------------

    @contextmanager
    def _in_use(self) -> Iterator[None]:
        with self._state:
            self._state.wait_for(lambda: not self._closing)
            self._active += 1
        try:
            yield
        finally:
            with self._state:
                self._active -= 1
                self._state.notify_all()

    def _connection(self) -> sqlite3.Connection:
        connection = getattr(self._local, "connection", None)
        if connection is None:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                connection = sqlite3.connect(self.path, timeout=5, isolation_level=None, check_same_thread=False)
                connection.execute("PRAGMA journal_mode=WAL")
                connection.execute("PRAGMA synchronous=NORMAL")
            except (sqlite3.Error, OSError) as exc:
                raise SearchUnavailable(f"search index {self.path} cannot be opened: {exc}") from exc
            self._local.connection = connection
            self._connections.append(connection)
        return connection

    def close(self) -> None:
        """Close every thread's connection once no call is running; a later call opens a new one."""
        with self._state:
            self._closing = True
            self._state.wait_for(lambda: self._active == 0)
            try:
                for connection in self._connections:
                    connection.close()
                self._connections.clear()
                self._local = threading.local()
            finally:
                self._closing = False
                self._state.notify_all()

    def ensure_ready(self) -> None:
        try:
            with self._in_use(), self._write_lock:
                connection = self._connection()
                connection.executescript(SCHEMA)
                if connection.execute("SELECT 1 FROM docs LIMIT 1").fetchone() is None:
                    # An empty index is about to be filled with text cut by today's dictionary.
                    connection.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('dictionary', ?)",
                                       (dictionary_fingerprint(),))
        except sqlite3.Error as exc:
            raise SearchUnavailable(f"search index is not usable: {exc}") from exc

    # ---- writes ------------------------------------------------------------------------------------

    def _write(self, work) -> None:
        with self._in_use():
            self._write_unguarded(work)

    def _write_unguarded(self, work) -> None:
        connection = self._connection()
        with self._write_lock:
            try:
                connection.execute("BEGIN IMMEDIATE")
                try:
                    before, vocabulary, facets = self._generation(connection), self._vocabulary, self._facets
                    work(connection)
                    connection.execute("UPDATE meta SET value = value + 1 WHERE key = 'generation'")
                    connection.execute("COMMIT")
                except BaseException:
                    connection.execute("ROLLBACK")
                    self._vocabulary = self._facets = None  # they may hold part of what was rolled back
                    raise
            except sqlite3.Error as exc:
                raise SearchUnavailable(f"search index write failed: {exc}") from exc
            # _insert kept the cached vocabulary up to date with this write; if it matched the index
            # before, it matches it now. (If another process had written, it stays stale and reloads.)
            if vocabulary is not None and self._vocabulary is vocabulary and self._vocabulary_generation == before:
                self._vocabulary_generation = before + 1
            if facets is not None and self._facets is facets and self._facets_generation == before:
                self._facets_generation = before + 1

    def generation(self) -> int | None:
        """Moves on with every write by any process (the result cache's key); None if unreadable."""
        try:
            return self._generation(self._connection())
        except sqlite3.Error:
            return None

    @staticmethod
    def _generation(connection: sqlite3.Connection) -> int:
        row = connection.execute("SELECT value FROM meta WHERE key = 'generation'").fetchone()
        return row[0] if row else -1

    def _remove(self, connection: sqlite3.Connection, ids: Iterable[str]) -> None:
        for doc_id in ids:
            row = connection.execute("SELECT rowid FROM docs WHERE id = ?", (doc_id,)).fetchone()
            if row:
                if self._facets is not None:
                    self._facets.remove(row[0], connection.execute("SELECT name, value FROM facets WHERE rowid = ?", row))
                connection.execute("DELETE FROM fts WHERE rowid = ?", row)
                connection.execute("DELETE FROM facets WHERE rowid = ?", row)
                connection.execute("DELETE FROM docs WHERE rowid = ?", row)

    def _insert(self, connection: sqlite3.Connection, documents: list[dict]) -> None:
        new_terms: Counter[str] = Counter()
        new_words: dict[str, str] = {}
        for document in documents:
            cursor = connection.execute(
                "INSERT INTO docs (id, type, sort_date, data) VALUES (?, ?, ?, ?)",
                (document["id"], document["type"], int(document.get("timestamp") or 0),
                 json.dumps(document, ensure_ascii=False)),
            )
            rowid = cursor.lastrowid
            columns = analysed_columns(document)
            connection.execute(
                "INSERT INTO fts (rowid, title, tags, org, body) VALUES (?, ?, ?, ?, ?)",
                (rowid, columns["title"], columns["tags"], columns["org"], columns["body"]),
            )
            pairs = facet_rows(document)
            connection.executemany("INSERT OR IGNORE INTO facets (name, value, rowid) VALUES (?, ?, ?)",
                                   [(name, value, rowid) for name, value in pairs])
            if self._facets is not None:
                self._facets.add(rowid, pairs)
            new_terms.update(set(" ".join(columns.values()).split()))
            new_words.update(written_words(document))
        connection.executemany("INSERT OR IGNORE INTO words (word, term) VALUES (?, ?)", new_words.items())
        if self._vocabulary is not None:
            self._vocabulary.add(dict(new_terms), new_words)

    def upsert(self, documents: list[dict]) -> None:
        if not documents:
            return

        if len(documents) > MAX_CACHED_UPDATE:
            self._facets = None  # a big batch: reloading once is cheaper than updating every bitset per row

        def work(connection: sqlite3.Connection) -> None:
            self._remove(connection, [d["id"] for d in documents])
            self._insert(connection, documents)

        self._write(work)

    def delete(self, ids: list[str]) -> None:
        if ids:
            self._write(lambda connection: self._remove(connection, ids))

    def rebuild(self, documents: Iterable[dict]) -> int:
        """Everything replaced in one transaction: readers see the old index until it commits."""
        count = 0

        def work(connection: sqlite3.Connection) -> None:
            nonlocal count
            connection.execute("DELETE FROM docs")
            connection.execute("DELETE FROM fts")
            connection.execute("DELETE FROM facets")
            batch: list[dict] = []
            for document in documents:
                batch.append(document)
                if len(batch) == 500:
                    self._insert(connection, batch)
                    count += len(batch)
                    batch = []
            self._insert(connection, batch)
            count += len(batch)
            connection.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('dictionary', ?)",
                               (dictionary_fingerprint(),))

        self.ensure_ready()
        self._vocabulary = self._facets = None
        self._write(work)
        self._vocabulary = self._facets = None
        return count

    def settings_drift(self) -> list[str]:
        """What the index was built with and the code no longer says: the user dictionary that segmented
        the stored Chinese text (ranking, typo and synonym rules are code, applied at query time)."""
        try:
            with self._in_use():
                row = self._connection().execute("SELECT value FROM meta WHERE key = 'dictionary'").fetchone()
                empty = self._connection().execute("SELECT 1 FROM docs LIMIT 1").fetchone() is None
        except sqlite3.OperationalError as exc:
            if "no such table" in str(exc):
                return []  # no index yet: nothing was built with anything
            raise SearchUnavailable(f"search index cannot be read: {exc}") from exc
        except sqlite3.Error as exc:
            raise SearchUnavailable(f"search index cannot be read: {exc}") from exc
        return [] if empty or (row and row[0] == dictionary_fingerprint()) else ["dictionary"]

    def document_ids(self) -> set[str]:
        try:
            with self._in_use():
                return {row[0] for row in self._connection().execute("SELECT id FROM docs")}
        except sqlite3.OperationalError as exc:
            if "no such table" in str(exc):
                return set()  # a new or lost index file: nothing in it (ensure_ready creates the tables)
            raise SearchUnavailable(f"search index cannot be read: {exc}") from exc
        except sqlite3.Error as exc:
            raise SearchUnavailable(f"search index cannot be read: {exc}") from exc

    def integrity_check(self) -> bool:
        try:
            with self._in_use():
                self._connection().execute("INSERT INTO fts (fts, rank) VALUES ('integrity-check', 1)")
        except sqlite3.DatabaseError:
            return False
        return True

    # ---- reads -------------------------------------------------------------------------------------

    def vocabulary(self) -> expansion.Vocabulary:
        """Cached for the process; reloaded only when another process (a reindex, the CLI) wrote the index."""
        connection = self._connection()
        if self._vocabulary is not None and self._generation(connection) == self._vocabulary_generation:
            return self._vocabulary
        with self._vocabulary_lock:
            generation = self._generation(connection)
            if self._vocabulary is None or generation != self._vocabulary_generation:
                connection.execute("BEGIN")  # one snapshot: the generation read with the terms it counts
                try:
                    generation = self._generation(connection)
                    frequencies = dict(connection.execute("SELECT term, doc FROM fts_terms"))
                    words = dict(connection.execute("SELECT word, term FROM words"))
                finally:
                    connection.execute("COMMIT")
                self._vocabulary = expansion.Vocabulary(frequencies, words)
                self._vocabulary_generation = generation
            return self._vocabulary

    def facet_index(self) -> FacetIndex:
        """Cached like the vocabulary: kept up to date by this process's writes, reloaded after another's."""
        connection = self._connection()
        if self._facets is not None and self._generation(connection) == self._facets_generation:
            return self._facets
        with self._facets_lock:
            generation = self._generation(connection)
            if self._facets is None or generation != self._facets_generation:
                connection.execute("BEGIN")
                try:
                    generation = self._generation(connection)
                    facets = FacetIndex(connection.execute("SELECT name, value, rowid FROM facets"))
                finally:
                    connection.execute("COMMIT")
                self._facets, self._facets_generation = facets, generation
            return self._facets

    def search(self, query: SearchQuery, *, deadline_seconds: float = SEARCH_DEADLINE_SECONDS) -> SearchResult:
        deadline = time.monotonic() + deadline_seconds
        try:
            with self._in_use():
                connection = self._connection()
                self.facet_index()  # the caches load outside the deadline: a cold load is not a slow search
                if query.q.strip():
                    self.vocabulary()
                # Checked every few thousand SQLite instructions: a statement past the deadline is interrupted.
                connection.set_progress_handler(lambda: time.monotonic() > deadline, PROGRESS_STEPS)
                try:
                    vocabulary = self.vocabulary() if query.q.strip() else None
                    return Searcher(connection, vocabulary, self.facet_index()).search(query)
                finally:
                    connection.set_progress_handler(None, 0)
        except sqlite3.OperationalError as exc:
            if "interrupted" in str(exc):
                raise SearchUnavailable(f"search took longer than {deadline_seconds:g} s and was stopped") from exc
            raise SearchUnavailable(f"search failed: {exc}") from exc
        except sqlite3.Error as exc:
            raise SearchUnavailable(f"search failed: {exc}") from exc
