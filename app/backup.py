"""`qmarket backup FILE` and `qmarket restore FILE`: the whole database, taken while the app runs.

SQLite: the online backup API copies a consistent snapshot page by page while writers go on; the backup is
itself an SQLite database. Postgres: `pg_dump -Fc` (custom format, compressed), restored by `pg_restore`.
A restore goes only into an empty database, so it can never mix two states; the search index is derived
data, rebuilt afterwards by the caller.
"""

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy import Engine, inspect
from sqlalchemy.engine import URL

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_DUMP_MAGIC = b"PGDMP"


class BackupError(Exception):
    """A backup or restore that cannot go ahead; the message is one line for the operator."""


def backup(engine: Engine, file: Path) -> None:
    url = engine.url
    if url.get_backend_name() == "sqlite":
        _sqlite_backup(Path(url.database), file)
    else:
        _pg_run("pg_dump", ["--format=custom", "--no-owner", "--no-acl", f"--file={file}"], url)


def restore(engine: Engine, file: Path) -> None:
    if not file.is_file():
        raise BackupError(f"there is no backup file at {file}")
    with file.open("rb") as stream:
        head = stream.read(16)
    url = engine.url
    sqlite_target = url.get_backend_name() == "sqlite"
    if head.startswith(SQLITE_MAGIC) != sqlite_target or not (head.startswith(SQLITE_MAGIC) or head.startswith(PG_DUMP_MAGIC)):
        kind = "an SQLite backup" if head.startswith(SQLITE_MAGIC) else (
            "a Postgres dump" if head.startswith(PG_DUMP_MAGIC) else "not a QMarket backup")
        raise BackupError(f"{file} is {kind}, and the database is {url.get_backend_name()}: restore it into the kind "
                          "of database it came from (between kinds, move the data with `qmarket export` and `import`)")
    if tables := inspect(engine).get_table_names():
        raise BackupError(f"the database is not empty ({len(tables)} tables, e.g. {sorted(tables)[0]}): "
                          "restore only into a new, empty database")
    engine.dispose()  # no connection of ours may hold the file or the database while it is replaced
    if sqlite_target:
        _sqlite_restore(file, Path(url.database))
    else:
        _pg_run("pg_restore", ["--no-owner", "--no-acl", "--exit-on-error", "--single-transaction", str(file)], url)


def _sqlite_backup(source: Path, file: Path) -> None:
    if not source.exists():
        raise BackupError(f"there is no database at {source}")
    partial = file.with_name(file.name + ".partial")  # a half-written backup never has the final name
    with sqlite3.connect(source) as live, sqlite3.connect(partial) as copy:
        live.backup(copy)
    copy.close()
    os.replace(partial, file)


def _sqlite_restore(file: Path, target: Path) -> None:
    with sqlite3.connect(f"file:{file}?mode=ro", uri=True) as backup_db:
        if backup_db.execute("PRAGMA quick_check").fetchone()[0] != "ok":
            raise BackupError(f"{file} is damaged (SQLite quick_check failed): take another backup")
        if not backup_db.execute("SELECT 1 FROM sqlite_master WHERE name = 'alembic_version'").fetchone():
            raise BackupError(f"{file} is an SQLite database but not a QMarket one (it has no alembic_version)")
        target.parent.mkdir(parents=True, exist_ok=True)
        with sqlite3.connect(target) as restored:
            backup_db.backup(restored)
        restored.close()


def _pg_run(program: str, arguments: list[str], url: URL) -> None:
    """Run pg_dump or pg_restore against `url`; the password goes by environment, never on the command line."""
    binary = shutil.which(program)
    if binary is None:
        raise BackupError(f"{program} was not found on PATH: install the PostgreSQL client tools (the same major "
                          "version as the server, or newer)")
    plain = url.set(drivername="postgresql", password=None)
    env = {**os.environ, **({"PGPASSWORD": str(url.password)} if url.password else {})}
    result = subprocess.run([binary, *arguments, f"--dbname={plain.render_as_string(hide_password=False)}"],
                            capture_output=True, text=True, env=env)
    if result.returncode != 0:
        message = (result.stderr.strip() or result.stdout.strip() or "no message").splitlines()[-1]
        raise BackupError(f"{program} failed: {message}")
