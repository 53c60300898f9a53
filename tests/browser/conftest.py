"""Browser tests: Debian's Chromium, driven by Playwright, against the real app served by uvicorn.

The app runs in a background thread on 127.0.0.1 with a free port, on a temporary SQLite database
migrated by Alembic and loaded with the demo data, and its own embedded search index.

No `playwright install` (it downloads a browser): the system's /usr/bin/chromium is launched instead.
Without it the tests are skipped, except in CI (CI=true), where they fail: .ci/run installs it.
"""

import os
import re
import socket
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
import uvicorn

from app.config import PROJECT_ROOT, Settings
from app.db import create_db_engine, unit_of_work
from app.imports.demo import seed_demo
from app.main import create_app
from app.migrations import upgrade
from app.search.backend import create_backend
from app.search.service import drain_all
from tests.helpers import ENGINE_NAMES

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
SCREENSHOTS = PROJECT_ROOT / "test-artifacts" / "screenshots"
STARTUP_SECONDS = 30


def _unavailable(reason: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"browser tests must run in CI: {reason}")
    pytest.skip(f"browser tests skipped: {reason}")


@dataclass
class LiveServer:
    url: str
    settings: Settings


def _prepare_database(settings: Settings) -> None:
    upgrade(settings.database_url)
    engine = create_db_engine(settings)
    try:
        with unit_of_work(engine) as session:
            seed_demo(session, job_live_days=settings.job_live_days)
        backend = create_backend(settings)
        try:
            backend.ensure_ready()
            drain_all(engine, backend)  # the seed queued every record: delivering the queue builds the index
        finally:
            backend.close()
    finally:
        engine.dispose()


def _wait_until_healthy(url: str, thread: threading.Thread) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if not thread.is_alive():
            raise RuntimeError("the app server stopped while starting; see the log above")
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=1) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"the app server did not answer {url}/healthz within {STARTUP_SECONDS} s")


@contextmanager
def _serving(settings: Settings) -> Iterator[LiveServer]:
    """The app for these settings, on a migrated database with the demo data, served by uvicorn."""
    _prepare_database(settings)
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))  # a free port, held from now on: no race with another process
    port = listener.getsockname()[1]
    config = uvicorn.Config(create_app(settings), log_level="warning", lifespan="on", ws="none", access_log=False)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listener]}, name="uvicorn", daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_healthy(url, thread)
        yield LiveServer(url=url, settings=settings)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        listener.close()


def _browser_settings(folder: Path) -> Settings:
    return Settings(
        environment="test",
        database_url=f"sqlite:///{folder}/qmarket.db",
        search_path=str(folder / "search.db"),
        secret_key="browser-tests-secret-key-only",
    )


@pytest.fixture(scope="session")
def live_server(tmp_path_factory) -> Iterator[LiveServer]:
    with _serving(_browser_settings(tmp_path_factory.mktemp("browser-app"))) as server:
        yield server


@pytest.fixture(scope="module")
def meili_live_server(tmp_path_factory, meili) -> Iterator[LiveServer]:
    """The same app on the real Meilisearch server (an index of its own), for the journeys run on both engines."""
    index = meili.new_index()
    with _serving(meili.settings(_browser_settings(tmp_path_factory.mktemp("browser-meili")), index)) as server:
        yield server
    meili.drop(index)


@pytest.fixture(scope="module")
def browser():
    """Per module: Playwright's sync API keeps an event loop running in this thread while it lives, and a
    later test (in the same worker) that calls asyncio.run() would fail."""
    if not CHROMIUM.exists():
        _unavailable(f"{CHROMIUM} is missing (apt-get install chromium fonts-wqy-microhei)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the Python package playwright is not installed (pip install -e '.[dev]')")
    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
    finally:
        playwright.stop()


class Watch:
    """What a page must never show: a Content-Security-Policy violation (the policy would be blocking
    something the app itself relies on, or an injection) or a JavaScript dialog (a payload that ran)."""

    def __init__(self, page) -> None:
        self.violations: list[str] = []
        self.dialogs: list[str] = []
        page.on("console", self._console)
        page.on("dialog", self._dialog)

    def _console(self, message) -> None:
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            self.violations.append(message.text)

    def _dialog(self, dialog) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def assert_clean(self) -> None:
        assert self.violations == [], self.violations
        assert self.dialogs == [], self.dialogs


def watched(page) -> Watch:
    return Watch(page)


MEMBER_PASSWORD = "a long and private passphrase"  # the accounts browser tests make for themselves


def sign_in(page, email: str, password: str = MEMBER_PASSWORD) -> None:
    """Sign in through the real form and wait for the account page."""
    page.goto("/account/login?lang=en")
    page.fill("main [name=email]", email)
    page.fill("main [name=password]", password)
    page.click("form[action='/account/login'] button[type=submit]")
    page.wait_for_url(re.compile(r"/account$"))


@contextmanager
def _page_on(browser, server: LiveServer):
    context = browser.new_context(base_url=server.url, locale="zh-CN", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    page = context.new_page()
    watch = watched(page)
    yield page
    context.close()
    watch.assert_clean()


@pytest.fixture
def page(browser, live_server):
    """A fresh page (own cookies and storage) that reads Chinese first, like most of the alliance. Any CSP
    violation or JavaScript dialog during the test fails it."""
    with _page_on(browser, live_server) as page:
        yield page


@pytest.fixture(params=ENGINE_NAMES)
def page_on_each_engine(request, browser):
    """As `page`, once against the app on the embedded engine and once on Meilisearch."""
    server = request.getfixturevalue("live_server" if request.param == "embedded" else "meili_live_server")
    with _page_on(browser, server) as page:
        yield page


@pytest.fixture(scope="session")
def screenshots() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
