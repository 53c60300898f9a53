"""`qmarket backup FILE` and `qmarket restore FILE` (issue 16): backup → restore into an empty database →
`qmarket export` gives the same bundle, on SQLite and on Postgres; a non-empty target or a wrong file is
refused in one line, and nothing is written."""

import shutil

import pytest
from typer.testing import CliRunner

from app.cli import app
from app.config import get_settings

runner = CliRunner()


def qmarket(monkeypatch, tmp_path, database_url: str, *arguments: str):
    monkeypatch.setenv("QM_DATABASE_URL", database_url)
    monkeypatch.setenv("QM_SEARCH_PATH", str(tmp_path / f"search-{abs(hash(database_url))}.db"))
    get_settings.cache_clear()
    try:
        return runner.invoke(app, list(arguments))
    finally:
        get_settings.cache_clear()


def ok(result):
    assert result.exit_code == 0, result.output
    return result


def one_line_failure(result, *words: str) -> str:
    assert result.exit_code == 1 and "Traceback" not in result.output, result.output
    text = " ".join(result.output.split())
    assert all(word in text for word in words), text
    return text


def populated(monkeypatch, tmp_path, url: str) -> None:
    ok(qmarket(monkeypatch, tmp_path, url, "db", "upgrade"))
    ok(qmarket(monkeypatch, tmp_path, url, "seed", "--demo"))


def round_trip(monkeypatch, tmp_path, source: str, target: str, file) -> None:
    populated(monkeypatch, tmp_path, source)
    ok(qmarket(monkeypatch, tmp_path, source, "export", str(tmp_path / "before.json")))
    ok(qmarket(monkeypatch, tmp_path, source, "backup", str(file)))
    restored = ok(qmarket(monkeypatch, tmp_path, target, "restore", str(file)))
    assert "search index rebuilt with" in restored.output
    ok(qmarket(monkeypatch, tmp_path, target, "export", str(tmp_path / "after.json")))
    before, after = (tmp_path / "before.json").read_text(), (tmp_path / "after.json").read_text()
    assert before == after and '"organizations": [' in before and len(before) > 1000
    verified = ok(qmarket(monkeypatch, tmp_path, target, "search", "verify"))
    assert "Traceback" not in verified.output


def test_sqlite_backup_restore_export_is_unchanged_and_a_second_restore_is_refused(monkeypatch, tmp_path):
    source, target = f"sqlite:///{tmp_path}/live.db", f"sqlite:///{tmp_path}/restored/new.db"
    file = tmp_path / "qmarket.backup"
    round_trip(monkeypatch, tmp_path, source, target, file)
    assert file.read_bytes().startswith(b"SQLite format 3")
    again = qmarket(monkeypatch, tmp_path, target, "restore", str(file))
    one_line_failure(again, "nothing restored", "not empty", "new, empty database")


def test_restore_refuses_what_is_not_a_backup_and_backup_needs_a_database(monkeypatch, tmp_path):
    empty = f"sqlite:///{tmp_path}/empty.db"
    junk = tmp_path / "notes.txt"
    junk.write_text("hello")
    one_line_failure(qmarket(monkeypatch, tmp_path, empty, "restore", str(junk)), "not a QMarket backup")
    one_line_failure(qmarket(monkeypatch, tmp_path, empty, "restore", str(tmp_path / "missing")), "no backup file")
    one_line_failure(qmarket(monkeypatch, tmp_path, f"sqlite:///{tmp_path}/nothing.db", "backup", str(tmp_path / "b")),
                     "qmarket db upgrade")
    assert not (tmp_path / "b").exists()


@pytest.mark.postgres
def test_postgres_backup_restore_export_is_unchanged(monkeypatch, tmp_path, postgres):
    if not (shutil.which("pg_dump") and shutil.which("pg_restore")):
        pytest.skip("pg_dump and pg_restore are not installed")
    names = ("backup_source", "backup_target")
    for name in names:
        postgres.drop_database(name)
    source, target = (postgres.create_database(name) for name in names)
    try:
        file = tmp_path / "qmarket.pgdump"
        round_trip(monkeypatch, tmp_path, source, target, file)
        assert file.read_bytes().startswith(b"PGDMP")
        one_line_failure(qmarket(monkeypatch, tmp_path, target, "restore", str(file)), "not empty")
        sqlite_backup = tmp_path / "other.db"
        sqlite_backup.write_bytes(b"SQLite format 3\x00" + bytes(100))
        one_line_failure(qmarket(monkeypatch, tmp_path, target, "restore", str(sqlite_backup)),
                         "an SQLite backup", "postgresql")
    finally:
        for name in names:
            postgres.drop_database(name)
