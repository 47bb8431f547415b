"""Waves, claiming and the scan flow through the services, on SQLite and PostgreSQL.

Each test checks what a picker or manager would: which list they get, what a scan
does to the task, and what the ledger and the order lines say afterwards.
"""

import pytest
import sqlalchemy as sa

from fulfil.domain.states import ShipmentStatus
from fulfil.errors import NotReleasable, NotYourList
from fulfil.extensions import db
from fulfil.models import (
    ExceptionKind,
    PickException,
    PickList,
    PickListStatus,
    PickScan,
    Stock,
    StockMove,
    TaskStatus,
)
from fulfil.queries.orders import order_by_external_id
from fulfil.services import picking
from tests.conftest import assert_ledger_balanced
from tests.picking_floor import lay_out, order, release, scan_id, stock


@pytest.fixture
def floor(warehouse, loc, make_product, make_user):
    lay_out(warehouse)
    mug, tea = make_product("MUG"), make_product("TEA")
    stock(mug, loc, {"A-01-1-A": 3, "B-02-2-A": 5})
    stock(tea, loc, {"A-01-2-A": 4})
    picker = make_user("picker")
    return {"mug": mug, "tea": tea, "picker": picker, "warehouse": warehouse}


def on_hand(product, loc_id) -> int:
    return db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(Stock.on_hand), 0)).where(
            Stock.product_id == product.id, Stock.location_id == loc_id
        )
    )


def claim(floor, picker=None):
    return picking.claim_next(
        picker_id=(picker or floor["picker"]).id, warehouse_id=floor["warehouse"].id
    )


def task_now(pick_list_id):
    db.session.expire_all()
    return picking.current_task(db.session.get(PickList, pick_list_id))


def pick_all(pick_list_id, picker):
    """Scan every task to the end, the way a picker would: bin, then each unit."""
    while (task := task_now(pick_list_id)) is not None:
        code, barcode = task.location.code, task.product.barcode
        if not task.at_location:
            assert picking.scan(
                pick_list_id, picker_id=picker.id, scan_id=scan_id(), code=code
            ).accepted
        for _ in range(task.remaining):
            outcome = picking.scan(
                pick_list_id, picker_id=picker.id, scan_id=scan_id(), code=barcode
            )
            assert outcome.accepted, outcome.message


def test_a_wave_batches_orders_onto_one_cart_in_walking_order(floor, loc):
    first = order("SHOP-1", {"MUG": 1, "TEA": 2})
    second = order("SHOP-2", {"MUG": 2})

    (released,) = release(floor["warehouse"], first, second)

    db.session.expire_all()
    pick_list = db.session.get(PickList, released.id)
    assert [slot.shipment.order.external_id for slot in pick_list.slots] == [
        "SHOP-1",
        "SHOP-2",
    ]
    route = [task.location.code for task in pick_list.tasks]
    assert route == ["A-01-1-A", "A-01-1-A", "A-01-2-A"]  # nearest the depot first
    assert pick_list.planned_distance_m > 0
    db.session.expire_all()
    assert order_by_external_id("SHOP-1").shipments[0].status == ShipmentStatus.PICKING


def test_urgent_orders_get_a_list_each_and_are_claimed_first(floor):
    calm = order("SHOP-1", {"TEA": 1})
    rush = order("SHOP-2", {"TEA": 1})
    lists = release(floor["warehouse"], calm, rush, urgent=(rush,))

    assert len(lists) == 2
    claimed = claim(floor)
    assert claimed.urgent
    assert claimed.slots[0].shipment.order.external_id == "SHOP-2"


def test_only_allocated_shipments_can_be_released(floor):
    placed = order("SHOP-1", {"MUG": 1})
    release(floor["warehouse"], placed)
    with pytest.raises(NotReleasable, match="SHOP-1"):
        release(floor["warehouse"], placed)


def test_a_picker_resumes_their_own_list_and_two_pickers_never_share(floor, make_user):
    release(floor["warehouse"], order("SHOP-1", {"MUG": 1}))
    release(floor["warehouse"], order("SHOP-2", {"TEA": 1}))
    other = make_user("picker")

    mine = claim(floor)
    theirs = claim(floor, other)
    assert mine.id != theirs.id
    assert claim(floor).id == mine.id  # after a reload, or on another device
    assert claim(floor, make_user("picker")) is None  # nothing left to pick


def test_picking_a_list_moves_units_bin_to_tote_to_packing(floor, loc):
    placed = order("SHOP-1", {"MUG": 2, "TEA": 1})
    release(floor["warehouse"], placed)
    pick_list = claim(floor)
    picker = floor["picker"]

    pick_all(pick_list.id, picker)

    db.session.expire_all()
    pick_list = db.session.get(PickList, pick_list.id)
    assert pick_list.status == PickListStatus.DONE
    assert order_by_external_id("SHOP-1").shipments[0].status == ShipmentStatus.PICKED
    assert on_hand(floor["mug"], loc("A-01-1-A")) == 1
    assert on_hand(floor["mug"], loc("PACK-01")) == 2
    assert on_hand(floor["tea"], loc("PACK-01")) == 1
    picks = db.session.scalars(
        sa.select(StockMove).where(StockMove.reason == "pick")
    ).all()
    assert {m.actor_id for m in picks} == {picker.id}
    assert sum(m.qty for m in picks) == 3
    assert all(m.to_location.kind == "tote" for m in picks)
    assert_ledger_balanced()


def test_wrong_scans_are_refused_and_change_nothing(floor, loc):
    release(floor["warehouse"], order("SHOP-1", {"MUG": 1}))
    pick_list = claim(floor)
    picker = floor["picker"]
    moves_before = db.session.scalar(sa.select(sa.func.count(StockMove.id)))

    before_bin = picking.scan(
        pick_list.id, picker_id=picker.id, scan_id=scan_id(), code=floor["mug"].barcode
    )
    wrong_bin = picking.scan(
        pick_list.id, picker_id=picker.id, scan_id=scan_id(), code="A-01-2-A"
    )
    unknown = picking.scan(
        pick_list.id, picker_id=picker.id, scan_id=scan_id(), code="NOT-A-CODE"
    )

    assert not before_bin.accepted and "A-01-1-A" in before_bin.message
    assert not wrong_bin.accepted and "Wrong bin" in wrong_bin.message
    assert not unknown.accepted
    task = task_now(pick_list.id)
    assert (task.at_location, task.picked) == (False, 0)
    assert db.session.scalar(sa.select(sa.func.count(StockMove.id))) == moves_before

    picking.scan(pick_list.id, picker_id=picker.id, scan_id=scan_id(), code="A-01-1-A")
    wrong_product = picking.scan(
        pick_list.id, picker_id=picker.id, scan_id=scan_id(), code=floor["tea"].barcode
    )
    too_many = picking.scan(
        pick_list.id,
        picker_id=picker.id,
        scan_id=scan_id(),
        code=floor["mug"].barcode,
        qty=5,
    )
    assert not wrong_product.accepted and "Wrong product" in wrong_product.message
    assert not too_many.accepted and "Only 1 left" in too_many.message
    assert task_now(pick_list.id).picked == 0
    refused = db.session.scalar(
        sa.select(sa.func.count(PickScan.id)).where(PickScan.accepted.is_(False))
    )
    assert refused == 5  # each one counts as a wrong scan caught


def test_a_scan_sent_twice_and_out_of_order_counts_once(floor, loc):
    release(floor["warehouse"], order("SHOP-1", {"MUG": 3}))
    pick_list = claim(floor)
    picker, barcode = floor["picker"], floor["mug"].barcode
    picking.scan(pick_list.id, picker_id=picker.id, scan_id=scan_id(), code="A-01-1-A")
    first, second = scan_id(), scan_id()

    picking.scan(pick_list.id, picker_id=picker.id, scan_id=second, code=barcode)
    picking.scan(pick_list.id, picker_id=picker.id, scan_id=first, code=barcode)
    again = picking.scan(
        pick_list.id, picker_id=picker.id, scan_id=second, code=barcode
    )

    assert again.replayed and again.accepted
    assert task_now(pick_list.id).picked == 2
    assert on_hand(floor["mug"], loc("A-01-1-A")) == 1


def test_a_keyed_quantity_picks_several_units_at_once(floor, loc):
    release(floor["warehouse"], order("SHOP-1", {"TEA": 4}))
    pick_list = claim(floor)
    picker = floor["picker"]
    picking.scan(pick_list.id, picker_id=picker.id, scan_id=scan_id(), code="A-01-2-A")
    picking.scan(
        pick_list.id,
        picker_id=picker.id,
        scan_id=scan_id(),
        code=floor["tea"].barcode,
        qty=4,
    )
    db.session.expire_all()
    assert db.session.get(PickList, pick_list.id).status == PickListStatus.DONE


def test_a_short_pick_is_reallocated_from_another_bin_in_route_order(floor, loc):
    release(floor["warehouse"], order("SHOP-1", {"MUG": 3}))
    pick_list = claim(floor)
    picker = floor["picker"]
    picking.scan(pick_list.id, picker_id=picker.id, scan_id=scan_id(), code="A-01-1-A")

    outcome = picking.short_pick(
        pick_list.id, picker_id=picker.id, scan_id=scan_id(), found=1
    )

    assert outcome.accepted
    db.session.expire_all()
    pick_list = db.session.get(PickList, pick_list.id)
    route = [(t.location.code, t.qty, t.short) for t in pick_list.tasks]
    assert route == [("A-01-1-A", 3, 2), ("B-02-2-A", 2, 0)]
    assert on_hand(floor["mug"], loc("A-01-1-A")) == 1  # two written off as missing
    kinds = db.session.scalars(sa.select(PickException.kind)).all()
    assert kinds == [ExceptionKind.COUNT]  # the bin is to be counted
    pick_all(pick_list.id, picker)
    db.session.expire_all()
    line = order_by_external_id("SHOP-1").lines[0]
    assert on_hand(floor["mug"], loc("PACK-01")) == 3
    assert line.qty == 3
    assert_ledger_balanced()


def test_a_short_pick_with_no_stock_left_goes_to_the_exceptions_queue(floor, loc):
    release(floor["warehouse"], order("SHOP-1", {"TEA": 2}))
    pick_list = claim(floor)
    picker = floor["picker"]
    picking.scan(pick_list.id, picker_id=picker.id, scan_id=scan_id(), code="A-01-2-A")

    picking.short_pick(
        pick_list.id, picker_id=picker.id, scan_id=scan_id(), found=0, damaged=True
    )

    db.session.expire_all()
    exceptions = {
        e.kind: e.qty for e in db.session.scalars(sa.select(PickException)).all()
    }
    assert exceptions == {ExceptionKind.DAMAGED: 2, ExceptionKind.SHORT: 2}
    assert db.session.get(PickList, pick_list.id).status == PickListStatus.DONE
    # nothing good was found: the order goes back to allocation instead of to the
    # bench; the bin's two units the picker did not need to look at take it (a bin
    # with units missing would wait for its count, a damaged one does not)
    shipment = order_by_external_id("SHOP-1").shipments[0]
    assert shipment.status == ShipmentStatus.ALLOCATED
    assert [r.stock.location.code for r in shipment.lines[0].reservations if r.qty] == [
        "A-01-2-A"
    ]
    scrapped = db.session.scalars(
        sa.select(StockMove).where(StockMove.reason == "damage")
    ).one()
    assert (scrapped.qty, scrapped.to_location.kind) == (2, "scrap")
    assert_ledger_balanced()


def test_skip_moves_a_task_to_the_end_and_undo_reverses_the_last_pick(floor, loc):
    release(floor["warehouse"], order("SHOP-1", {"MUG": 2, "TEA": 1}))
    pick_list = claim(floor)
    picker = floor["picker"]
    assert task_now(pick_list.id).location.code == "A-01-1-A"

    picking.skip(pick_list.id, picker_id=picker.id, scan_id=scan_id())
    assert task_now(pick_list.id).location.code == "A-01-2-A"

    picking.scan(pick_list.id, picker_id=picker.id, scan_id=scan_id(), code="A-01-2-A")
    picking.scan(
        pick_list.id, picker_id=picker.id, scan_id=scan_id(), code=floor["tea"].barcode
    )
    assert on_hand(floor["tea"], loc("A-01-2-A")) == 3
    undone = picking.undo(pick_list.id, picker_id=picker.id, scan_id=scan_id())

    assert undone.accepted
    assert on_hand(floor["tea"], loc("A-01-2-A")) == 4
    task = task_now(pick_list.id)
    assert (task.location.code, task.picked, task.status) == (
        "A-01-2-A",
        0,
        TaskStatus.OPEN,
    )
    log = db.session.scalars(
        sa.select(PickScan.kind)
        .where(PickScan.accepted.is_(True))
        .order_by(PickScan.id)
    ).all()
    assert log[-2:] == ["product", "undo"]  # the pick stays, reversed
    assert_ledger_balanced()


def test_nobody_scans_on_a_list_that_is_not_theirs(floor, make_user):
    release(floor["warehouse"], order("SHOP-1", {"MUG": 1}))
    pick_list = claim(floor)
    stranger = make_user("picker")
    with pytest.raises(NotYourList):
        picking.scan(
            pick_list.id, picker_id=stranger.id, scan_id=scan_id(), code="A-01-1-A"
        )
    assert task_now(pick_list.id).at_location is False


def test_an_order_cancelled_during_picking_leaves_the_list(floor, loc):
    from fulfil.services import orders

    release(
        floor["warehouse"], order("SHOP-1", {"MUG": 1}), order("SHOP-2", {"TEA": 1})
    )
    pick_list = claim(floor)
    picker = floor["picker"]

    orders.cancel_order("SHOP-1", reason="customer changed their mind")

    assert task_now(pick_list.id).product.sku == "TEA"
    pick_all(pick_list.id, picker)
    db.session.expire_all()
    assert db.session.get(PickList, pick_list.id).status == PickListStatus.DONE
    assert order_by_external_id("SHOP-1").status.value == "cancelled"
    assert order_by_external_id("SHOP-2").status.value == "picked"
    assert on_hand(floor["mug"], loc("A-01-1-A")) == 3  # never taken
    assert_ledger_balanced()


def test_undo_never_reopens_a_cancelled_orders_task(floor, loc):
    from fulfil.services import orders

    release(
        floor["warehouse"], order("SHOP-1", {"MUG": 2}), order("SHOP-2", {"TEA": 1})
    )
    pick_list = claim(floor)
    picker = floor["picker"]
    picking.scan(pick_list.id, picker_id=picker.id, scan_id=scan_id(), code="A-01-1-A")
    picking.scan(
        pick_list.id, picker_id=picker.id, scan_id=scan_id(), code=floor["mug"].barcode
    )
    orders.cancel_order("SHOP-1")
    reserved_before = db.session.scalar(sa.select(sa.func.sum(Stock.reserved)))

    outcome = picking.undo(pick_list.id, picker_id=picker.id, scan_id=scan_id())

    assert not outcome.accepted and "no pick to undo" in outcome.message
    assert task_now(pick_list.id).product.sku == "TEA"
    assert db.session.scalar(sa.select(sa.func.sum(Stock.reserved))) == reserved_before


def test_the_picker_walks_the_routers_shortest_tour(floor, loc, make_product):
    from fulfil.routing import Stop, tour_length, walking_order
    from fulfil.services.waves import packing_area, warehouse_layout

    jam = make_product("JAM")
    stock(jam, loc, {"B-02-1-A": 3})
    release(floor["warehouse"], order("SHOP-1", {"JAM": 3, "MUG": 1, "TEA": 1}))
    pick_list = claim(floor)
    picker = floor["picker"]

    walked = []
    while (task := task_now(pick_list.id)) is not None:
        walked.append(task.location.code)
        code, barcode, units = task.location.code, task.product.barcode, task.remaining
        picking.scan(pick_list.id, picker_id=picker.id, scan_id=scan_id(), code=code)
        picking.scan(
            pick_list.id,
            picker_id=picker.id,
            scan_id=scan_id(),
            code=barcode,
            qty=units,
        )

    session = db.session()
    depot = packing_area(session, floor["warehouse"].id)
    home, aisles = (
        (depot.x, depot.y),
        warehouse_layout(session, floor["warehouse"].id, depot),
    )
    pick_list = session.get(PickList, pick_list.id)
    tasks = sorted(pick_list.tasks, key=lambda t: t.sequence)
    assert walked == [t.location.code for t in tasks]
    stops = [Stop(t.location.x, t.location.y, t.location.aisle) for t in tasks]
    shortest = [stops[i] for i in walking_order(stops, home, aisles)]
    assert tour_length(stops, home, aisles) == pytest.approx(
        tour_length(shortest, home, aisles)
    )
    assert pick_list.planned_distance_m == pytest.approx(
        tour_length(stops, home, aisles), abs=0.1
    )
