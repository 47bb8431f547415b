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
from fulfil.errors import OrderCancelled, ParcelFull
from fulfil.extensions import db
from fulfil.models import (
    ExceptionKind,
    PickException,
    PickList,
    Reservation,
    Shipment,
    StockMove,
    WebhookDelivery,
)
from fulfil.queries.orders import order_by_external_id
from fulfil.queries.tracking import tracking_token
from fulfil.schemas import OrderIn
from fulfil.services import (
    counts,
    inventory,
    orders,
    packing,
    picking,
    shipping,
    shorts,
    waves,
    webhooks,
)
from tests.conftest import assert_ledger_balanced, order_payload, row_counts
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

    # a cup arrives (in another bin: the short one waits for its count): the
    # backorder takes it at once, and it ships as a later parcel
    inventory.receive(
        product_id=floor["cup"].id, location_id=loc("A-01-2-A"), qty=1, key="in-2"
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
    assert "1 unit follows in a later parcel when stock arrives." in page
    placed = order_by_external_id("SHOP-8")
    response = post(
        f"/manage/orders/{placed.id}/short-policy",
        {"policy": "ship_partial_cancel_rest"},
    )

    assert response.status_code == 303
    page = client.get("/manage/exceptions").get_data(as_text=True)
    assert "1 unit is cancelled: the order ships without it." in page
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
    inventory.receive(
        product_id=floor["cup"].id, location_id=loc("A-01-1-A"), qty=3, key="in-3"
    )
    order("SHOP-10", {"CUP": 2})  # reserved in the bin before it came up short
    pick_with_one_missing(floor)
    count = db.session.scalars(
        sa.select(PickException).where(PickException.kind == ExceptionKind.COUNT)
    ).one()
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


# -- the corners of a real day ---------------------------------------------------------


def claim(floor):
    return picking.claim_next(
        picker_id=floor["picker"].id, warehouse_id=floor["warehouse"].id
    )


def at_bench(floor, external_id):
    return packing.open_shipment(
        code=external_id,
        warehouse_id=floor["warehouse"].id,
        packer_id=floor["packer"].id,
    )


def missing(floor, parcel, qty):
    return packing.report_missing(
        parcel.id,
        product_id=floor["cup"].id,
        qty=qty,
        packer_id=floor["packer"].id,
        scan_id=scan_id(),
    )


def pack(floor, parcel, qty, tracking):
    packing.scan_item(
        parcel.id,
        code=floor["cup"].barcode,
        packer_id=floor["packer"].id,
        scan_id=scan_id(),
        qty=qty,
    )
    packing.weigh(parcel.id, box_id=floor["boxes"]["L"].id, weight_g=qty * 300 + 800)
    packing.close_parcel(
        parcel.id,
        carrier_id=floor["carriers"]["DHL"].id,
        tracking_number=tracking,
        packer_id=floor["packer"].id,
    )


def hand_over(floor):
    shipping.hand_over(
        warehouse_id=floor["warehouse"].id, carrier_id=floor["carriers"]["DHL"].id
    )
    db.session.expire_all()


def test_one_product_on_two_lines_adds_up_after_a_unit_missing_at_the_bench(floor):
    payload = order_payload(
        "SHOP-2L",
        lines=[{"sku": "CUP", "quantity": 2, "unit_price": "5.00"}] * 2,
    )
    orders.receive_order(OrderIn.model_validate(payload))
    release(floor["warehouse"], order_by_external_id("SHOP-2L"))
    pick_everything(claim(floor).id, floor["picker"].id)
    parcel = at_bench(floor, "SHOP-2L")
    missing(floor, parcel, 1)
    pack(floor, parcel, 3, "00340434161094000199")
    hand_over(floor)

    body = floor["shop"].get("/api/v1/orders/SHOP-2L").get_json()
    figures = [
        (ln["state"], ln["quantities"]["shipped"], ln["quantities"]["allocated"])
        for ln in body["lines"]
    ]
    # the missing cup was the first line's: it follows, allocated from the bins
    assert figures == [("partially_shipped", 1, 1), ("shipped", 2, 0)]
    (shipped,) = sent("shipment.shipped")
    assert all(ln["shipped"] <= ln["quantity"] for ln in shipped["shipment"]["lines"])


def test_every_unit_missing_at_the_bench_cancels_the_empty_shipment(floor, loc):
    order("SHOP-M", {"CUP": 2})
    release(floor["warehouse"], order_by_external_id("SHOP-M"))
    pick_everything(claim(floor).id, floor["picker"].id)

    assert missing(floor, at_bench(floor, "SHOP-M"), 2) is None  # the empty parcel went

    db.session.expire_all()
    first, backorder = order_by_external_id("SHOP-M").shipments
    assert (first.status, backorder.status) == (S.CANCELLED, S.ALLOCATED)
    waves.release(warehouse_id=floor["warehouse"].id, shipment_ids=[backorder.id])
    pick_everything(claim(floor).id, floor["picker"].id)
    parcel = at_bench(floor, "SHOP-M")
    assert parcel.shipment_id == backorder.id
    pack(floor, parcel, 2, "00340434161094000188")
    hand_over(floor)
    line = api_line(floor, "SHOP-M")
    assert (line["state"], line["quantities"]["shipped"]) == ("shipped", 2)
    assert order_by_external_id("SHOP-M").status == "shipped"
    assert_ledger_balanced()


def test_a_unit_missing_after_the_first_parcel_closed_lets_the_shipment_ship(floor):
    order("SHOP-P", {"CUP": 3})
    release(floor["warehouse"], order_by_external_id("SHOP-P"))
    pick_everything(claim(floor).id, floor["picker"].id)
    pack(floor, at_bench(floor, "SHOP-P"), 2, "00340434161094000177")
    first = order_by_external_id("SHOP-P").shipments[0]
    second = packing.new_parcel(first.id, packer_id=floor["packer"].id)

    missing(floor, second, 1)  # the third cup is not at the bench

    db.session.expire_all()
    assert db.session.get(Shipment, first.id).status == S.PACKED
    hand_over(floor)
    assert db.session.get(Shipment, first.id).status == S.SHIPPED
    assert len(sent("shipment.shipped")) == 1
    line = api_line(floor, "SHOP-P")
    q = line["quantities"]
    assert (q["shipped"], q["short"], q["allocated"], q["cancelled"]) == (2, 1, 1, 0)


def test_calling_back_a_partly_stocked_backorder_frees_its_stock(floor, loc):
    order("SHOP-9", {"CUP": 8})
    release(floor["warehouse"], order_by_external_id("SHOP-9"))
    pick_list = claim(floor)
    picker = floor["picker"].id
    picking.scan(pick_list.id, picker_id=picker, scan_id=scan_id(), code="A-01-1-A")
    picking.short_pick(pick_list.id, picker_id=picker, scan_id=scan_id(), found=6)
    pick_everything(pick_list.id, picker)
    inventory.receive(  # one of the two missing cups arrives elsewhere
        product_id=floor["cup"].id, location_id=loc("A-01-2-A"), qty=1, key="in-1"
    )
    db.session.expire_all()
    backorder = order_by_external_id("SHOP-9").shipments[1]
    assert (backorder.status, backorder.lines[0].reserved) == (S.BACKORDERED, 1)

    change = shorts.choose_policy(
        order_by_external_id("SHOP-9").id, "ship_partial_cancel_rest", actor_id=None
    )

    assert change.cancelled == 2
    db.session.expire_all()
    assert db.session.get(Shipment, backorder.id).status == S.CANCELLED
    held = db.session.scalar(sa.select(sa.func.sum(Reservation.qty)))
    assert not held  # the arrived cup is free again, for any order
    assert_ledger_balanced()


def test_cancel_instead_cancels_a_shipment_of_which_nothing_was_found(floor):
    order("SHOP-E", {"CUP": 2})
    release(floor["warehouse"], order_by_external_id("SHOP-E"))
    pick_list = claim(floor)
    picker = floor["picker"].id
    picking.scan(pick_list.id, picker_id=picker, scan_id=scan_id(), code="A-01-1-A")
    picking.short_pick(pick_list.id, picker_id=picker, scan_id=scan_id(), found=0)
    db.session.expire_all()
    # the bin waits for its count, so its other six cups are not drawn on
    assert order_by_external_id("SHOP-E").shipments[0].status == S.BACKORDERED

    shorts.choose_policy(
        order_by_external_id("SHOP-E").id, "ship_partial_cancel_rest", actor_id=None
    )

    line = api_line(floor, "SHOP-E")
    assert (line["state"], line["quantities"]["cancelled"]) == ("cancelled", 2)


def test_the_bench_tells_what_the_manager_decided_last(floor, client, login):
    pick_with_one_missing(floor)
    shorts.choose_policy(
        order_by_external_id("SHOP-8").id, "ship_partial_cancel_rest", actor_id=None
    )
    login("packer")

    page = client.get(f"/pack/parcels/{at_bench(floor, 'SHOP-8').id}").get_data(
        as_text=True
    )

    assert "7 of 8 · 1 short" in page
    assert "cancelled: the order ships without it" in page
    assert "follows in a later parcel" not in page


def test_an_order_the_shop_cancelled_stays_cancelled(floor):
    floor["app"].config["SHORT_PICK_POLICY"] = "ship_partial_cancel_rest"
    order("SHOP-Z", {"CUP": 2})
    release(floor["warehouse"], order_by_external_id("SHOP-Z"))
    pick_list = claim(floor)
    picker = floor["picker"].id
    picking.scan(pick_list.id, picker_id=picker, scan_id=scan_id(), code="A-01-1-A")
    picking.short_pick(pick_list.id, picker_id=picker, scan_id=scan_id(), found=0)
    assert (
        floor["shop"].post("/api/v1/orders/SHOP-Z/cancel", json={}).status_code == 200
    )

    with pytest.raises(OrderCancelled):
        shorts.choose_policy(
            order_by_external_id("SHOP-Z").id, "backorder", actor_id=None
        )
    db.session.expire_all()
    assert order_by_external_id("SHOP-Z").status == "cancelled"


def test_the_shop_cancels_the_rest_that_waits_after_a_partial_shipment(floor):
    pick_with_one_missing(floor)
    pack_and_ship(floor)

    response = floor["shop"].post("/api/v1/orders/SHOP-8/cancel", json={})

    assert response.status_code == 200
    line = api_line(floor)
    assert line["state"] == "shipped"
    assert (line["quantities"]["shipped"], line["quantities"]["cancelled"]) == (7, 1)
    assert order_by_external_id("SHOP-8").status == "shipped"


def test_a_bin_waiting_for_its_count_feeds_nobody_until_counted(floor):
    order("SHOP-N", {"CUP": 2})  # 8 on the books in A-01-1-A
    release(floor["warehouse"], order_by_external_id("SHOP-N"))
    pick_list = claim(floor)
    picker = floor["picker"].id
    picking.scan(pick_list.id, picker_id=picker, scan_id=scan_id(), code="A-01-1-A")
    picking.short_pick(pick_list.id, picker_id=picker, scan_id=scan_id(), found=0)
    order("SHOP-O", {"CUP": 1})  # a new order cannot be sent to that bin either
    db.session.expire_all()
    assert order_by_external_id("SHOP-N").shipments[0].status == S.BACKORDERED
    assert order_by_external_id("SHOP-O").status == "backordered"
    count = db.session.scalars(
        sa.select(PickException).where(PickException.kind == ExceptionKind.COUNT)
    ).one()

    # the counter finds what the books say: nothing to book, and the bin is back
    counts.count_bin(
        location_id=count.location_id,
        product_id=count.product_id,
        counted={"": 6},
        key="count-1",
    )

    db.session.expire_all()
    assert order_by_external_id("SHOP-N").shipments[0].status == S.ALLOCATED
    assert order_by_external_id("SHOP-O").status == "allocated"
    assert_ledger_balanced()


def test_units_taken_out_of_a_parcel_are_still_to_pack(floor):
    order("SHOP-BIG", {"CUP": 8})
    release(floor["warehouse"], order_by_external_id("SHOP-BIG"))
    pick_everything(claim(floor).id, floor["picker"].id)
    parcel = at_bench(floor, "SHOP-BIG")
    cup = floor["cup"].barcode
    packer = floor["packer"].id

    packing.scan_item(parcel.id, code=cup, packer_id=packer, scan_id=scan_id(), qty=8)
    packing.take_out(
        parcel.id, product_id=floor["cup"].id, qty=3, packer_id=packer, scan_id="o-1"
    )
    packing.take_out(  # the same tap again changes nothing
        parcel.id, product_id=floor["cup"].id, qty=3, packer_id=packer, scan_id="o-1"
    )

    db.session.expire_all()
    assert db.session.get(type(parcel), parcel.id).units == 5
    assert packing.remaining(db.session, parcel.shipment)[floor["cup"].id] == 3


def test_units_that_fit_no_box_with_the_rest_go_into_the_next_parcel(floor, loc):
    # a box catalogue of one small box: 200×150×100 mm (3 l), 5 kg
    for code in ("M", "L"):
        box = floor["boxes"][code]
        shipping.define_box(
            code=code,
            inner_mm=(box.length_mm, box.width_mm, box.height_mm),
            max_weight_g=box.max_weight_g,
            tare_g=box.tare_g,
            active=False,
        )
    order("SHOP-S", {"CUP": 4})
    release(floor["warehouse"], order_by_external_id("SHOP-S"))
    pick_everything(claim(floor).id, floor["picker"].id)
    parcel = at_bench(floor, "SHOP-S")
    cup, packer = floor["cup"].barcode, floor["packer"].id
    packing.scan_item(parcel.id, code=cup, packer_id=packer, scan_id=scan_id(), qty=3)

    with pytest.raises(ParcelFull, match="close it and pack them into the next one"):
        packing.scan_item(parcel.id, code=cup, packer_id=packer, scan_id=scan_id())

    packing.weigh(parcel.id, box_id=floor["boxes"]["S"].id, weight_g=1030)
    packing.close_parcel(
        parcel.id,
        carrier_id=floor["carriers"]["DHL"].id,
        tracking_number="JJD-S-1",
        packer_id=packer,
    )
    second = packing.new_parcel(parcel.shipment_id, packer_id=packer)
    packing.scan_item(second.id, code=cup, packer_id=packer, scan_id=scan_id())
    db.session.expire_all()
    assert not any(packing.remaining(db.session, second.shipment).values())
