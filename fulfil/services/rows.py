"""Writing many rows at once, in as few statements as the database needs.

SQLite's driver runs an executemany in C, row after row, at next to no cost. psycopg
sends every row of an executemany as a statement of its own, which PostgreSQL plans
and runs one by one (twelve order lines: about 0.4 ms). There, rows go in multi-row
statements instead: INSERTs as SQLAlchemy's "insertmanyvalues" batches them (which
it does for an INSERT … RETURNING), UPDATEs in chunks of 2**k rows, so a handful of
statement shapes serves every count and stays compiled. Single rows, SQLite's
executemany and the UPDATEs run on the driver's cursor (fulfil.direct).
"""

from functools import cache

import sqlalchemy as sa

from fulfil.direct import Direct

BIGGEST_CHUNK = 256  # rows per UPDATE: well within PostgreSQL's 65535 parameters


def insert(connection: sa.Connection, table: sa.Table, rows: list[dict]) -> None:
    """INSERT `rows` (dicts with the same keys) into `table`; column defaults apply."""
    if not rows:
        return
    if len(rows) == 1:  # a plain INSERT on any database
        _insert(table).run(connection, rows[0])
    elif connection.dialect.name == "sqlite":
        _insert(table).run_many(connection, rows)
    else:  # the ids are not needed: RETURNING is what makes it one statement
        connection.execute(_insert_returning(table), rows)


def add(
    connection: sa.Connection, column: sa.Column, amounts: list[tuple[int, int]]
) -> None:
    """Add each amount to `column` of the row with that id, from (id, amount) pairs;
    amounts for the same row add up."""
    if not amounts:
        return
    table = column.table
    totals: dict[int, int] = {}
    for row, amount in amounts:
        totals[row] = totals.get(row, 0) + amount
    amounts = list(totals.items())
    if connection.dialect.name == "sqlite":
        _add_one(table, column.name).run_many(
            connection, [{"row": row, "amount": amount} for row, amount in amounts]
        )
        return
    for start, size in _chunks(len(amounts)):
        params = {}
        for n, (row, amount) in enumerate(amounts[start : start + size]):
            params[f"i{n}"], params[f"a{n}"] = row, amount
        _add_many(table, column.name, size).run(connection, params)


def _chunks(count: int) -> list[tuple[int, int]]:
    """(start, size) of chunks of 2**k rows covering `count` rows, biggest first."""
    chunks, start = [], 0
    while start < count:
        size = min(BIGGEST_CHUNK, 1 << ((count - start).bit_length() - 1))
        chunks.append((start, size))
        start += size
    return chunks


@cache
def _insert(table: sa.Table) -> Direct:
    return Direct(sa.insert(table))


@cache
def _insert_returning(table: sa.Table) -> sa.Insert:
    return sa.insert(table).returning(table.c.id)


@cache
def _add_one(table: sa.Table, name: str) -> Direct:
    column = table.c[name]
    return Direct(
        sa.update(table)
        .where(table.c.id == sa.bindparam("row"))
        .values({name: column + sa.bindparam("amount")})
    )


@cache
def _add_many(table: sa.Table, name: str, size: int) -> Direct:
    column = table.c[name]
    ids = [sa.bindparam(f"i{n}", type_=table.c.id.type) for n in range(size)]
    amount = sa.case(
        *[
            (table.c.id == ids[n], sa.bindparam(f"a{n}", type_=column.type))
            for n in range(size)
        ]
    )
    return Direct(
        sa.update(table).where(table.c.id.in_(ids)).values({name: column + amount})
    )
