"""The Meilisearch engine without a server: its pure parts, and its failure handling at the transport.

The SDK is built on httpx2 (not httpx), so faults are injected with httpx2.MockTransport. FakeMeili answers
just enough of the REST API to drive one call at a time; it never stands in for the real-server leg
(tests/search/test_contract.py with QM_MEILI_URL set).
"""

import json
import socket
import time
from collections.abc import Callable

import httpx2
import pytest
from hypothesis import given
from hypothesis import strategies as st
from meilisearch_python_sdk.models.settings import MeilisearchSettings

from app.search import settings as conf
from app.search.meili import MeilisearchBackend
from app.search.meili_query import build_filter, quote, render_highlight
from app.search.meili_settings import index_settings
from app.search.schemas import FACETS, SearchQuery, SearchUnavailable

# ---- settings --------------------------------------------------------------------------------------------


def test_the_index_settings_come_from_the_settings_module():
    settings = index_settings()
    assert settings["searchableAttributes"] == list(conf.SEARCHABLE_ATTRIBUTES)  # order is ranking
    assert settings["filterableAttributes"] == list(FACETS)
    assert settings["sortableAttributes"] == ["timestamp"]
    assert settings["rankingRules"] == list(conf.RANKING_RULES)
    assert settings["typoTolerance"] == {"enabled": True, "minWordSizeForTypos": {"oneTypo": 5, "twoTypos": 9}}
    assert settings["synonyms"] == conf.meilisearch_synonyms()
    assert settings["synonyms"]["稀释制冷机"] and "dilution refrigerator" in settings["synonyms"]["稀释制冷机"]
    assert settings["pagination"] == {"maxTotalHits": conf.MAX_COUNTED_HITS}
    assert settings["faceting"]["maxValuesPerFacet"] >= 250  # every country fits


def test_the_settings_survive_the_sdk_model_unchanged():
    # What update_settings() sends is the model dumped by alias without Nones: it must be exactly ours.
    sent = MeilisearchSettings(**index_settings()).model_dump(by_alias=True, exclude_none=True)
    assert sent == index_settings()


# ---- filters ---------------------------------------------------------------------------------------------


def parse_condition(expression: str) -> tuple[str, str]:
    """`facet = "value"` read the way Meilisearch's filter parser reads it (crates/filter-parser, value.rs).

    Inside double quotes a backslash protects the next character and the first bare quote ends the
    value; then `\\"` becomes `"`, and then the remaining escapes are undone (the `unescaper` crate).
    Returns (facet, value) and fails if anything is left after the closing quote.
    """
    facet, rest = expression.split(" = ", 1)
    assert rest.startswith('"')
    i, escaped, body = 1, False, None
    while i < len(rest):
        if rest[i] == '"':
            body, rest = rest[1:i], rest[i + 1 :]
            break
        if rest[i] == "\\":
            assert i + 1 < len(rest), "a lone backslash is a parse error"
            escaped |= rest[i + 1] == '"'
            i += 1
        i += 1
    assert body is not None, "unterminated string"
    assert rest == "", f"text after the value would be parsed as filter syntax: {rest!r}"
    if escaped:
        body = body.replace('\\"', '"')
    out, i = [], 0
    simple = {"\\": "\\", '"': '"', "'": "'", "n": "\n", "t": "\t", "r": "\r", "0": "\0"}
    while i < len(body):
        if body[i] == "\\":
            assert body[i + 1] in simple, f"unsupported escape {body[i:i + 2]!r}"
            out.append(simple[body[i + 1]])
            i += 2
        else:
            out.append(body[i])
            i += 1
    return facet, "".join(out)


def test_or_within_a_facet_and_across_facets():
    expression = build_filter({"type": ("job", "listing"), "country": ("CN",)})
    assert expression == [['type = "job"', 'type = "listing"'], ['country = "CN"']]


def test_empty_unknown_and_repeated_values():
    assert build_filter({}) == []
    assert build_filter({"type": ()}) == []
    assert build_filter({"type": ("job", "job")}) == [['type = "job"']]
    # Facet names are never quoted, so only the known ones may reach the expression.
    assert build_filter({'type = "x" OR id': ("1",), "record_id": ("2",)}) == []


@pytest.mark.parametrize(
    "value",
    [
        'a" OR type = "job',
        'job" OR "1" = "1',
        "back\\slash",
        "ends with a backslash\\",
        '\\" OR type = \\"job',
        '\\\\"',
        "hardware/rf-microwave",
        "稀释制冷机 (低温)",
        "it's",
        "new\nline",
        "AND OR NOT IN TO EXISTS _geoRadius(1, 2, 3)",
        "",
    ],
)
def test_hostile_values_stay_one_value(value):
    [[condition]] = build_filter({"category": (value,)})
    assert parse_condition(condition) == ("category", value)


@given(st.text())
def test_every_value_round_trips_through_the_filter_parser(value):
    assert parse_condition(f"region = {quote(value)}") == ("region", value)


# ---- highlights ------------------------------------------------------------------------------------------

PRE, POST = "{{qm-mark-test}}", "{{/qm-mark-test}}"


def test_highlights_escape_everything_but_the_marks():
    formatted = {"title": f"<script>alert(1)</script> {PRE}cryostat{POST} & more", "title_zh": ""}
    assert render_highlight(formatted, "en", PRE, POST) == (
        "&lt;script&gt;alert(1)&lt;/script&gt; <mark>cryostat</mark> &amp; more"
    )


def test_a_document_cannot_fake_a_mark():
    formatted = {"title": "<mark>fake</mark> {{qm-mark-other}}x{{/qm-mark-other}}", "summary": f"{PRE}real{POST}"}
    highlight = render_highlight(formatted, "en", PRE, POST)
    assert highlight == "<mark>real</mark>"
    formatted = {"title": "<mark>fake</mark>", "summary": ""}
    assert render_highlight(formatted, "en", PRE, POST) == "&lt;mark&gt;fake&lt;/mark&gt;"


def test_the_readers_language_comes_first_then_the_other():
    formatted = {
        "title": f"BF-400 {PRE}dilution{POST} refrigerator",
        "title_zh": f"BF-400 {PRE}稀释{POST}{PRE}制冷机{POST}",  # adjacent Chinese words: one mark
        "summary": "", "summary_zh": "", "body": "", "body_zh": "",
    }
    assert render_highlight(formatted, "zh", PRE, POST) == "BF-400 <mark>稀释制冷机</mark>"
    assert render_highlight(formatted, "en", PRE, POST) == "BF-400 <mark>dilution</mark> refrigerator"
    only_english = dict(formatted, title_zh="BF-400 稀释制冷机")
    assert render_highlight(only_english, "zh", PRE, POST) == "BF-400 <mark>dilution</mark> refrigerator"


def test_a_snippet_or_the_tags_when_the_title_has_no_match():
    formatted = {"title": "Metro network", "summary": f"…decoy-state {PRE}quantum{POST} key…", "tags": ["QKD"]}
    assert render_highlight(formatted, "en", PRE, POST) == "…decoy-state <mark>quantum</mark> key…"
    formatted = {"title": "Metro network", "summary": "A ring", "tags": ["fibre", f"{PRE}QKD{POST}"]}
    assert render_highlight(formatted, "en", PRE, POST) == "fibre · <mark>QKD</mark>"


def test_without_a_match_the_summary_in_the_readers_language():
    formatted = {"title": "Laser", "title_zh": "激光器", "summary": "Narrow linewidth", "summary_zh": "窄线宽"}
    assert render_highlight(formatted, "zh", PRE, POST) == "窄线宽"
    assert render_highlight(formatted, "en", PRE, POST) == "Narrow linewidth"
    assert render_highlight({"title": "A & B"}, "zh", PRE, POST) == "A &amp; B"
    assert render_highlight({}, "zh", PRE, POST) == ""


# ---- a fake server at the transport ----------------------------------------------------------------------

NOW = "2026-11-01T00:00:00Z"


def error_body(code: str, message: str = "", type_: str = "invalid_request") -> dict:
    return {"message": message or code, "code": code, "type": type_, "link": f"https://docs.meilisearch.com/errors#{code}"}


class FakeMeili:
    """Just enough of Meilisearch's REST API for one engine call at a time, with faults on demand.

    `statuses` maps a task type to the statuses its polls report in turn (the last one repeats);
    `fault(request)` may raise or return a response to replace the normal answer.
    """

    def __init__(self, *, indexes=("qmarket",), statuses: dict[str, list[str]] | None = None) -> None:
        self.requests: list[httpx2.Request] = []
        self.indexes = set(indexes)
        self.settings: dict[str, dict] = {}
        self.created = {uid: f"2026-10-01T00:00:0{n}Z" for n, uid in enumerate(sorted(indexes))}
        self.statuses = statuses or {}
        self.tasks: dict[int, dict] = {}
        self.polls: dict[int, int] = {}
        self.documents: list[dict] = []
        self.search: Callable[[dict], dict] = lambda body: search_answer([], total=0)
        self.fault: Callable[[httpx2.Request], httpx2.Response | None] | None = None

    def __call__(self, request: httpx2.Request) -> httpx2.Response:
        self.requests.append(request)
        if self.fault and (response := self.fault(request)) is not None:
            return response
        method, parts = request.method, request.url.path.strip("/").split("/")
        body = json.loads(request.content) if request.content else None
        match method, parts:
            case "GET", ["indexes", uid]:
                if uid not in self.indexes:
                    return httpx2.Response(404, json=error_body("index_not_found"))
                return httpx2.Response(200, json={"uid": uid, "primaryKey": "id", "createdAt": self.created[uid],
                                                  "updatedAt": NOW})
            case "POST", ["indexes"]:
                self.indexes.add(body["uid"])
                self.created[body["uid"]] = f"2026-11-01T00:00:{len(self.tasks):02d}Z"
                return self.task("indexCreation", body["uid"])
            case "DELETE", ["indexes", uid]:
                missing = uid not in self.indexes
                self.indexes.discard(uid)
                return self.task("indexDeletion", uid, error="index_not_found" if missing else None)
            case "GET", ["indexes", uid, "settings"]:
                return httpx2.Response(200, json=self.settings.get(uid, {}))
            case "PATCH", ["indexes", uid, "settings"]:
                self.settings[uid] = body
                return self.task("settingsUpdate", uid)
            case "POST", ["indexes", uid, "documents"]:
                return self.task("documentAdditionOrUpdate", uid)
            case "POST", ["indexes", uid, "documents", "delete-batch"]:
                return self.task("documentDeletion", uid)
            case "GET", ["indexes", uid, "documents"]:
                offset, limit = int(request.url.params["offset"]), int(request.url.params["limit"])
                page = [{"id": d["id"]} for d in self.documents[offset : offset + limit]]
                return httpx2.Response(200, json={"results": page, "offset": offset, "limit": limit,
                                                  "total": len(self.documents)})
            case "POST", ["indexes", uid, "search"]:
                return httpx2.Response(200, json=self.search(body))
            case "POST", ["multi-search"]:
                answer = self.search(body)
                answer["estimatedTotalHits"] = answer.pop("totalHits")
                return httpx2.Response(200, json=answer)
            case "POST", ["swap-indexes"]:
                first, second = body[0]["indexes"]
                self.created[first], self.created[second] = self.created[second], self.created[first]
                return self.task("indexSwap", None)
            case "GET", ["tasks", uid]:
                task = dict(self.tasks[int(uid)])
                if task.pop("_error", None):
                    task.update(status="failed", error=error_body("index_not_found"))
                else:
                    sequence = self.statuses.get(task["type"], ["succeeded"])
                    self.polls[task["uid"]] = poll = self.polls.get(task["uid"], -1) + 1
                    task["status"] = sequence[min(poll, len(sequence) - 1)]
                    if task["status"] == "failed":
                        task["error"] = error_body("invalid_document_id", "Document identifier `a b` is invalid.")
                return httpx2.Response(200, json=task)
        return httpx2.Response(404, json=error_body("not_found"))

    def task(self, type_: str, uid: str | None, error: str | None = None) -> httpx2.Response:
        number = len(self.tasks)
        self.tasks[number] = {"uid": number, "indexUid": uid, "status": "enqueued", "type": type_,
                              "enqueuedAt": NOW, "_error": error}
        info = {"taskUid": number, "indexUid": uid, "status": "enqueued", "type": type_, "enqueuedAt": NOW}
        return httpx2.Response(202, json=info)

    def calls(self) -> list[tuple[str, str]]:
        return [(r.method, r.url.path) for r in self.requests if not r.url.path.startswith("/tasks/")]

    def bodies(self, method: str, path: str) -> list:
        return [json.loads(r.content) for r in self.requests if (r.method, r.url.path) == (method, path)]


def search_answer(hits: list[dict], *, total: int, facets: dict | None = None, page: int = 1) -> dict:
    return {"hits": hits, "query": "", "processingTimeMs": 1, "hitsPerPage": 20, "page": page,
            "totalPages": 1, "totalHits": total, "facetDistribution": facets or {}}


def backend_for(fake: FakeMeili, **options) -> MeilisearchBackend:
    options.setdefault("task_timeout", 2.0)
    return MeilisearchBackend("http://meili.test", "search-key", transport=httpx2.MockTransport(fake), **options)


DOC = {"id": "listing-1", "type": "listing", "record_id": 1, "slug": "bf-400", "url": "/listings/bf-400",
       "title": "BF-400", "title_zh": "", "org_slug": "beiyan", "timestamp": 1}
OPERATIONS = {
    "ensure_ready": lambda backend: backend.ensure_ready(),
    "upsert": lambda backend: backend.upsert([DOC]),
    "delete": lambda backend: backend.delete(["listing-1"]),
    "search": lambda backend: backend.search(SearchQuery(q="cryostat")),
    "rebuild": lambda backend: backend.rebuild([DOC]),
    "document_ids": lambda backend: backend.document_ids(),
}


def refuse(request):
    raise httpx2.ConnectError("[Errno 111] Connection refused", request=request)


def time_out(request):
    raise httpx2.ReadTimeout("timed out", request=request)


def fail_with_500(request):
    return httpx2.Response(500, json=error_body("internal", "an internal error has occurred", "internal"))


def bad_gateway(request):
    return httpx2.Response(502, text="<html>502 Bad Gateway</html>", headers={"content-type": "text/html"})


def garbage(request):
    return httpx2.Response(200, text="<html>a captive portal</html>", headers={"content-type": "text/html"})


FAULTS = {"connection refused": refuse, "timeout": time_out, "HTTP 500": fail_with_500,
          "HTTP 502 from a proxy": bad_gateway, "not JSON": garbage}


@pytest.mark.parametrize("operation", OPERATIONS)
@pytest.mark.parametrize("fault", FAULTS)
def test_every_failure_to_talk_to_the_server_is_search_unavailable(operation, fault):
    fake = FakeMeili()
    fake.fault = FAULTS[fault]
    with pytest.raises(SearchUnavailable, match="Meilisearch"):
        OPERATIONS[operation](backend_for(fake))


@pytest.mark.parametrize("operation", ["upsert", "delete"])
def test_a_202_whose_task_later_fails_is_not_delivered(operation):
    kind = "documentAdditionOrUpdate" if operation == "upsert" else "documentDeletion"
    fake = FakeMeili(statuses={kind: ["enqueued", "processing", "failed"]})
    with pytest.raises(SearchUnavailable, match="invalid_document_id"):
        OPERATIONS[operation](backend_for(fake))


@pytest.mark.parametrize("operation", ["upsert", "delete"])
def test_a_202_whose_task_succeeds_is_delivered(operation):
    fake = FakeMeili(statuses={"documentAdditionOrUpdate": ["enqueued", "processing", "succeeded"],
                               "documentDeletion": ["enqueued", "succeeded"]})
    OPERATIONS[operation](backend_for(fake))
    assert fake.polls  # it waited for the outcome instead of trusting the 202


def test_a_task_still_pending_at_the_deadline_is_not_delivered():
    fake = FakeMeili(statuses={"documentAdditionOrUpdate": ["enqueued"]})
    with pytest.raises(SearchUnavailable, match="still enqueued"):
        backend_for(fake, task_timeout=0.05).upsert([DOC])


def test_a_failed_settings_update_fails_the_set_up():
    fake = FakeMeili(statuses={"settingsUpdate": ["failed"]})
    with pytest.raises(SearchUnavailable, match="settingsUpdate"):
        backend_for(fake).ensure_ready()


def test_an_unreachable_server_fails_fast():
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    backend = MeilisearchBackend(f"http://127.0.0.1:{port}", timeout=1.0, search_timeout=1.0)
    for operation in OPERATIONS.values():
        with pytest.raises(SearchUnavailable, match="Meilisearch"):
            operation(backend)
    backend.close()


def test_a_server_that_never_answers_times_out_quickly():
    with socket.socket() as silent:  # accepts connections (the kernel's backlog) but never replies
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        backend = MeilisearchBackend(f"http://127.0.0.1:{silent.getsockname()[1]}", timeout=0.3, search_timeout=0.2)
        started = time.monotonic()
        with pytest.raises(SearchUnavailable, match="timed out"):
            backend.search(SearchQuery(q="cryostat"))
        with pytest.raises(SearchUnavailable, match="timed out"):
            backend.upsert([DOC])
        assert time.monotonic() - started < 2
        backend.close()


# ---- what the engine sends and how it reads the answers ----------------------------------------------------


def test_set_up_creates_the_index_with_our_key_and_settings():
    fake = FakeMeili(indexes=())
    backend_for(fake).ensure_ready()
    assert fake.bodies("POST", "/indexes") == [{"uid": "qmarket", "primaryKey": "id"}]
    assert fake.bodies("PATCH", "/indexes/qmarket/settings") == [index_settings()]
    assert fake.requests[0].headers["authorization"] == "Bearer search-key"


def test_the_first_write_sets_the_index_up_then_writes_go_straight_through():
    fake = FakeMeili(indexes=())
    backend = backend_for(fake)
    backend.upsert([DOC])
    backend.upsert([DOC])
    backend.delete(["listing-1", "listing-404"])
    backend.upsert([])
    backend.delete([])
    assert fake.calls() == [
        ("GET", "/indexes/qmarket"),
        ("POST", "/indexes"),
        ("GET", "/indexes/qmarket"),
        ("GET", "/indexes/qmarket/settings"),
        ("PATCH", "/indexes/qmarket/settings"),
        ("POST", "/indexes/qmarket/documents"),
        ("POST", "/indexes/qmarket/documents"),
        ("POST", "/indexes/qmarket/documents/delete-batch"),
    ]
    assert fake.bodies("POST", "/indexes/qmarket/documents/delete-batch") == [["listing-1", "listing-404"]]


def test_search_sends_quoted_filters_pages_facets_and_placeholder_tags():
    fake = FakeMeili()
    backend = backend_for(fake)
    backend.search(SearchQuery(q="dilution fridge", filters={"type": ("listing",), "country": ('CN', 'x" OR "1')},
                               page=3, per_page=5, language="en"))
    [body] = fake.bodies("POST", "/indexes/qmarket/search")[:1]
    assert body["q"] == "dilution fridge"
    assert body["filter"] == [['type = "listing"'], ['country = "CN"', 'country = "x\\" OR \\"1"']]
    assert body["facets"] == list(FACETS)
    assert (body["page"], body["hitsPerPage"]) == (3, 5)
    assert body["sort"] is None  # relevance
    assert body["matchingStrategy"] == "all"
    assert body["highlightPreTag"].startswith("{{qm-mark-") and body["highlightPreTag"] != "<em>"
    assert set(body["attributesToCrop"]) <= set(body["attributesToHighlight"])
    assert "locales" not in body


def test_newest_and_browsing_sort_by_date_and_chinese_is_segmented_as_chinese():
    fake = FakeMeili()
    backend = backend_for(fake)
    backend.search(SearchQuery(q="laser", sort="newest"))
    backend.search(SearchQuery(q="  "))
    backend.search(SearchQuery(q="稀释制冷机"))
    backend.search(SearchQuery(q="x", page=10**6, per_page=10**6))
    bodies = fake.bodies("POST", "/indexes/qmarket/search")
    assert [b["sort"] for b in bodies[:2]] == [["timestamp:desc"], ["timestamp:desc"]]
    assert bodies[1]["q"] == "" and bodies[1]["filter"] is None
    assert [b["locales"] for b in bodies if b["q"] == "稀释制冷机"] == [["cmn"], ["cmn"]]  # with the fallback
    assert (bodies[-1]["page"], bodies[-1]["hitsPerPage"]) == (1000, 100)


def test_when_few_records_have_every_word_a_federated_search_adds_those_with_fewer():
    fake = FakeMeili()
    fake.search = lambda body: search_answer([], total=3 if "federation" in body else 1)
    backend = backend_for(fake)
    assert backend.search(SearchQuery(q="dilution xyzzy")).total == 3
    [federated] = fake.bodies("POST", "/multi-search")
    queries = [(q["q"], q["matchingStrategy"], q.get("federationOptions", {}).get("weight")) for q in federated["queries"]]
    assert queries == [("dilution xyzzy", "all", None), ("xyzzy", "all", 0.5), ("dilution", "all", 0.5),
                       ("dilution xyzzy", "frequency", 0.25)]
    assert federated["federation"]["facetsByIndex"] == {"qmarket": list(FACETS)}
    assert all(q["indexUid"] == "qmarket" and q["highlightPreTag"] == federated["queries"][0]["highlightPreTag"]
               for q in federated["queries"])


def test_one_word_and_newest_first_fall_back_to_dropping_words_only_when_nothing_matches():
    fake = FakeMeili()
    fake.search = lambda body: search_answer([], total=0 if body["matchingStrategy"] == "all" else 3)
    backend = backend_for(fake)
    assert backend.search(SearchQuery(q="dilution xyzzy", sort="newest")).total == 3
    assert [b["matchingStrategy"] for b in fake.bodies("POST", "/indexes/qmarket/search")] == ["all", "last"]
    assert backend.search(SearchQuery(q="xyzzy")).total == 0  # one word: nothing to drop
    assert len(fake.bodies("POST", "/indexes/qmarket/search")) == 3
    assert fake.bodies("POST", "/multi-search") == []


def test_search_answers_become_hits_with_escaped_highlights():
    fake = FakeMeili()

    def answer(body):
        pre, post = body["highlightPreTag"], body["highlightPostTag"]
        document = dict(DOC, title="<b>BF-400</b> dilution refrigerator", title_zh="BF-400 稀释制冷机")
        formatted = dict(document, title=f"<b>BF-400</b> {pre}dilution{post} refrigerator")
        facets = {"type": {"listing": 6, "job": 1}, "kind": {}, "category": {"hardware": 2}}
        return search_answer([dict(document, _formatted=formatted)], total=7, facets=facets)

    fake.search = answer
    result = backend_for(fake).search(SearchQuery(q="dilution", language="en"))
    assert result.total == 7 and not result.total_is_lower_bound
    assert result.facets == {"type": {"listing": 6, "job": 1}, "category": {"hardware": 2}}
    [hit] = result.hits
    assert (hit.type, hit.id, hit.slug, hit.url, hit.org_slug) == ("listing", 1, "bf-400", "/listings/bf-400", "beiyan")
    assert hit.title_zh == "BF-400 稀释制冷机"
    assert hit.highlight == "&lt;b&gt;BF-400&lt;/b&gt; <mark>dilution</mark> refrigerator"
    assert "_formatted" not in hit.document and hit.document["timestamp"] == 1


def test_a_capped_count_is_a_lower_bound():
    fake = FakeMeili()
    fake.search = lambda body: search_answer([], total=conf.MAX_COUNTED_HITS)
    result = backend_for(fake).search(SearchQuery(q=""))
    assert (result.total, result.total_is_lower_bound) == (conf.MAX_COUNTED_HITS, True)
    fake.search = lambda body: dict(search_answer([], total=0), totalHits=None, estimatedTotalHits=42)
    result = backend_for(fake).search(SearchQuery(q=""))
    assert (result.total, result.total_is_lower_bound) == (42, True)


def test_a_malformed_hit_is_search_unavailable():
    fake = FakeMeili()
    fake.search = lambda body: search_answer([{"id": "listing-1"}], total=1)
    with pytest.raises(SearchUnavailable):
        backend_for(fake).search(SearchQuery(q="x"))


def test_document_ids_pages_through_every_document():
    fake = FakeMeili()
    fake.documents = [{"id": f"listing-{n}"} for n in range(2500)]
    assert backend_for(fake).document_ids() == {f"listing-{n}" for n in range(2500)}
    pages = [r.url.params for r in fake.requests if r.url.path == "/indexes/qmarket/documents"]
    assert [(p["offset"], p["limit"], p["fields"]) for p in pages] == [
        ("0", "1000", "id"), ("1000", "1000", "id"), ("2000", "1000", "id")
    ]
    assert backend_for(FakeMeili(indexes=())).document_ids() == set()


def test_rebuild_fills_a_new_index_then_swaps_and_drops_the_old_one():
    fake = FakeMeili(indexes=("qmarket", "qmarket__rebuild"))  # a leftover from a crashed rebuild
    documents = (dict(DOC, id=f"listing-{n}", record_id=n) for n in range(2345))  # any iterable
    assert backend_for(fake).rebuild(documents) == 2345
    assert fake.calls() == [
        ("GET", "/indexes/qmarket"),
        ("DELETE", "/indexes/qmarket__rebuild"),
        ("GET", "/indexes/qmarket__rebuild"),
        ("POST", "/indexes"),
        ("GET", "/indexes/qmarket__rebuild"),
        ("GET", "/indexes/qmarket__rebuild/settings"),
        ("PATCH", "/indexes/qmarket__rebuild/settings"),
        ("POST", "/indexes/qmarket__rebuild/documents"),
        ("POST", "/indexes/qmarket__rebuild/documents"),
        ("POST", "/indexes/qmarket__rebuild/documents"),
        ("GET", "/indexes/qmarket__rebuild"),
        ("POST", "/swap-indexes"),
        # A scoped key cannot read the swap's task: a no-op on the live index, queued behind it, is awaited
        # instead, and the live index must then be the one built for the rebuild.
        ("POST", "/indexes/qmarket/documents/delete-batch"),
        ("GET", "/indexes/qmarket"),
        ("DELETE", "/indexes/qmarket__rebuild"),
    ]
    assert fake.bodies("POST", "/swap-indexes") == [[{"indexes": ["qmarket", "qmarket__rebuild"]}]]
    assert [len(b) for b in fake.bodies("POST", "/indexes/qmarket__rebuild/documents")] == [1000, 1000, 345]
    assert fake.bodies("PATCH", "/indexes/qmarket__rebuild/settings") == [index_settings()]


def test_settings_are_sent_only_when_they_differ_from_the_code():
    fake = FakeMeili()
    backend = backend_for(fake)
    backend.ensure_ready()
    backend.ensure_ready()  # every worker does this at start-up: the second time there is nothing to send
    assert fake.bodies("PATCH", "/indexes/qmarket/settings") == [index_settings()]
    assert backend.settings_drift() == []
    fake.settings["qmarket"]["rankingRules"] = ["words", "typo"]
    assert backend.settings_drift() == ["rankingRules"]


def test_a_swap_that_did_not_happen_fails_the_rebuild_and_keeps_the_old_index():
    fake = FakeMeili()

    def ignore_swaps(request):
        if request.url.path == "/swap-indexes":
            return fake.task("indexSwap", None)  # accepted, yet nothing swapped
        return None

    fake.fault = ignore_swaps
    with pytest.raises(SearchUnavailable, match="did not swap"):
        backend_for(fake).rebuild([DOC])
    assert fake.indexes == {"qmarket"}


def test_a_failed_rebuild_never_swaps_and_cleans_up():
    fake = FakeMeili(statuses={"documentAdditionOrUpdate": ["failed"]})
    with pytest.raises(SearchUnavailable, match="invalid_document_id"):
        backend_for(fake).rebuild([DOC])
    assert ("POST", "/swap-indexes") not in fake.calls()
    assert fake.calls()[-1] == ("DELETE", "/indexes/qmarket__rebuild")
    assert fake.indexes == {"qmarket"}
