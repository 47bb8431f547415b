"""The pack station and the hand-over to carriers, on SQLite and PostgreSQL."""

import pytest
import sqlalchemy as sa

from fulfil.domain.states import ShipmentStatus
from fulfil.errors import (
    AlreadyPacked,
    NotPacked,
    PackRefused,
    WeightOff,
    WrongOrderItem,
)
from fulfil.extensions import db
from fulfil.models import (
    Event,
    ExceptionKind,
    Parcel,
    ParcelStatus,
    PickException,
    Stock,
    StockMove,
)
from fulfil.queries.orders import order_by_external_id
from fulfil.services import inventory, packing, picking, shipping
from tests.conftest import assert_ledger_balanced, row_counts
from tests.picking_floor import (
    bench,
    lay_out,
    order,
    pick_everything,
    release,
    scan_id,
    stock,
)


@pytest.fixture
def picked(warehouse, loc, make_product, make_user):
    """Two orders picked into totes T-001 and T-002, waiting at the packing area."""
    lay_out(warehouse)
    setup = bench(warehouse)
    mug = make_product("MUG", weight_g=350, length_mm=120, width_mm=100, height_mm=100)
    tea = make_product("TEA", weight_g=250, length_mm=160, width_mm=80, height_mm=60)
    stock(mug, loc, {"A-01-1-A": 5})
    stock(tea, loc, {"A-01-2-A": 5})
    order("SHOP-1", {"MUG": 2, "TEA": 1})
    order("SHOP-2", {"TEA": 1})
    picker, packer = make_user("picker"), make_user("packer")
    (pick_list,) = release(
        warehouse, order_by_external_id("SHOP-1"), order_by_external_id("SHOP-2")
    )
    claimed = picking.claim_next(picker_id=picker.id, warehouse_id=warehouse.id)
    pick_everything(claimed.id, picker.id)
    return {**setup, "mug": mug, "tea": tea, "packer": packer, "warehouse": warehouse}


def open_tote(picked, code="T-001"):
    return packing.open_shipment(
        code=code,
        warehouse_id=picked["warehouse"].id,
        packer_id=picked["packer"].id,
    )


def scan(picked, parcel, product):
    return packing.scan_item(
        parcel.id,
        code=product.barcode,
        packer_id=picked["packer"].id,
        scan_id=scan_id(),
    )


def suggested(parcel) -> int:
    """The box the bench suggests for the parcel as it is: the packer's pick."""
    db.session.expire_all()
    return packing.suggest_box(db.session, db.session.get(Parcel, parcel.id)).id


def on_hand_at(code: str, loc) -> int:
    return db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(Stock.on_hand), 0)).where(
            Stock.location_id == loc(code)
        )
    )


def pack_first_order(picked, weight_g=1350, **close):
    parcel = open_tote(picked)
    for product in (picked["mug"], picked["mug"], picked["tea"]):
        scan(picked, parcel, product)
    packing.weigh(parcel.id, box_id=suggested(parcel), weight_g=weight_g)
    return packing.close_parcel(
        parcel.id,
        carrier_id=picked["carriers"]["DHL"].id,
        service="Paket",
        tracking_number=close.get("tracking", "00340434161094000001"),
        packer_id=picked["packer"].id,
    )


def test_a_tote_opens_its_order_and_the_parcel_closes_onto_the_dock(picked, loc):
    parcel = pack_first_order(picked)

    db.session.expire_all()
    parcel = db.session.get(Parcel, parcel.id)
    assert parcel.status == ParcelStatus.PACKED
    assert parcel.box.code == "M"  # two mugs and a tea box do not fit the small one
    assert parcel.expected_weight_g == 2 * 350 + 250 + 300
    shipment = order_by_external_id("SHOP-1").shipments[0]
    assert shipment.status == ShipmentStatus.PACKED
    assert shipment.tracking_number == "00340434161094000001"
    assert on_hand_at("SHIP-01", loc) == 3
    assert on_hand_at("PACK-01", loc) == 1  # SHOP-2's tea still waits
    assert_ledger_balanced()


def test_a_wrong_item_or_one_too_many_is_refused_and_changes_nothing(picked):
    parcel = open_tote(picked, "T-002")  # SHOP-2: one tea
    scan(picked, parcel, picked["tea"])
    before = row_counts()

    with pytest.raises(WrongOrderItem, match="SHOP-2"):
        scan(picked, parcel, picked["mug"])
    with pytest.raises(PackRefused, match="packed already"):
        scan(picked, parcel, picked["tea"])

    assert row_counts() == before


def test_a_weight_far_from_the_expected_one_must_be_confirmed(picked):
    parcel = open_tote(picked)
    for product in (picked["mug"], picked["mug"], picked["tea"]):
        scan(picked, parcel, product)
    # a unit too many inside?
    packing.weigh(parcel.id, box_id=suggested(parcel), weight_g=2600)
    close = {
        "carrier_id": picked["carriers"]["DHL"].id,
        "tracking_number": "JJD0001",
        "packer_id": picked["packer"].id,
    }

    with pytest.raises(WeightOff, match="2.60 kg"):
        packing.close_parcel(parcel.id, **close)
    packing.weigh(parcel.id, box_id=suggested(parcel), weight_g=2600, confirm=True)
    assert packing.close_parcel(parcel.id, **close).status == ParcelStatus.PACKED


def test_a_missing_unit_is_reported_not_shipped_short_in_silence(picked):
    parcel = open_tote(picked)
    scan(picked, parcel, picked["mug"])
    scan(picked, parcel, picked["tea"])
    with pytest.raises(PackRefused):  # a mug is still expected
        packing.new_parcel(parcel.shipment_id, packer_id=picked["packer"].id)

    packing.report_missing(
        parcel.id,
        product_id=picked["mug"].id,
        qty=1,
        packer_id=picked["packer"].id,
        scan_id=scan_id(),
    )
    packing.weigh(parcel.id, box_id=suggested(parcel), weight_g=730)
    packing.close_parcel(
        parcel.id,
        carrier_id=picked["carriers"]["OWN"].id,
        packer_id=picked["packer"].id,
    )

    db.session.expire_all()
    reported = db.session.scalars(sa.select(PickException)).one()
    assert (reported.kind, reported.qty) == (ExceptionKind.MISSING_AT_PACKING, 1)
    shipment = order_by_external_id("SHOP-1").shipments[0]
    assert shipment.status == ShipmentStatus.PACKED
    assert shipment.tracking_number.startswith("OWN-")  # own delivery numbers it


def test_packing_an_order_twice_is_refused(picked):
    pack_first_order(picked)
    with pytest.raises(AlreadyPacked, match="SHOP-1"):
        packing.open_shipment(
            code="SHOP-1",
            warehouse_id=picked["warehouse"].id,
            packer_id=picked["packer"].id,
        )


def test_the_hand_over_ships_exactly_the_packed_parcels(picked, loc):
    parcel = pack_first_order(picked)
    open_tote(picked, "T-002")  # still open at the bench: stays behind

    manifest = shipping.hand_over(
        warehouse_id=picked["warehouse"].id, carrier_id=picked["carriers"]["DHL"].id
    )

    db.session.expire_all()
    assert [p.id for p in manifest.parcels] == [parcel.id]
    shipment = order_by_external_id("SHOP-1").shipments[0]
    assert shipment.status == ShipmentStatus.SHIPPED
    assert order_by_external_id("SHOP-2").shipments[0].status == ShipmentStatus.PICKED
    assert on_hand_at("SHIP-01", loc) == 0
    shipped = db.session.scalars(
        sa.select(StockMove).where(StockMove.reason == "shipped")
    ).all()
    assert sum(m.qty for m in shipped) == 3
    assert {m.to_location.code for m in shipped} == {"@CUSTOMER"}
    event = db.session.scalars(
        sa.select(Event).where(Event.action == "shipment.shipped")
    ).one()
    assert event.data["tracking_number"] == "00340434161094000001"
    with pytest.raises(PackRefused):  # nothing left for DHL
        shipping.hand_over(
            warehouse_id=picked["warehouse"].id,
            carrier_id=picked["carriers"]["DHL"].id,
        )

    shipping.confirm_delivered("00340434161094000001")
    db.session.expire_all()
    assert order_by_external_id("SHOP-1").status.value == "delivered"
    assert_ledger_balanced()


def test_an_unpacked_parcel_cannot_be_handed_over(picked):
    parcel = open_tote(picked)
    before = row_counts()
    with pytest.raises(NotPacked):
        shipping.hand_over(
            warehouse_id=picked["warehouse"].id,
            carrier_id=picked["carriers"]["DHL"].id,
            parcel_ids=[parcel.id],
        )
    assert row_counts() == before


def test_the_shop_or_carrier_confirms_delivery_through_the_api(picked, api):
    pack_first_order(picked)
    shipping.hand_over(
        warehouse_id=picked["warehouse"].id, carrier_id=picked["carriers"]["DHL"].id
    )
    shipment_id = order_by_external_id("SHOP-1").shipments[0].id
    carrier = api("shipments:write")

    response = carrier.post(
        f"/api/v1/shipments/{shipment_id}/report", json={"status": "delivered"}
    )

    assert response.status_code == 200, response.get_json()
    assert response.get_json()["status"] == "delivered"
    db.session.expire_all()
    assert db.session.scalars(sa.select(Parcel.status)).all() == [
        ParcelStatus.DELIVERED
    ]
    assert db.session.scalars(
        sa.select(Event).where(Event.action == "shipment.delivered")
    ).one()


def test_an_order_cannot_be_cancelled_once_its_packing_began(picked):
    from fulfil.errors import NotCancellable
    from fulfil.services import orders

    open_tote(picked)
    with pytest.raises(NotCancellable, match="being packed"):
        orders.cancel_order("SHOP-1")


def test_a_tote_waiting_at_the_bench_is_not_put_on_the_next_cart(picked, loc):
    order("SHOP-3", {"TEA": 1})
    (next_list,) = release(picked["warehouse"], order_by_external_id("SHOP-3"))

    assert next_list.slots[0].tote.code not in {"T-001", "T-002"}


def test_a_missing_unit_reported_twice_counts_once_and_leaves_the_books(picked, loc):
    parcel = open_tote(picked)
    report = {
        "product_id": picked["tea"].id,
        "qty": 1,
        "packer_id": picked["packer"].id,
        "scan_id": scan_id(),
    }
    packing.report_missing(parcel.id, **report)
    packing.report_missing(parcel.id, **report)  # a double tap

    assert db.session.scalar(sa.select(sa.func.count(PickException.id))) == 1
    assert on_hand_at("PACK-01", loc) == 3  # 2 mugs and SHOP-2's tea; SHOP-1's tea gone
    assert_ledger_balanced()


def test_a_tracking_number_names_one_parcel_per_carrier(picked):
    from fulfil.errors import DuplicateValue

    pack_first_order(picked, tracking="JJD42")
    parcel = open_tote(picked, "T-002")
    scan(picked, parcel, picked["tea"])
    packing.weigh(parcel.id, box_id=suggested(parcel), weight_g=370)
    with pytest.raises(DuplicateValue, match="JJD42"):
        packing.close_parcel(
            parcel.id,
            carrier_id=picked["carriers"]["DHL"].id,
            tracking_number="jjd42",
            packer_id=picked["packer"].id,
        )


def test_lot_tracked_units_are_packed_and_shipped_under_their_own_lot(
    warehouse, loc, make_product, make_user
):
    from datetime import date

    lay_out(warehouse)
    setup = bench(warehouse)
    honey = make_product("HONEY", tracking="lot", weight_g=500)
    for lot, qty in (("L-OLD", 1), ("L-NEW", 4)):
        inventory.receive(
            product_id=honey.id,
            location_id=loc("A-01-1-A"),
            qty=qty,
            key=f"honey-{lot}",
            lot=lot,
            expires_on=date(2027, 1 if lot == "L-OLD" else 6, 1),
        )
    order("SHOP-7", {"HONEY": 3})
    picker, packer = make_user("picker"), make_user("packer")
    release(warehouse, order_by_external_id("SHOP-7"))
    claimed = picking.claim_next(picker_id=picker.id, warehouse_id=warehouse.id)
    pick_everything(claimed.id, picker.id)

    parcel = packing.open_shipment(
        code="SHOP-7", warehouse_id=warehouse.id, packer_id=packer.id
    )
    for _ in range(3):
        packing.scan_item(
            parcel.id, code=honey.barcode, packer_id=packer.id, scan_id=scan_id()
        )
    packing.weigh(parcel.id, box_id=suggested(parcel), weight_g=1620)
    packing.close_parcel(
        parcel.id,
        carrier_id=setup["carriers"]["OWN"].id,
        packer_id=packer.id,
    )
    shipping.hand_over(
        warehouse_id=warehouse.id, carrier_id=setup["carriers"]["OWN"].id
    )

    db.session.expire_all()
    shipped = db.session.execute(
        sa.select(StockMove.lot, sa.func.sum(StockMove.qty))
        .where(StockMove.reason == "shipped")
        .group_by(StockMove.lot)
    ).all()
    assert dict(shipped) == {"L-OLD": 1, "L-NEW": 2}  # first expiry first out
    assert_ledger_balanced()
