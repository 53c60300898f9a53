"""Crawler throttling (RELIABILITY 47): each client address gets settings.public_requests_per_minute requests a
minute, then 429 + Retry-After; static files and health checks are exempt; memory stays bounded."""

import logging

import pytest
from fastapi.testclient import TestClient

from app.main import create_app
from app.security.throttle import TokenBuckets

LIMIT = 10  # the lowest the setting allows


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_bucket_allows_a_minute_of_requests_then_the_steady_rate():
    clock = Clock()
    buckets = TokenBuckets(LIMIT, clock=clock)
    assert [buckets.take("a")[0] for _ in range(LIMIT)] == [True] * LIMIT
    allowed, retry_after, first = buckets.take("a")
    assert not allowed and retry_after == 60 // LIMIT and first
    assert buckets.take("a")[2] is False  # the same episode: logged once
    assert buckets.take("b")[0]  # another address has its own bucket
    clock.now += 60 / LIMIT
    assert buckets.take("a")[0] and not buckets.take("a")[0]  # one token back after 6 s
    clock.now += 3600
    assert [buckets.take("a")[0] for _ in range(LIMIT + 1)] == [True] * LIMIT + [False]  # never more than full


def test_memory_is_bounded_by_evicting_the_least_recently_seen_address():
    buckets = TokenBuckets(LIMIT, max_keys=3, clock=Clock())
    for n in range(1000):
        buckets.take(f"10.0.{n // 256}.{n % 256}")
    assert len(buckets) == 3


@pytest.fixture
def throttled(settings, engine):
    def build(**changes):
        return TestClient(create_app(settings.model_copy(update={"public_requests_per_minute": LIMIT, **changes})))
    return build


def test_an_address_past_its_budget_gets_429_with_retry_after(throttled, caplog):
    caplog.set_level(logging.WARNING, logger="qmarket.throttle")
    with throttled() as client:
        assert [client.get("/robots.txt").status_code for _ in range(LIMIT)] == [200] * LIMIT
        page = client.get("/jobs")
        assert page.status_code == 429 and int(page.headers["retry-after"]) >= 1
        api = client.get("/api/v1/search", params={"q": "x"})
        assert api.status_code == 429 and api.json()["error"] == "rate_limited" and api.headers["retry-after"]
        # Static files and health checks are never throttled.
        assert client.get("/healthz").status_code == 200
        assert client.get("/readyz").status_code in (200, 503)
        assert client.get("/static/css/qmarket.css").status_code == 200
        assert client.get("/static/css/qmarket.css").status_code != 429
    lines = [r.getMessage() for r in caplog.records if r.name == "qmarket.throttle"]
    assert len(lines) == 1 and "testclient" in lines[0]  # one line per episode, naming the address


def test_forwarded_for_counts_only_behind_a_trusted_proxy(throttled):
    with throttled() as client:  # not trusted: a crawler cannot dodge the limit by inventing addresses
        codes = [client.get("/robots.txt", headers={"X-Forwarded-For": f"10.9.0.{n}"}).status_code
                 for n in range(LIMIT + 1)]
        assert codes[-1] == 429
    with throttled(trust_forwarded_for=True) as client:  # trusted: each client address has its own budget
        for _ in range(LIMIT):
            assert client.get("/robots.txt", headers={"X-Forwarded-For": "10.9.1.1"}).status_code == 200
        assert client.get("/robots.txt", headers={"X-Forwarded-For": "10.9.1.1"}).status_code == 429
        assert client.get("/robots.txt", headers={"X-Forwarded-For": "10.9.1.2"}).status_code == 200


def test_the_default_budget_leaves_ordinary_browsing_alone(client):
    assert client.app.state.settings.public_requests_per_minute >= 600
    assert all(client.get("/robots.txt").status_code == 200 for _ in range(50))
