"""A short that no bin can fill is decided, and everyone is told the same story.

A picker finds 7 of 8 cups and no other bin has any: under `backorder` the 7 ship
and the 8th follows as a later parcel once stock arrives; under
`ship_partial_cancel_rest` the 8th is cancelled. The API, the webhooks and the
ledger agree at every step.
"""

import json

import pytest
import sqlalchemy as sa

from fulfil.domain.states import ShipmentStatus
from fulfil.extensions import db
from fulfil.models import (
    ExceptionKind,
    PickException,
    PickList,
    Shipment,
    StockMove,
    WebhookDelivery,
)
from fulfil.queries.orders import order_by_external_id
from fulfil.queries.tracking import tracking_token
from fulfil.services import (
    inventory,
    packing,
    picking,
    shipping,
    shorts,
    waves,
    webhooks,
)
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

S = ShipmentStatus


@pytest.fixture
def floor(app, warehouse, loc, make_product, make_user, api):
    """Eight cups on the books in one bin, nowhere else; the shop subscribed."""
    lay_out(warehouse)
    setup = bench(warehouse)
    cup = make_product("CUP", weight_g=300, length_mm=100, width_mm=100, height_mm=90)
    stock(cup, loc, {"A-01-1-A": 8})
    webhooks.subscribe("https://shop.example/hooks", ["*"])
    return {
        **setup,
        "app": app,
        "cup": cup,
        "warehouse": warehouse,
        "picker": make_user("picker"),
        "packer": make_user("packer"),
        "shop": api("orders:read", "orders:write", "stock:write"),
    }


def pick_with_one_missing(floor, external_id="SHOP-8"):
    """The order for 8 cups is picked; the bin holds only 7."""
    order(external_id, {"CUP": 8})
    release(floor["warehouse"], order_by_external_id(external_id))
    picker = floor["picker"]
    pick_list = picking.claim_next(
        picker_id=picker.id, warehouse_id=floor["warehouse"].id
    )
    picking.scan(pick_list.id, picker_id=picker.id, scan_id=scan_id(), code="A-01-1-A")
    picking.short_pick(pick_list.id, picker_id=picker.id, scan_id=scan_id(), found=7)
    pick_everything(pick_list.id, picker.id)
    db.session.expire_all()
    return pick_list


def pack_and_ship(floor, external_id="SHOP-8", tracking="00340434161094000101"):
    packer = floor["packer"]
    parcel = packing.open_shipment(
        code=external_id, warehouse_id=floor["warehouse"].id, packer_id=packer.id
    )
    left = packing.remaining(db.session, parcel.shipment)[floor["cup"].id]
    packing.scan_item(
        parcel.id,
        code=floor["cup"].barcode,
        packer_id=packer.id,
        scan_id=scan_id(),
        qty=left,
    )
    packing.weigh(parcel.id, box_id=floor["boxes"]["L"].id, weight_g=left * 300 + 800)
    packing.close_parcel(
        parcel.id,
        carrier_id=floor["carriers"]["DHL"].id,
        tracking_number=tracking,
        packer_id=packer.id,
    )
    shipping.hand_over(
        warehouse_id=floor["warehouse"].id, carrier_id=floor["carriers"]["DHL"].id
    )
    db.session.expire_all()


def api_line(floor, external_id="SHOP-8") -> dict:
    response = floor["shop"].get(f"/api/v1/orders/{external_id}")
    assert response.status_code == 200
    (line,) = response.get_json()["lines"]
    return line


def sent(event_type: str) -> list[dict]:
    rows = db.session.scalars(
        sa.select(WebhookDelivery.payload)
        .where(WebhookDelivery.event_type == event_type)
        .order_by(WebhookDelivery.id)
    )
    return [json.loads(payload)["data"] for payload in rows]


def test_under_backorder_seven_ship_now_and_the_eighth_follows(floor, loc):
    pick_with_one_missing(floor)

    first, backorder = order_by_external_id("SHOP-8").shipments
    assert (first.status, backorder.status) == (S.PICKED, S.BACKORDERED)
    assert backorder.follows_id == first.id
    line = api_line(floor)
    assert line["quantities"] == {
        "ordered": 8,
        "allocated": 0,
        "picked": 7,
        "packed": 0,
        "shipped": 0,
        "short": 1,
        "backordered": 1,
        "cancelled": 0,
    }
    assert line["state"] == "partially_backordered"
    (short,) = sent("order.line_short")
    assert short["event"] | {"shipment": 0} == {
        "sku": "CUP",
        "qty": 1,
        "ordered": 8,
        "decision": "backorder",
        "shipment": 0,
    }

    pack_and_ship(floor)

    line = api_line(floor)
    assert line["state"] == "partially_shipped"
    assert (line["quantities"]["shipped"], line["quantities"]["backordered"]) == (7, 1)
    (shipped,) = sent("shipment.shipped")
    assert shipped["shipment"]["lines"] == [
        {"sku": "CUP", "name": floor["cup"].name, "quantity": 7, "shipped": 7}
    ]
    assert order_by_external_id("SHOP-8").status.value == "backordered"

    # a cup arrives: the backorder takes it at once, and it ships as a later parcel
    inventory.receive(
        product_id=floor["cup"].id, location_id=loc("A-01-1-A"), qty=1, key="in-2"
    )
    db.session.expire_all()
    assert db.session.get(Shipment, backorder.id).status == S.ALLOCATED
    waves.release(warehouse_id=floor["warehouse"].id, shipment_ids=[backorder.id])
    pick_list = picking.claim_next(
        picker_id=floor["picker"].id, warehouse_id=floor["warehouse"].id
    )
    pick_everything(pick_list.id, floor["picker"].id)
    pack_and_ship(floor, tracking="00340434161094000102")

    line = api_line(floor)
    assert line["state"] == "shipped"
    assert line["quantities"] | {"short": 1} == {
        "ordered": 8,
        "allocated": 0,
        "picked": 8,
        "packed": 8,
        "shipped": 8,
        "short": 1,
        "backordered": 0,
        "cancelled": 0,
    }
    assert order_by_external_id("SHOP-8").status.value == "shipped"
    assert [s["shipment"]["lines"][0]["shipped"] for s in sent("shipment.shipped")] == [
        7,
        1,
    ]
    assert_ledger_balanced()


def test_under_ship_partial_cancel_rest_the_missing_cup_is_cancelled(floor):
    floor["app"].config["SHORT_PICK_POLICY"] = "ship_partial_cancel_rest"
    pick_with_one_missing(floor)

    (first,) = order_by_external_id("SHOP-8").shipments
    assert first.status == S.PICKED
    (short,) = sent("order.line_short")
    assert short["event"]["decision"] == "cancel"

    pack_and_ship(floor)

    line = api_line(floor)
    assert line["state"] == "shipped"
    assert line["quantities"]["shipped"] == 7
    assert line["quantities"]["cancelled"] == 1
    assert line["quantities"]["backordered"] == 0
    assert order_by_external_id("SHOP-8").status.value == "shipped"
    assert_ledger_balanced()


def test_nothing_found_under_cancel_cancels_the_shipment(floor, loc):
    floor["app"].config["SHORT_PICK_POLICY"] = "ship_partial_cancel_rest"
    order("SHOP-9", {"CUP": 2})
    release(floor["warehouse"], order_by_external_id("SHOP-9"))
    picker = floor["picker"]
    pick_list = picking.claim_next(
        picker_id=picker.id, warehouse_id=floor["warehouse"].id
    )
    picking.scan(pick_list.id, picker_id=picker.id, scan_id=scan_id(), code="A-01-1-A")
    picking.short_pick(pick_list.id, picker_id=picker.id, scan_id=scan_id(), found=0)

    db.session.expire_all()
    placed = order_by_external_id("SHOP-9")
    assert placed.status.value == "cancelled"
    line = api_line(floor, "SHOP-9")
    assert (line["state"], line["quantities"]["cancelled"]) == ("cancelled", 2)
    assert_ledger_balanced()


def test_a_manager_switches_an_order_between_the_two_ways(floor):
    pick_with_one_missing(floor)
    placed = order_by_external_id("SHOP-8")
    manager = floor["picker"]  # any actor id will do for the service

    shorts.choose_policy(placed.id, "ship_partial_cancel_rest", actor_id=manager.id)
    db.session.expire_all()
    first, backorder = order_by_external_id("SHOP-8").shipments
    assert backorder.status == S.CANCELLED
    line = api_line(floor)
    assert (line["quantities"]["cancelled"], line["quantities"]["backordered"]) == (
        1,
        0,
    )
    assert order_by_external_id("SHOP-8").status.value == "picked"

    shorts.choose_policy(placed.id, "backorder", actor_id=manager.id)
    db.session.expire_all()
    shipments = order_by_external_id("SHOP-8").shipments
    assert [s.status for s in shipments] == [S.PICKED, S.CANCELLED, S.BACKORDERED]
    line = api_line(floor)
    assert (line["quantities"]["cancelled"], line["quantities"]["backordered"]) == (
        0,
        1,
    )
    assert [e["event"]["decision"] for e in sent("order.line_short")] == [
        "backorder",
        "cancel",
        "backorder",
    ]
    assert_ledger_balanced()


def test_a_unit_missing_at_the_bench_follows_like_a_short_pick(floor, loc):
    stock(floor["cup"], loc, {"B-02-1-A": 4})
    order("SHOP-2", {"CUP": 2})
    release(floor["warehouse"], order_by_external_id("SHOP-2"))
    pick_list = picking.claim_next(
        picker_id=floor["picker"].id, warehouse_id=floor["warehouse"].id
    )
    pick_everything(pick_list.id, floor["picker"].id)
    packer = floor["packer"]
    parcel = packing.open_shipment(
        code="SHOP-2", warehouse_id=floor["warehouse"].id, packer_id=packer.id
    )

    packing.report_missing(
        parcel.id,
        product_id=floor["cup"].id,
        qty=1,
        packer_id=packer.id,
        scan_id=scan_id(),
    )

    db.session.expire_all()
    first, backorder = order_by_external_id("SHOP-2").shipments
    assert backorder.follows_id == first.id
    assert backorder.status == S.ALLOCATED  # other bins had cups
    line = api_line(floor, "SHOP-2")
    assert line["quantities"]["short"] == 1
    assert line["quantities"]["allocated"] == 1
    kinds = db.session.scalars(sa.select(PickException.kind)).all()
    assert ExceptionKind.MISSING_AT_PACKING in kinds
    assert db.session.get(PickList, pick_list.id).status.value == "done"
    assert_ledger_balanced()


def test_a_refused_policy_changes_nothing(floor):
    pick_with_one_missing(floor)
    placed = order_by_external_id("SHOP-8")
    with pytest.raises(Exception, match="policy"):
        shorts.choose_policy(placed.id, "ship_everything", actor_id=None)
    db.session.expire_all()
    assert order_by_external_id("SHOP-8").short_policy is None


# -- the manager's exceptions queue ----------------------------------------------------


def test_the_exceptions_queue_says_what_happens_and_switches_in_one_tap(
    floor, client, login, post
):
    pick_with_one_missing(floor)
    login("manager")

    page = client.get("/manage/exceptions").get_data(as_text=True)
    assert "The missing unit follows in a later parcel when stock arrives." in page
    placed = order_by_external_id("SHOP-8")
    response = post(
        f"/manage/orders/{placed.id}/short-policy",
        {"policy": "ship_partial_cancel_rest"},
    )

    assert response.status_code == 303
    page = client.get("/manage/exceptions").get_data(as_text=True)
    assert "The missing unit is cancelled: the order ships without it." in page
    assert "Send them later instead" in page
    db.session.expire_all()
    assert order_by_external_id("SHOP-8").shipments[1].status == S.CANCELLED


def test_counting_the_bin_books_the_difference_and_feeds_the_backorder(
    floor, client, login, post, loc
):
    pick_with_one_missing(floor)
    count = db.session.scalars(
        sa.select(PickException).where(PickException.kind == ExceptionKind.COUNT)
    ).one()
    login("manager")

    # the picker missed one: the counter finds it behind the others
    response = post(
        f"/manage/exceptions/{count.id}/count",
        {"lot": "", "counted_0": "1", "scan_id": scan_id()},
    )

    assert response.status_code == 303
    db.session.expire_all()
    moves = db.session.scalars(
        sa.select(StockMove).where(StockMove.reason == "count")
    ).all()
    assert [(m.qty, m.to_location.code) for m in moves] == [(1, "A-01-1-A")]
    assert db.session.get(PickException, count.id).resolved_at is not None
    backorder = order_by_external_id("SHOP-8").shipments[1]
    assert backorder.status == S.ALLOCATED  # the unit found went to the backorder
    assert_ledger_balanced()


def test_a_count_below_what_orders_reserved_is_refused_and_books_nothing(
    floor, client, login, post, loc, make_product
):
    pick_with_one_missing(floor)
    count = db.session.scalars(
        sa.select(PickException).where(PickException.kind == ExceptionKind.COUNT)
    ).one()
    inventory.receive(
        product_id=floor["cup"].id, location_id=loc("A-01-1-A"), qty=3, key="in-3"
    )
    order("SHOP-10", {"CUP": 2})  # two of the three are reserved now
    login("manager")
    before = row_counts()

    response = post(
        f"/manage/exceptions/{count.id}/count",
        {"lot": "", "counted_0": "1", "scan_id": scan_id()},
    )

    assert response.status_code == 409
    assert "reserved for orders" in response.get_data(as_text=True)
    assert row_counts() == before


def test_customer_service_and_the_tracking_page_show_the_partial_shipment(
    floor, client, login
):
    pick_with_one_missing(floor)
    pack_and_ship(floor)
    placed = order_by_external_id("SHOP-8")
    first = placed.shipments[0]

    page = client.get(f"/t/{tracking_token(first.id)}").get_data(as_text=True)
    assert "Partly on its way" in page
    assert "7 on the way · 1 follow in a later parcel" in page

    login("customer_service")
    page = client.get(f"/service/orders/{placed.id}").get_data(as_text=True)
    assert "7 shipped · 1 waiting for stock · 1 found short" in page
    assert f"backorder of #{first.id}" in page


def test_the_pack_bench_shows_the_short_and_what_happens_to_it(floor, client, login):
    pick_with_one_missing(floor)
    login("packer")
    parcel = packing.open_shipment(
        code="SHOP-8", warehouse_id=floor["warehouse"].id, packer_id=floor["packer"].id
    )

    page = client.get(f"/pack/parcels/{parcel.id}").get_data(as_text=True)

    assert "7 of 8 · 1 short" in page
    assert "follows in a later parcel when stock arrives" in page
