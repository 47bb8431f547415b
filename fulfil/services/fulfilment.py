"""Shipment status changes, the order status they imply, and each mode's first step."""

from sqlalchemy.orm import Session

from fulfil.domain.states import ShipmentStatus, order_status
from fulfil.models import FulfilmentMode, Order, Shipment
from fulfil.models.types import utcnow
from fulfil.services import allocation, digital, events

S = ShipmentStatus


def start(session: Session, shipment: Shipment, actor_id: int | None = None) -> None:
    """Set a new shipment going the way its mode goes."""
    if shipment.mode == FulfilmentMode.IN_HOUSE:
        done = allocation.allocate_shipment(session, shipment)
        set_status(session, shipment, S.ALLOCATED if done else S.BACKORDERED, actor_id)
    elif shipment.mode == FulfilmentMode.DIGITAL:
        done = digital.deliver(session, shipment)
        set_status(session, shipment, S.DELIVERED if done else S.BACKORDERED, actor_id)
    else:  # a 3PL or the supplier ships it: they hear of it through the outbox
        from fulfil.services import partners

        links = partners.supplier_links(session, shipment)
        set_status(session, shipment, S.REQUESTED, actor_id, **links)


def set_status(
    session: Session,
    shipment: Shipment,
    target: ShipmentStatus,
    actor_id: int | None = None,
    **data,
) -> None:
    """Move a shipment on, record it (and a webhook), and update its order."""
    shipment.transition_to(target)
    if target == S.SHIPPED:
        shipment.shipped_at = utcnow()
    elif target == S.DELIVERED:
        shipment.delivered_at = utcnow()
    events.record(
        session,
        f"shipment.{target.value}",
        shipment,
        actor_id=actor_id,
        order=shipment.order.external_id,
        mode=shipment.mode.value,
        **data,
    )
    refresh_order(session, shipment.order, actor_id)


def refresh_order(session: Session, order: Order, actor_id: int | None = None) -> None:
    status = order_status([s.status for s in order.shipments])
    if status != order.status:
        order.status = status
        events.record(
            session,
            f"order.{status.value}",
            order,
            actor_id=actor_id,
            external_id=order.external_id,
        )
