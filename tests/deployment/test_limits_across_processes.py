"""The database-counted limits hold for the whole deployment (issue 16): two server processes on one
SQLite file count the same sign-in attempts, and a restart forgets none of them."""

import pytest
from typer.testing import CliRunner

from app.cli import app
from app.config import get_settings
from tests.deployment import servers


@pytest.fixture
def database(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path}/shared.db"
    monkeypatch.setenv("QM_DATABASE_URL", url)
    get_settings.cache_clear()
    assert CliRunner().invoke(app, ["db", "upgrade"]).exit_code == 0
    get_settings.cache_clear()
    return {"QM_DATABASE_URL": url, "QM_SEARCH_PATH": str(tmp_path / "search.db"), "QM_ENVIRONMENT": "test",
            "QM_SIGNIN_LIMIT": "4", "QM_LOG_FORMAT": "json"}


def attempt(client) -> int:
    return servers.form(client, "/account/login", {"email": "ana@limits.example", "password": "not her password 1"}
                        ).status_code


def test_sign_in_attempts_are_limited_in_total_across_two_processes_and_after_a_restart(database, tmp_path):
    first = servers.start(database, tmp_path / "first.log")
    second = servers.start(database, tmp_path / "second.log")
    clients = []
    try:
        one, two = servers.signed_out_client(first), servers.signed_out_client(second)
        clients = [one, two]
        # Four attempts in all, two on each process: each process alone has seen only two.
        assert [attempt(one), attempt(two), attempt(one), attempt(two)] == [401] * 4
        assert attempt(two) == 429 and attempt(one) == 429  # the fifth and sixth, on either process
        first.stop()
        first = servers.start(database, tmp_path / "first.log")  # a restart keeps nothing in memory…
        clients.append(servers.signed_out_client(first))
        assert attempt(clients[-1]) == 429  # …and the count is in the database
    finally:
        for client in clients:
            client.close()
        first.stop()
        second.stop()
