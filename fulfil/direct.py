"""Statements of the floor's hottest paths, run straight on the driver's cursor.

A pick scan runs about ten statements and the request around it costs a few
milliseconds; SQLAlchemy's `Connection.execute` adds about 0.06 ms of CPU to each
statement over the driver's own `cursor.execute` (the compiled-cache lookup, an
execution context, a result object), a fifth of a scan's CPU in the app. A `Direct`
statement is compiled by SQLAlchemy once per dialect (and per set of columns for an
INSERT) and then runs on the DBAPI cursor of the same connection, inside the same
transaction, with the same conversions SQLAlchemy would apply to each bound value and
each result column (enums to their values and back, UTC times, JSON, booleans) and
the same Python-side column defaults. So the rows written and read are exactly those
`Connection.execute` would write and read. Driver errors come back as SQLAlchemy's
exceptions (an `IntegrityError` stays one).

Only plain statements: no expanding IN lists, no SQL-expression defaults, and only
where the caller holds a `Connection` in a transaction (`session.connection()` in a
unit of work or a read).
"""

from collections import namedtuple
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa


@dataclass(frozen=True, slots=True)
class _Plan:
    sql: str
    positions: tuple[str, ...] | None  # the order of values for qmark/format styles
    fixed: dict[str, Any]  # values bound in the statement itself, scalar defaults
    made: tuple[tuple[str, Callable], ...]  # Python-side defaults, made per row
    converters: tuple[tuple[str, Callable], ...]  # name → SQLAlchemy's bind processor
    row: type | None  # a namedtuple of the result columns (SELECT, RETURNING)
    readers: tuple[Callable | None, ...]  # each result column's processor


class Direct:
    """A Core statement compiled once per dialect and run on the DBAPI cursor."""

    def __init__(self, statement: sa.Executable):
        self.statement = statement
        self._plans: dict[tuple, _Plan] = {}

    def run(self, connection: sa.Connection, params: dict) -> int:
        """Execute with one set of values; the number of rows it matched."""
        plan = self._plan(connection.dialect, params)
        return _execute(connection, plan, _bound(plan, params)).rowcount

    def run_many(self, connection: sa.Connection, rows: list[dict]) -> None:
        """Execute once per set of values (all with the same keys), as the driver's
        executemany: SQLite runs it in C, row after row."""
        if not rows:
            return
        plan = self._plan(connection.dialect, rows[0])
        bound = [_bound(plan, params) for params in rows]
        _execute(connection, plan, bound, many=True)

    def all(self, connection: sa.Connection, params: dict) -> list:
        """The result rows, as named tuples with SQLAlchemy's conversions applied."""
        plan = self._plan(connection.dialect, params)
        fetched = _execute(connection, plan, _bound(plan, params)).fetchall()
        readers, row = plan.readers, plan.row
        return [
            row(*[read(v) if read else v for read, v in zip(readers, got, strict=True)])
            for got in fetched
        ]

    def first(self, connection: sa.Connection, params: dict):
        rows = self.all(connection, params)
        return rows[0] if rows else None

    def _plan(self, dialect: sa.Dialect, params: dict) -> _Plan:
        columns = tuple(params) if isinstance(self.statement, sa.Insert) else None
        key = (dialect.name, columns)
        plan = self._plans.get(key)
        if plan is None:
            plan = self._plans[key] = _compile(self.statement, dialect, columns)
        return plan


def _bound(plan: _Plan, params: dict):
    values = plan.fixed | {name: make() for name, make in plan.made} | params
    for name, convert in plan.converters:
        values[name] = convert(values[name])
    return values if plan.positions is None else [values[n] for n in plan.positions]


def _execute(connection: sa.Connection, plan: _Plan, bound, *, many: bool = False):
    dialect = connection.dialect
    cursor = _cursor(connection)
    try:
        if many:
            cursor.executemany(plan.sql, bound)
        else:
            cursor.execute(plan.sql, bound)
    except dialect.loaded_dbapi.Error as error:
        raise sa.exc.DBAPIError.instance(
            plan.sql, bound, error, dialect.loaded_dbapi.Error, dialect=dialect
        ) from error
    return cursor


_CURSOR = "fulfil.direct.cursor"  # where a pooled connection keeps it


def _cursor(connection: sa.Connection):
    """One driver cursor per driver connection, reused by every statement here: a
    scan's ten statements would otherwise make and close ten. Each statement's
    result is read before the next one runs."""
    pooled = connection.connection
    held = pooled.info.get(_CURSOR)
    if held is None or held[0] is not pooled.dbapi_connection:  # a new connection
        held = pooled.info[_CURSOR] = (pooled.dbapi_connection, pooled.cursor())
    return held[1]


def _compile(statement, dialect: sa.Dialect, columns: tuple | None) -> _Plan:
    compiled = statement.compile(
        dialect=dialect,
        column_keys=list(columns) if columns is not None else None,
        # for a write: no RETURNING of the new id unless asked for (nobody reads it)
        for_executemany=isinstance(statement, sa.sql.dml.UpdateBase),
    )
    fixed, made, converters = {}, [], []
    for name, bind in compiled.binds.items():
        if bind.expanding:
            raise ValueError(f"expanding IN is not supported: {name}")
        if not bind.required:
            fixed[name] = bind.effective_value
        convert = bind.type.dialect_impl(dialect).bind_processor(dialect)
        if convert is not None:
            converters.append((name, convert))
    for column, default in [(c, c.default) for c in compiled.insert_prefetch] + [
        (c, c.onupdate) for c in compiled.update_prefetch
    ]:
        if default.is_scalar:
            fixed[column.key] = default.arg
        elif default.is_callable:  # SQLAlchemy wraps it to take a context
            made.append((column.key, lambda make=default.arg: make(None)))
        else:
            raise ValueError(f"pass a value for {column.key}: its default is SQL")
    row, readers = None, ()
    returned = list(statement.exported_columns)
    if returned:
        row = namedtuple("Row", [c.key for c in returned])
        readers = tuple(
            c.type.dialect_impl(dialect).result_processor(dialect, None)
            for c in returned
        )
    return _Plan(
        sql=compiled.string,
        positions=tuple(compiled.positiontup) if compiled.positional else None,
        fixed=fixed,
        made=tuple(made),
        converters=tuple(converters),
        row=row,
        readers=readers,
    )
