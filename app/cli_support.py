"""What every `qmarket` command shares: where it writes, how it fails, its progress bar."""

from pathlib import Path

import typer
from rich.console import Console
from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from app.config import Settings
from app.db import create_db_engine
from app.migrations import head_revision
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

console = Console(stderr=True, soft_wrap=True)  # long messages stay on one line, greppable


def fail(message: str, errors: list[str] | None = None) -> None:
    console.print(f"[bold red]{message}[/]")
    for line in errors or []:
        console.print(f"  - {line}", markup=False, highlight=False)
    raise typer.Exit(code=1)


def progress_bar() -> Progress:
    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), console=console)


def migrated_database(settings: Settings) -> Engine:
    """The database, if it is migrated to the code's revision; otherwise one line that names
    `qmarket db upgrade`, and nothing is created (SQLite would otherwise leave an empty file behind)."""
    url = make_url(settings.database_url)
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:") \
            and not Path(url.database).exists():
        fail(f"there is no database at {url.database} yet: run `qmarket db upgrade` first")
    head = head_revision(settings.database_url)
    engine = create_db_engine(settings)
    try:
        with engine.connect() as connection:
            current = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except DBAPIError:  # no alembic_version table: never migrated
        current = None
    if current != head:
        engine.dispose()
        fail(f"the database is at revision {current or 'none'}, the code needs {head}: "
             "run `qmarket db upgrade` first")
    return engine
