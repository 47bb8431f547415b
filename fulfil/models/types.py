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


Timestamp = sa.DateTime(timezone=True)
