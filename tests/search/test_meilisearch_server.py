"""Meilisearch as production runs it, against the real pinned server: outages, rebuilds, settings, keys.

Each test that stops a server starts its own; the others share the test process's server (tests/conftest.py)
with an index of their own and the app's scoped keys.
"""

import threading
import time

import httpx
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from app.cli import app as cli
from app.config import get_settings, production_problems
from app.main import create_app
from app.search import relay, service
from app.search.backend import create_backend
from app.search.keys import ensure_app_keys
from app.search.local_server import start_local
from app.search.meili import MeilisearchBackend
from app.search.runner import CircuitBreaker
from app.search.schemas import SearchQuery, SearchUnavailable
from tests.helpers import add_write_route, csrf_headers
from tests.search.corpus import documents
from tests.search.faulty_proxy import FaultyProxy

HX = {"HX-Request": "true"}


def wait_for(condition, seconds: float = 20.0, message: str = "condition") -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"{message} not reached within {seconds:g} s")


def master(meili) -> dict[str, str]:
    return {"Authorization": f"Bearer {meili.server.master_key}"}


@pytest.fixture
def backend(meili):
    """An index of this test's own on the shared server, written with the admin key, searched with the other."""
    backend = MeilisearchBackend(meili.server.url, meili.keys.admin, search_key=meili.keys.search,
                                 index_uid=meili.new_index())
    yield backend
    backend.drop_index()
    backend.close()


def titled(prefix: str, count: int) -> list[dict]:
    template = next(d for d in documents() if d["id"] == "listing-1")
    return [dict(template, id=f"listing-{n}", record_id=n, slug=f"{prefix}-{n}", title=f"{prefix} cryostat {n}",
                 title_zh="", summary="", summary_zh="", body="", body_zh="", tags=[]) for n in range(1, count + 1)]


# ---- an outage while members write -------------------------------------------------------------------


def test_writes_while_the_server_is_down_reach_the_index_when_it_is_back(settings, engine, tmp_path, monkeypatch):
    monkeypatch.setattr(service, "RETRY_BASE_SECONDS", 0.05)
    monkeypatch.setattr(relay, "RETRY_SECONDS", 0.1)
    server = start_local(tmp_path / "own-meili")  # this test kills its server, so it has its own
    try:
        keys = ensure_app_keys(server.url, server.master_key, "qmarket")
        app = create_app(settings.model_copy(update={
            "search_backend": "meilisearch", "meili_url": server.url, "meili_key": keys.admin,
            "meili_search_key": keys.search}))
        app.state.search_breaker = CircuitBreaker(open_seconds=0.2)
        add_write_route(app)
        with TestClient(app) as client:
            write = lambda title: client.post("/_test/listings", headers=csrf_headers(client), params={"title": title})
            assert write("Avocet cryostat").status_code == 200
            assert client.get("/api/v1/search", params={"q": "avocet"}).json()["total"] == 3

            server.stop()  # killed, as a crash would
            for name in ("Brant", "Curlew", "Dunlin"):
                assert write(f"{name} magnetometer").status_code == 200  # writes never wait for search
            assert service.pending(engine) == 9
            assert client.get("/search", params={"q": "brant", "lang": "en"}).status_code == 503
            assert client.get("/readyz").status_code == 503

            server.start()  # same port, same data
            wait_for(lambda: service.pending(engine) == 0, message="the outbox delivered by the relay")
            assert service.verify(engine, app.state.search).ok
            wait_for(lambda: client.get("/api/v1/search", params={"q": "magnetometer"}).status_code == 200,
                     message="search answering again")
            assert client.get("/api/v1/search", params={"q": "magnetometer", "type": "listing"}).json()["total"] == 3
    finally:
        server.remove()


# ---- what a reader sees when the engine fails ------------------------------------------------------------


@pytest.mark.parametrize("fault", ["error", "slow"])
def test_a_failing_engine_gives_a_503_page_and_search_comes_back_by_itself(settings, engine, meili, fault):
    index = meili.new_index()
    with FaultyProxy(meili.server.url) as proxy:
        app = create_app(meili.settings(settings, index).model_copy(update={"meili_url": proxy.url}))
        app.state.search_breaker = CircuitBreaker(open_seconds=0.3)
        add_write_route(app)
        with TestClient(app) as client:
            assert client.post("/_test/listings", headers=csrf_headers(client), params={"title": "Garganey laser"}).status_code == 200
            assert client.get("/search", params={"q": "garganey", "lang": "en"}).status_code == 200

            proxy.mode = fault
            # Words not asked before: an answer from the last seconds would still be served from the cache.
            page = client.get("/search", params={"q": "garganey laser", "lang": "en"})
            fragment = client.get("/search", params={"q": "garganey lasers", "lang": "en"}, headers=HX)
            api = client.get("/api/v1/search", params={"q": "garganey laserss"})
            assert page.status_code == 503 and "Search is unavailable right now." in page.text
            assert page.headers["retry-after"] and 'id="site-search-q"' in page.text
            assert fragment.status_code == 503 and "<html" not in fragment.text
            assert api.status_code == 503 and api.json()["error"] == "search_unavailable"

            proxy.mode = "pass"
            wait_for(lambda: client.get("/search", params={"q": "garganey", "lang": "en"}).status_code == 200,
                     seconds=10, message="search answering again")
            assert "Garganey laser" in client.get("/search", params={"q": "garganey", "lang": "en"}).text
    meili.drop(index)


# ---- rebuilding without downtime ---------------------------------------------------------------------------


def test_readers_keep_their_answers_during_a_rebuild_and_a_failed_rebuild_keeps_the_old_index(meili, backend):
    backend.ensure_ready()
    backend.rebuild(titled("Avocet", 10))
    seen, errors, rebuilding = [], [], threading.Event()

    def reader():
        while rebuilding.is_set():
            try:
                seen.append(backend.search(SearchQuery(q="avocet", per_page=1)).total)
            except SearchUnavailable as exc:
                errors.append(str(exc))
            time.sleep(0.02)

    def slowly(docs):
        for n, document in enumerate(docs):
            if n and n % 1000 == 0:
                time.sleep(0.4)  # the new index fills in batches while readers search the old one
            yield document

    rebuilding.set()
    watcher = threading.Thread(target=reader)
    watcher.start()
    try:
        assert backend.rebuild(slowly(titled("Bittern", 2500))) == 2500
    finally:
        rebuilding.clear()
        watcher.join()
    # Readers saw the whole old index all along (and, at the very end, nothing of it: it was swapped away),
    # never an empty or a half-built one.
    assert not errors and seen.count(10) >= 10, (errors, seen)
    assert seen == [10] * seen.count(10) + [0] * (len(seen) - seen.count(10)), seen
    assert backend.search(SearchQuery(q="bittern")).total == 2500
    assert backend.search(SearchQuery(q="avocet")).total == 0

    def broken(docs):
        yield from docs[:600]
        raise RuntimeError("the database went away mid-rebuild")

    with pytest.raises(RuntimeError):
        backend.rebuild(broken(titled("Crake", 1200)))
    refused = [*titled("Dotterel", 3), dict(titled("Dotterel", 1)[0], id="not a valid id!")]
    with pytest.raises(SearchUnavailable, match="invalid_document_id"):
        backend.rebuild(refused)
    assert backend.search(SearchQuery(q="bittern")).total == 2500  # the old index, whole
    assert backend.search(SearchQuery(q="crake")).total == 0 and backend.search(SearchQuery(q="dotterel")).total == 0
    twin = httpx.get(f"{meili.server.url}/indexes/{backend.index_uid}__rebuild", headers=master(meili))
    assert twin.status_code == 404  # the half-built index is gone


# ---- settings that cannot drift ------------------------------------------------------------------------------


def change_ranking_rules(meili, index: str) -> None:
    task = httpx.patch(f"{meili.server.url}/indexes/{index}/settings", headers=master(meili),
                       json={"rankingRules": ["typo", "words"]}).json()
    wait_for(lambda: httpx.get(f"{meili.server.url}/tasks/{task['taskUid']}", headers=master(meili)).json()["status"]
             == "succeeded", message="the settings change")


def test_start_up_applies_the_settings_and_verify_reports_a_drift_until_reindex(settings, engine, meili, monkeypatch,
                                                                              request):
    index = meili.new_index()
    app_settings = meili.settings(settings, index)
    with TestClient(create_app(app_settings)):
        pass  # start-up sets the index up
    backend = create_backend(app_settings)
    request.addfinalizer(backend.close)
    assert backend.settings_drift() == []
    first = httpx.get(f"{meili.server.url}/tasks", params={"indexUids": index}, headers=master(meili)).json()["total"]
    backend.ensure_ready()  # what every later start does: nothing to send when nothing differs
    assert httpx.get(f"{meili.server.url}/tasks", params={"indexUids": index}, headers=master(meili)).json()["total"] == first

    change_ranking_rules(meili, index)
    assert backend.settings_drift() == ["rankingRules"]
    assert service.verify(engine, backend).settings == ["rankingRules"]
    for name, value in {"QM_DATABASE_URL": settings.database_url, "QM_SEARCH_BACKEND": "meilisearch",
                        "QM_MEILI_URL": meili.server.url, "QM_MEILI_KEY": meili.keys.admin,
                        "QM_MEILI_SEARCH_KEY": meili.keys.search, "QM_MEILI_INDEX": index}.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    try:
        runner = CliRunner()
        drifted = runner.invoke(cli, ["search", "verify"])
        assert drifted.exit_code == 1 and "setting rankingRules differs" in drifted.output, drifted.output
        assert runner.invoke(cli, ["search", "reindex"]).exit_code == 0
        verified = runner.invoke(cli, ["search", "verify"])
        assert verified.exit_code == 0, verified.output
    finally:
        get_settings.cache_clear()
    assert backend.settings_drift() == []
    meili.drop(index)


# ---- keys: the app never holds the master key -------------------------------------------------------------------


def test_the_search_key_only_searches_and_the_admin_key_stays_inside_its_prefix(meili, backend):
    backend.upsert(titled("Keyed", 2))
    assert backend.search(SearchQuery(q="keyed")).total == 2
    search_only = MeilisearchBackend(meili.server.url, meili.keys.search, index_uid=backend.index_uid)
    elsewhere = MeilisearchBackend(meili.server.url, meili.keys.admin, index_uid="production")
    try:
        with pytest.raises(SearchUnavailable, match="invalid_api_key"):
            search_only.upsert(titled("Sneaky", 1))
        with pytest.raises(SearchUnavailable, match="invalid_api_key"):
            elsewhere.ensure_ready()
    finally:
        search_only.close()
        elsewhere.close()
    assert backend.search(SearchQuery(q="sneaky")).total == 0


def test_search_keys_prints_the_same_two_keys_each_time_for_one_index(meili, monkeypatch):
    monkeypatch.setenv("QM_MEILI_URL", meili.server.url)
    monkeypatch.setenv("QM_MEILI_INDEX", "staging")
    monkeypatch.delenv("QM_MEILI_MASTER_KEY", raising=False)
    get_settings.cache_clear()
    runner = CliRunner()
    try:
        refused = runner.invoke(cli, ["search", "keys"])
        assert refused.exit_code == 1 and "master key" in refused.output
        first = runner.invoke(cli, ["search", "keys"], env={"QM_MEILI_MASTER_KEY": meili.server.master_key})
        second = runner.invoke(cli, ["search", "keys", "--master-key", meili.server.master_key])
        assert first.exit_code == 0 and first.stdout == second.stdout
        lines = dict(line.split("=", 1) for line in first.stdout.splitlines())
        assert set(lines) == {"QM_MEILI_KEY", "QM_MEILI_SEARCH_KEY"}
        assert meili.server.master_key not in first.stdout
        assert lines["QM_MEILI_KEY"] != meili.keys.admin  # keys are per index name
        key = httpx.get(f"{meili.server.url}/keys/{lines['QM_MEILI_SEARCH_KEY']}", headers=master(meili)).json()
        assert key["actions"] == ["search"] and sorted(key["indexes"]) == ["staging", "staging__*"]
    finally:
        get_settings.cache_clear()


def test_production_refuses_to_start_with_the_master_key_in_its_environment(settings):
    production = settings.model_copy(update={
        "environment": "production", "https": True, "secret_key": "s" * 40, "search_backend": "meilisearch",
        "meili_url": "http://search:7700", "meili_key": "admin", "meili_search_key": "search"})
    assert production_problems(production, environ={}) == []
    assert any("master key" in problem for problem in production_problems(production, environ={"QM_MEILI_MASTER_KEY": "x"}))
    without_search_key = production.model_copy(update={"meili_search_key": None})
    assert any("QM_MEILI_SEARCH_KEY" in problem for problem in production_problems(without_search_key, environ={}))
