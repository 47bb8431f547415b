"""Orders for customer service and the manager's overview."""

import sqlalchemy as sa

from fulfil.errors import NotFound
from fulfil.extensions import db
from fulfil.models import Event, Order, OrderLine, Parcel, Shipment


def search_orders(text: str = "", limit: int = 50) -> list[Order]:
    """Newest orders first, filtered by external id or customer name/e-mail."""
    query = (
        sa.select(Order).order_by(Order.placed_at.desc(), Order.id.desc()).limit(limit)
    )
    if text := text.strip().lower():
        # `%` and `_` are part of what a shop's order numbers may hold, not wildcards
        query = query.where(
            sa.or_(
                sa.func.lower(column).contains(text, autoescape=True)
                for column in (
                    Order.external_id,
                    Order.customer_name,
                    Order.customer_email,
                )
            )
        )
    return list(db.session.execute(query).scalars())


def order_by_external_id(external_id: str) -> Order:
    """The order with the shop's number `external_id`; NotFound otherwise."""
    order = db.session.scalar(sa.select(Order).where(Order.external_id == external_id))
    if order is None:
        raise NotFound(f"No order {external_id}.")
    return order


def order_with_lines(order_id: int) -> Order | None:
    return db.session.execute(
        sa.select(Order)
        .where(Order.id == order_id)
        .options(sa.orm.selectinload(Order.lines).joinedload(OrderLine.product))
    ).scalar_one_or_none()


def orders_by_status() -> dict[str, int]:
    rows = db.session.execute(
        sa.select(Order.status, sa.func.count()).group_by(Order.status)
    )
    return {status.value: count for status, count in rows}


def timeline(subject_type: str, subject_id: int) -> list[Event]:
    """What happened to one object, oldest first."""
    return list(
        db.session.execute(
            sa.select(Event)
            .where(Event.subject_type == subject_type, Event.subject_id == subject_id)
            .order_by(Event.at, Event.id)
        ).scalars()
    )


def order_timeline(order: Order) -> list[Event]:
    """What happened to an order and its shipments, oldest first, with who did it."""
    shipment_ids = [s.id for s in order.shipments]
    return list(
        db.session.scalars(
            sa.select(Event)
            .options(sa.orm.joinedload(Event.actor))
            .where(
                sa.or_(
                    sa.and_(
                        Event.subject_type == "orders", Event.subject_id == order.id
                    ),
                    sa.and_(
                        Event.subject_type == "shipments",
                        Event.subject_id.in_(shipment_ids),
                    ),
                )
            )
            .order_by(Event.at, Event.id)
        )
    )


def order_parcels(order: Order) -> list[Parcel]:
    """The order's parcels with box, weight, packer and items: evidence for a
    complaint."""
    return list(
        db.session.scalars(
            sa.select(Parcel)
            .join(Shipment, Parcel.shipment_id == Shipment.id)
            .where(Shipment.order_id == order.id)
            .order_by(Parcel.shipment_id, Parcel.number)
        )
    )
