"""Recording a slotting move the floor has made: a bin's stock to a nearer pick face.

A move to a free bin carries every free unit of the product (all lots) there; units
reserved for orders stay in the old bin, where their pick lists send the pickers, and
the old bin empties as they are picked. A swap carries both bins' whole contents, the
other products back to the old bin, so it waits until nothing in either bin is
reserved (else two products would share both bins meanwhile). One transaction
through the ledger. A move that no longer fits the bins (someone filled the target,
the product left the source) is refused, not adapted: the manager looks at the
updated list instead.
"""

from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from fulfil.errors import (
    IdempotencyConflict,
    InvalidInput,
    SameLocation,
    SlottingOutOfDate,
    StockReserved,
    UnknownLocation,
    UnknownProduct,
)
from fulfil.models import Event, Location, LocationKind, Product, Stock
from fulfil.services import events, inventory, replay_safe, unit_of_work

ACTION = "slotting.moved"
REASON = "slotting"  # the stock moves' reason in the ledger


@dataclass(frozen=True)
class Reslotted:
    sku: str
    source: str  # bin codes
    target: str
    units: int  # units of the product carried to the target
    left: int  # units of it that stay behind, reserved for orders, to be picked there
    swapped: tuple[tuple[str, int], ...]  # (sku, units) carried back to the source
    replayed: bool = False  # this key was recorded before; nothing changed now


@replay_safe
def apply_slotting_move(
    *,
    warehouse_id: int,
    product_id: int,
    from_location_id: int,
    to_location_id: int,
    swap_product_ids: tuple[int, ...] | list[int] = (),
    key: str,
    actor_id: int | None = None,
) -> Reslotted:
    """Record that the product was moved to the nearer bin (a swap: both ways): its
    free units to a free bin, or both bins whole while nothing in them is reserved.
    Safe to replay."""
    key = (key or "").strip()
    if not 8 <= len(key) <= 64:
        raise InvalidInput(field="key", problem=_l("must be 8 to 64 characters"))
    swap = sorted(set(swap_product_ids))
    request = {
        "product_id": product_id,
        "from_location_id": from_location_id,
        "to_location_id": to_location_id,
        "swap_product_ids": swap,
    }
    with unit_of_work() as session:
        earlier = session.scalars(sa.select(Event).where(Event.key == key)).first()
        if earlier is not None:
            if earlier.action != ACTION or any(
                earlier.data.get(name) != value for name, value in request.items()
            ):
                raise IdempotencyConflict(key=key)
            return _outcome(earlier.data, replayed=True)
        product = session.get(Product, product_id)
        if product is None:
            raise UnknownProduct(code=str(product_id))
        source = _pick_face(session, warehouse_id, from_location_id)
        target = _pick_face(session, warehouse_id, to_location_id)
        if source.id == target.id:
            raise SameLocation()
        rows = session.scalars(
            sa.select(Stock)
            .where(Stock.location_id.in_((source.id, target.id)), Stock.on_hand > 0)
            .order_by(Stock.id)
            .with_for_update()
        ).all()
        at_source = [r for r in rows if r.location_id == source.id]
        at_target = [r for r in rows if r.location_id == target.id]
        leaving = [r for r in at_source if r.product_id == product.id]
        coming = [r for r in at_target if r.product_id in swap]
        if not leaving or (swap and {r.product_id for r in at_source} != {product.id}):
            raise SlottingOutOfDate(bin=source.code, holds=_holds(at_source))
        if {r.product_id for r in at_target} != set(swap):
            raise SlottingOutOfDate(bin=target.code, holds=_holds(at_target))
        if swap:
            for group, where in ((leaving, source), *_by_product(coming, target)):
                if reserved := sum(r.reserved for r in group):
                    raise StockReserved(
                        qty=reserved, sku=group[0].product.sku, bin=where.code
                    )
        elif not any(r.available for r in leaving):
            raise StockReserved(
                qty=sum(r.reserved for r in leaving), sku=product.sku, bin=source.code
            )
        carried = [(r, target, r.available) for r in leaving if r.available]
        carried += [(r, source, r.on_hand) for r in coming]
        swapped: dict[str, int] = {}
        for row in coming:
            swapped[row.product.sku] = swapped.get(row.product.sku, 0) + row.on_hand
        data = {
            **request,
            "sku": product.sku,
            "source": source.code,
            "target": target.code,
            "units": sum(r.available for r in leaving),
            "left": sum(r.reserved for r in leaving),
            "swapped": sorted([sku, units] for sku, units in swapped.items()),
        }
        for number, (row, destination, qty) in enumerate(carried):
            inventory.transfer(
                session,
                product=row.product,
                qty=qty,
                source=row.location,
                destination=destination,
                lot=row.lot,
                reason=REASON,
                key=f"{key}:{number}",
                actor_id=actor_id,
                reference=f"{source.code} > {target.code}",
            )
        events.record(session, ACTION, product, actor_id=actor_id, key=key, **data)
        return _outcome(data)


def _pick_face(session: Session, warehouse_id: int, location_id: int) -> Location:
    location = session.get(Location, location_id)
    if location is None or location.warehouse_id != warehouse_id or not location.active:
        raise UnknownLocation(code=str(location_id))
    if location.kind != LocationKind.PICK_FACE:
        raise InvalidInput(field=location.code, problem=_l("is not a pick face"))
    return location


def _by_product(
    rows: list[Stock], where: Location
) -> list[tuple[list[Stock], Location]]:
    groups: dict[int, list[Stock]] = {}
    for row in rows:
        groups.setdefault(row.product_id, []).append(row)
    return [(group, where) for group in groups.values()]


def _holds(rows: list[Stock]) -> str:
    skus = sorted({r.product.sku for r in rows})
    return ", ".join(skus) if skus else str(_l("nothing"))


def _outcome(data: dict, *, replayed: bool = False) -> Reslotted:
    return Reslotted(
        sku=data["sku"],
        source=data["source"],
        target=data["target"],
        units=data["units"],
        left=data["left"],
        swapped=tuple((sku, units) for sku, units in data["swapped"]),
        replayed=replayed,
    )
