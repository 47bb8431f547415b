"""Stock changes: receive, move, adjust, reserve, release. The only way stock changes.

Guarantees, for every (product, location, lot):
- on hand is the sum of the ledger (moves in minus moves out), written in the same
  transaction as the move;
- on hand never drops below zero and reserved never exceeds on hand;
- a refused call raises a FulfilError and writes nothing;
- the same idempotency key twice applies once (the second call returns the first
  result); the same key for a different operation is a conflict.
"""

from dataclasses import dataclass, replace
from datetime import date
from functools import cache

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from fulfil.direct import Direct
from fulfil.errors import (
    IdempotencyConflict,
    InsufficientStock,
    InvalidInput,
    LocationNotStockable,
    LotNotAllowed,
    LotRequired,
    NoLocationOfKind,
    NotReceivable,
    ReservationExceeded,
    SameLocation,
    SerialAlreadyInStock,
    UnknownLocation,
    UnknownProduct,
    WrongWarehouse,
)
from fulfil.limits import max_qty
from fulfil.models import (
    Event,
    Location,
    LocationKind,
    Lot,
    Product,
    Reservation,
    Stock,
    StockMove,
    Tracking,
)
from fulfil.models.inventory import NO_LOT
from fulfil.models.types import utcnow
from fulfil.models.warehouse import STORAGE_KINDS
from fulfil.services import events, replay_safe, rows, unit_of_work

# Where stock can be reserved for orders: picked from, or replenished from.
ALLOCATABLE = STORAGE_KINDS
# Why stock may leave a bin into the adjustment location, by adjustment reason.
SCRAP_REASONS = frozenset({"damage", "scrap", "expired"})
ADJUST_REASONS = frozenset({"opening", "count", "found", "correction", *SCRAP_REASONS})


@replay_safe
def receive(
    *,
    product_id: int,
    location_id: int,
    qty: int,
    key: str,
    actor_id: int | None = None,
    lot: str = NO_LOT,
    expires_on: date | None = None,
    reference: str = "",
) -> StockMove:
    """Book goods in from the supplier to a receiving or storage location (any other
    is refused). Safe to replay."""
    with unit_of_work() as session:
        product = _product(session, product_id)
        location = _location(session, location_id)
        if not location.kind.takes_deliveries:
            raise NotReceivable(location=location.code, kind=location.kind)
        supplier = _virtual(session, location.warehouse_id, LocationKind.SUPPLIER)
        return _post_move(
            session,
            product=product,
            qty=qty,
            source=supplier,
            destination=location,
            lot=lot,
            reason="receive",
            key=key,
            actor_id=actor_id,
            reference=reference,
            expires_on=expires_on,
        )


@replay_safe
def move(
    *,
    product_id: int,
    from_location_id: int,
    to_location_id: int,
    qty: int,
    key: str,
    actor_id: int | None = None,
    lot: str = NO_LOT,
    reason: str = "move",
    reference: str = "",
) -> StockMove:
    """Move unreserved units between two physical locations. Safe to replay."""
    with unit_of_work() as session:
        product = _product(session, product_id)
        source = _location(session, from_location_id)
        destination = _location(session, to_location_id)
        if source.id == destination.id:
            raise SameLocation()
        for end in (source, destination):
            if end.is_virtual:
                raise LocationNotStockable(location=end.code)
        if destination.warehouse_id != source.warehouse_id:
            raise WrongWarehouse(location=destination.code)
        return _post_move(
            session,
            product=product,
            qty=qty,
            source=source,
            destination=destination,
            lot=lot,
            reason=reason,
            key=key,
            actor_id=actor_id,
            reference=reference,
        )


@replay_safe
def adjust(
    *,
    product_id: int,
    location_id: int,
    qty_delta: int,
    reason: str,
    key: str,
    actor_id: int | None = None,
    lot: str = NO_LOT,
    expires_on: date | None = None,
    reference: str = "",
) -> StockMove:
    """Correct on hand by `qty_delta` (opening stock, counts, damage). Safe to replay.

    Units found come from the warehouse's inventory-loss location; units lost go back
    to it, or to scrap when damaged or expired, so units are conserved in the ledger.
    """
    if reason not in ADJUST_REASONS:
        raise InvalidInput(
            field="reason",
            problem=_l("must be one of %(choices)s")
            % {"choices": ", ".join(sorted(ADJUST_REASONS))},
        )
    if not isinstance(qty_delta, int) or isinstance(qty_delta, bool) or qty_delta == 0:
        raise InvalidInput(
            field="qty", problem=_l("must be a whole number other than 0")
        )
    with unit_of_work() as session:
        product = _product(session, product_id)
        location = _location(session, location_id)
        kind = (
            LocationKind.SCRAP
            if qty_delta < 0 and reason in SCRAP_REASONS
            else LocationKind.INVENTORY_LOSS
        )
        virtual = _virtual(session, location.warehouse_id, kind)
        source, destination = (
            (virtual, location) if qty_delta > 0 else (location, virtual)
        )
        return _post_move(
            session,
            product=product,
            qty=abs(qty_delta),
            source=source,
            destination=destination,
            lot=lot,
            reason=reason,
            key=key,
            actor_id=actor_id,
            reference=reference,
            expires_on=expires_on,
        )


@replay_safe
def reserve(
    *,
    product_id: int,
    location_id: int,
    qty: int,
    key: str,
    actor_id: int | None = None,
    lot: str = NO_LOT,
    reference: str = "",
    order_line_id: int | None = None,
) -> Reservation:
    """Hold `qty` available units at one location for a purpose. Safe to replay."""
    _check_qty(qty)
    with unit_of_work() as session:
        request = {
            "product_id": product_id,
            "location_id": location_id,
            "qty": qty,
            "lot": lot,
            "reference": reference,
        }
        if (
            earlier := _replayed_event(session, key, "stock.reserved", request)
        ) is not None:
            return session.get(Reservation, earlier.subject_id)
        product = _product(session, product_id)
        location = _location(session, location_id)
        stock = _locked_stock(session, product.id, location.id, lot)
        available = stock.available if stock else 0
        if available < qty:
            raise InsufficientStock(
                sku=product.sku,
                location=location.code,
                available=available,
                requested=qty,
            )
        reservation = hold(session, stock, qty, reference, order_line_id)
        events.record(
            session,
            "stock.reserved",
            reservation,
            actor_id=actor_id,
            key=key,
            **request,
        )
        return reservation


@replay_safe
def release(
    *, reservation_id: int, qty: int, key: str, actor_id: int | None = None
) -> Reservation:
    """Give back `qty` units of a reservation to available stock. Safe to replay."""
    _check_qty(qty)
    with unit_of_work() as session:
        request = {"reservation_id": reservation_id, "qty": qty}
        if _replayed_event(session, key, "stock.released", request) is not None:
            return session.get(Reservation, reservation_id)
        reservation = session.execute(
            sa.select(Reservation)
            .where(Reservation.id == reservation_id)
            .with_for_update()
        ).scalar_one_or_none()
        if reservation is None:
            raise InvalidInput(field="reservation", problem=_l("does not exist"))
        if qty > reservation.qty:
            raise ReservationExceeded(requested=qty, open=reservation.qty)
        let_go(session, reservation, qty)
        events.record(
            session,
            "stock.released",
            reservation,
            actor_id=actor_id,
            key=key,
            **request,
        )
        return reservation


# -- reservations inside a caller's transaction ---------------------------------------


def hold(
    session: Session,
    stock: Stock,
    qty: int,
    reference: str = "",
    order_line_id: int | None = None,
) -> Reservation:
    """Reserve `qty` of a balance row the caller has locked and checked."""
    stock.reserved += qty
    reservation = Reservation(
        stock=stock, qty=qty, reference=reference, order_line_id=order_line_id
    )
    session.add(reservation)
    return reservation


def hold_all(session: Session, holds: list[tuple[Stock, int, str, int]]) -> None:
    """Reserve (stock, qty, reference, order_line_id) for many lines in one INSERT,
    for the caller who needs no Reservation objects back (allocation)."""
    for stock, qty, _, _ in holds:
        stock.reserved += qty
    session.execute(
        sa.insert(Reservation),
        [
            {"stock_id": s.id, "qty": q, "reference": r, "order_line_id": line}
            for s, q, r, line in holds
        ],
    )


def hold_rows(session: Session, holds: list[tuple[int, int, str, int]]) -> None:
    """Reserve (stock id, qty, reference, order_line_id) on balance rows the caller
    has locked and checked, without loading them: one UPDATE and one INSERT for all
    (taking in a new order)."""
    session.flush()  # nothing pending may write an older `reserved` over these
    connection = session.connection()
    rows.add(connection, Stock.__table__.c.reserved, [(s, q) for s, q, _, _ in holds])
    rows.insert(
        connection,
        Reservation.__table__,
        [
            {"stock_id": s, "qty": q, "reference": r, "order_line_id": line}
            for s, q, r, line in holds
        ],
    )
    for stock_id, *_ in holds:  # a balance row loaded before no longer says it right
        loaded = session.identity_map.get(session.identity_key(Stock, stock_id))
        if loaded is not None:
            session.expire(loaded, ["reserved"])


def let_go(session: Session, reservation: Reservation, qty: int) -> None:
    """Give back `qty` units of a reservation (the caller checked it holds them)."""
    stock = _locked_stock(session, None, None, None, stock_id=reservation.stock_id)
    reservation.qty -= qty
    stock.reserved -= qty
    from fulfil.services import allocation  # it builds on this module

    allocation.fill_backorders(session, stock.product_id, stock.location.warehouse_id)


# -- reserved units leaving a bin (picking), inside a caller's transaction -------------


def take_reserved(
    session: Session,
    reservation: Reservation,
    qty: int,
    destination: Location,
    *,
    key: str,
    reason: str,
    actor_id: int | None,
    reference: str,
) -> StockMove:
    """Move `qty` reserved units out of their bin (into a tote, or written off as
    missing or damaged): the reservation shrinks with them."""
    stock = _locked_stock(session, None, None, None, stock_id=reservation.stock_id)
    if qty > reservation.qty:
        raise ReservationExceeded(requested=qty, open=reservation.qty)
    reservation.qty -= qty
    stock.reserved -= qty
    return _post_move(
        session,
        product=stock.product,
        qty=qty,
        source=stock.location,
        destination=destination,
        lot=stock.lot,
        reason=reason,
        key=key,
        actor_id=actor_id,
        reference=reference,
    )


def take_reserved_rows(
    connection: sa.Connection,
    *,
    reservation_id: int,
    stock_id: int,
    product_id: int,
    qty: int,
    source_id: int,
    destination_id: int,
    lot: str,
    key: str,
    reason: str,
    actor_id: int | None,
    reference: str,
) -> None:
    """`take_reserved` for a caller that holds ids, not objects (a pick scan, the
    floor's most frequent write): the same guards and the same rows, a statement
    each, with the database's own checks (on hand ≥ 0, reserved ≤ on hand) behind
    them. The destination must not be a bin orders are allocated from. Call it last
    before the commit: it ends holding the bin's balance row."""
    _check_qty(qty)
    _check_key(key)  # unique in the ledger: a second move under it cannot commit
    if (
        _TAKE_FROM_RESERVATION.run(connection, {"row": reservation_id, "units": qty})
        != 1
    ):
        held = connection.execute(
            sa.select(Reservation.qty).where(Reservation.id == reservation_id)
        ).scalar()
        raise ReservationExceeded(requested=qty, open=held or 0)
    _add_on_hand(connection, product_id, destination_id, lot, qty)
    _MOVE_ROW.run(
        connection,
        {
            "key": key,
            "product_id": product_id,
            "qty": qty,
            "from_location_id": source_id,
            "to_location_id": destination_id,
            "lot": lot,
            "reason": reason,
            "reference": reference,
            "actor_id": actor_id,
            "at": utcnow(),
        },
    )
    # Last: every picker at this bin waits for its balance row, so it stays locked
    # only from here to the caller's commit.
    if _TAKE_FROM_STOCK.run(connection, {"row": stock_id, "units": qty}) != 1:
        raise ReservationExceeded(requested=qty, open=0)  # books and holds disagree


_STOCK = Stock.__table__
# Run on the driver's cursor (fulfil.direct): a pick scan runs each of them.
_MOVE_ROW = Direct(sa.insert(StockMove.__table__))
_TAKE_FROM_RESERVATION = Direct(
    sa.update(Reservation.__table__)
    .where(
        Reservation.__table__.c.id == sa.bindparam("row"),
        Reservation.__table__.c.qty >= sa.bindparam("units"),
    )
    .values(qty=Reservation.__table__.c.qty - sa.bindparam("units"))
)
_TAKE_FROM_STOCK = Direct(
    sa.update(_STOCK)
    .where(
        _STOCK.c.id == sa.bindparam("row"),
        _STOCK.c.reserved >= sa.bindparam("units"),
        _STOCK.c.on_hand >= sa.bindparam("units"),
    )
    .values(
        on_hand=_STOCK.c.on_hand - sa.bindparam("units"),
        reserved=_STOCK.c.reserved - sa.bindparam("units"),
    )
)


def _add_on_hand(
    connection: sa.Connection, product_id: int, location_id: int, lot: str, qty: int
) -> None:
    """Units arrive at a (product, location, lot): its balance row grows, or is made."""
    _upsert_on_hand(connection.dialect.name).run(
        connection,
        {"product": product_id, "place": location_id, "lot_code": lot, "units": qty},
    )


@cache
def _upsert_on_hand(dialect: str) -> Direct:
    statement = _dialect_insert(dialect)(_STOCK).values(
        product_id=sa.bindparam("product"),
        location_id=sa.bindparam("place"),
        lot=sa.bindparam("lot_code"),
        on_hand=sa.bindparam("units"),
        reserved=0,
    )
    return Direct(
        statement.on_conflict_do_update(
            index_elements=["product_id", "location_id", "lot"],
            set_={"on_hand": _STOCK.c.on_hand + statement.excluded.on_hand},
        )
    )


def put_back_reserved(
    session: Session,
    reservation: Reservation,
    qty: int,
    source: Location,
    *,
    key: str,
    actor_id: int | None,
    reference: str,
) -> StockMove:
    """Undo a pick: the units go back to their bin, reserved for the same line again
    (before any backorder could take them)."""
    stock = _locked_stock(session, None, None, None, stock_id=reservation.stock_id)
    entry = _post_move(
        session,
        product=stock.product,
        qty=qty,
        source=source,
        destination=stock.location,
        lot=stock.lot,
        reason="pick_undo",
        key=key,
        actor_id=actor_id,
        reference=reference,
        fill_backorders=False,
    )
    reservation.qty += qty
    stock.reserved += qty
    return entry


def transfer(
    session: Session,
    *,
    product: Product,
    qty: int,
    source: Location,
    destination: Location,
    lot: str,
    reason: str,
    key: str,
    actor_id: int | None,
    reference: str,
) -> StockMove:
    """Move unreserved units inside a caller's transaction (a tote to packing)."""
    return _post_move(
        session,
        product=product,
        qty=qty,
        source=source,
        destination=destination,
        lot=lot,
        reason=reason,
        key=key,
        actor_id=actor_id,
        reference=reference,
    )


@dataclass(frozen=True)
class Transfer:
    """Unreserved units of a product going from one real location to another."""

    product_id: int
    qty: int
    source_id: int
    destination_id: int
    lot: str
    key: str
    reference: str


def transfer_rows(
    session: Session, transfers: list[Transfer], *, reason: str, actor_id: int | None
) -> None:
    """`transfer` for many at once, written as rows (a finished pick list's totes to
    packing): the same checks and the same ledger rows in six statements, however
    many there are. Each lot is one its source already holds (it came in through the
    ledger), and no destination is a bin orders are allocated from: no backorder is
    filled here. A refusal raises before anything is written."""
    if not transfers:
        return
    transfers = [replace(t, lot=(t.lot or NO_LOT).strip()) for t in transfers]
    for t in transfers:
        _check_qty(t.qty)
        _check_key(t.key)
    session.flush()  # the rows below must see, and not be overwritten by, ORM changes
    connection = session.connection()
    transfers = _not_yet_moved(connection, transfers, reason)
    if not transfers:
        return
    needed = _units_by_place(transfers, lambda t: t.source_id)
    balance = _STOCK.c
    held = {
        (row.product_id, row.location_id, row.lot): row
        for row in connection.execute(
            sa.select(
                balance.id,
                balance.product_id,
                balance.location_id,
                balance.lot,
                balance.on_hand,
                balance.reserved,
            )
            .where(
                _STOCK.c.location_id.in_({t.source_id for t in transfers}),
                _STOCK.c.product_id.in_({t.product_id for t in transfers}),
            )
            .with_for_update()
        )
    }
    for (product_id, source_id, lot), qty in needed.items():
        row = held.get((product_id, source_id, lot))
        available = row.on_hand - row.reserved if row else 0
        if available < qty:
            raise InsufficientStock(
                sku=session.get(Product, product_id).sku,
                location=session.get(Location, source_id).code,
                available=available,
                requested=qty,
            )
    rows.add(
        connection,
        _STOCK.c.on_hand,
        [(held[place].id, -qty) for place, qty in needed.items()],
    )
    arriving = _units_by_place(transfers, lambda t: t.destination_id)
    _upsert_on_hand(connection.dialect.name).run_many(
        connection,
        [  # in one order everywhere: two lists finishing at once never deadlock
            {"product": product, "place": place, "lot_code": lot, "units": qty}
            for (product, place, lot), qty in sorted(arriving.items())
        ],
    )
    now = utcnow()
    rows.insert(
        connection,
        StockMove.__table__,
        [
            {
                "key": t.key,
                "product_id": t.product_id,
                "qty": t.qty,
                "from_location_id": t.source_id,
                "to_location_id": t.destination_id,
                "lot": t.lot,
                "reason": reason,
                "reference": t.reference,
                "actor_id": actor_id,
                "at": now,
            }
            for t in transfers
        ],
    )
    for loaded in list(session.identity_map.values()):
        if isinstance(loaded, Stock):
            session.expire(loaded)  # its balance changed underneath


def _units_by_place(transfers: list[Transfer], location) -> dict[tuple, int]:
    """Units per (product, location(transfer), lot)."""
    units: dict[tuple, int] = {}
    for t in transfers:
        place = (t.product_id, location(t), t.lot)
        units[place] = units.get(place, 0) + t.qty
    return units


def _not_yet_moved(
    connection: sa.Connection, transfers: list[Transfer], reason: str
) -> list[Transfer]:
    """The transfers whose key the ledger has not seen; a key seen for a different
    move is a conflict."""
    moves = StockMove.__table__.c
    earlier = {
        row.key: row
        for row in connection.execute(
            sa.select(
                moves.key,
                moves.product_id,
                moves.qty,
                moves.from_location_id,
                moves.to_location_id,
                moves.lot,
                moves.reason,
            ).where(moves.key.in_([t.key for t in transfers]))
        )
    }
    fresh = []
    for t in transfers:
        seen = earlier.get(t.key)
        if seen is None:
            fresh.append(t)
        elif tuple(seen)[1:] != (
            t.product_id,
            t.qty,
            t.source_id,
            t.destination_id,
            t.lot,
            reason,
        ):
            raise IdempotencyConflict(key=t.key)
    return fresh


def first_location(session: Session, warehouse_id: int, kind: LocationKind) -> Location:
    """The warehouse's first active location of a kind (its shipping dock, …)."""
    location = session.scalars(
        sa.select(Location)
        .where(
            Location.warehouse_id == warehouse_id,
            Location.kind == kind,
            Location.active.is_(True),
        )
        .order_by(Location.code)
        .limit(1)
    ).first()
    if location is None:
        from fulfil.models import Warehouse

        code = session.get(Warehouse, warehouse_id).code
        raise NoLocationOfKind(code=code, kind=kind.value)
    return location


def already_done(session: Session, key: str) -> bool:
    """True if an action under this idempotency key was recorded before."""
    return session.scalar(sa.select(Event.id).where(Event.key == key)) is not None


def virtual_location(
    session: Session, warehouse_id: int, kind: LocationKind
) -> Location:
    return _virtual(session, warehouse_id, kind)


# -- the one place a StockMove is written ---------------------------------------------


def _post_move(
    session: Session,
    *,
    product: Product,
    qty: int,
    source: Location,
    destination: Location,
    lot: str,
    reason: str,
    key: str,
    actor_id: int | None,
    reference: str,
    expires_on: date | None = None,
    fill_backorders: bool = True,
) -> StockMove:
    _check_qty(qty)
    _check_key(key)
    lot = (lot or NO_LOT).strip()
    earlier = session.execute(
        sa.select(StockMove).where(StockMove.key == key)
    ).scalar_one_or_none()
    if earlier is not None:
        same = (
            earlier.product_id,
            earlier.qty,
            earlier.from_location_id,
            earlier.to_location_id,
            earlier.lot,
            earlier.reason,
        ) == (product.id, qty, source.id, destination.id, lot, reason)
        if not same:
            raise IdempotencyConflict(key=key)
        return earlier
    _check_lot(
        session, product, lot, qty, incoming=source.is_virtual, expires_on=expires_on
    )
    if not source.is_virtual:
        stock = _locked_stock(session, product.id, source.id, lot)
        available = stock.available if stock else 0
        if available < qty:
            raise InsufficientStock(
                sku=product.sku,
                location=source.code,
                available=available,
                requested=qty,
            )
        stock.on_hand -= qty
    if not destination.is_virtual:
        stock = _locked_stock(session, product.id, destination.id, lot, create=True)
        stock.on_hand += qty
        if fill_backorders and destination.kind in ALLOCATABLE:
            from fulfil.services import allocation  # it builds on this module

            allocation.fill_backorders(session, product.id, destination.warehouse_id)
    entry = StockMove(
        key=key,
        product_id=product.id,
        qty=qty,
        from_location_id=source.id,
        to_location_id=destination.id,
        lot=lot,
        reason=reason,
        reference=reference,
        actor_id=actor_id,
    )
    session.add(entry)
    session.flush()
    return entry


# -- guards ---------------------------------------------------------------------------


def _check_qty(qty) -> None:
    if not isinstance(qty, int) or isinstance(qty, bool) or qty <= 0:
        raise InvalidInput(field="qty", problem=_l("must be a whole number above 0"))
    if qty > max_qty():  # whichever door: no booking of 9×10^18 units
        raise InvalidInput(
            field="qty", problem=_l("must be at most %(most)s") % {"most": max_qty()}
        )


def _check_key(key: str) -> None:
    if not key or len(key) > 100:
        raise InvalidInput(field="key", problem=_l("must be 1 to 100 characters"))


def _check_lot(
    session: Session,
    product: Product,
    lot: str,
    qty: int,
    *,
    incoming: bool,
    expires_on: date | None,
) -> None:
    if product.tracking == Tracking.NONE:
        if lot:
            raise LotNotAllowed(sku=product.sku)
        return
    if not lot:
        raise LotRequired(sku=product.sku, tracking=product.tracking.value)
    if product.tracking == Tracking.SERIAL and incoming:
        if qty != 1:
            raise InvalidInput(field="qty", problem=_l("a serial number is one unit"))
        in_stock = session.scalar(
            sa.select(sa.func.coalesce(sa.func.sum(Stock.on_hand), 0)).where(
                Stock.product_id == product.id, Stock.lot == lot
            )
        )
        if in_stock:
            raise SerialAlreadyInStock(serial=lot, sku=product.sku)
    if incoming:
        _register_lot(session, product, lot, expires_on)


def _register_lot(
    session: Session, product: Product, code: str, expires_on: date | None
) -> None:
    known = session.execute(
        sa.select(Lot).where(Lot.product_id == product.id, Lot.code == code)
    ).scalar_one_or_none()
    if known is None:
        session.add(Lot(product_id=product.id, code=code, expires_on=expires_on))
    elif expires_on and known.expires_on and known.expires_on != expires_on:
        raise InvalidInput(
            field="expires_on",
            problem=_l("lot %(lot)s expires on %(date)s")
            % {"lot": code, "date": known.expires_on.isoformat()},
        )
    elif expires_on and not known.expires_on:
        known.expires_on = expires_on


def _replayed_event(
    session: Session, key: str, action: str, request: dict
) -> Event | None:
    _check_key(key)
    earlier = session.execute(
        sa.select(Event).where(Event.key == key)
    ).scalar_one_or_none()
    if earlier is None:
        return None
    if earlier.action != action or any(
        earlier.data.get(k) != v for k, v in request.items()
    ):
        raise IdempotencyConflict(key=key)
    return earlier


# -- row access -----------------------------------------------------------------------


def _product(session: Session, product_id: int) -> Product:
    product = session.get(Product, product_id)
    if product is None:
        raise UnknownProduct(code=str(product_id))
    return product


def _location(session: Session, location_id: int) -> Location:
    location = session.get(Location, location_id)
    if location is None or not location.active:
        raise UnknownLocation(code=str(location_id))
    return location


def _virtual(session: Session, warehouse_id: int, kind: LocationKind) -> Location:
    return session.execute(
        sa.select(Location).where(
            Location.warehouse_id == warehouse_id, Location.kind == kind
        )
    ).scalar_one()


def _locked_stock(
    session: Session,
    product_id,
    location_id,
    lot,
    *,
    create=False,
    stock_id: int | None = None,
) -> Stock | None:
    """The balance row, locked for the rest of the transaction (PostgreSQL)."""
    query = sa.select(Stock).with_for_update()
    if stock_id is not None:
        query = query.where(Stock.id == stock_id)
    else:
        query = query.where(
            Stock.product_id == product_id,
            Stock.location_id == location_id,
            Stock.lot == lot,
        )
    stock = session.execute(query).scalar_one_or_none()
    if stock is None and create:
        # Another transaction may be making the same row right now (two lists
        # reaching the packing area with the same product): whoever comes second
        # inserts nothing and waits for the first one's row.
        session.flush()
        session.connection().execute(
            _make_balance_row(session.get_bind().dialect.name),
            {"product": product_id, "place": location_id, "lot_code": lot},
        )
        stock = session.execute(query).scalar_one()
    return stock


@cache
def _make_balance_row(dialect: str):
    insert = _dialect_insert(dialect)
    return (
        insert(_STOCK)
        .values(
            product_id=sa.bindparam("product"),
            location_id=sa.bindparam("place"),
            lot=sa.bindparam("lot_code"),
            on_hand=0,
            reserved=0,
        )
        .on_conflict_do_nothing(index_elements=["product_id", "location_id", "lot"])
    )


def _dialect_insert(dialect: str):
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert
