"""Webhooks: subscriptions and the outbox. A delivery row is written with the change
itself; the worker (fulfil.webhook_sender, `flask webhooks work`) sends it later,
signed.
"""

import hashlib
import hmac
import json
import secrets

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session, scoped_session

from fulfil.domain.states import ShipmentStatus
from fulfil.errors import FulfilError, InvalidInput, NotFound
from fulfil.limits import is_web_address
from fulfil.models import (
    Event,
    FulfilmentMode,
    Order,
    Shipment,
    Supplier,
    WebhookDelivery,
    WebhookSubscription,
)
from fulfil.models.types import utcnow
from fulfil.queries import lines
from fulfil.services import events as audit
from fulfil.services import rows, unit_of_work

# The events a subscription can ask for; "*" means all of them.
EVENT_TYPES = (
    "order.received",
    "order.backordered",
    "order.allocated",
    "order.picking",
    "order.picked",
    "order.packed",
    "order.shipped",
    "order.delivered",
    "order.cancelled",
    "order.line_short",
    "shipment.backordered",
    "shipment.allocated",
    "shipment.requested",
    "shipment.picking",
    "shipment.picked",
    "shipment.packed",
    "shipment.shipped",
    "shipment.delivered",
    "shipment.cancelled",
)
SIGNATURE_HEADER = "Fulfil-Signature"
EVENT_HEADER = "Fulfil-Event"
DELIVERY_HEADER = "Fulfil-Delivery"
SECRET_PREFIX = "whsec_"


def sign(secret: str, timestamp: int, body: str) -> str:
    """The signature header value: t=<unix time>,v1=<HMAC-SHA256 of "t.body">."""
    mac = hmac.new(secret.encode(), f"{timestamp}.{body}".encode(), hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


def subscribe(
    url: str,
    events: list[str],
    description: str = "",
    *,
    fulfilment: str = "",
    supplier_id: int | None = None,
    actor_id: int | None = None,
) -> tuple[WebhookSubscription, str]:
    """A new subscription and its signing secret (shown to the caller once)."""
    url = url.strip()
    if not is_web_address(url):
        raise InvalidInput(field="url", problem=_l("must be an http(s) URL"))
    chosen = sorted(set(events))
    if "*" in chosen:
        chosen = ["*"]
    elif not chosen or not set(chosen) <= set(EVENT_TYPES):
        raise InvalidInput(
            field="events",
            problem=_l("choose * or from %(choices)s")
            % {"choices": ", ".join(EVENT_TYPES)},
        )
    description = description.strip()
    if len(description) > 200:
        raise InvalidInput(
            field="description", problem=_l("must be at most 200 characters")
        )
    modes = [m.value for m in FulfilmentMode]
    if fulfilment and fulfilment not in modes:
        raise InvalidInput(
            field="fulfilment",
            problem=_l("must be one of %(choices)s") % {"choices": ", ".join(modes)},
        )
    secret = SECRET_PREFIX + secrets.token_urlsafe(32)
    with unit_of_work() as session:
        if supplier_id is not None and session.get(Supplier, supplier_id) is None:
            raise InvalidInput(field="supplier", problem=_l("no such supplier"))
        subscription = WebhookSubscription(
            url=url,
            events=chosen,
            secret=secret,
            description=description,
            fulfilment=fulfilment,
            supplier_id=supplier_id,
        )
        session.add(subscription)
        audit.record(
            session,
            "webhook.subscribed",
            subscription,
            actor_id=actor_id,
            url=url,
            events=chosen,
        )
        return subscription, secret


def deactivate(
    subscription_id: int, *, actor_id: int | None = None
) -> WebhookSubscription:
    """Stop a subscription; its unsent deliveries are given up. Safe to repeat."""
    with unit_of_work() as session:
        subscription = session.get(WebhookSubscription, subscription_id)
        if subscription is None:
            raise NotFound()
        if not subscription.active:
            return subscription
        subscription.active = False
        given_up = session.execute(
            sa.update(WebhookDelivery)
            .where(
                WebhookDelivery.subscription_id == subscription_id,
                WebhookDelivery.status == "pending",
            )
            .values(status="failed", last_error="subscription deactivated")
        ).rowcount
        audit.record(
            session,
            "webhook.deactivated",
            subscription,
            actor_id=actor_id,
            pending_given_up=given_up,
        )
        return subscription


def resend(delivery_id: int, *, actor_id: int | None = None) -> WebhookDelivery:
    """Queue a delivery again, due now, with a fresh set of attempts."""
    with unit_of_work() as session:
        delivery = session.scalar(
            sa.select(WebhookDelivery)
            .where(WebhookDelivery.id == delivery_id)
            .with_for_update()
        )
        if delivery is None:
            raise NotFound()
        if not delivery.subscription.active:
            raise FulfilError(_l("This webhook subscription is deactivated."))
        audit.record(
            session,
            "webhook.resent",
            delivery,
            actor_id=actor_id,
            previous_status=delivery.status,
            previous_attempts=delivery.attempts,
        )
        delivery.status = "pending"
        delivery.attempts = 0
        delivery.next_attempt_at = utcnow()
        delivery.delivered_at = None
        return delivery


def enqueue(session: Session, event: Event, subject) -> None:
    """Write one delivery per interested subscription, in the caller's transaction."""
    shipment = subject if isinstance(subject, Shipment) else None
    wanted = subscribers(
        session,
        event.action,
        shipment.mode.value if shipment else "",
        shipment.supplier_id if shipment else None,
    )
    if not wanted:
        return
    if event.id is None:
        session.flush()
    body = _payload(event.id, event.action, event.at, event.data, _describe(subject))
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


def subscribers(
    session: Session, action: str, mode: str = "", supplier_id: int | None = None
) -> list[WebhookSubscription]:
    """The active subscriptions that want an event (of a shipment's mode and
    supplier)."""
    if action not in EVENT_TYPES:
        return []
    return [
        s
        for s in _active_subscriptions(session)
        if WebhookSubscription.wants(s, action, mode, supplier_id)  # the model's rule
    ]


def enqueue_all(session: Session, events: list[tuple]) -> None:
    """Write the deliveries of events stored without objects (events.record_all):
    each (subscriptions, event id, event row, subject described), in one INSERT."""
    deliveries = []
    for subscriptions, event_id, event, described in events:
        body = _payload(
            event_id, event["action"], event["at"], event["data"], described
        )
        deliveries += [
            {
                "subscription_id": subscription.id,
                "event_id": event_id,
                "event_type": event["action"],
                "payload": body,
                "next_attempt_at": event["at"],
            }
            for subscription in subscriptions
        ]
    rows.insert(session.connection(), WebhookDelivery.__table__, deliveries)


def order_described(order_id: int, external_id: str, status: str) -> dict:
    """An order as its webhooks describe it."""
    return {"order": {"id": order_id, "external_id": external_id, "status": status}}


def shipment_described(
    *,
    shipment_id: int,
    external_id: str,
    mode: str,
    status: str,
    supplier: str | None,
    carrier: str,
    tracking_number: str,
    tracking_url: str,
    lines: list[dict],
    shipping_address: dict,
) -> dict:
    """A shipment as its webhooks describe it: lines are {sku, name, quantity,
    shipped}."""
    return {
        "shipment": {
            "id": shipment_id,
            "order_external_id": external_id,
            "mode": mode,
            "status": status,
            "supplier": supplier,
            "carrier": carrier,
            "tracking_number": tracking_number,
            "tracking_url": tracking_url,
            "lines": lines,
            "shipping_address": shipping_address,
        }
    }


def _payload(event_id: int, action: str, at, data: dict, described: dict) -> str:
    """The exact body that is signed and sent."""
    return json.dumps(
        {
            "id": f"evt_{event_id}",
            "type": action,
            "created_at": at.isoformat(),
            "data": described | {"event": data},
        },
        separators=(",", ":"),
        default=str,
    )


def _active_subscriptions(session: Session) -> list:
    """The active subscriptions as rows (what they want, their id): read once per
    transaction (taking one order in records several events), and without flushing
    first: what is pending does not change who is subscribed."""
    if isinstance(session, scoped_session):
        session = session()  # some callers pass the proxy
    transaction = session.get_transaction()
    cached = session.info.get(_SUBSCRIPTIONS)
    if cached is not None and cached[0] is transaction:
        return cached[1]
    found = session.connection().execute(_ACTIVE).all()
    session.info[_SUBSCRIPTIONS] = (transaction, found)
    return found


_SUBSCRIPTIONS = "fulfil_webhook_subscriptions"  # (transaction, subscriptions)
# Built once: every order taken in asks (a statement is cheaper reused than rebuilt).
_subscriptions = WebhookSubscription.__table__
_ACTIVE = sa.select(_subscriptions).where(_subscriptions.c.active.is_(True))


def _describe(subject) -> dict:
    if isinstance(subject, Order):
        return order_described(subject.id, subject.external_id, subject.status.value)
    if isinstance(subject, Shipment):
        return shipment_described(
            shipment_id=subject.id,
            external_id=subject.order.external_id,
            mode=subject.mode.value,
            status=subject.status.value,
            supplier=subject.supplier.code if subject.supplier else None,
            carrier=subject.carrier,
            tracking_number=subject.tracking_number,
            tracking_url=subject.tracking_url,
            lines=_shipment_lines(subject),
            shipping_address=subject.order.shipping_address,
        )
    return {}


def _shipment_lines(shipment: Shipment) -> list[dict]:
    """{sku, name, quantity, shipped}: the units of each line this shipment carries,
    and of them the ones handed to the carrier (or shipped by a 3PL or supplier)."""
    shipped: dict[int, int] = {}
    if shipment.status in (ShipmentStatus.SHIPPED, ShipmentStatus.DELIVERED):
        if shipment.mode == FulfilmentMode.IN_HOUSE:
            shipped = lines.facts(list(shipment.lines), [shipment]).shipped
        else:
            shipped = {ln.id: ln.carried for ln in shipment.lines}
    return [
        {
            "sku": ln.product.sku,
            "name": ln.product.name,
            "quantity": ln.carried,
            "shipped": shipped.get(ln.id, 0),
        }
        for ln in shipment.lines
    ]
