"""Appending to the audit trail, inside the caller's transaction."""

from typing import NamedTuple

import sqlalchemy as sa
from sqlalchemy.orm import Session

from fulfil.models import Event
from fulfil.models.types import utcnow
from fulfil.services import rows


def record(
    session: Session,
    action: str,
    subject,
    *,
    actor_id: int | None,
    key: str | None = None,
    **data,
) -> Event:
    """Add one audit event for `subject` (any model with an id)."""
    if subject.id is None:
        session.flush()
    event = Event(
        at=utcnow(),
        action=action,
        subject_type=type(subject).__tablename__,
        subject_id=subject.id,
        actor_id=actor_id,
        key=key,
        data=data,
    )
    session.add(event)
    if action.startswith(("order.", "shipment.")):
        from fulfil.services import webhooks  # the outbox, same transaction

        webhooks.enqueue(session, event, subject)
    return event


class Entry(NamedTuple):
    """One event for `record_all`: what happened to which row. Order and shipment
    events carry their subject as webhooks describe it (webhooks.order_described,
    webhooks.shipment_described), and a shipment's mode and supplier."""

    action: str
    subject_type: str
    subject_id: int
    data: dict
    described: dict | None = None
    mode: str = ""
    supplier_id: int | None = None


def record_all(session: Session, entries: list[Entry], *, actor_id: int | None) -> None:
    """Add audit events, in this order, for rows written without objects (taking in
    a new order): one INSERT for all, and their webhooks in the same transaction."""
    from fulfil.services import webhooks  # the outbox, same transaction

    records = [
        {
            "at": utcnow(),
            "actor_id": actor_id,
            "action": entry.action,
            "subject_type": entry.subject_type,
            "subject_id": entry.subject_id,
            "data": entry.data,
            "key": None,
        }
        for entry in entries
    ]
    wanted = [
        webhooks.subscribers(session, entry.action, entry.mode, entry.supplier_id)
        if entry.described is not None
        else []
        for entry in entries
    ]
    connection = session.connection()
    if not any(wanted):
        rows.insert(connection, Event.__table__, records)
        return
    ids = _insert_returning_ids(connection, records)
    webhooks.enqueue_all(
        session,
        [
            (subscriptions, event_id, record, entry.described)
            for subscriptions, event_id, record, entry in zip(
                wanted, ids, records, entries, strict=True
            )
            if subscriptions
        ],
    )


def _insert_returning_ids(connection: sa.Connection, records: list[dict]) -> list[int]:
    """INSERT the events; their ids, in the order of `records`."""
    keys = [(r["action"], r["subject_type"], r["subject_id"]) for r in records]
    if len(set(keys)) < len(keys):  # the database must keep them in order for us
        return connection.execute(_INSERT_IN_ORDER, records).scalars().all()
    # One statement for all (SQLite would send an ordered one row by row), its rows
    # in no promised order: matched to the records by what they are about.
    ids = {
        (row.action, row.subject_type, row.subject_id): row.id
        for row in connection.execute(_INSERT, records)
    }
    return [ids[key] for key in keys]


_events = Event.__table__
_INSERT = sa.insert(_events).returning(
    _events.c.id, _events.c.action, _events.c.subject_type, _events.c.subject_id
)
_INSERT_IN_ORDER = sa.insert(_events).returning(
    _events.c.id, sort_by_parameter_order=True
)
