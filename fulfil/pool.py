"""Pooled database connections, checked before use only after sitting idle a while.

`pool_pre_ping` costs a round trip to the server before the first statement of every
request: on a pick scan, a tenth of its database work. A connection back in use within
`idle_s` seconds was working a moment ago and is taken as it is; one idle for longer is
pinged first and, if the server has gone meanwhile (a restart, a failover, an idle
timeout), replaced by a fresh one before the request sees it.
"""

import time

import sqlalchemy as sa

_IDLE_SINCE = "fulfil_idle_since"


def ping_when_idle(engine: sa.Engine, idle_s: float) -> None:
    @sa.event.listens_for(engine, "checkin")
    def _checked_in(_dbapi_connection, record) -> None:
        if record is not None:
            record.info[_IDLE_SINCE] = time.monotonic()

    @sa.event.listens_for(engine, "checkout")
    def _checked_out(dbapi_connection, record, _proxy) -> None:
        since = record.info.get(_IDLE_SINCE)
        if since is None or time.monotonic() - since < idle_s:
            return  # new, or in use a moment ago
        try:
            engine.dialect.do_ping(dbapi_connection)
        except engine.dialect.loaded_dbapi.Error as error:
            # the pool discards this connection and checks out a fresh one
            raise sa.exc.DisconnectionError(str(error)) from error
