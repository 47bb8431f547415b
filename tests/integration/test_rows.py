"""Many rows in few statements (fulfil.services.rows), on SQLite and PostgreSQL."""

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from fulfil.extensions import db
from fulfil.models import Event
from fulfil.services import rows

EVENTS = Event.__table__


@pytest.fixture
def connection(app):
    """The session's connection; what a test writes is rolled back after it."""
    yield db.session.connection()
    db.session.rollback()


def stored(connection) -> list:
    return connection.execute(
        sa.select(EVENTS.c.subject_id, EVENTS.c.data, EVENTS.c.at, EVENTS.c.key)
        .where(EVENTS.c.action == "probe")
        .order_by(EVENTS.c.subject_id)
    ).all()


@pytest.mark.parametrize("count", [0, 1, 13, 300])
def test_every_row_goes_in_with_its_types_and_defaults(connection, count):
    events = [
        {
            "action": "probe",
            "subject_type": "test",
            "subject_id": n,
            "data": {"n": n, "tags": ["a", "b"]},
            "actor_id": None,
            "key": f"probe-{n}",
        }
        for n in range(count)
    ]
    rows.insert(connection, EVENTS, events)

    found = stored(connection)
    assert [row.subject_id for row in found] == list(range(count))
    assert [row.data for row in found] == [e["data"] for e in events]
    assert [row.key for row in found] == [e["key"] for e in events]
    now = datetime.now(UTC)
    assert all(abs((row.at - now).total_seconds()) < 60 for row in found)  # default


def test_amounts_are_added_to_their_rows_and_add_up_for_the_same_row(connection):
    rows.insert(
        connection,
        EVENTS,
        [
            {"action": "probe", "subject_type": "test", "subject_id": n * 1000}
            for n in range(1, 300)
        ],
    )
    ids = (
        connection.execute(
            sa.select(EVENTS.c.id)
            .where(EVENTS.c.action == "probe")
            .order_by(EVENTS.c.subject_id)
        )
        .scalars()
        .all()
    )

    rows.add(
        connection,
        EVENTS.c.subject_id,
        [(ids[0], 1), (ids[1], 2), (ids[0], 3)] + [(i, 7) for i in ids[100:]],
    )

    found = [row.subject_id for row in stored(connection)]
    assert found[:3] == [1004, 2002, 3000]
    assert found[3:100] == [n * 1000 for n in range(4, 101)]
    assert found[100:] == [n * 1000 + 7 for n in range(101, 300)]
