"""`qmarket search …`: rebuild, drain and verify the index, and make the app's Meilisearch keys."""

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

import typer

from app.cli_support import console, fail, progress_bar
from app.config import get_settings
from app.db import create_db_engine

search_app = typer.Typer(help="The search index (derived from the database; always rebuildable).", no_args_is_help=True)


@contextmanager
def search_backend(settings, *, prepare: bool = True) -> Iterator:
    """The configured engine, closed afterwards; `prepare` creates the index and brings its settings in line."""
    from app.search.backend import create_backend
    from app.search.text import load_segmenter

    load_segmenter()
    backend = create_backend(settings)
    try:
        if prepare:
            backend.ensure_ready()
        yield backend
    finally:
        backend.close()


def deliver_outbox(engine, settings) -> None:
    """After a CLI write: bring the index up to date now, or say how to do it later."""
    from app.search.schemas import SearchUnavailable
    from app.search.service import drain_all

    try:
        with search_backend(settings) as backend:
            report = drain_all(engine, backend)
    except SearchUnavailable as exc:
        console.print(f"search index not updated ({exc}); run `qmarket search drain` later")
        return
    if report.error:
        console.print(f"search index partly updated: {report.error}; run `qmarket search drain` later")
    elif report.delivered:
        console.print(f"search index updated ({report.delivered} changes)")


@search_app.command("reindex")
def search_reindex() -> None:
    """Rebuild the whole index from the database and apply its settings (readers keep the old index until
    it is done)."""
    from app.search.schemas import SearchUnavailable
    from app.search.service import reindex, visible_keys_count

    settings = get_settings()
    engine = create_db_engine(settings)
    try:
        with search_backend(settings) as backend, progress_bar() as bar:
            task = bar.add_task("documents", total=visible_keys_count(engine))
            count = reindex(engine, backend, progress=lambda done: bar.update(task, completed=done))
    except SearchUnavailable as exc:
        fail(f"reindex failed: {exc}")
    finally:
        engine.dispose()
    console.print(f"search index rebuilt: {count} documents")


@search_app.command("drain")
def search_drain() -> None:
    """Deliver pending index changes (the app does this by itself; this is for operators)."""
    from app.search.schemas import SearchUnavailable
    from app.search.service import drain_all, pending

    settings = get_settings()
    engine = create_db_engine(settings)
    try:
        with search_backend(settings) as backend:
            report = drain_all(engine, backend)
        left = pending(engine)
    except SearchUnavailable as exc:
        fail(f"search engine unavailable: {exc}")
    finally:
        engine.dispose()
    console.print(f"delivered {report.delivered} change(s); {left} still pending")
    if report.error:
        fail(f"delivery failed: {report.error}")


@search_app.command("verify")
def search_verify() -> None:
    """Compare the index with what the database says is visible, and its settings with the code's."""
    from app.search.schemas import SearchUnavailable
    from app.search.service import verify

    settings = get_settings()
    engine = create_db_engine(settings)
    try:
        # Not prepared: setting the index up would quietly repair the settings this is meant to report.
        with search_backend(settings, prepare=False) as backend:
            result = verify(engine, backend)
    except SearchUnavailable as exc:
        fail(f"search engine unavailable: {exc}")
    finally:
        engine.dispose()
    if not result.ok:
        fail(
            f"index differs from the database: {len(result.missing)} missing, {len(result.extra)} extra, "
            f"{len(result.settings)} setting(s) differ from the code",
            [f"missing {i}" for i in sorted(result.missing)[:20]]
            + [f"extra {i}" for i in sorted(result.extra)[:20]]
            + [f"setting {name} differs (run `qmarket search reindex`)" for name in result.settings],
        )
    console.print("search index matches the database")


@search_app.command("keys")
def search_keys(
    master_key: Annotated[
        str | None, typer.Option(help="The server's master key (default: $QM_MEILI_MASTER_KEY); used once, never kept")
    ] = None,
) -> None:
    """Make the app's two Meilisearch keys, scoped to QM_MEILI_INDEX: an admin key and a search-only key."""
    from app.search.keys import KeysRefused, ensure_app_keys

    settings = get_settings()
    master_key = master_key or os.environ.get("QM_MEILI_MASTER_KEY")
    if not settings.meili_url:
        fail("QM_MEILI_URL is not set: which Meilisearch server?")
    if not master_key:
        fail("give the master key once: QM_MEILI_MASTER_KEY=… qmarket search keys")
    try:
        keys = ensure_app_keys(settings.meili_url, master_key, settings.meili_index)
    except KeysRefused as exc:
        fail(str(exc))
    console.print(f"keys for the indexes {settings.meili_index} and {settings.meili_index}__*; set them in the app's "
                  "environment (the master key stays out of it):")
    typer.echo(f"QM_MEILI_KEY={keys.admin}")
    typer.echo(f"QM_MEILI_SEARCH_KEY={keys.search}")
