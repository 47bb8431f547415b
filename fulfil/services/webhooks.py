"""Webhooks: the outbox half. A delivery row is written with the change itself.

The worker (fulfil.webhook_worker) sends them later, signed; see there.
"""

import hashlib
import hmac
import json

import sqlalchemy as sa
from sqlalchemy.orm import Session

from fulfil.models import Event, Order, Shipment, WebhookDelivery, WebhookSubscription

# The events a subscription can ask for; "*" means all of them.
EVENT_TYPES = (
    "order.received",
    "order.backordered",
    "order.allocated",
    "order.picking",
    "order.packed",
    "order.shipped",
    "order.delivered",
    "order.cancelled",
    "shipment.backordered",
    "shipment.allocated",
    "shipment.requested",
    "shipment.picking",
    "shipment.packed",
    "shipment.shipped",
    "shipment.delivered",
    "shipment.cancelled",
)
SIGNATURE_HEADER = "Fulfil-Signature"


def sign(secret: str, timestamp: int, body: str) -> str:
    """The signature header value: t=<unix time>,v1=<HMAC-SHA256 of "t.body">."""
    mac = hmac.new(secret.encode(), f"{timestamp}.{body}".encode(), hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


def enqueue(session: Session, event: Event, subject) -> None:
    """Write one delivery per interested subscription, in the caller's transaction."""
    if event.action not in EVENT_TYPES:
        return
    subscriptions = _active_subscriptions(session)
    if not subscriptions:
        return
    shipment = subject if isinstance(subject, Shipment) else None
    mode = shipment.mode.value if shipment else ""
    supplier_id = shipment.supplier_id if shipment else None
    wanted = [s for s in subscriptions if s.wants(event.action, mode, supplier_id)]
    if not wanted:
        return
    if event.id is None:
        session.flush()
    body = json.dumps(
        {
            "id": f"evt_{event.id}",
            "type": event.action,
            "created_at": event.at.isoformat(),
            "data": _describe(subject) | {"event": event.data},
        },
        separators=(",", ":"),
        default=str,
    )
    for subscription in wanted:
        session.add(
            WebhookDelivery(
                subscription_id=subscription.id,
                event_id=event.id,
                event_type=event.action,
                payload=body,
                next_attempt_at=event.at,
            )
        )


def _active_subscriptions(session: Session) -> list[WebhookSubscription]:
    return list(
        session.scalars(
            sa.select(WebhookSubscription).where(WebhookSubscription.active.is_(True))
        )
    )


def _describe(subject) -> dict:
    if isinstance(subject, Order):
        return {
            "order": {
                "id": subject.id,
                "external_id": subject.external_id,
                "status": subject.status.value,
            }
        }
    if isinstance(subject, Shipment):
        order = subject.order
        return {
            "shipment": {
                "id": subject.id,
                "order_external_id": order.external_id,
                "mode": subject.mode.value,
                "status": subject.status.value,
                "supplier": subject.supplier.code if subject.supplier else None,
                "carrier": subject.carrier,
                "tracking_number": subject.tracking_number,
                "tracking_url": subject.tracking_url,
                "lines": [
                    {"sku": ln.product.sku, "name": ln.product.name, "quantity": ln.qty}
                    for ln in subject.lines
                ],
                "shipping_address": {
                    "name": order.ship_name,
                    "line1": order.ship_line1,
                    "line2": order.ship_line2,
                    "postal_code": order.ship_postal_code,
                    "city": order.ship_city,
                    "country": order.ship_country,
                },
            }
        }
    return {}
