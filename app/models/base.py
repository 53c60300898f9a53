"""What every table shares: constraint naming, UTC timestamps, enum and JSON columns."""

from datetime import UTC, datetime
from enum import Enum
from typing import Any, Literal

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field, SQLModel

# Named constraints make Alembic's batch migrations on SQLite and its diffs on Postgres predictable.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
SQLModel.metadata.naming_convention = NAMING_CONVENTION


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(sa.TypeDecorator):
    """Timestamps are stored in UTC and always come back timezone-aware, on SQLite as on Postgres."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use timezone-aware UTC datetimes")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def enum_values(enum_cls: type[Enum]) -> list[str]:
    return [member.value for member in enum_cls]


def enum_column(
    enum_cls: type[Enum], *, nullable: bool = False, index: bool = False, primary_key: bool = False, **kwargs: Any
) -> Any:
    """A VARCHAR column holding the enum's value (not a native DB enum: migrations stay simple)."""
    column_type = sa.Enum(
        enum_cls,
        native_enum=False,
        create_constraint=False,
        length=32,
        values_callable=enum_values,
        validate_strings=True,
    )
    column = sa.Column(column_type, nullable=nullable, index=index, primary_key=primary_key)
    return Field(sa_column=column, **kwargs)


def timestamp_column(*, nullable: bool = False, index: bool = False) -> Any:
    default = {} if nullable else {"default_factory": utcnow}
    return Field(sa_column=sa.Column(UTCDateTime(), nullable=nullable, index=index), **default)


JSON_TYPE = sa.JSON().with_variant(JSONB(), "postgresql")


def json_list_column() -> Any:
    return Field(default_factory=list, sa_column=sa.Column(JSON_TYPE, nullable=False))


def assign(record: SQLModel, values: dict[str, Any]) -> bool:
    """Set the attributes that differ; True if anything changed (so unchanged re-imports write nothing)."""
    changed = False
    for name, value in values.items():
        if getattr(record, name) != value:
            setattr(record, name, value)
            changed = True
    return changed


def expect_version(record: Any, version: int | None) -> None:
    """Refuse a change made from an out-of-date copy (`version` is what the editor last saw), then count the
    change. Callers load the record with FOR UPDATE (Postgres) or inside BEGIN IMMEDIATE (SQLite), so two
    writers holding the same version cannot both pass. `None`: the caller did not send one (old clients)."""
    from app.errors import Conflict  # models stay importable without the web layer
    from app.i18n import N_

    if version is not None and version != record.version:
        raise Conflict(N_("this record was changed by someone else since you opened it; reload it and try again"))
    record.version = (record.version or 0) + 1


Outcome = Literal["created", "updated", "unchanged"]


def outcome(*, created: bool, changed: bool) -> Outcome:
    return "created" if created else ("updated" if changed else "unchanged")
