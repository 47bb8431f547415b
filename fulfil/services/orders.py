"""Orders as the floor sees them. Intake from the shop builds on this."""

from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from fulfil.errors import DuplicateValue, InvalidInput, UnknownProduct
from fulfil.models import Order, OrderLine, Product
from fulfil.services import events, unit_of_work


def create_order(
    *,
    external_id: str,
    placed_at: datetime,
    lines: list[tuple[str, int, Decimal]],
    warehouse_id: int | None = None,
    customer: dict | None = None,
    address: dict | None = None,
    shipping_method: str = "standard",
    actor_id: int | None = None,
) -> Order:
    """Record an order with its lines (sku, qty, unit price); all or nothing."""
    if not external_id.strip():
        raise InvalidInput(field="external_id", problem=_l("is required"))
    if not lines:
        raise InvalidInput(
            field="lines", problem=_l("an order needs at least one line")
        )
    customer, address = customer or {}, address or {}
    with unit_of_work() as session:
        if session.scalar(sa.select(Order.id).where(Order.external_id == external_id)):
            raise DuplicateValue(field="external_id", value=external_id)
        skus = {sku for sku, _, _ in lines}
        products = dict(
            session.execute(
                sa.select(Product.sku, Product).where(Product.sku.in_(skus))
            ).all()
        )
        order = Order(
            external_id=external_id,
            placed_at=placed_at,
            warehouse_id=warehouse_id,
            shipping_method=shipping_method,
            customer_name=customer.get("name", ""),
            customer_email=customer.get("email", ""),
            customer_phone=customer.get("phone", ""),
            ship_name=address.get("name", ""),
            ship_line1=address.get("line1", ""),
            ship_line2=address.get("line2", ""),
            ship_postal_code=address.get("postal_code", ""),
            ship_city=address.get("city", ""),
            ship_country=address.get("country", ""),
        )
        for number, (sku, qty, price) in enumerate(lines, start=1):
            if sku not in products:
                raise UnknownProduct(code=sku)
            if not isinstance(qty, int) or qty <= 0:
                raise InvalidInput(
                    field=f"lines[{number}].qty",
                    problem=_l("must be a whole number above 0"),
                )
            order.lines.append(
                OrderLine(product=products[sku], qty=qty, unit_price=price)
            )
        session.add(order)
        events.record(
            session, "order.received", order, actor_id=actor_id, external_id=external_id
        )
        return order
