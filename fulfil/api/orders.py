"""Orders: intake (idempotent), status with timeline, cancellation."""

import sqlalchemy as sa
from flask import current_app, g, url_for
from flask import request as flask_request
from pydantic import ValidationError

from fulfil.api import bp, problems
from fulfil.api.represent import order_out, written_out
from fulfil.api.requests import body
from fulfil.api.spec import operation
from fulfil.errors import InvalidRequest
from fulfil.extensions import db
from fulfil.models import Order, Product
from fulfil.queries.orders import order_by_external_id
from fulfil.schemas import EXTERNAL_ID_PATH, OrderIn, OrderOut
from fulfil.services import orders


def _json(order: Order, status: int, *, with_timeline: bool = False):
    return _answer(order_out(order, with_timeline=with_timeline), status)


def _answer(shown: OrderOut, status: int):
    body = shown.model_dump_json()  # what jsonify(model_dump()) says, written at once
    return current_app.response_class(body, mimetype="application/json"), status


@operation(
    bp,
    "POST",
    "/orders",
    summary="Take in an order; the same external_id and body again returns it (200)",
    scope="orders:write",
    request=OrderIn,
    response=OrderOut,
    status=201,
    also=(200,),
    errors=(400, 409, 413, 415, 422),
)
def create_order():
    try:
        request = body(OrderIn)
    except ValidationError as error:
        # Report unknown SKUs along with the shape problems: every problem at once.
        raise InvalidRequest(
            problems.validation_items(error) + _unknown_skus(flask_request.get_json())
        ) from None
    intake = orders.take_order(request, source=f"api:{g.api_token.name}")
    if intake.written is not None:  # new, and all it shows is at hand
        response, status = _answer(written_out(intake.written), 201)
    else:
        response, status = _json(intake.order, 201 if intake.created else 200)
    # percent-encoded: `SO/2026/0001`, `#12`, `?`, `%` and spaces come back as sent
    response.headers["Location"] = url_for(
        "api.get_order", external_id=request.external_id
    )
    return response, status


@operation(
    bp,
    "GET",
    "/orders/<text:external_id>",
    summary="An order: status, lines, shipments with tracking, and its timeline",
    scope="orders:read",
    response=OrderOut,
    errors=(404,),
    path={"external_id": EXTERNAL_ID_PATH},
)
def get_order(external_id: str):
    return _json(order_by_external_id(external_id), 200, with_timeline=True)


@operation(
    bp,
    "POST",
    "/orders/<text:external_id>/cancel",
    summary="Cancel an order until packing starts; frees every reservation",
    scope="orders:write",
    response=OrderOut,
    errors=(404, 409),
    path={"external_id": EXTERNAL_ID_PATH},
)
def cancel_order(external_id: str):
    return _json(orders.cancel_order(external_id, actor_id=None), 200)


def _unknown_skus(data) -> list[tuple[str, str]]:
    lines = data.get("lines") if isinstance(data, dict) else None
    if not isinstance(lines, list):
        return []
    skus = {
        n: line["sku"]
        for n, line in enumerate(lines)
        if isinstance(line, dict) and isinstance(line.get("sku"), str)
    }
    known = set(
        db.session.scalars(sa.select(Product.sku).where(Product.sku.in_(skus.values())))
    )
    return [
        (f"lines[{n}].sku", f"no product with SKU {sku}")
        for n, sku in skus.items()
        if sku not in known
    ]
