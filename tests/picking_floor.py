"""A small picking floor for tests: stocked bins, allocated orders, released waves."""

import uuid

from fulfil.models import Order
from fulfil.queries.orders import order_by_external_id
from fulfil.schemas import OrderIn
from fulfil.services import inventory, layout, orders, waves
from tests.conftest import order_payload

# Two aisles; the packing area (PACK-01 at x=1) is the depot.
BINS = {
    "A-01-1-A": (3, 4, "A-01"),
    "A-01-2-A": (3, 6, "A-01"),
    "A-01-3-C": (3, 8, "A-01"),
    "B-02-1-A": (9, 6, "B-02"),
    "B-02-2-A": (9, 9, "B-02"),
}


def scan_id() -> str:
    return uuid.uuid4().hex


def lay_out(warehouse) -> None:
    """Give the test warehouse's bins aisles and add the B aisle."""
    for code, (x, y, aisle) in BINS.items():
        kind = "reserve" if code.endswith("-C") else "pick_face"
        layout.define_location(
            warehouse_id=warehouse.id, code=code, kind=kind, x=x, y=y, aisle=aisle
        )


def stock(product, loc, units: dict[str, int]) -> None:
    for code, qty in units.items():
        inventory.receive(
            product_id=product.id,
            location_id=loc(code),
            qty=qty,
            key=f"in-{product.sku}-{code}",
        )


def order(external_id: str, lines: dict[str, int]) -> Order:
    payload = order_payload(
        external_id,
        lines=[
            {"sku": sku, "quantity": qty, "unit_price": "5.00"}
            for sku, qty in lines.items()
        ],
    )
    orders.receive_order(OrderIn.model_validate(payload))
    return order_by_external_id(external_id)


def release(warehouse, *placed: Order, urgent: tuple[Order, ...] = ()):
    return waves.release(
        warehouse_id=warehouse.id,
        shipment_ids=[o.shipments[0].id for o in placed],
        urgent_ids=[o.shipments[0].id for o in urgent],
    )


def bench(warehouse) -> dict:
    """A shipping dock, three boxes and two carriers (one numbers its own parcels)."""
    from decimal import Decimal

    from fulfil.services import shipping

    layout.define_location(
        warehouse_id=warehouse.id, code="SHIP-01", kind="shipping", x=1, y=0
    )
    boxes = {
        code: shipping.define_box(
            code=code,
            inner_mm=size,
            max_weight_g=weight,
            tare_g=tare,
            cost=Decimal(cost),
        )
        for code, size, weight, tare, cost in (
            ("S", (200, 150, 100), 5000, 120, "0.40"),
            ("M", (350, 250, 150), 15000, 300, "0.70"),
            ("L", (600, 400, 400), 31500, 800, "1.50"),
        )
    }
    carriers = {
        "DHL": shipping.define_carrier(
            code="DHL",
            name="DHL",
            tracking_url="https://dhl.example/track?piececode={tracking}",
            services="Paket, Express",
        ),
        "OWN": shipping.define_carrier(
            code="OWN", name="Own delivery", own_delivery=True
        ),
    }
    return {"boxes": boxes, "carriers": carriers}


def pick_everything(pick_list_id: int, picker_id: int) -> None:
    """Scan a whole list as a picker would (bin, then every unit), and check each
    scan was taken."""
    from fulfil.extensions import db
    from fulfil.models import PickList
    from fulfil.services import picking

    while True:
        db.session.expire_all()
        task = picking.current_task(db.session.get(PickList, pick_list_id))
        if task is None:
            return
        # a product without a barcode carries its SKU on the label Fulfil prints
        code, barcode = task.location.code, task.product.barcode or task.product.sku
        if not task.at_location:
            outcome = picking.scan(
                pick_list_id, picker_id=picker_id, scan_id=scan_id(), code=code
            )
            assert outcome.accepted, outcome.message
        for _ in range(task.remaining):
            outcome = picking.scan(
                pick_list_id, picker_id=picker_id, scan_id=scan_id(), code=barcode
            )
            assert outcome.accepted, outcome.message
