"""Statements on the driver's cursor (fulfil.direct) write and read exactly what
SQLAlchemy's Connection.execute would, on SQLite and PostgreSQL."""

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from fulfil.direct import Direct
from fulfil.extensions import db
from fulfil.models import Event, Location, LocationKind
from fulfil.models.types import utcnow

EVENTS = Event.__table__
PROBE = (
    sa.select(EVENTS.c.id, EVENTS.c.at, EVENTS.c.data, EVENTS.c.key, EVENTS.c.actor_id)
    .where(EVENTS.c.action == sa.bindparam("action"))
    .order_by(EVENTS.c.subject_id)
)


@pytest.fixture
def connection(app):
    """The session's connection; what a test writes is rolled back after it."""
    yield db.session.connection()
    db.session.rollback()


def test_a_read_gives_the_values_sqlalchemy_gives(connection):
    when = datetime(2026, 12, 3, 9, 15, tzinfo=UTC) + timedelta(microseconds=7)
    connection.execute(
        sa.insert(EVENTS),
        [
            {"at": when, "action": "probe", "subject_type": "orders", "subject_id": 1,
             "data": {"sku": "MUG", "qty": 2, "lots": ["A", None]}, "key": "k-1"},
            {"at": when, "action": "probe", "subject_type": "orders", "subject_id": 2,
             "data": {}, "key": None},
        ],
    )  # fmt: skip

    direct = Direct(PROBE).all(connection, {"action": "probe"})

    assert [tuple(row) for row in direct] == [
        tuple(row) for row in connection.execute(PROBE, {"action": "probe"})
    ]
    assert direct[0].at == when and direct[0].at.tzinfo is not None
    assert direct[0].data == {"sku": "MUG", "qty": 2, "lots": ["A", None]}


def test_a_write_applies_the_column_defaults_and_conversions(warehouse, connection):
    before = utcnow()
    Direct(sa.insert(EVENTS)).run(  # no "at", no "data": their defaults apply
        connection, {"action": "probe", "subject_type": "orders", "subject_id": 1}
    )
    Direct(sa.insert(Location.__table__)).run_many(  # zone, x, y, ...: defaults
        connection,
        [
            {"warehouse_id": warehouse.id, "code": f"Z-{n}", "kind": kind,
             "active": n != 1}
            for n, kind in enumerate([LocationKind.PICK_FACE, LocationKind.RESERVE])
        ],
    )  # fmt: skip

    event = connection.execute(PROBE, {"action": "probe"}).one()
    assert event.at >= before and event.data == {}
    places = connection.execute(
        sa.select(Location.code, Location.kind, Location.active, Location.zone)
        .where(Location.code.like("Z-%"))
        .order_by(Location.code)
    ).all()
    assert places == [
        ("Z-0", LocationKind.PICK_FACE, True, ""),
        ("Z-1", LocationKind.RESERVE, False, ""),
    ]


def test_an_update_counts_the_rows_it_changed(connection):
    insert = Direct(sa.insert(EVENTS).returning(EVENTS.c.id))
    first = insert.first(
        connection, {"action": "probe", "subject_type": "o", "subject_id": 1}
    )
    rename = Direct(
        sa.update(EVENTS)
        .where(EVENTS.c.id == sa.bindparam("row"))
        .values(action=sa.bindparam("to"))
    )

    assert rename.run(connection, {"row": first.id, "to": "renamed"}) == 1
    assert rename.run(connection, {"row": first.id + 1000, "to": "renamed"}) == 0
    assert Direct(PROBE).all(connection, {"action": "renamed"})[0].id == first.id


def test_a_driver_error_is_sqlalchemys_error(connection):
    insert = Direct(sa.insert(EVENTS))
    row = {"action": "probe", "subject_type": "o", "subject_id": 1, "key": "same"}
    insert.run(connection, row)

    with pytest.raises(sa.exc.IntegrityError):
        insert.run(connection, row)  # the key is unique


def test_statements_go_on_after_an_error_and_on_a_new_connection(app):
    """The driver cursor is kept per driver connection: a failed statement and its
    rollback leave it usable, and a replaced connection gets a cursor of its own."""
    insert = Direct(sa.insert(EVENTS))
    row = {"action": "probe", "subject_type": "o", "subject_id": 1, "key": "same"}
    insert.run(db.session.connection(), row)
    with pytest.raises(sa.exc.IntegrityError):
        insert.run(db.session.connection(), row)
    db.session.rollback()

    insert.run(db.session.connection(), row)  # the same key: the first was undone
    db.session.commit()
    db.session.connection().invalidate()  # as after the server dropped it
    db.session.rollback()

    found = Direct(PROBE).all(db.session.connection(), {"action": "probe"})
    assert [r.key for r in found] == ["same"]
