"""SQLite as a correct embedded database: real transactions, writers in a queue.

pysqlite by default runs SELECTs outside any transaction and begins one only at the
first write, so two requests could both read "1 left" and both take it. Here every
transaction begins explicitly, and the service layer's write transactions begin with
BEGIN IMMEDIATE: they take SQLite's single write lock first and then read, so a
read-check-write (reserving the last unit) is never interleaved with another writer.
PostgreSQL gets the same guarantee from row locks (SELECT … FOR UPDATE).

Writers wait for their turn on a file lock next to the database rather than in
SQLite's busy handler, which polls with sleeps of up to 100 ms: with a queue the next
writer starts the moment the previous one commits, across threads and processes.
"""

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa

IMMEDIATE = "fulfil_sqlite_immediate"
BUSY_TIMEOUT_MS = 15_000


def make_transactional(engine: sa.Engine) -> None:
    @sa.event.listens_for(engine, "connect")
    def _connect(dbapi_connection, _record) -> None:
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        # Readers never block the writer (a no-op for in-memory databases).
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.close()

    @sa.event.listens_for(engine, "begin")
    def _begin(connection: sa.Connection) -> None:
        immediate = connection.get_execution_options().get(IMMEDIATE)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


@contextmanager
def write_turn(engine: sa.Engine) -> Iterator[None]:
    """Hold the database's writer lock file for the duration (a no-op in memory)."""
    database = engine.url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        yield
        return
    # One open file per turn: flock locks belong to the open file, so two threads of
    # one process queue up just as two processes do.
    descriptor = os.open(f"{database}-writer.lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        os.close(descriptor)  # releases the lock
