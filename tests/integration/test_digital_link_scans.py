"""A GS1 Digital Link URI from a product's QR code, scanned at the pick and pack
screens: it names the product by its GTIN, its lot and how many units it holds, as
the same data in a GS1-128 element string would."""

from datetime import date

import sqlalchemy as sa

from fulfil.extensions import db
from fulfil.models import ParcelItem, PickList, StockMove
from fulfil.queries.orders import order_by_external_id
from fulfil.services import inventory, packing, picking
from tests.conftest import assert_ledger_balanced
from tests.picking_floor import lay_out, order, release, scan_id


def link(product, lot: str = "", **query: str) -> str:
    """The URI a brand prints in a QR code for a unit of `product`."""
    path = f"/10/{lot.replace('/', '%2F')}" if lot else ""
    parameters = "&".join(f"{ai.removeprefix('ai')}={v}" for ai, v in query.items())
    return f"https://id.brand.example/01/0{product.barcode}{path}?{parameters}"


def honey_floor(warehouse, loc, make_product, make_user, units: int):
    """Lot-tracked honey in two lots, one order for `units` jars, released."""
    lay_out(warehouse)
    honey = make_product("HONEY", tracking="lot", weight_g=500)
    for lot, qty, expiry in (("L/24-1", 3, date(2027, 1, 31)), ("L/24-2", 4, None)):
        inventory.receive(
            product_id=honey.id,
            location_id=loc("A-01-1-A"),
            qty=qty,
            key=f"honey-{lot}",
            lot=lot,
            expires_on=expiry or date(2027, 6, 30),
        )
    order("SHOP-9", {"HONEY": units})
    picker = make_user("picker")
    release(warehouse, order_by_external_id("SHOP-9"))
    pick_list = picking.claim_next(picker_id=picker.id, warehouse_id=warehouse.id)
    picking.scan(pick_list.id, picker_id=picker.id, scan_id=scan_id(), code="A-01-1-A")
    return honey, picker, pick_list


def picked(pick_list_id: int) -> int:
    db.session.expire_all()
    return sum(task.picked for task in db.session.get(PickList, pick_list_id).tasks)


def test_a_digital_link_picks_its_product_lot_and_count(
    warehouse, loc, make_product, make_user
):
    honey, picker, pick_list = honey_floor(warehouse, loc, make_product, make_user, 3)

    wrong_lot = picking.scan(
        pick_list.id,
        picker_id=picker.id,
        scan_id=scan_id(),
        code=link(honey, "L/24-2", ai17="270630"),
    )
    right = picking.scan(
        pick_list.id,
        picker_id=picker.id,
        scan_id=scan_id(),
        code=link(honey, "L/24-1", ai17="270131", ai30="3", linkType="gs1:pip"),
    )

    assert not wrong_lot.accepted and "L/24-2" in wrong_lot.message
    assert right.accepted, right.message
    assert picked(pick_list.id) == 3
    assert_ledger_balanced()


def test_a_digital_link_of_another_product_is_refused(
    warehouse, loc, make_product, make_user
):
    honey, picker, pick_list = honey_floor(warehouse, loc, make_product, make_user, 1)
    jam = make_product("JAM")

    outcome = picking.scan(
        pick_list.id, picker_id=picker.id, scan_id=scan_id(), code=link(jam)
    )

    assert not outcome.accepted and "Wrong product" in outcome.message
    assert picked(pick_list.id) == 0


def test_a_digital_link_packs_its_unit_under_its_lot(
    warehouse, loc, make_product, make_user
):
    honey, picker, pick_list = honey_floor(warehouse, loc, make_product, make_user, 3)
    picking.scan(
        pick_list.id,
        picker_id=picker.id,
        scan_id=scan_id(),
        code=link(honey, "L/24-1", ai30="3"),
    )
    packer = make_user("packer")
    parcel = packing.open_shipment(
        code="SHOP-9", warehouse_id=warehouse.id, packer_id=packer.id
    )

    for _ in range(3):
        parcel = packing.scan_item(
            parcel.id,
            code=f"]Q1{link(honey, 'L/24-1', ai17='270131')}",
            packer_id=packer.id,
            scan_id=scan_id(),
        )

    db.session.expire_all()
    items = db.session.scalars(
        sa.select(ParcelItem).where(ParcelItem.parcel_id == parcel.id)
    ).all()
    assert [(item.product_id, item.lot, item.qty) for item in items] == [
        (honey.id, "L/24-1", 3)
    ]
    assert_ledger_balanced()


def test_goods_in_books_the_product_a_digital_link_names(
    client, login, make_product, post, warehouse
):
    honey = make_product("HONEY")
    login("receiver")

    response = post(
        "/receive/",
        {
            "location": "RECV-01",
            "barcode": link(honey, "L/24-3", ai17="270630"),
            "qty": "2",
            "key": "form-dl",
        },
    )

    assert response.status_code == 303
    move = db.session.scalars(sa.select(StockMove)).one()
    assert (move.product_id, move.qty) == (honey.id, 2)
    assert_ledger_balanced()
