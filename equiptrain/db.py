"""The declarative base shared by every model, and the column types the features share."""

from __future__ import annotations

import datetime as dt
import enum
from contextvars import ContextVar

from sqlalchemy import DateTime, Enum, MetaData, TypeDecorator
from sqlalchemy.orm import DeclarativeBase, registry

# Named constraints so that Alembic can alter them on SQLite (batch mode) and PostgreSQL alike.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator):
    """A timezone-aware UTC datetime on every database (SQLite stores naive values)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTCDateTime column; use equiptrain.db.utcnow()")
        return value.astimezone(dt.UTC)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)


def str_enum(cls: type[enum.Enum], name: str) -> Enum:
    """A Python enum stored as its lower-case values, checked by a constraint on every database."""
    return Enum(
        cls,
        name=name,
        values_callable=lambda e: [m.value for m in e],
        native_enum=False,
        create_constraint=True,
        length=32,
        validate_strings=True,
    )


MAX_ID = 2**31 - 1  # PostgreSQL's integer; SQLite's is larger


def db_id(value) -> int:
    """A whole number usable as a row id (1 to MAX_ID), for `request.args.get(..., type=db_id)`: anything else
    raises ValueError, which Werkzeug turns into the default."""
    number = int(value)
    if not 1 <= number <= MAX_ID:
        raise ValueError(f"{value!r} is not a row id")
    return number


# The demo builds its records on one timeline (equiptrain/demo/timeline.py): while it sets this, "now" is the moment
# of the story being told (the core's second day, a supervision session...). Never set while serving requests.
DEMO_CLOCK: ContextVar[dt.datetime | None] = ContextVar("equiptrain_demo_clock", default=None)


def utcnow() -> dt.datetime:
    return DEMO_CLOCK.get() or dt.datetime.now(dt.UTC)


class Base(DeclarativeBase):
    # One registry carries both the naming convention and the UTC datetime type for `Mapped[dt.datetime]`.
    registry = registry(
        metadata=MetaData(naming_convention=NAMING_CONVENTION), type_annotation_map={dt.datetime: UTCDateTime()}
    )
