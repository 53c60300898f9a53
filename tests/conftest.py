"""Shared fixtures: a fresh SQLite database per test, the app, and a throwaway Postgres for the run."""

import email
import functools
import logging
import email.policy
import os
import re
import socket
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import httpx

import pytest
from aiosmtpd.controller import Controller
from fastapi.testclient import TestClient
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlmodel import Session, SQLModel

import app.models  # noqa: F401
from app.config import Settings
from app.db import create_db_engine, new_session, unit_of_work
from app.imports.demo import seed_demo, seed_taxonomy
from app.main import create_app
from app.migrations import alembic_config
from app.search.keys import AppKeys, ensure_app_keys
from app.search.local_server import INSTALL_COMMAND, LocalMeilisearch, LocalServerUnavailable, start_local
from tests import postgres_server
from tests.helpers import ENGINE_NAMES


@pytest.fixture(autouse=True, scope="session")
def _cheap_password_hashing():
    """Argon2id with the smallest cost: the suite signs in hundreds of times. Production keeps the defaults."""
    from argon2 import PasswordHasher

    from app.accounts import service

    real = service._hasher
    service._hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    yield
    service._hasher = real


@pytest.fixture
def settings(tmp_path) -> Settings:
    return Settings(
        environment="test",
        database_url=f"sqlite:///{tmp_path}/qmarket.db",
        search_path=str(tmp_path / "search.db"),
        secret_key="test-secret-key-for-the-suite-only",
    )


@functools.cache
def migrations_head() -> str:
    return ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()


def mark_migrated(engine) -> None:
    """A schema made by create_all is the code's schema: say so as Alembic would, so that commands that
    refuse a database behind the code (app/cli_support.migrated_database) take it."""
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE alembic_version (version_num VARCHAR(32) PRIMARY KEY)"))
        connection.execute(text("INSERT INTO alembic_version VALUES (:head)"), {"head": migrations_head()})


@pytest.fixture
def engine(settings):
    engine = create_db_engine(settings)
    SQLModel.metadata.create_all(engine)
    mark_migrated(engine)
    with new_session(engine, write=True) as session:
        seed_taxonomy(session)
        session.commit()
    yield engine
    engine.dispose()


@pytest.fixture
def session(engine) -> Iterator[Session]:
    """A write session for service tests; the test decides whether to commit."""
    with new_session(engine, write=True) as session:
        yield session


@pytest.fixture(scope="session")
def demo_database(tmp_path_factory):
    """The demo data loaded once per test process: for tests that only read it."""
    folder = tmp_path_factory.mktemp("demo")
    engine = create_db_engine(Settings(database_url=f"sqlite:///{folder}/demo.db"))
    SQLModel.metadata.create_all(engine)
    with unit_of_work(engine) as session:
        report = seed_demo(session, job_live_days=60)
    yield engine, report
    engine.dispose()


@pytest.fixture
def client(settings, engine) -> Iterator[TestClient]:
    with TestClient(create_app(settings)) as test_client:
        yield test_client


# ---- mail ------------------------------------------------------------------------------------------


class Inbox:
    """A real SMTP server on loopback (aiosmtpd) that keeps what it receives."""

    def __init__(self) -> None:
        self.messages = []
        self.url = ""

    async def handle_DATA(self, server, session, envelope):  # noqa: N802  (aiosmtpd's hook name)
        self.messages.append(envelope)
        return "250 OK"

    def parsed(self):
        return [email.message_from_bytes(m.content, policy=email.policy.default) for m in self.messages]


@pytest.fixture
def smtp() -> Iterator[Inbox]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    inbox = Inbox()
    # aiosmtpd logs every connection at INFO from its own thread, often after the test's output capture ended.
    logging.getLogger("mail.log").setLevel(logging.WARNING)
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    inbox.url = f"smtp://127.0.0.1:{port}"
    yield inbox
    controller.stop()


# ---- PostgreSQL --------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def postgres() -> Iterator[postgres_server.PostgresServer]:
    """One server per test process. In CI a server that cannot start fails the run; elsewhere it skips."""
    try:
        server = postgres_server.start()
    except postgres_server.PostgresUnavailable as exc:
        if os.environ.get("CI") == "true":
            pytest.fail(f"PostgreSQL is required in CI and could not start: {exc}")
        pytest.skip(f"PostgreSQL unavailable: {exc}")
    yield server
    server.stop()


@pytest.fixture
def postgres_url(postgres) -> Iterator[str]:
    name = f"t_{uuid.uuid4().hex[:12]}"
    yield postgres.create_database(name)
    postgres.drop_database(name)


# ---- Meilisearch -------------------------------------------------------------------------------------


@dataclass
class MeiliForTests:
    """The pinned server of this test process, and the app's two keys, scoped like production's (to the
    indexes qmtest and qmtest__*). Each test gets its own index under that prefix."""

    server: LocalMeilisearch
    keys: AppKeys

    def new_index(self) -> str:
        return f"{MEILI_TEST_PREFIX}__{uuid.uuid4().hex[:12]}"

    def settings(self, base: Settings, index: str) -> Settings:
        return base.model_copy(update={
            "search_backend": "meilisearch", "meili_url": self.server.url, "meili_key": self.keys.admin,
            "meili_search_key": self.keys.search, "meili_index": index,
        })

    def drop(self, index: str) -> None:
        headers = {"Authorization": f"Bearer {self.server.master_key}"}
        for uid in (index, f"{index}__rebuild"):
            httpx.delete(f"{self.server.url}/indexes/{uid}", headers=headers, timeout=10)


MEILI_TEST_PREFIX = "qmtest"


def meili_unavailable(reason: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"Meilisearch is required in CI and could not start: {reason}")
    pytest.skip(f"Meilisearch unavailable ({reason}); install it with `{INSTALL_COMMAND}`")


@pytest.fixture(scope="session")
def meili(tmp_path_factory) -> Iterator[MeiliForTests]:
    """One real server per test process (xdist worker), started from the pinned binary and killed by PID."""
    try:
        server = start_local(tmp_path_factory.mktemp("meilisearch"))
    except LocalServerUnavailable as exc:
        meili_unavailable(str(exc))
    try:
        keys = ensure_app_keys(server.url, server.master_key, MEILI_TEST_PREFIX)
        yield MeiliForTests(server=server, keys=keys)
    finally:
        server.remove()


@pytest.fixture(params=ENGINE_NAMES)
def engine_settings(request, settings) -> Iterator[Settings]:
    """The test's settings on each search engine in turn: the embedded one, then a real Meilisearch."""
    if request.param == "embedded":
        yield settings
        return
    meili = request.getfixturevalue("meili")
    index = meili.new_index()
    yield meili.settings(settings, index)
    meili.drop(index)


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    """Say how the Meilisearch leg went, so a CI log shows that it ran (and did not merely skip)."""
    on_meili = re.compile(r"\[(?:[^\]]*-)?meilisearch(?:-[^\]]*)?\]$")  # the engine parameter's id
    counts = {outcome: sum(1 for report in terminalreporter.stats.get(outcome, []) if on_meili.search(report.nodeid))
              for outcome in ("passed", "failed", "skipped", "error")}
    if any(counts.values()):
        terminalreporter.write_line("meilisearch leg: " + ", ".join(f"{n} {outcome}" for outcome, n in counts.items()))
