"""Reading the embedded index: one search on one connection, from the words to a page of ranked hits.

The text match gives the candidate rows; filters, counts and facet counts are bitset operations on them
(app/search/facet_index.py); SQL ranks the page (bm25 within Meilisearch-like rules); the hits come back
with highlights made from the stored text (app/search/highlight.py). The connection, the deadline and the
caches belong to app/search/embedded.py.
"""

import json
import sqlite3

from app.search import expansion
from app.search.facet_index import FacetIndex, bitset, rowids_of
from app.search.highlight import highlight
from app.search.schemas import FACETS, Hit, SearchQuery, SearchResult
from app.search.settings import (
    EMBEDDED_COLUMNS,
    EMBEDDED_WEIGHTS,
    FEW_FULL_MATCHES,
    MAX_COUNTED_HITS,
    MAX_RANKED_HITS,
    MAX_RELAXED_CLAUSES,
)

_BM25 = "bm25(fts, {})".format(", ".join(str(EMBEDDED_WEIGHTS[c]) for c in EMBEDDED_COLUMNS))

# A text match is counted over at most this many of its newest rows: past it, counts are "at least".
MAX_MATCHED_ROWS = 50_000
# Browsing few candidates: sort them by date in SQL; many: walk the date index and skip the others.
MAX_LISTED_CANDIDATES = 2_000


def _clauses_held(clauses) -> tuple[str, list]:
    """An SQL sum: how many of the clauses a row of fts matches (one uncorrelated match per clause)."""
    sql = " + ".join("(fts.rowid IN (SELECT rowid FROM fts WHERE fts MATCH ?))" for _ in clauses)
    return f"({sql})", [expansion.fts_expression([clause]) for clause in clauses]


class Searcher:
    def __init__(self, connection: sqlite3.Connection, vocabulary: expansion.Vocabulary | None,
                 facet_index: FacetIndex) -> None:
        self.connection, self.vocabulary, self.facet_index = connection, vocabulary, facet_index

    def search(self, query: SearchQuery) -> SearchResult:
        connection = self.connection
        clauses = expansion.parse(query.q, self.vocabulary) if query.q.strip() else []
        result = self._run(connection, query, clauses, len(clauses))
        if len(clauses) <= 1 or result.total >= FEW_FULL_MATCHES:
            return result
        if len(clauses) > MAX_RELAXED_CLAUSES or query.sort == "newest":
            # A pasted paragraph, or newest first (where fewer words would mix with all of them): drop
            # words from the end until something is found, as Meilisearch's "last".
            while not result.total and len(clauses) > 1:
                clauses = clauses[:-1]
                result = self._run(connection, query, clauses, len(clauses))
            return result
        # Few records hold every word: records holding all but one come next, then all but two …, ranked
        # by how many words they hold (Meilisearch's "words" rule), until the results fill a page.
        for at_least in range(len(clauses) - 1, 0, -1):
            result = self._run(connection, query, clauses, at_least)
            if result.total >= FEW_FULL_MATCHES:
                break
        return result

    def _filters(self, query: SearchQuery, rowid: str) -> tuple[str, list]:
        sql, params = "", []
        for name, values in sorted(query.filters.items()):
            if name not in FACETS or not values:
                continue
            marks = ", ".join("?" for _ in values)
            # EXISTS, not "rowid IN (…)": FTS5 takes an IN list as row lookups and re-runs the whole match
            # for each one (seconds to minutes at 100k documents; see bench/RESULTS.md).
            sql += f" AND EXISTS (SELECT 1 FROM facets f WHERE f.name = ? AND f.value IN ({marks}) AND f.rowid = {rowid})"
            params += [name, *values]
        return sql, params

    def _run(self, connection: sqlite3.Connection, query: SearchQuery, clauses, at_least: int) -> SearchResult:
        """Records matching at least `at_least` of the clauses (all of them: the plain case).

        The text match gives the rows (newest first, at most MAX_MATCHED_ROWS); filters, the count and the
        facet counts are bitset operations on them (app/search/facet_index.py); SQL ranks the page.
        """
        held, held_params = "", []
        if clauses and at_least < len(clauses):
            held, held_params = _clauses_held(clauses)
        if clauses:
            if held:
                match = " OR ".join(f"({expansion.fts_expression([clause])})" for clause in clauses)
                match_base = f"SELECT fts.rowid AS rowid FROM fts WHERE fts MATCH ? AND {held} >= ?"
                match_params = [match, *held_params, at_least]
            else:
                match_base = "SELECT fts.rowid AS rowid FROM fts WHERE fts MATCH ?"
                match_params = [expansion.fts_expression(clauses)]
            filter_sql, filter_params = self._filters(query, "fts.rowid")
        else:
            match_base, match_params = "SELECT d.rowid AS rowid FROM docs d WHERE 1", []
            filter_sql, filter_params = self._filters(query, "d.rowid")
        base, params = match_base + filter_sql, [*match_params, *filter_params]

        facet_index = self.facet_index
        narrowed = facet_index.matching(query.filters, FACETS)
        matched_only_newest = False
        if clauses:
            rows = [row[0] for row in connection.execute(f"{match_base} ORDER BY fts.rowid DESC LIMIT ?",
                                                         [*match_params, MAX_MATCHED_ROWS + 1])]
            matched_only_newest = len(rows) > MAX_MATCHED_ROWS
            candidates = bitset(rows[:MAX_MATCHED_ROWS])
        else:
            candidates = facet_index.everything()
        if narrowed is not None:
            candidates &= narrowed
        count = candidates.bit_count()
        capped = count > MAX_COUNTED_HITS or matched_only_newest
        total = min(count, MAX_COUNTED_HITS)
        if not total or not query.per_page:  # per_page 0: only the counts
            rowids = []
        elif clauses:
            rowids = self._page(connection, query, clauses, base, params, total, (held, held_params))
        else:
            rowids = self._newest(connection, query, candidates, count)
        terms = set().union(*(c.terms() for c in clauses)) if clauses else set()
        return SearchResult(total=total, hits=self._hits(connection, rowids, terms, query.language),
                            facets=facet_index.counts(candidates), total_is_lower_bound=capped)

    @staticmethod
    def _newest(connection, query: SearchQuery, candidates: int, count: int) -> list[int]:
        """A page of the candidate rows, newest first: by the date index, skipping rows not wanted."""
        if count <= MAX_LISTED_CANDIDATES:
            ids = rowids_of(candidates)
            marks = ", ".join("?" for _ in ids)
            sql = f"SELECT rowid FROM docs WHERE rowid IN ({marks}) ORDER BY sort_date DESC, rowid DESC LIMIT ? OFFSET ?"
            return [row[0] for row in connection.execute(sql, [*ids, query.per_page, query.offset])]
        page, skip = [], query.offset
        wanted = candidates.to_bytes((candidates.bit_length() + 7) // 8, "little")  # a bit test without shifts
        for (rowid,) in connection.execute("SELECT rowid FROM docs ORDER BY sort_date DESC, rowid DESC"):
            if rowid >> 3 < len(wanted) and wanted[rowid >> 3] >> (rowid & 7) & 1:
                if skip:
                    skip -= 1
                    continue
                page.append(rowid)
                if len(page) == query.per_page:
                    break
        return page

    def _page(self, connection, query: SearchQuery, clauses, base: str, params: list, total: int,
              held: tuple[str, list]) -> list[int]:
        limit_offset = [query.per_page, query.offset]
        if query.sort == "newest" or not clauses:
            sql = f"SELECT d.rowid FROM docs d WHERE d.rowid IN ({base}) ORDER BY d.sort_date DESC, d.rowid DESC LIMIT ? OFFSET ?"
            return [row[0] for row in connection.execute(sql, [*params, *limit_offset])]
        ranked_base, ranked_params = base, params
        if total > MAX_RANKED_HITS:
            # Rank only the newest matches: bm25 over a huge match set costs more than it helps.
            boundary = connection.execute(f"{base} ORDER BY fts.rowid DESC LIMIT 1 OFFSET ?", [*params, MAX_RANKED_HITS - 1]).fetchone()
            ranked_base, ranked_params = f"{base} AND fts.rowid >= ?", [*params, boundary[0]]
        sql = ranked_base.replace("SELECT fts.rowid AS rowid", f"SELECT fts.rowid AS rowid, {_BM25} AS score", 1)
        # Like Meilisearch's "words" rule first: more of the query's words beat fewer (only when some
        # records hold fewer than all). Then its "attribute" rule: records whose title or tags match every
        # clause come first, whatever their text says; bm25 orders within each group.
        held_sql, held_params = held
        in_title = "fts.rowid IN (SELECT rowid FROM fts WHERE fts MATCH ?)"
        title_match = "{title tags} : (" + expansion.fts_expression(clauses) + ")"
        order = f"{held_sql} DESC, {in_title} DESC" if held_sql else f"{in_title} DESC"
        sql += f" ORDER BY {order}, score, fts.rowid DESC LIMIT ? OFFSET ?"
        return [row[0] for row in connection.execute(sql, [*ranked_params, *held_params, title_match, *limit_offset])]

    def _hits(self, connection, rowids: list[int], terms: set[str], language: str) -> list[Hit]:
        if not rowids:
            return []
        marks = ", ".join("?" for _ in rowids)
        stored = dict(connection.execute(f"SELECT rowid, data FROM docs WHERE rowid IN ({marks})", rowids))
        hits = []
        for rowid in rowids:
            document = json.loads(stored[rowid])
            hits.append(
                Hit(
                    type=document["type"],
                    id=document["record_id"],
                    slug=document["slug"],
                    title=document["title"],
                    title_zh=document.get("title_zh") or None,
                    org_slug=document.get("org_slug"),
                    url=document["url"],
                    highlight=highlight(document, terms, language),
                    document=document,
                )
            )
        return hits
