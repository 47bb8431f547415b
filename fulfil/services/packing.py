"""The pack station: check every unit into a parcel, box it, weigh it, close it.

A picked shipment is opened by scanning its tote or its order number. Each item scan
must match a unit the order still expects (what was picked, less what the packer
reported missing); a parcel closes only with a box, a weight near the expected one
(or the packer's confirmation), and a carrier with a tracking number. Closing moves
its units from the packing area to the shipping dock in the ledger; when nothing is
left to pack the shipment is packed.
"""

from collections import Counter
from decimal import Decimal

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from fulfil.documents.customs import needs_customs
from fulfil.domain import gs1
from fulfil.domain.boxes import Box as BoxShape
from fulfil.domain.boxes import Item, choose_box, expected_weight_g, room_problem
from fulfil.domain.lines import spread
from fulfil.domain.states import ShipmentStatus
from fulfil.errors import (
    AlreadyPacked,
    BoxTooHeavy,
    BoxTooSmall,
    CustomsDataMissing,
    DuplicateValue,
    InvalidInput,
    NotFound,
    NothingPickedHere,
    PackRefused,
    ParcelClosed,
    ParcelFull,
    StillPicking,
    TooManyPacked,
    TooManyUnits,
    WeightOff,
    WrongOrderItem,
)
from fulfil.extensions import db
from fulfil.models import (
    Box,
    Carrier,
    ExceptionKind,
    Location,
    LocationKind,
    Order,
    OrderLine,
    Parcel,
    ParcelItem,
    ParcelStatus,
    PickException,
    PickSlot,
    PickTask,
    Product,
    Shipment,
    StockMove,
)
from fulfil.models.types import utcnow
from fulfil.queries import lines
from fulfil.services import events, fulfilment, inventory, shorts, unit_of_work
from fulfil.services.waves import packing_area

S = ShipmentStatus
MAX_UNITS_PER_SCAN = 10_000  # as a picker may key in

# -- opening a shipment at the bench ---------------------------------------------------


def open_shipment(*, code: str, warehouse_id: int, packer_id: int) -> Parcel:
    """The open parcel of the picked shipment in tote `code` (or of order `code`)."""
    code = (code or "").strip()
    if not code:
        raise InvalidInput(field=_l("scan"), problem=_l("is empty"))
    with unit_of_work() as session:
        shipment = _shipment_for(session, code, warehouse_id)
        if shipment.status in (S.PACKED, S.SHIPPED, S.DELIVERED):
            raise AlreadyPacked(order=shipment.order.external_id)
        if shipment.status in (S.ALLOCATED, S.PICKING):
            raise StillPicking(order=shipment.order.external_id)
        if shipment.status != S.PICKED:
            raise NothingPickedHere(code=code)
        parcel = _open_parcel(session, shipment)
        if parcel is None:
            parcel = _new_parcel(session, shipment)
            events.record(
                session,
                "pack.started",
                shipment.order,
                actor_id=packer_id,
                shipment=shipment.id,
                parcel=parcel.number,
            )
        return parcel


def new_parcel(shipment_id: int, *, packer_id: int) -> Parcel:
    """Start the next parcel of a shipment (the open one must be closed first)."""
    with unit_of_work() as session:
        shipment = _locked_shipment(session, shipment_id)
        if _open_parcel(session, shipment) is not None:
            raise PackRefused(_l("Close the open parcel first."))
        if not remaining(session, shipment):
            raise AlreadyPacked(order=shipment.order.external_id)
        return _new_parcel(session, shipment)


# -- scanning items --------------------------------------------------------------------


def scan_item(
    parcel_id: int,
    *,
    code: str,
    packer_id: int,
    scan_id: str,
    qty: int | None = None,
) -> Parcel:
    """Units into the open parcel: one per scan, or `qty` of them (a carton, or a
    GS1 code's count), checked as that many single scans; a unit the order does not
    expect, or more than it still expects, is refused and nothing is packed."""
    code = (code or "").strip()
    if not code:
        raise InvalidInput(field=_l("scan"), problem=_l("is empty"))
    if qty is not None and not 0 < qty <= MAX_UNITS_PER_SCAN:
        raise InvalidInput(
            field=_l("quantity"),
            problem=_l("must be between 1 and %(most)s") % {"most": MAX_UNITS_PER_SCAN},
        )
    with unit_of_work() as session:
        parcel = _open(session, parcel_id)
        key = f"pack:{scan_id}"
        if inventory.already_done(session, key):
            return parcel
        shipment = parcel.shipment
        wanted = remaining(session, shipment)
        product = _expected_product(session, shipment, code)
        if product is None:
            raise WrongOrderItem(code=code, order=shipment.order.external_id)
        if wanted.get(product.id, 0) <= 0:
            raise TooManyPacked(name=product.name, order=shipment.order.external_id)
        scanned = gs1.parse(code)
        units = qty or (scanned.quantity if scanned and scanned.quantity else 1)
        if units > wanted[product.id]:
            raise TooManyUnits(name=product.name, qty=units, left=wanted[product.id])
        _check_room(session, parcel, product, units)
        lot = _lot_for(session, shipment, product, code, units)
        item = next(
            (i for i in parcel.items if i.product_id == product.id and i.lot == lot),
            None,
        )
        if item is None:
            item = ParcelItem(parcel=parcel, product=product, lot=lot, qty=0)
            session.add(item)
        item.qty += units
        # what was weighed is no longer what is in the box: weigh again
        parcel.weight_g = parcel.expected_weight_g = None
        parcel.weight_confirmed = False
        events.record(
            session,
            "pack.item",
            shipment.order,
            actor_id=packer_id,
            key=key,
            sku=product.sku,
            qty=units,
            parcel=parcel.number,
        )
        return parcel


def take_out(
    parcel_id: int, *, product_id: int, qty: int, packer_id: int, scan_id: str
) -> Parcel:
    """Units scanned into the open parcel that are not going in it after all (a
    count keyed wrong, a parcel to split): they are out of it, still to pack."""
    with unit_of_work() as session:
        parcel = _open(session, parcel_id)
        key = f"take-out:{scan_id}"
        if inventory.already_done(session, key):
            return parcel
        items = [i for i in parcel.items if i.product_id == product_id]
        inside = sum(i.qty for i in items)
        if not 0 < qty <= inside:
            raise InvalidInput(
                field=_l("quantity"),
                problem=_l("must be between 1 and %(most)s") % {"most": inside},
            )
        left = qty
        for item in reversed(items):  # the lot packed last comes out first
            take = min(item.qty, left)
            item.qty -= take
            left -= take
            if item.qty == 0:
                parcel.items.remove(item)
                session.delete(item)
        parcel.weight_g = parcel.expected_weight_g = None
        parcel.weight_confirmed = False
        events.record(
            session,
            "pack.taken_out",
            parcel.shipment.order,
            actor_id=packer_id,
            key=key,
            sku=items[0].product.sku,
            qty=qty,
            parcel=parcel.number,
        )
        return parcel


def report_missing(
    parcel_id: int,
    *,
    product_id: int,
    qty: int,
    packer_id: int,
    scan_id: str,
    note: str = "",
) -> Parcel | None:
    """Units the order expects are not at the bench: they leave the packing area in
    the ledger (to inventory loss), the manager hears of it, the order's short policy
    decides what becomes of them, and the parcel can close without them (never short
    in silence). When that leaves nothing to pack and the open parcel is empty, the
    parcel goes and the shipment is done: packed with its closed parcels, or, with
    none, cancelled (it has nothing left to carry). Returns the open parcel, or None
    when it went."""
    with unit_of_work() as session:
        parcel = _open(session, parcel_id)
        key = f"missing:{scan_id}"
        if inventory.already_done(session, key):
            return parcel
        shipment = parcel.shipment
        left = remaining(session, shipment).get(product_id, 0)
        if not 0 < qty <= left:
            raise InvalidInput(
                field=_l("quantity"),
                problem=_l("must be between 1 and %(most)s") % {"most": left},
            )
        short = _unpacked_share(shipment, product_id, qty)
        for line, units in short.items():
            session.add(
                PickException(
                    warehouse_id=shipment.warehouse_id,
                    kind=ExceptionKind.MISSING_AT_PACKING,
                    product_id=product_id,
                    order_line_id=line.id,
                    qty=units,
                    note=note[:300],
                    reported_by_id=packer_id,
                )
            )
        product = session.get(Product, product_id)
        lost = inventory.virtual_location(
            session, shipment.warehouse_id, LocationKind.INVENTORY_LOSS
        )
        source = packing_area(session, shipment.warehouse_id)
        left = qty
        for number, (lot, units) in enumerate(lots_left(session, shipment, product_id)):
            take = min(units, left)
            inventory.transfer(
                session,
                product=product,
                qty=take,
                source=source,
                destination=lost,
                lot=lot,
                reason="missing_at_packing",
                key=f"{key}:{number}",
                actor_id=packer_id,
                reference=shipment.order.external_id,
            )
            left -= take
            if not left:
                break
        events.record(
            session,
            "pack.missing",
            shipment.order,
            actor_id=packer_id,
            key=key,
            sku=product.sku,
            qty=qty,
        )
        # never short in silence: the units follow later or are cancelled
        shorts.settle_missing(session, shipment, short, packer_id)
        if parcel.items or any(remaining(session, shipment).values()):
            return parcel
        session.delete(parcel)
        session.flush()
        closed = session.scalars(
            sa.select(Parcel)
            .where(Parcel.shipment_id == shipment.id)
            .order_by(Parcel.number)
        ).all()
        if closed:
            _mark_packed(session, shipment, closed[-1], packer_id)
        else:
            fulfilment.set_status(
                session, shipment, S.CANCELLED, packer_id, reason="short"
            )
        return None


# -- box, weight, closing --------------------------------------------------------------


def suggest_box(session: Session, parcel: Parcel) -> Box | None:
    boxes = session.scalars(sa.select(Box).where(Box.active.is_(True))).all()
    shapes = {_shape(box): box for box in boxes}
    chosen = choose_box(_items(parcel), list(shapes))
    return shapes.get(chosen) if chosen else None


def weigh(
    parcel_id: int, *, box_id: int | None, weight_g: int, confirm: bool = False
) -> Parcel:
    """Record the box and the weight; a weight far from the expected one must be
    confirmed (weigh again first) before the parcel can close."""
    if not 0 < weight_g <= 100_000:
        raise InvalidInput(field=_l("weight"), problem=_l("must be 1 to 100000 g"))
    with unit_of_work() as session:
        parcel = _open(session, parcel_id)
        box = session.get(Box, box_id) if box_id else None
        if box is None or not box.active:  # the packer chooses: never silently
            raise InvalidInput(field=_l("box"), problem=_l("choose a box"))
        _check_box(parcel, box, weight_g)
        parcel.box = box
        parcel.weight_g = weight_g
        parcel.expected_weight_g = expected_weight_g(_items(parcel), _shape(box))
        parcel.weight_confirmed = confirm
        return parcel


def weight_is_off(parcel: Parcel) -> bool:
    if not parcel.weight_g or not parcel.expected_weight_g:
        return False
    config = current_app.config
    tolerance = max(
        parcel.expected_weight_g * config["PACK_WEIGHT_TOLERANCE_PCT"] / 100,
        config["PACK_WEIGHT_TOLERANCE_G"],
    )
    return abs(parcel.weight_g - parcel.expected_weight_g) > tolerance


def close_parcel(
    parcel_id: int,
    *,
    carrier_id: int,
    service: str = "",
    tracking_number: str = "",
    packer_id: int,
) -> Parcel:
    """Close, label and move the parcel to the shipping dock."""
    tracking_number = tracking_number.strip().upper()
    with unit_of_work() as session:
        parcel = _open(session, parcel_id)
        if not parcel.items:
            raise PackRefused(_l("The parcel is empty: scan its items first."))
        if parcel.box is None or not parcel.weight_g:
            raise PackRefused(_l("Weigh the parcel and choose its box first."))
        _check_box(parcel, parcel.box, parcel.weight_g)
        if weight_is_off(parcel) and not parcel.weight_confirmed:
            raise WeightOff(
                weight=_kg(parcel.weight_g), expected=_kg(parcel.expected_weight_g)
            )
        _check_customs_data(parcel)
        carrier = session.get(Carrier, carrier_id)
        if carrier is None or not carrier.active:
            raise InvalidInput(field=_l("carrier"), problem=_l("choose a carrier"))
        if carrier.own_delivery and not tracking_number:
            tracking_number = f"{carrier.code}-{parcel.shipment_id:06d}-{parcel.number}"
        if not tracking_number:
            raise InvalidInput(
                field=_l("tracking number"), problem=_l("scan or type it")
            )
        taken = session.scalar(
            sa.select(Parcel.id).where(
                Parcel.carrier_id == carrier.id,
                Parcel.tracking_number == tracking_number[:64],
                Parcel.id != parcel.id,
            )
        )
        if taken:
            raise DuplicateValue(
                field=_l("tracking number"), value=tracking_number[:64]
            )
        parcel.carrier = carrier
        parcel.service = service.strip()[:64]
        parcel.tracking_number = tracking_number[:64]
        _to_dock(session, parcel, packer_id)
        parcel.status = ParcelStatus.PACKED
        parcel.packed_at = utcnow()
        parcel.packed_by_id = packer_id
        events.record(
            session,
            "parcel.packed",
            parcel.shipment.order,
            actor_id=packer_id,
            parcel=parcel.number,
            box=parcel.box.code,
            weight_g=parcel.weight_g,
            carrier=carrier.name,
            tracking_number=tracking_number,
        )
        shipment = parcel.shipment
        if not any(remaining(session, shipment).values()):
            _mark_packed(session, shipment, parcel, packer_id)
        return parcel


def _mark_packed(
    session: Session, shipment: Shipment, last: Parcel, packer_id: int
) -> None:
    """Nothing is left to pack: the shipment is packed, tracked by its last parcel."""
    shipment.carrier = last.carrier.name
    shipment.tracking_number = last.tracking_number
    shipment.tracking_url = last.carrier.tracking_link(last.tracking_number)
    fulfilment.set_status(
        session, shipment, S.PACKED, packer_id, parcels=_parcel_count(shipment)
    )


def keep_photo(parcel_id: int, *, filename: str) -> None:
    with unit_of_work() as session:
        parcel = session.get(Parcel, parcel_id)
        if parcel is None:
            raise NotFound()
        parcel.photo = filename


# -- what the bench needs to know ------------------------------------------------------


def picked(session: Session, shipment: Shipment) -> Counter:
    """Units picked for the shipment, per product (what reached the packing area)."""
    rows = session.execute(
        sa.select(PickTask.product_id, sa.func.sum(PickTask.picked))
        .join(PickSlot, PickTask.slot_id == PickSlot.id)
        .where(PickSlot.shipment_id == shipment.id)
        .group_by(PickTask.product_id)
    ).all()
    return Counter({product_id: int(units or 0) for product_id, units in rows})


def remaining(session: Session, shipment: Shipment) -> Counter:
    """Units still to go into a parcel, per product."""
    wanted = picked(session, shipment)
    packed = session.execute(
        sa.select(ParcelItem.product_id, sa.func.sum(ParcelItem.qty))
        .join(Parcel, ParcelItem.parcel_id == Parcel.id)
        .where(Parcel.shipment_id == shipment.id)
        .group_by(ParcelItem.product_id)
    ).all()
    missing = session.execute(
        sa.select(PickException.product_id, sa.func.sum(PickException.qty))
        .join(OrderLine, PickException.order_line_id == OrderLine.id)
        .where(
            OrderLine.shipment_id == shipment.id,
            PickException.kind == ExceptionKind.MISSING_AT_PACKING,
        )
        .group_by(PickException.product_id)
    ).all()
    for product_id, units in [*packed, *missing]:
        wanted[product_id] -= int(units or 0)
    return Counter({pid: n for pid, n in wanted.items() if n > 0})


def lots_left(session: Session, shipment: Shipment, product_id: int) -> list:
    """[(lot, units)] of a product still to pack, in the order they were picked.

    Picked per lot (the pick tasks) less packed per lot (the parcels) less written off
    at the bench per lot (the ledger): a lot-tracked unit leaves the building under
    its own lot. Untracked products have one "lot", the empty one."""
    picked_lots = session.execute(
        sa.select(PickTask.lot, sa.func.sum(PickTask.picked), sa.func.min(PickTask.id))
        .join(PickSlot, PickTask.slot_id == PickSlot.id)
        .where(PickSlot.shipment_id == shipment.id, PickTask.product_id == product_id)
        .group_by(PickTask.lot)
        .order_by(sa.func.min(PickTask.id))
    ).all()
    gone = Counter()
    for lot, units in session.execute(
        sa.select(ParcelItem.lot, sa.func.sum(ParcelItem.qty))
        .join(Parcel, ParcelItem.parcel_id == Parcel.id)
        .where(Parcel.shipment_id == shipment.id, ParcelItem.product_id == product_id)
        .group_by(ParcelItem.lot)
    ):
        gone[lot] += int(units or 0)
    for lot, units in session.execute(
        sa.select(StockMove.lot, sa.func.sum(StockMove.qty))
        .where(
            StockMove.reason == "missing_at_packing",
            StockMove.reference == shipment.order.external_id,
            StockMove.product_id == product_id,
        )
        .group_by(StockMove.lot)
    ):
        gone[lot] += int(units or 0)
    return [
        (lot, int(units) - gone[lot])
        for lot, units, _ in picked_lots
        if int(units or 0) - gone[lot] > 0
    ]


def _lot_for(
    session: Session, shipment: Shipment, product, code: str, units: int
) -> str:
    """The lot scanned units belong to: the one their GS1 code names, else the first
    lot of the product still waiting to be packed. Several units at once come from
    one lot: more than it has left are refused (pack the rest with a second scan)."""
    left = dict(lots_left(session, shipment, product.id))
    scanned = gs1.parse(code)
    if scanned and scanned.lot:
        if scanned.lot not in left:
            raise WrongOrderItem(
                code=f"{product.sku} {scanned.lot}", order=shipment.order.external_id
            )
        lot = scanned.lot
    else:
        lot = next(iter(left), "")
    if units > left.get(lot, 0) and lot:
        raise TooManyUnits(name=f"{product.name} {lot}", qty=units, left=left[lot])
    return lot


# -- helpers ---------------------------------------------------------------------------


def _shipment_for(session: Session, code: str, warehouse_id: int) -> Shipment:
    """By tote (the latest shipment that rode in it) or by order number."""
    shipment = session.scalars(
        sa.select(Shipment)
        .join(PickSlot, PickSlot.shipment_id == Shipment.id)
        .join(Location, PickSlot.tote_id == Location.id)
        .where(
            sa.func.upper(Location.code) == code.upper(),
            Location.warehouse_id == warehouse_id,
        )
        .order_by(PickSlot.id.desc())
        .limit(1)
    ).first()
    if shipment is None:
        # an order may have a backorder shipping later: the one picked comes first
        shipment = session.scalars(
            sa.select(Shipment)
            .join(Order, Shipment.order_id == Order.id)
            .where(
                Order.external_id == code,
                Shipment.warehouse_id == warehouse_id,
            )
            .order_by((Shipment.status == S.PICKED).desc(), Shipment.id)
            .limit(1)
        ).first()
    if shipment is None:
        raise NothingPickedHere(code=code)
    return _locked_shipment(session, shipment.id)


def _locked_shipment(session: Session, shipment_id: int) -> Shipment:
    shipment = session.scalars(
        sa.select(Shipment).where(Shipment.id == shipment_id).with_for_update()
    ).first()
    if shipment is None:
        raise NotFound()
    return shipment


def _open_parcel(session: Session, shipment: Shipment) -> Parcel | None:
    return session.scalars(
        sa.select(Parcel).where(
            Parcel.shipment_id == shipment.id, Parcel.status == ParcelStatus.OPEN
        )
    ).first()


def _new_parcel(session: Session, shipment: Shipment) -> Parcel:
    parcel = Parcel(shipment=shipment, number=_parcel_count(shipment) + 1)
    session.add(parcel)
    session.flush()
    return parcel


def _parcel_count(shipment: Shipment) -> int:
    return db.session.scalar(
        sa.select(sa.func.count(Parcel.id)).where(Parcel.shipment_id == shipment.id)
    )


def _open(session: Session, parcel_id: int) -> Parcel:
    parcel = session.scalars(
        sa.select(Parcel).where(Parcel.id == parcel_id).with_for_update()
    ).first()
    if parcel is None:
        raise NotFound()
    if parcel.status != ParcelStatus.OPEN:
        raise ParcelClosed(
            number=parcel.number, order=parcel.shipment.order.external_id
        )
    return parcel


def _unpacked_share(shipment: Shipment, product_id: int, units: int) -> dict:
    """{order line: units} of a product missing at the bench, over the shipment's
    lines of it (a shop may send one product on two lines), each up to what it still
    expects: counted as lines.facts counts them, so every view agrees."""
    parts = [line for line in shipment.lines if line.product_id == product_id]
    known = lines.facts(parts, [shipment])
    caps = [line.carried - known.packed.get(line.id, 0) for line in parts]
    return {
        line: share
        for line, share in zip(parts, spread(units, caps), strict=True)
        if share
    }


def _expected_product(session: Session, shipment: Shipment, code: str):
    for line in shipment.lines:
        product = line.product
        if code == product.sku or gs1.same_product(code, product.barcode or ""):
            return product
    return None


def _items(parcel: Parcel) -> list[Item]:
    return [_item(i.product, i.qty) for i in parcel.items]


def _item(product: Product, qty: int) -> Item:
    return Item(
        product.length_mm or 0,
        product.width_mm or 0,
        product.height_mm or 0,
        product.weight_g or 0,
        qty,
    )


def _shape(box: Box) -> BoxShape:
    return BoxShape(
        code=box.code,
        inner_mm=(box.length_mm, box.width_mm, box.height_mm),
        max_weight_g=box.max_weight_g,
        cost=box.cost or Decimal("0"),
        tare_g=box.tare_g,
    )


def _to_dock(session: Session, parcel: Parcel, actor_id: int) -> None:
    warehouse_id = parcel.shipment.warehouse_id
    source = packing_area(session, warehouse_id)
    dock = inventory.first_location(session, warehouse_id, LocationKind.SHIPPING)
    reference = parcel.shipment.order.external_id
    for item in parcel.items:
        inventory.transfer(
            session,
            product=item.product,
            qty=item.qty,
            source=source,
            destination=dock,
            lot=item.lot,
            reason="packed",
            key=f"packed:{parcel.id}:{item.id}",
            actor_id=actor_id,
            reference=reference,
        )


def _check_room(session: Session, parcel: Parcel, product: Product, units: int) -> None:
    """Some box of the catalogue must still take the parcel with these units in it;
    else they go into the next parcel (an empty catalogue checks nothing)."""
    boxes = [
        _shape(box)
        for box in session.scalars(sa.select(Box).where(Box.active.is_(True)))
    ]
    items = [*_items(parcel), _item(product, units)]
    if boxes and not any(
        room_problem(items, box) is None
        and expected_weight_g(items, box) <= box.max_weight_g
        for box in boxes
    ):
        raise ParcelFull(qty=units, name=product.name)


def _check_box(parcel: Parcel, box: Box, weight_g: int) -> None:
    """The items fit the box's inner size, and the scale's weight is within what the
    box carries."""
    if room_problem(_items(parcel), _shape(box)):
        raise BoxTooSmall(box=box.code)
    if weight_g > box.max_weight_g:
        raise BoxTooHeavy(
            weight=_kg(weight_g), limit=_kg(box.max_weight_g), box=box.code
        )


def _check_customs_data(parcel: Parcel) -> None:
    """Leaving the EU customs territory, every product in the parcel needs its HS
    code and country of origin for the customs declaration."""
    order = parcel.shipment.order
    if not needs_customs(
        current_app.config["SHIP_FROM_COUNTRY"], order.ship_country or ""
    ):
        return
    lacking = customs_data_missing(item.product for item in parcel.items)
    if lacking:
        raise CustomsDataMissing(
            products=", ".join(f"{p.name} ({p.sku})" for p in lacking)
        )


def customs_data_missing(products) -> list[Product]:
    """The products without an HS code or a country of origin, each once."""
    seen, lacking = set(), []
    for product in products:
        if product.id in seen:
            continue
        seen.add(product.id)
        if not (product.hs_code or "").strip() or not (product.origin_country or ""):
            lacking.append(product)
    return lacking


def _kg(grams: int | None) -> str:
    return f"{(grams or 0) / 1000:.2f}"
