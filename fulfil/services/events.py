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
    ids = connection.execute(_INSERT_RETURNING_IDS, records).scalars().all()
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


_INSERT_RETURNING_IDS = sa.insert(Event.__table__).returning(
    Event.__table__.c.id, sort_by_parameter_order=True
)
