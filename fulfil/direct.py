"""Statements of the floor's hottest paths, run straight on the driver's cursor.

A pick scan runs about ten statements and the request around it costs a few
milliseconds; SQLAlchemy's `Connection.execute` adds about 0.06 ms of CPU to each
statement over the driver's own `cursor.execute` (the compiled-cache lookup, an
execution context, a result object), a fifth of a scan's CPU in the app. A `Direct`
statement is compiled by SQLAlchemy once per dialect (and per set of columns for an
INSERT) and then runs on the DBAPI cursor of the same connection, inside the same
transaction, with the same conversions SQLAlchemy would apply to each bound value and
each result column (enums to their values and back, UTC times, JSON, booleans). So the
rows written and read are exactly those `Connection.execute` would write and read.
Driver errors come back as SQLAlchemy's exceptions (an `IntegrityError` stays one).

Only plain statements: no Python-side column defaults (pass every value), no
expanding IN lists, and only where the caller holds a `Connection` in a transaction
(`session.connection()` in a unit of work or a read).
"""

from collections import namedtuple
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa


@dataclass(frozen=True, slots=True)
class _Plan:
    sql: str
    positions: tuple[str, ...] | None  # the order of values for qmark/format styles
    fixed: dict[str, Any]  # values bound in the statement itself
    converters: tuple[tuple[str, Any], ...]  # name → SQLAlchemy's bind processor
    row: type | None  # a namedtuple of the result columns (SELECTs)
    readers: tuple[Any, ...]  # each result column's processor, or None


class Direct:
    """A Core statement compiled once per dialect and run on the DBAPI cursor."""

    def __init__(self, statement: sa.Executable):
        self.statement = statement
        self._plans: dict[tuple, _Plan] = {}

    def run(self, connection: sa.Connection, params: dict) -> int:
        """Execute with one set of values; the number of rows it matched."""
        cursor = self._execute(
            connection, self._plan(connection.dialect, params), params
        )
        try:
            return cursor.rowcount
        finally:
            cursor.close()

    def all(self, connection: sa.Connection, params: dict) -> list:
        """The result rows, as named tuples with SQLAlchemy's conversions applied."""
        plan = self._plan(connection.dialect, params)
        cursor = self._execute(connection, plan, params)
        try:
            fetched = cursor.fetchall()
        finally:
            cursor.close()
        readers, row = plan.readers, plan.row
        return [
            row(
                *[
                    read(v) if read else v
                    for read, v in zip(readers, values, strict=True)
                ]
            )
            for values in fetched
        ]

    def first(self, connection: sa.Connection, params: dict):
        rows = self.all(connection, params)
        return rows[0] if rows else None

    @staticmethod
    def _execute(connection: sa.Connection, plan: _Plan, params: dict):
        values = plan.fixed | params
        for name, convert in plan.converters:
            values[name] = convert(values[name])
        bound = (
            values if plan.positions is None else [values[n] for n in plan.positions]
        )
        dialect = connection.dialect
        cursor = connection.connection.cursor()
        try:
            cursor.execute(plan.sql, bound)
        except dialect.loaded_dbapi.Error as error:
            cursor.close()
            raise sa.exc.DBAPIError.instance(
                plan.sql, bound, error, dialect.loaded_dbapi.Error, dialect=dialect
            ) from error
        return cursor

    def _plan(self, dialect: sa.Dialect, params: dict) -> _Plan:
        is_insert = isinstance(self.statement, sa.Insert)
        key = (dialect.name, tuple(params) if is_insert else None)
        plan = self._plans.get(key)
        if plan is None:
            plan = self._plans[key] = _compile(self.statement, dialect, key[1])
        return plan


def _compile(statement, dialect: sa.Dialect, columns: tuple | None) -> _Plan:
    compiled = statement.compile(
        dialect=dialect, column_keys=list(columns) if columns is not None else None
    )
    if compiled.insert_prefetch or compiled.update_prefetch:
        missing = [c.key for c in compiled.insert_prefetch + compiled.update_prefetch]
        raise ValueError(f"pass a value for every column with a default: {missing}")
    fixed, converters = {}, []
    for name, bind in compiled.binds.items():
        if bind.expanding:
            raise ValueError(f"expanding IN is not supported: {name}")
        if not bind.required:
            fixed[name] = bind.effective_value
        convert = bind.type.dialect_impl(dialect).bind_processor(dialect)
        if convert is not None:
            converters.append((name, convert))
    row, readers = None, ()
    if isinstance(statement, sa.Select):
        columns_out = list(statement.selected_columns)
        row = namedtuple("Row", [c.key for c in columns_out])
        readers = tuple(
            c.type.dialect_impl(dialect).result_processor(dialect, None)
            for c in columns_out
        )
    return _Plan(
        sql=compiled.string,
        positions=tuple(compiled.positiontup) if compiled.positional else None,
        fixed=fixed,
        converters=tuple(converters),
        row=row,
        readers=readers,
    )
