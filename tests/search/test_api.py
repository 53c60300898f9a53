"""GET /api/v1/search, the drain after a request, and search being down."""

from fastapi.testclient import TestClient

from app.main import create_app
from app.search.schemas import SearchUnavailable
from tests.helpers import add_write_route, csrf_headers


def test_a_write_request_is_searchable_as_soon_as_it_returns(engine_settings, engine):
    app = create_app(engine_settings)
    add_write_route(app)
    with TestClient(app) as client:
        created = client.post("/_test/listings", headers=csrf_headers(client), params={"title": "Albatross cryostat"})
        assert created.status_code == 200
        body = client.get("/api/v1/search", params={"q": "albatross", "lang": "en"}).json()
    assert body["total"] == 3
    hit = next(h for h in body["hits"] if h["type"] == "listing")
    assert hit["id"] == created.json()["listing"]
    assert set(hit) == {"type", "id", "slug", "title", "org_slug", "url", "highlight"}
    assert hit["url"] == f"/listings/{hit['slug']}" and "<mark>Albatross</mark>" in hit["highlight"]
    assert body["facets"]["type"] == {"listing": 1, "job": 1, "organization": 1}


def test_filters_pagination_and_language(engine_settings, engine):
    app = create_app(engine_settings)
    add_write_route(app)
    with TestClient(app) as client:
        for n in range(3):
            client.post("/_test/listings", headers=csrf_headers(client), params={"title": f"Pelican laser {n}"})
        jobs = client.get("/api/v1/search", params={"q": "pelican", "type": "job", "per_page": 2}).json()
        assert jobs["total"] == 3 and len(jobs["hits"]) == 2 and {h["type"] for h in jobs["hits"]} == {"job"}
        page_two = client.get("/api/v1/search", params={"q": "pelican", "type": "job", "per_page": 2, "page": 2}).json()
        assert len(page_two["hits"]) == 1
        both = client.get("/api/v1/search", params=[("q", "pelican"), ("type", "job"), ("type", "listing")]).json()
        assert both["total"] == 6
        subtree = client.get("/api/v1/search", params={"category": "hardware", "q": "pelican"}).json()
        assert {h["type"] for h in subtree["hits"]} == {"listing", "organization"}
        zh = client.get("/api/v1/search", params={"q": "稀释制冷机", "lang": "zh", "type": "listing"}).json()
        assert zh["total"] == 3 and all("稀释制冷机" in h["title"] for h in zh["hits"])


def test_bad_parameters_are_named(client):
    for params, field in [({"type": "planet"}, "type"), ({"per_page": 1000}, "per_page"), ({"page": 0}, "page"),
                          ({"sort": "random"}, "sort"), ({"q": "x" * 5001}, "q")]:
        response = client.get("/api/v1/search", params=params)
        assert response.status_code == 422, params
        assert response.json()["errors"][0]["field"].startswith(field)


def test_hostile_queries_never_fail(client):
    for q in ['"', "NEAR(", "' OR 1=1--", "*", "🙂" * 100, "x" * 5000, "稀释\"", "AND OR NOT"]:
        assert client.get("/api/v1/search", params={"q": q}).status_code == 200


class DownBackend:
    def search(self, query):
        raise SearchUnavailable("connection refused")

    def upsert(self, documents):
        raise SearchUnavailable("connection refused")

    delete = upsert

    def ensure_ready(self):
        raise SearchUnavailable("connection refused")

    def document_ids(self):
        raise SearchUnavailable("connection refused")

    def close(self):
        pass


def test_when_search_is_down_search_says_so_and_writes_still_succeed(settings, engine):
    app = create_app(settings)
    add_write_route(app)
    app.state.search = DownBackend()
    app.state.search_relay.backend = app.state.search
    with TestClient(app) as client:
        response = client.get("/api/v1/search", params={"q": "anything"})
        assert response.status_code == 503 and response.headers["retry-after"] == "30"
        assert response.json()["error"] == "search_unavailable"
        assert client.post("/_test/listings", headers=csrf_headers(client), params={"title": "Puffin detector"}).status_code == 200
        assert client.get("/readyz").status_code == 503
        assert client.get("/").status_code == 200  # other pages are unaffected
    from app.search.service import pending

    assert pending(engine) == 3  # kept for when search is back


def test_a_stale_index_never_shows_a_hidden_record(engine_settings, engine):
    from sqlmodel import select

    from app.db import unit_of_work
    from app.models import Organization
    from app.models.states import OrgStatus
    from app.organizations.service import set_status

    app = create_app(engine_settings)
    add_write_route(app)
    with TestClient(app) as client:
        listing_id = client.post("/_test/listings", headers=csrf_headers(client), params={"title": "Gannet magnetometer"}).json()["listing"]
        # Suspend behind the relay's back, as if the index had not caught up yet.
        with unit_of_work(engine) as session:
            org = session.exec(select(Organization)).one()
            set_status(session, org=org, status=OrgStatus.suspended, reason="test")
        assert f"listing-{listing_id}" in app.state.search.document_ids()  # the index is stale
        body = client.get("/api/v1/search", params={"q": "gannet"}).json()
    assert body["hits"] == []


class SlowBackend(DownBackend):
    calls = 0

    def search(self, query):
        import time

        SlowBackend.calls += 1
        time.sleep(1)
        raise AssertionError("should have timed out first")

    def ensure_ready(self):
        pass


def test_a_slow_engine_times_out_and_the_breaker_then_fails_fast(settings, engine, monkeypatch):
    import time

    monkeypatch.setattr("app.search.runner.SEARCH_TIMEOUT_SECONDS", 0.1)
    app = create_app(settings)
    app.state.search = SlowBackend()
    with TestClient(app) as client:
        for _ in range(3):
            assert client.get("/api/v1/search", params={"q": "x"}).status_code == 503
        calls = SlowBackend.calls
        started = time.monotonic()
        assert client.get("/api/v1/search", params={"q": "x"}).status_code == 503
        assert time.monotonic() - started < 0.1  # the breaker is open: no call, no wait
        assert SlowBackend.calls == calls


def test_readiness_reports_the_search_backlog(client):
    body = client.get("/readyz").json()
    assert body["search_backlog"] == {"pending": 0, "oldest_seconds": 0.0}


def test_a_search_past_its_deadline_is_stopped_inside_sqlite(tmp_path, monkeypatch):
    """The statement itself is interrupted (a progress handler), so the thread is free again at once."""
    from app.search import embedded
    from app.search.embedded import EmbeddedBackend
    from app.search.schemas import SearchQuery
    from tests.search.corpus import documents

    backend = EmbeddedBackend(str(tmp_path / "index.db"))
    backend.ensure_ready()
    backend.rebuild(documents())
    assert backend.search(SearchQuery(q="laser")).total >= 1
    monkeypatch.setattr(embedded, "PROGRESS_STEPS", 1)
    import pytest

    with pytest.raises(SearchUnavailable, match="stopped"):
        backend.search(SearchQuery(q="laser"), deadline_seconds=0)
    assert backend.search(SearchQuery(q="laser")).total >= 1  # the connection is usable again
    backend.close()


def test_searches_waiting_in_a_busy_queue_do_not_switch_search_off(engine, monkeypatch):
    """Overload alone (searches timing out before they start) must not open the circuit breaker."""
    import asyncio
    import time
    from concurrent.futures import ThreadPoolExecutor

    from app.search import runner
    from app.search.schemas import SearchQuery, SearchResult

    class SteadyBackend:
        def search(self, query):
            time.sleep(0.15)
            return SearchResult(total=0, hits=[], facets={})

    monkeypatch.setattr(runner, "_pool", ThreadPoolExecutor(max_workers=1))
    breaker = runner.CircuitBreaker()

    async def burst():
        return await asyncio.gather(*(runner.run_search(SteadyBackend(), engine, SearchQuery(q="x"), breaker=breaker,
                                                        timeout=0.25) for _ in range(8)), return_exceptions=True)

    outcomes = asyncio.run(burst())
    answered = [o for o in outcomes if isinstance(o, SearchResult)]
    refused = [o for o in outcomes if isinstance(o, SearchUnavailable)]
    assert answered and refused  # some got through, the rest waited too long in the queue
    assert breaker.failures == 0 and breaker.opened_at is None
    breaker.check()  # still closed: the next reader gets an answer
