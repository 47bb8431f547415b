"""The bench's honest rules: the box the packer chose must take the items and their
weight, many units go in with one scan and a count, and a parcel leaving the EU
closes only with every product's customs data."""

import pytest

from fulfil.errors import (
    BoxTooHeavy,
    BoxTooSmall,
    CustomsDataMissing,
    InvalidInput,
    TooManyUnits,
)
from fulfil.extensions import db
from fulfil.models import Parcel, ParcelStatus
from fulfil.queries.orders import order_by_external_id
from fulfil.schemas import OrderIn
from fulfil.services import orders, packing, picking
from tests.conftest import order_payload, row_counts
from tests.picking_floor import bench, lay_out, pick_everything, release, scan_id, stock

UK = {
    "name": "Jane Smith",
    "line1": "10 Downing Street",
    "postal_code": "SW1A 2AA",
    "city": "London",
    "country": "GB",
}


@pytest.fixture
def floor(warehouse, loc, make_product, make_user):
    lay_out(warehouse)
    setup = bench(warehouse)
    kettle = make_product(
        "KETTLE", weight_g=1500, length_mm=250, width_mm=200, height_mm=180
    )
    cup = make_product("CUP", weight_g=300, length_mm=100, width_mm=100, height_mm=90)
    weights = make_product("WEIGHTS", weight_g=1500)  # its size was never measured
    pin = make_product("PIN", weight_g=5, length_mm=30, width_mm=20, height_mm=5)
    stock(kettle, loc, {"A-01-1-A": 20})
    stock(weights, loc, {"B-02-1-A": 20})
    stock(pin, loc, {"B-02-2-A": 200})
    stock(cup, loc, {"A-01-2-A": 200})
    return {
        **setup,
        "kettle": kettle,
        "cup": cup,
        "weights": weights,
        "pin": pin,
        "warehouse": warehouse,
        "picker": make_user("picker"),
        "packer": make_user("packer"),
    }


def picked_order(floor, external_id, lines, address=None):
    body = order_payload(
        external_id,
        lines=[{"sku": sku, "quantity": n, "unit_price": "4.00"} for sku, n in lines],
    )
    if address:
        body["shipping_address"] = address
    orders.receive_order(OrderIn.model_validate(body))
    release(floor["warehouse"], order_by_external_id(external_id))
    pick_list = picking.claim_next(
        picker_id=floor["picker"].id, warehouse_id=floor["warehouse"].id
    )
    pick_everything(pick_list.id, floor["picker"].id)
    return packing.open_shipment(
        code=external_id,
        warehouse_id=floor["warehouse"].id,
        packer_id=floor["packer"].id,
    )


def pack(floor, parcel, product, qty=None):
    return packing.scan_item(
        parcel.id,
        code=product.barcode,
        packer_id=floor["packer"].id,
        scan_id=scan_id(),
        qty=qty,
    )


def test_a_parcel_over_its_boxs_weight_limit_cannot_be_weighed_in_it(floor):
    parcel = picked_order(floor, "SHOP-17", [("WEIGHTS", 17)])
    pack(floor, parcel, floor["weights"], qty=17)
    before = row_counts()

    with pytest.raises(BoxTooHeavy, match="25.50 kg is over the 5.00 kg box S"):
        packing.weigh(parcel.id, box_id=floor["boxes"]["S"].id, weight_g=25_500)

    assert row_counts() == before
    db.session.expire_all()
    assert db.session.get(Parcel, parcel.id).box is None


def test_items_that_do_not_fit_the_chosen_box_are_refused(floor):
    parcel = picked_order(floor, "SHOP-3", [("KETTLE", 3)])
    pack(floor, parcel, floor["kettle"], qty=3)

    with pytest.raises(BoxTooSmall, match="box S"):
        packing.weigh(parcel.id, box_id=floor["boxes"]["S"].id, weight_g=4_700)
    packing.weigh(parcel.id, box_id=floor["boxes"]["L"].id, weight_g=5_300)


def test_no_box_is_chosen_for_the_packer(floor):
    parcel = picked_order(floor, "SHOP-1", [("CUP", 1)])
    pack(floor, parcel, floor["cup"])

    with pytest.raises(InvalidInput, match="choose a box"):
        packing.weigh(parcel.id, box_id=None, weight_g=420)


def test_many_units_go_in_with_one_scan_and_a_count_checked_like_single_scans(floor):
    parcel = picked_order(floor, "SHOP-161", [("PIN", 161)])
    before = row_counts()

    with pytest.raises(TooManyUnits, match="162 × .* the 161 still to pack"):
        pack(floor, parcel, floor["pin"], qty=162)
    assert row_counts() == before

    pack(floor, parcel, floor["pin"], qty=160)
    pack(floor, parcel, floor["pin"])
    db.session.expire_all()
    assert db.session.get(Parcel, parcel.id).units == 161
    assert not any(packing.remaining(db.session, parcel.shipment).values())


def test_a_scan_after_weighing_asks_for_the_weight_again(floor):
    parcel = picked_order(floor, "SHOP-2", [("CUP", 2)])
    pack(floor, parcel, floor["cup"])
    packing.weigh(parcel.id, box_id=floor["boxes"]["M"].id, weight_g=600)

    pack(floor, parcel, floor["cup"])

    db.session.expire_all()
    assert db.session.get(Parcel, parcel.id).weight_g is None


def test_a_parcel_to_the_uk_closes_only_with_hs_codes_and_origins(
    floor, client, login, post
):
    parcel = picked_order(floor, "UK-1", [("CUP", 1), ("KETTLE", 1)], address=UK)
    pack(floor, parcel, floor["cup"])
    pack(floor, parcel, floor["kettle"])
    packing.weigh(parcel.id, box_id=floor["boxes"]["L"].id, weight_g=2_600)
    close = dict(
        carrier_id=floor["carriers"]["DHL"].id,
        tracking_number="JJD0001",
        packer_id=floor["packer"].id,
    )

    with pytest.raises(CustomsDataMissing, match="KETTLE") as refused:
        packing.close_parcel(parcel.id, **close)
    assert "CUP" in str(refused.value)

    # the bench names them and links to where the packer fills them in
    login("packer")
    page = client.get(f"/pack/parcels/{parcel.id}").get_data(as_text=True)
    assert "Customs data missing" in page
    assert "Close and label" not in page
    for product in (floor["cup"], floor["kettle"]):
        link = f"/pack/products/{product.id}/customs?parcel={parcel.id}"
        assert link in page.replace("&amp;", "&")
        wrong = post(link, {"hs_code": "69", "origin_country": "XX"})
        assert wrong.status_code == 422
        assert "6 to 10 digits" in wrong.get_data(as_text=True)
        saved = post(link, {"hs_code": "6912 00 23", "origin_country": "cn"})
        assert saved.status_code == 303
        assert saved.headers["Location"].endswith(f"/pack/parcels/{parcel.id}")

    packing.close_parcel(parcel.id, **close)
    db.session.expire_all()
    assert db.session.get(Parcel, parcel.id).status == ParcelStatus.PACKED
    assert floor["cup"].hs_code == "69120023"
