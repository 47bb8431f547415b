"""Stock levels and adjustments (opening stock, corrections) through the ledger."""

import sqlalchemy as sa
from flask import g, jsonify, request
from werkzeug.exceptions import BadRequest

from fulfil.api import bp
from fulfil.api.requests import WAREHOUSE_QUERY, body, warehouse
from fulfil.api.spec import operation
from fulfil.errors import InvalidRequest
from fulfil.extensions import db
from fulfil.models import Location, Lot, Product, Stock, StockMove, Warehouse
from fulfil.models.warehouse import VIRTUAL_KINDS
from fulfil.schemas import AdjustmentIn, MoveOut, StockOut, StockRowOut
from fulfil.services import inventory

IDEMPOTENCY_HEADER = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": True,
    "schema": {"type": "string", "minLength": 1, "maxLength": 80, "pattern": "[^ \t]"},
    "description": "Any unique string; the same key again applies nothing twice.",
}


@operation(
    bp,
    "GET",
    "/stock",
    summary="On hand, reserved and available per location and lot",
    scope="stock:read",
    response=StockOut,
    query=[
        {"name": "sku", "in": "query", "required": True, "schema": {"type": "string"}},
        WAREHOUSE_QUERY,
    ],
    errors=(422,),
)
def get_stock():
    product = _product(request.args.get("sku", ""), "sku")
    query = (
        sa.select(Stock, Location.code, Warehouse.code, Lot.expires_on)
        .join(Location, Stock.location_id == Location.id)
        .join(Warehouse, Location.warehouse_id == Warehouse.id)
        .outerjoin(
            Lot, sa.and_(Lot.product_id == Stock.product_id, Lot.code == Stock.lot)
        )
        .where(Stock.product_id == product.id, Stock.on_hand > 0)
        .where(Location.kind.not_in(VIRTUAL_KINDS))
        .order_by(Warehouse.code, Location.code, Stock.lot)
    )
    if request.args.get("warehouse"):
        query = query.where(Warehouse.id == warehouse(request.args["warehouse"]).id)
    rows = [
        StockRowOut(
            warehouse=site,
            location=code,
            lot=stock.lot,
            expires_on=expires_on,
            on_hand=stock.on_hand,
            reserved=stock.reserved,
            available=stock.available,
        )
        for stock, code, site, expires_on in db.session.execute(query)
    ]
    out = StockOut(
        sku=product.sku,
        on_hand=sum(r.on_hand for r in rows),
        reserved=sum(r.reserved for r in rows),
        available=sum(r.available for r in rows),
        locations=rows,
    )
    return jsonify(out.model_dump(mode="json"))


@operation(
    bp,
    "POST",
    "/stock/adjustments",
    summary="Opening stock or a correction, booked in the ledger with a reason",
    scope="stock:write",
    request=AdjustmentIn,
    response=MoveOut,
    status=201,
    also=(200,),
    headers=[IDEMPOTENCY_HEADER],
    errors=(400, 409, 413, 415, 422),
)
def post_adjustment():
    key = request.headers.get("Idempotency-Key", "").strip(" \t")
    if not key or len(key) > 80 or "\x00" in key:
        raise BadRequest("Send an Idempotency-Key header of 1 to 80 characters.")
    data = body(AdjustmentIn)
    site = warehouse(data.warehouse)
    product = _product(data.sku, "sku")
    location = db.session.scalar(
        sa.select(Location).where(
            Location.warehouse_id == site.id, Location.code == data.location.upper()
        )
    )
    if location is None or location.is_virtual:
        raise InvalidRequest(
            [("location", f"no location {data.location} in {site.code}")]
        )
    ledger_key = f"api-{g.api_token.id}-{key}"
    replay = db.session.scalar(
        sa.select(StockMove.id).where(StockMove.key == ledger_key)
    )
    move = inventory.adjust(
        product_id=product.id,
        location_id=location.id,
        qty_delta=data.quantity,
        reason=data.reason,
        key=ledger_key,
        lot=data.lot,
        expires_on=data.expires_on,
        reference=data.reference,
    )
    out = MoveOut(
        id=move.id,
        sku=product.sku,
        quantity=data.quantity,
        from_location=move.from_location.code,
        to_location=move.to_location.code,
        lot=move.lot,
        reason=move.reason,
        at=move.at,
    )
    return jsonify(out.model_dump(mode="json")), 200 if replay else 201


def _product(sku: str, field: str) -> Product:
    product = db.session.scalar(sa.select(Product).where(Product.sku == sku.strip()))
    if product is None:
        raise InvalidRequest([(field, f"no product with SKU {sku}")])
    return product
