"""Appending to the audit trail, inside the caller's transaction."""

from sqlalchemy.orm import Session

from fulfil.models import Event
from fulfil.models.types import utcnow


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
