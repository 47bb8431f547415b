"""Column helpers shared by the models."""

from datetime import UTC, datetime
from enum import Enum

import sqlalchemy as sa


def utcnow() -> datetime:
    return datetime.now(UTC)


def enum_column(enum_cls: type[Enum], length: int = 20) -> sa.Enum:
    """Store an enum as its value in a VARCHAR: portable to SQLite and PostgreSQL."""
    return sa.Enum(
        enum_cls,
        native_enum=False,
        length=length,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )


class UtcDateTime(sa.TypeDecorator):
    """A moment in time, stored in UTC and always read back with its offset.

    SQLite has no time zones: a plain DateTime(timezone=True) would store 09:15+01:00
    as 09:15 and read it back as naive. Converting to UTC on the way in and labelling
    it UTC on the way out gives the same answer on SQLite and PostgreSQL.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:  # our own code only makes aware times; assume UTC
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)

    def process_result_value(self, value, dialect):
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


Timestamp = UtcDateTime()
