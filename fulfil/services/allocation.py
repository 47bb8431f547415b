"""Reserving stock for order lines, and giving backorders their turn.

Order of picking from: first-expiry-first-out for lots with an expiry (expired lots
never), then pick faces before reserve locations, then by location code. All balance
rows a shipment could draw on are locked together, in id order, so two allocations
racing for the last unit queue up instead of both taking it (and never deadlock).
"""

from collections import Counter
from collections.abc import Iterable
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Session

from fulfil.domain.states import ShipmentStatus
from fulfil.models import (
    ExceptionKind,
    FulfilmentMode,
    Location,
    LocationKind,
    Lot,
    Order,
    OrderLine,
    PickException,
    Reservation,
    Shipment,
    Stock,
)
from fulfil.services.inventory import ALLOCATABLE, hold, hold_all


def allocate_shipment(session: Session, shipment: Shipment) -> bool:
    """Reserve what is missing for an in-house shipment. True if it is complete."""
    held = _held(session, [line.id for line in shipment.lines])
    missing = {line.id: line.carried - held.get(line.id, 0) for line in shipment.lines}
    product_ids = {line.product_id for line in shipment.lines if missing[line.id] > 0}
    holds = []
    if product_ids:
        candidates = _candidates(session, shipment.warehouse_id, product_ids)
        reference = shipment.order.external_id
        wanted = [
            (line.id, line.product_id, missing[line.id]) for line in shipment.lines
        ]
        for stock, take, line_id in _share_out(wanted, candidates):
            holds.append((stock, take, reference, line_id))
            missing[line_id] -= take
    if holds:
        hold_all(session, holds)
    return not any(missing.values())


def draw_for_new_lines(
    session: Session, warehouse_id: int, wanted: list[tuple[int, int]]
) -> list[list[tuple[int, int]]]:
    """For the lines of an order not yet stored, each (product id, units): the
    (stock id, units) each line is to reserve, in picking preference order.

    The stock rows are locked as allocate_shipment locks them, and are read as plain
    rows: the caller reserves them with inventory.hold_rows once the lines exist.
    """
    draws: list[list[tuple[int, int]]] = [[] for _ in wanted]
    product_ids = {product_id for product_id, _ in wanted}
    if not product_ids:
        return draws
    rows = session.connection().execute(
        _DRAWABLE,
        {"product_ids": list(product_ids), "warehouse_id": warehouse_id}
        | {"today": date.today()},
    )
    candidates = _by_product(rows)
    keyed = [(n, product_id, units) for n, (product_id, units) in enumerate(wanted)]
    for stock, take, n in _share_out(keyed, candidates):
        draws[n].append((stock.id, take))
    return draws


def reserve_elsewhere(
    session: Session, line: OrderLine, qty: int, warehouse_id: int, not_at: int
) -> list[Reservation]:
    """Reserve up to `qty` more units for one line anywhere but location `not_at` (a
    short pick's remainder: that bin is to be counted first); the reservations made,
    in picking preference order."""
    made = []
    for stock in _candidates(session, warehouse_id, {line.product_id}).get(
        line.product_id, []
    ):
        if stock.location_id == not_at:
            continue
        take = min(stock.available, qty)
        if take > 0:
            made.append(
                hold(
                    session, stock, take, line.order.external_id, order_line_id=line.id
                )
            )
            qty -= take
        if qty == 0:
            break
    return made


def fill_backorders(session: Session, product_id: int, warehouse_id: int) -> None:
    """Stock arrived or was freed: backorders take it, the oldest promise first."""
    waiting = session.scalars(
        sa.select(Shipment)
        .join(Order, Shipment.order_id == Order.id)
        .where(
            Shipment.status == ShipmentStatus.BACKORDERED,
            Shipment.mode == FulfilmentMode.IN_HOUSE,
            Shipment.warehouse_id == warehouse_id,
            Shipment.lines.any(OrderLine.product_id == product_id),
        )
        .order_by(
            Order.promised_ship_by.is_(None),
            Order.promised_ship_by,
            Order.placed_at,
            Shipment.id,
        )
    ).all()
    from fulfil.services import fulfilment  # status changes and their events

    for shipment in waiting:
        if allocate_shipment(session, shipment):
            fulfilment.set_status(session, shipment, ShipmentStatus.ALLOCATED)


def available_by_warehouse(session: Session, product_ids: set[int]) -> dict:
    """{warehouse_id: {product_id: units available}} over allocatable locations."""
    rows = session.execute(
        sa.select(
            Location.warehouse_id,
            Stock.product_id,
            sa.func.sum(Stock.on_hand - Stock.reserved),
        )
        .join(Location, Stock.location_id == Location.id)
        .where(
            Stock.product_id.in_(product_ids),
            Location.kind.in_(ALLOCATABLE),
            Location.active.is_(True),
        )
        .group_by(Location.warehouse_id, Stock.product_id)
    ).all()
    result: dict[int, dict[int, int]] = {}
    for warehouse_id, product_id, units in rows:
        result.setdefault(warehouse_id, {})[product_id] = int(units or 0)
    return result


def _held(session: Session, line_ids: list[int]) -> dict[int, int]:
    """Units reserved per order line, counted in the database: one query, and never
    a line's reservations as loaded before this transaction added to them."""
    rows = session.execute(
        sa.select(Reservation.order_line_id, sa.func.sum(Reservation.qty))
        .where(Reservation.order_line_id.in_(line_ids))
        .group_by(Reservation.order_line_id)
    )
    return {line_id: int(units) for line_id, units in rows}


def _candidates(
    session: Session, warehouse_id: int, product_ids: set[int]
) -> dict[int, list[Stock]]:
    rows = session.execute(
        sa.select(Stock, Stock.product_id, Location.kind, Location.code, Lot.expires_on)
        .join(Location, Stock.location_id == Location.id)
        .outerjoin(
            Lot, sa.and_(Lot.product_id == Stock.product_id, Lot.code == Stock.lot)
        )
        .where(*_drawable(Stock, Location, Lot, warehouse_id, product_ids))
        .order_by(Stock.id)
        .with_for_update(of=Stock),
        {"today": date.today()},
    ).all()
    return {
        product_id: [row.Stock for row in ranked]
        for product_id, ranked in _by_product(rows).items()
    }


def _drawable(stock, location, lot, warehouse_id, product_ids) -> list:
    """Which balance rows an allocation may draw on: in the warehouse, in a pick face
    or reserve location that is in use, with units free, not of an expired lot, and
    not in a bin waiting to be counted for that product (a picker found fewer units
    there than the books say: nobody is sent there again until it is counted)."""
    return [
        stock.product_id.in_(product_ids),
        location.warehouse_id == warehouse_id,
        location.kind.in_(ALLOCATABLE),
        location.active.is_(True),
        stock.on_hand > stock.reserved,
        sa.or_(lot.expires_on.is_(None), lot.expires_on >= sa.bindparam("today")),
        ~sa.exists().where(
            _exceptions.c.kind == ExceptionKind.COUNT,
            _exceptions.c.resolved_at.is_(None),
            _exceptions.c.location_id == stock.location_id,
            _exceptions.c.product_id == stock.product_id,
        ),
    ]


_exceptions = PickException.__table__


def _by_product(rows: Iterable) -> dict[int, list]:
    """Candidate rows per product, in picking preference order: first expiry first,
    pick faces before reserve locations, then by location code."""
    ranked = sorted(
        rows,
        key=lambda row: (
            row.expires_on or date.max,
            row.kind != LocationKind.PICK_FACE,
            row.code,
        ),
    )
    by_product: dict[int, list] = {}
    for row in ranked:
        by_product.setdefault(row.product_id, []).append(row)
    return by_product


def _share_out(wanted: list[tuple], candidates: dict[int, list]) -> list[tuple]:
    """(stock, units, key) to reserve for each wanted (key, product id, units), in
    order: each line takes what the earlier ones left of its candidates."""
    holds, pending = [], Counter()  # pending: units taken so far per stock row
    for key, product_id, missing in wanted:
        for stock in candidates.get(product_id, []):
            if missing == 0:
                break
            take = min(stock.available - pending[stock.id], missing)
            if take > 0:
                holds.append((stock, take, key))
                pending[stock.id] += take
                missing -= take
    return holds


_stock, _location, _lot = Stock.__table__, Location.__table__, Lot.__table__
# The same candidates as plain rows (no objects to load), built once.
_DRAWABLE = (
    sa.select(
        _stock.c.id,
        _stock.c.product_id,
        (_stock.c.on_hand - _stock.c.reserved).label("available"),
        _location.c.kind,
        _location.c.code,
        _lot.c.expires_on,
    )
    .join(_location, _stock.c.location_id == _location.c.id)
    .outerjoin(
        _lot,
        sa.and_(_lot.c.product_id == _stock.c.product_id, _lot.c.code == _stock.c.lot),
    )
    .where(
        *_drawable(
            _stock.c,
            _location.c,
            _lot.c,
            sa.bindparam("warehouse_id"),
            sa.bindparam("product_ids", expanding=True),
        )
    )
    .order_by(_stock.c.id)
    .with_for_update(of=_stock)
)
