"""What is where: balances, the ledger, and the ledger check."""

from collections import defaultdict

import sqlalchemy as sa

from fulfil.domain import gs1
from fulfil.errors import NotReceivable, UnknownLocation, UnknownProduct
from fulfil.extensions import db
from fulfil.models import Location, Product, Reservation, Stock, StockMove
from fulfil.models.warehouse import VIRTUAL_KINDS


def product_by_code(code: str) -> Product:
    """The product whose SKU or barcode is `code` (what a scanner sends); a GS1 scan
    (element string or Digital Link) finds it under any form of its GTIN."""
    code = code.strip()
    product = db.session.scalars(
        sa.select(Product)
        .where(
            sa.or_(
                Product.sku == code,
                Product.barcode.in_(gs1.product_codes(code) | {code}),
            )
        )
        # the text as typed first: a SKU may look like another product's GTIN
        .order_by(sa.case((Product.sku == code, 0), else_=1), Product.id)
        .limit(1)
    ).first()
    if product is None:
        raise UnknownProduct(code=code)
    return product


def product(product_id: int) -> Product:
    found = db.session.get(Product, product_id)
    if found is None:
        raise UnknownProduct(code=str(product_id))
    return found


def location_by_code(warehouse_id: int, code: str) -> Location:
    """The location in this warehouse whose label reads `code`."""
    code = code.strip().upper()
    location = db.session.execute(
        sa.select(Location).where(
            Location.warehouse_id == warehouse_id, Location.code == code
        )
    ).scalar_one_or_none()
    if location is None:
        raise UnknownLocation(code=code)
    return location


def receiving_location(warehouse_id: int, code: str) -> Location:
    """The location `code` if goods-in may book a delivery into it (a receiving or
    storage bin); refuses the packing area, the dock, totes and virtual ones."""
    location = location_by_code(warehouse_id, code)
    if not location.kind.takes_deliveries:
        raise NotReceivable(location=location.code, kind=location.kind)
    return location


def stock_at(location_id: int) -> list[Stock]:
    """Everything on hand in one bin, by SKU."""
    return list(
        db.session.execute(
            sa.select(Stock)
            .join(Stock.product)
            .where(Stock.location_id == location_id, Stock.on_hand > 0)
            .options(sa.orm.contains_eager(Stock.product))
            .order_by(Product.sku, Stock.lot)
        ).scalars()
    )


def lots_in_bin(location_id: int, product_id: int) -> list[tuple[str, int]]:
    """[(lot, on hand)] the books hold of a product in a bin (a count form's rows:
    one row, no lot, when the books hold none)."""
    rows = db.session.execute(
        sa.select(Stock.lot, Stock.on_hand)
        .where(Stock.location_id == location_id, Stock.product_id == product_id)
        .order_by(Stock.lot)
    ).all()
    return [(lot, on_hand) for lot, on_hand in rows] or [("", 0)]


def stock_of(product_id: int, warehouse_id: int | None = None) -> list[Stock]:
    """Where a product is, bin by bin, pick faces first."""
    query = (
        sa.select(Stock)
        .join(Stock.location)
        .where(Stock.product_id == product_id, Stock.on_hand > 0)
        .options(sa.orm.contains_eager(Stock.location))
        .order_by(Location.kind, Location.code, Stock.lot)
    )
    if warehouse_id is not None:
        query = query.where(Location.warehouse_id == warehouse_id)
    return list(db.session.execute(query).scalars())


def stock_totals(warehouse_id: int) -> dict[str, int]:
    """Units on hand and reserved in a warehouse; how many SKUs and bins hold them."""
    row = db.session.execute(
        sa.select(
            sa.func.coalesce(sa.func.sum(Stock.on_hand), 0),
            sa.func.coalesce(sa.func.sum(Stock.reserved), 0),
            sa.func.count(sa.distinct(Stock.product_id)),
            sa.func.count(sa.distinct(Stock.location_id)),
        )
        .join(Stock.location)
        .where(Location.warehouse_id == warehouse_id, Stock.on_hand > 0)
    ).one()
    return dict(zip(("on_hand", "reserved", "skus", "bins"), row, strict=True))


def recent_moves(warehouse_id: int, limit: int = 10) -> list[StockMove]:
    """The latest ledger rows touching a warehouse."""
    destination = sa.orm.aliased(Location)
    return list(
        db.session.execute(
            sa.select(StockMove)
            .join(destination, StockMove.to_location_id == destination.id)
            .where(destination.warehouse_id == warehouse_id)
            .options(
                sa.orm.joinedload(StockMove.product),
                sa.orm.joinedload(StockMove.from_location),
                sa.orm.joinedload(StockMove.to_location),
            )
            .order_by(StockMove.id.desc())
            .limit(limit)
        ).scalars()
    )


def ledger_mismatches() -> list[str]:
    """Every way the balances disagree with the ledger; empty when all is well.

    On hand must equal moves in minus moves out for each (product, location, lot) of a
    physical location, and reserved must equal the reservations still held.
    """
    ledger: dict[tuple, int] = defaultdict(int)
    for column, sign in (
        (StockMove.to_location_id, 1),
        (StockMove.from_location_id, -1),
    ):
        rows = db.session.execute(
            sa.select(
                StockMove.product_id, column, StockMove.lot, sa.func.sum(StockMove.qty)
            ).group_by(StockMove.product_id, column, StockMove.lot)
        )
        for product_id, location_id, lot, qty in rows:
            ledger[(product_id, location_id, lot)] += sign * qty
    virtual = set(
        db.session.scalars(
            sa.select(Location.id).where(Location.kind.in_(VIRTUAL_KINDS))
        )
    )
    held = dict(
        db.session.execute(
            sa.select(Reservation.stock_id, sa.func.sum(Reservation.qty)).group_by(
                Reservation.stock_id
            )
        ).all()
    )
    problems = []
    balances = {}
    for stock in db.session.execute(sa.select(Stock)).scalars():
        at = (stock.product_id, stock.location_id, stock.lot)
        balances[at] = stock.on_hand
        if stock.on_hand < 0 or not 0 <= stock.reserved <= stock.on_hand:
            problems.append(f"{at}: on hand {stock.on_hand}, reserved {stock.reserved}")
        if stock.reserved != (holding := held.get(stock.id, 0)):
            problems.append(f"{at}: reserved {stock.reserved}, reservations {holding}")
    for at, qty in ledger.items():
        if at[1] not in virtual and balances.get(at, 0) != qty:
            problems.append(
                f"{at}: ledger says {qty}, stock says {balances.get(at, 0)}"
            )
    for at, qty in balances.items():
        if at not in ledger and qty != 0:
            problems.append(f"{at}: stock says {qty} without any ledger row")
    return problems
