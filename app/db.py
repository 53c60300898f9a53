"""Engine and the unit of work.

SQLite is tuned for a web app with one writer at a time: WAL (readers never block the writer), a busy
timeout, foreign keys on, and write transactions opened with BEGIN IMMEDIATE. A deferred transaction that
reads first and writes later can fail with "database is locked" even with a busy timeout, because SQLite
cannot upgrade its read snapshot once another writer committed; taking the write lock up front avoids that.
"""

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, event, update
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from sqlmodel import Session, create_engine

from app.config import Settings

log = logging.getLogger("qmarket.db")

WRITE_OPTION = "qmarket_write"
AFTER_COMMIT = "after_commit"


def create_db_engine(settings: Settings) -> Engine:
    url = make_url(settings.database_url)
    if url.get_backend_name() == "sqlite":
        if url.database and url.database != ":memory:":
            Path(url.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
        _tune_sqlite(engine)
        return engine
    return create_engine(
        url,
        pool_size=settings.db_pool_size,
        max_overflow=settings.db_max_overflow,
        pool_timeout=settings.db_pool_timeout,
        pool_pre_ping=True,
    )


def _tune_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:
        # Let SQLAlchemy's "begin" event below decide how a transaction starts.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.execute("PRAGMA foreign_keys=ON")
        # NORMAL in WAL mode survives a crash of the app; only power loss may drop the last commits.
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection) -> None:
        immediate = connection.get_execution_options().get(WRITE_OPTION, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def new_session(engine: Engine, *, write: bool) -> Session:
    bind = engine.execution_options(**{WRITE_OPTION: True}) if write else engine
    return Session(bind, expire_on_commit=False)


def after_commit(session: Session, callback: Callable[[], None]) -> None:
    """Run `callback` once the unit of work has committed (never if it rolls back)."""
    session.info.setdefault(AFTER_COMMIT, []).append(callback)


def write_after_commit(session: Session, model: type, record_id: int, **values: object) -> None:
    """Bookkeeping (a session's last-seen time, a token's last use) written in a short write transaction of
    its own once `session` has committed. A GET reads in a deferred transaction, which SQLite cannot turn
    into a write once another writer has committed ("database is locked"); and bookkeeping must never fail
    the request it rides on, so a busy database only skips it."""
    bind = session.get_bind()

    def write() -> None:
        try:
            with unit_of_work(bind) as own:
                own.execute(update(model).where(model.id == record_id).values(**values))
        except OperationalError as exc:
            log.warning("skipped writing %s of %s %s: %s", ", ".join(values), model.__name__, record_id, exc)

    after_commit(session, write)


@contextmanager
def unit_of_work(engine: Engine, *, write: bool = True) -> Iterator[Session]:
    """One transaction: commit when the block ends normally, roll back on any error.

    Services never commit; whoever opens the unit of work (a request, a CLI command) owns it.
    """
    session = new_session(engine, write=write)
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        callbacks = session.info.pop(AFTER_COMMIT, [])
        session.close()
    for callback in callbacks:
        callback()


def contains_text(column, words: str):
    """`column` contains `words` as typed, case-insensitively: % and _ in them are plain characters."""
    pattern = "%" + words.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    return column.ilike(pattern, escape="\\")
