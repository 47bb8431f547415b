"""What 3PLs and suppliers report back: shipped (with tracking) and delivered."""

from flask import jsonify

from fulfil.api import bp
from fulfil.api.represent import order_out
from fulfil.api.requests import body
from fulfil.api.spec import operation
from fulfil.schemas import OrderOut, ShipmentReport
from fulfil.services import orders


@operation(
    bp,
    "POST",
    "/shipments/<id:shipment_id>/report",
    summary="Report a shipment shipped (carrier, tracking) or delivered",
    scope="shipments:write",
    request=ShipmentReport,
    response=OrderOut,
    errors=(400, 404, 409, 413, 415, 422),
)
def report(shipment_id: int):
    shipment = orders.report_shipment(shipment_id, body(ShipmentReport))
    return jsonify(order_out(shipment.order).model_dump(mode="json"))
