"""Counting a bin: what a person found there is what the books say from then on.

The difference is booked through the ledger (reason `count`): units found come from
the warehouse's inventory-loss location, units missing go to it. Units found reach
backorders at once, as any units arriving in a bin do.
"""

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from fulfil.errors import CountBelowReserved, InvalidInput, NotFound
from fulfil.models import (
    ExceptionKind,
    Location,
    LocationKind,
    PickException,
    Product,
    Stock,
)
from fulfil.models.types import utcnow
from fulfil.services import allocation, events, inventory, unit_of_work

MAX_COUNTED = 1_000_000


def count_bin(
    *,
    location_id: int,
    product_id: int,
    counted: dict[str, int],
    key: str,
    actor_id: int | None = None,
) -> int:
    """Book the units of a product counted in a bin, per lot ({lot: units}; "" for
    untracked stock), and close the bin's open "count" exceptions for it. Returns the
    difference booked. Safe to replay; refused (nothing booked) below what orders
    have reserved there."""
    for units in counted.values():
        if not 0 <= units <= MAX_COUNTED:
            raise InvalidInput(
                field=_l("counted"),
                problem=_l("must be between 0 and %(most)s") % {"most": MAX_COUNTED},
            )
    with unit_of_work() as session:
        if inventory.already_done(session, key):
            return 0
        location = session.get(Location, location_id)
        product = session.get(Product, product_id)
        if location is None or product is None or location.is_virtual:
            raise NotFound()
        rows = {
            stock.lot: stock
            for stock in session.scalars(
                sa.select(Stock)
                .where(Stock.location_id == location.id, Stock.product_id == product.id)
                .with_for_update()
            )
        }
        loss = inventory.virtual_location(
            session, location.warehouse_id, LocationKind.INVENTORY_LOSS
        )
        difference = 0
        for lot, units in sorted(counted.items()):
            stock = rows.get(lot)
            on_hand = stock.on_hand if stock else 0
            reserved = stock.reserved if stock else 0
            if units < reserved:
                raise CountBelowReserved(
                    reserved=reserved, sku=product.sku, bin=location.code
                )
            delta = units - on_hand
            if delta:
                inventory.transfer(
                    session,
                    product=product,
                    qty=abs(delta),
                    source=loss if delta > 0 else location,
                    destination=location if delta > 0 else loss,
                    lot=lot,
                    reason="count",
                    key=f"{key}:{lot}",
                    actor_id=actor_id,
                    reference=location.code,
                )
            difference += delta
        for exception in session.scalars(
            sa.select(PickException).where(
                PickException.kind == ExceptionKind.COUNT,
                PickException.location_id == location.id,
                PickException.product_id == product.id,
                PickException.resolved_at.is_(None),
            )
        ):
            exception.resolved_at = utcnow()
            exception.resolved_by_id = actor_id
        if location.kind in inventory.ALLOCATABLE:
            # what the count confirms is there may be what a backorder waits for
            allocation.fill_backorders(session, product.id, location.warehouse_id)
        events.record(
            session,
            "stock.counted",
            location,
            actor_id=actor_id,
            key=key,
            sku=product.sku,
            counted=sum(counted.values()),
            difference=difference,
        )
        return difference
