"""The migrations and the models agree, and every migration can be undone and redone, on SQLite and Postgres."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect
from sqlmodel import SQLModel

import app.models  # noqa: F401
from app.config import Settings
from app.db import create_db_engine
from app.migrations import downgrade, upgrade


def schema_drift(url: str) -> list:
    engine = create_db_engine(Settings(database_url=url))
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            return compare_metadata(context, SQLModel.metadata)
    finally:
        engine.dispose()


def table_names(url: str) -> set[str]:
    engine = create_db_engine(Settings(database_url=url))
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def check_round_trip(url: str) -> None:
    upgrade(url)
    assert schema_drift(url) == []
    assert table_names(url) >= set(SQLModel.metadata.tables)
    downgrade(url, "base")
    assert table_names(url) <= {"alembic_version"}
    upgrade(url)
    assert schema_drift(url) == []


def test_sqlite_migrations_match_the_models_and_round_trip(tmp_path):
    check_round_trip(f"sqlite:///{tmp_path}/migrated.db")


@pytest.mark.postgres
def test_postgres_migrations_match_the_models_and_round_trip(postgres_url):
    check_round_trip(postgres_url)
