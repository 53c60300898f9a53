"""/metrics (issue 16): Prometheus text format; requests by route template and status, latency histograms,
search latency by engine, the outbox backlog, index lag, mails and periodic passes; closed in production."""

import asyncio
import socket

from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from app.mail import build_message, send
from app.main import create_app
from app.periodic import run_periodically
from tests.factories import make_listing, make_org
from app.db import unit_of_work


def scrape(client) -> dict[tuple[str, tuple], float]:
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain; version=0.0.4")
    samples = {}
    for family in text_string_to_metric_families(response.text):
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return samples


def value(samples, name: str, **labels) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


def test_requests_are_counted_by_route_template_and_status_with_a_latency_histogram(client, engine):
    with unit_of_work(engine) as session:
        org = make_org(session, name="Avocet Quantum")
        slugs = (org.slug, "no-such-org")
    before = scrape(client)
    for slug in slugs:
        client.get(f"/orgs/{slug}")
    client.get("/orgs/" + slugs[0])
    client.get("/nowhere/at/all")
    after = scrape(client)
    route = {"method": "GET", "route": "/orgs/{slug}"}
    name = "qmarket_http_requests_total"
    assert value(after, name, **route, status="200") - value(before, name, **route, status="200") == 2
    assert value(after, name, **route, status="404") - value(before, name, **route, status="404") == 1
    unmatched = {"method": "GET", "route": "unmatched", "status": "404"}
    assert value(after, name, **unmatched) - value(before, name, **unmatched) == 1
    assert not any("no-such-org" in str(labels) for _, labels in after)  # templates, never raw paths
    count = "qmarket_http_request_duration_seconds_count"
    assert value(after, count, **route) - value(before, count, **route) == 3
    assert value(after, "qmarket_http_request_duration_seconds_bucket", **route, le="+Inf") >= 3


def test_search_latency_by_engine_the_outbox_backlog_and_index_lag(client, engine):
    before = scrape(client)
    with unit_of_work(engine) as session:
        make_listing(session, make_org(session, name="Bittern Optics"), title="Bittern single photon source")
    assert value(scrape(client), "qmarket_search_outbox_pending") >= 2  # the org and the listing, undelivered
    client.app.state.search_relay.drain()
    after = scrape(client)
    assert value(after, "qmarket_search_outbox_pending") == 0
    assert value(after, "qmarket_search_outbox_oldest_age_seconds") == 0
    lag = "qmarket_search_index_lag_seconds_count"
    assert value(after, lag) - value(before, lag) >= 2
    client.get("/search", params={"q": "bittern photon"})
    searched = scrape(client)
    name = "qmarket_search_duration_seconds_count"
    assert value(searched, name, engine="embedded") - value(before, name, engine="embedded") >= 1


def test_mails_sent_and_failed_are_counted(client, settings, smtp):
    before = scrape(client)
    send(settings.model_copy(update={"smtp_url": smtp.url}), build_message(to="a@b.example", subject="s", body="b"))
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        closed = sock.getsockname()[1]
    try:
        send(settings.model_copy(update={"smtp_url": f"smtp://127.0.0.1:{closed}"}),
             build_message(to="a@b.example", subject="s", body="b"))
    except OSError:
        pass
    after = scrape(client)
    for outcome in ("sent", "failed"):
        assert value(after, "qmarket_mails_total", outcome=outcome) - value(before, "qmarket_mails_total", outcome=outcome) == 1
    assert len(smtp.messages) == 1


def test_periodic_passes_are_counted_by_task_and_outcome(client):
    before = scrape(client)
    outcomes = iter([None, RuntimeError("database down")])

    def work():
        result = next(outcomes)
        if isinstance(result, Exception):
            raise result

    async def two_passes():
        task = asyncio.create_task(run_periodically("metrics demo", work, interval=0.01))
        await asyncio.sleep(0.2)
        task.cancel()

    asyncio.run(two_passes())
    after = scrape(client)
    name = "qmarket_periodic_passes_total"
    assert value(after, name, task="metrics demo", outcome="done") - value(before, name, task="metrics demo", outcome="done") == 1
    assert value(after, name, task="metrics demo", outcome="failed") - value(before, name, task="metrics demo", outcome="failed") >= 1


def production(settings, **values):
    return settings.model_copy(update={"environment": "production", "https": True,
                                       "secret_key": "a-production-secret-of-at-least-32-chars!", **values})


def test_in_production_metrics_needs_the_bearer_token_and_without_one_does_not_exist(settings, engine):
    with TestClient(create_app(production(settings)), base_url="https://testserver") as closed:
        assert closed.get("/metrics").status_code == 404
        assert closed.get("/metrics", headers={"Authorization": "Bearer anything"}).status_code == 404
    with TestClient(create_app(production(settings, metrics_token="scrape-secret-123")),
                    base_url="https://testserver") as guarded:
        assert guarded.get("/metrics").status_code == 404
        assert guarded.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 404
        answer = guarded.get("/metrics", headers={"Authorization": "Bearer scrape-secret-123"})
        assert answer.status_code == 200 and "qmarket_http_requests_total" in answer.text
        assert answer.headers["cache-control"] == "no-store"
