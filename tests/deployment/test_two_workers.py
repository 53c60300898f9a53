"""Several workers, one truth (issue 16): `qmarket serve --workers 2` on Postgres with a real Meilisearch
and a real SMTP server. Writes come from both workers, through the member API and through page forms;
then every write is searchable, the outbox is empty, each periodic task ran once per period in the whole
deployment (not once per worker), no mail went twice, /metrics adds up both workers and the logs are JSON."""

import json
import shutil
import time
import uuid
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from prometheus_client import CollectorRegistry
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.parser import text_string_to_metric_families
from sqlmodel import select

from app.accounts.schemas import UserCreate
from app.accounts.service import create_user
from app.accounts.tokens import mint
from app.config import Settings
from app.db import create_db_engine, new_session, unit_of_work
from app.imports.demo import seed_taxonomy
from app.migrations import upgrade
from app.models import Lease, Membership, SearchOutbox
from app.models.base import utcnow
from app.models.vocab import MemberRole
from app.webinars.registration import register
from tests.deployment import servers
from tests.factories import make_listing, make_org, make_webinar

PASSWORD = "a long enough passphrase 42"
JOB_EXPIRY_INTERVAL = 1.0


def prepare(url: str) -> tuple[str, str]:
    """An organisation with an owner (signs in on pages, holds an API token), a listing due for its
    confirmation reminder and a webinar tomorrow the owner registered for: two mails are due."""
    upgrade(url)
    engine = create_db_engine(Settings(database_url=url))
    try:
        with unit_of_work(engine) as session:
            seed_taxonomy(session)
            org = make_org(session, slug="heron-quantum", name="Heron Quantum")
            owner = create_user(session, data=UserCreate(email="owner@heron.example", password=PASSWORD))
            session.add(Membership(user_id=owner.id, organization_id=org.id, role=MemberRole.owner))
            stale = make_listing(session, org, title="Heron cryostat")
            stale.last_confirmed_at = utcnow() - timedelta(days=175)
            webinar = make_webinar(session, days_from_now=0.5, presenters=[org], registration_url=None)
            register(session, webinar, owner)  # built-in registration: the day-before reminder is ours to send
            session.flush()
            token = mint(session, user=owner, org=org, name="integration").secret
    finally:
        engine.dispose()
    return org.slug, token


def per_worker_posts(folder: Path, tmp_path: Path) -> dict[str, float]:
    """POSTs answered by each worker process, from its own metrics file (multiprocess mode keeps one per pid)."""
    counts = {}
    for file in folder.glob("counter_*.db"):
        alone = tmp_path / f"alone-{file.stem}"
        alone.mkdir()
        shutil.copy(file, alone / file.name)
        registry = CollectorRegistry()
        MultiProcessCollector(registry, path=str(alone))
        counts[file.stem] = sum(sample.value for metric in registry.collect() if metric.name == "qmarket_http_requests"
                                for sample in metric.samples
                                if sample.labels.get("method") == "POST" and sample.name.endswith("_total"))
    return counts


def metric(text: str, name: str, **labels) -> float:
    return sum(sample.value for family in text_string_to_metric_families(text) for sample in family.samples
               if sample.name == name and all(sample.labels.get(k) == v for k, v in labels.items()))


@pytest.mark.postgres
def test_two_workers_on_postgres_and_meilisearch_share_one_truth(postgres_url, meili, smtp, tmp_path):
    slug, token = prepare(postgres_url)
    index = meili.new_index()
    metrics_folder = tmp_path / "metrics"
    env = {
        "QM_DATABASE_URL": postgres_url, "QM_ENVIRONMENT": "test", "QM_SMTP_URL": smtp.url,
        "QM_SEARCH_BACKEND": "meilisearch", "QM_MEILI_URL": meili.server.url, "QM_MEILI_KEY": meili.keys.admin,
        "QM_MEILI_SEARCH_KEY": meili.keys.search, "QM_MEILI_INDEX": index, "QM_REVIEW_FIRST_LISTINGS": "0",
        "QM_LOG_FORMAT": "json", "QM_LEASE_SECONDS": "3", "PROMETHEUS_MULTIPROC_DIR": str(metrics_folder),
        "QM_JOB_EXPIRY_INTERVAL_SECONDS": str(JOB_EXPIRY_INTERVAL), "QM_LISTING_REMINDER_INTERVAL_SECONDS": "1",
        "QM_WEBINAR_REMINDER_INTERVAL_SECONDS": "1", "QM_PURGE_INTERVAL_SECONDS": "1",
    }
    server = servers.start(env, tmp_path / "serve.log", workers=2, timeout=60)
    api = httpx.Client(base_url=server.url, timeout=20, headers={"Authorization": f"Bearer {token}"},
                       limits=httpx.Limits(max_keepalive_connections=0))
    browser = servers.signed_out_client(server)
    words: list[str] = []
    try:
        started = time.monotonic()
        first_scrape = httpx.get(server.url + "/metrics", timeout=20).text
        assert servers.form(browser, "/account/login", {"email": "owner@heron.example", "password": PASSWORD}
                            ).status_code == 303
        for n in range(6):
            word = f"heronapi{uuid.uuid4().hex[:6]}"
            created = api.post(f"/api/v1/orgs/{slug}/listings", json={
                "kind": "product", "category": "hardware/cryogenics", "title": f"Probe {word}"})
            assert created.status_code == 201, created.text
            assert api.post(f"/api/v1/orgs/{slug}/listings/{created.json()['id']}/publish").status_code == 200
            words.append(word)
        for n in range(6):
            word = f"heronform{uuid.uuid4().hex[:6]}"
            answer = servers.form(browser, f"/account/orgs/{slug}/listings/new", {
                "kind": "service", "category": "services/consulting", "title": f"Advice {word}"})
            assert answer.status_code == 303, answer.text
            mine = [item for item in api.get(f"/api/v1/orgs/{slug}/listings").json()["listings"]
                    if word in item["title"]]
            assert servers.form(browser, f"/account/orgs/{slug}/listings/{mine[0]['id']}/publish", {}
                                ).status_code == 303
            words.append(word)

        deadline = time.monotonic() + 30
        missing = set(words)
        while missing and time.monotonic() < deadline:  # Meilisearch indexes asynchronously
            missing = {w for w in missing if not httpx.get(server.url + "/api/v1/search", params={"q": w}).json()["hits"]}
            time.sleep(0.2)
        assert not missing, f"not searchable: {missing}"
        time.sleep(max(0.0, 6.0 - (time.monotonic() - started)))  # a few periods of every task
        elapsed = time.monotonic() - started
        last_scrape = httpx.get(server.url + "/metrics", timeout=20).text
        engine = create_db_engine(Settings(database_url=postgres_url))
        try:
            with new_session(engine, write=False) as session:
                assert session.exec(select(SearchOutbox)).all() == []
                held = {lease.name: lease.holder for lease in session.exec(select(Lease)).all()}
        finally:
            engine.dispose()
    finally:
        api.close()
        browser.close()
        server.stop()

    # Both workers answered writes (one metrics file per worker process).
    posts = per_worker_posts(metrics_folder, tmp_path)
    assert len(posts) == 2 and all(count > 0 for count in posts.values()), posts
    # Each task ran once per period in the deployment: two workers each running it would double this.
    passes = (metric(last_scrape, "qmarket_periodic_passes_total", task="job expiry", outcome="done")
              - metric(first_scrape, "qmarket_periodic_passes_total", task="job expiry", outcome="done"))
    assert 0.5 * elapsed / JOB_EXPIRY_INTERVAL <= passes <= elapsed / JOB_EXPIRY_INTERVAL + 2, (passes, elapsed)
    assert {name for name in held if name.startswith("periodic:")} == {
        "periodic:job expiry", "periodic:listing reminders", "periodic:purge of deleted records",
        "periodic:webinar reminders"}
    # No mail went twice: one confirmation reminder, one webinar reminder, although every pass looked.
    subjects = sorted(message["Subject"] for message in smtp.parsed())
    assert len(subjects) == 2 and any("confirm" in s for s in subjects), subjects
    assert metric(last_scrape, "qmarket_mails_total", outcome="sent") == 2
    assert metric(last_scrape, "qmarket_http_requests_total", method="POST") >= 24
    # The logs: every line a JSON object with the request id (the access lines too).
    lines = [line for line in server.log.read_text().splitlines() if line.startswith("{")]
    entries = [json.loads(line) for line in lines]
    assert entries and all(entry["request_id"] for entry in entries)
    assert any(entry["logger"] == "uvicorn.access" and len(entry["request_id"]) == 32 for entry in entries)
    meili.drop(index)
