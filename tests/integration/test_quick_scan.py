"""Right scans are written as rows (services/quick_scan.py); everything else takes the
full path. Both must leave exactly the same books: the same list picked twice, once
each way, ends in the same ledger, balances, tasks, scan log and order events."""

import pytest
import sqlalchemy as sa

from fulfil.extensions import db
from fulfil.models import (
    Event,
    PickList,
    PickScan,
    PickTask,
    Reservation,
    Stock,
    StockMove,
)
from fulfil.queries.picking import pick_screen
from fulfil.services import picking, quick_scan
from tests.conftest import assert_ledger_balanced
from tests.picking_floor import lay_out, order, release, scan_id, stock


def pick_list_of(warehouse, loc, make_product, make_user, prefix: str):
    """A cart of two orders over three bins, the same each time but for names."""
    mug = make_product(f"{prefix}MUG")
    tea = make_product(f"{prefix}TEA")
    stock(mug, loc, {"A-01-1-A": 3, "B-02-2-A": 4})
    stock(tea, loc, {"A-01-2-A": 5})
    first = order(f"{prefix}-1", {mug.sku: 4, tea.sku: 2})
    second = order(f"{prefix}-2", {tea.sku: 1})
    (released,) = release(warehouse, first, second)
    picker = make_user("picker")
    picking.claim_next(picker_id=picker.id, warehouse_id=warehouse.id)
    return released.id, picker.id, {mug.id: mug, tea.id: tea}


def pick_through(pick_list_id: int, picker_id: int) -> None:
    """Bin, then each unit, with a wrong bin and a repeated bin label on the way."""
    first = True
    while True:
        db.session.expire_all()
        task = picking.current_task(db.session.get(PickList, pick_list_id))
        if task is None:
            return
        if first:  # a wrong bin: refused either way
            refused = picking.scan(
                pick_list_id, picker_id=picker_id, scan_id=scan_id(), code="NOT-A-BIN"
            )
            assert not refused.accepted
            first = False
        labels = [] if task.at_location else [task.location.code] * 2  # twice: same
        for code in labels:
            assert picking.scan(
                pick_list_id, picker_id=picker_id, scan_id=scan_id(), code=code
            ).accepted
        for _ in range(task.remaining):
            outcome = picking.scan(
                pick_list_id,
                picker_id=picker_id,
                scan_id=scan_id(),
                code=task.product.barcode,
            )
            assert outcome.accepted, outcome.message


def place(location) -> str:
    """A bin by its code; the totes (numbered as they are taken) all alike."""
    return "tote" if location.kind.value == "tote" else location.code


def books(pick_list_id: int, products: dict) -> dict:
    """What the pick left behind, without ids, names and times."""
    db.session.expire_all()
    sku = {pid: p.sku[-3:] for pid, p in products.items()}
    tasks = db.session.scalars(
        sa.select(PickTask).where(PickTask.pick_list_id == pick_list_id)
    ).all()
    task_ids = [t.id for t in tasks]
    moves = db.session.scalars(
        sa.select(StockMove)
        .where(StockMove.product_id.in_(list(products)))
        .order_by(StockMove.id)
    ).all()
    return {
        "moves": [
            (sku[m.product_id], m.qty, place(m.from_location), place(m.to_location))
            + (m.reason, m.actor_id is not None)
            for m in moves
        ],
        "stock": sorted(
            (sku[s.product_id], place(s.location), s.on_hand, s.reserved)
            for s in db.session.scalars(
                sa.select(Stock).where(Stock.product_id.in_(list(products)))
            )
        ),
        "reserved": sorted(
            r.qty
            for r in db.session.scalars(
                sa.select(Reservation).where(
                    Reservation.id.in_([t.reservation_id for t in tasks])
                )
            )
        ),
        "tasks": sorted(
            (t.sequence, t.picked, t.short, t.status.value, t.at_location)
            for t in tasks
        ),
        "scans": [
            (s.kind.value, s.qty, s.accepted, bool(s.message))
            for s in db.session.scalars(
                sa.select(PickScan)
                .where(PickScan.pick_list_id == pick_list_id)
                .order_by(PickScan.id)
            )
        ],
        "events": sorted(
            (e.action, e.data.get("qty"), e.data.get("location"))
            for e in db.session.scalars(
                sa.select(Event).where(Event.action == "pick.confirmed")
            )
            if e.data.get("pick_list") == pick_list_id
        ),
        "status": db.session.get(PickList, pick_list_id).status.value,
        "task_count": len(task_ids),
    }


@pytest.fixture
def floor(warehouse):
    lay_out(warehouse)
    return warehouse


def test_right_scans_leave_the_same_books_written_as_rows_or_as_objects(
    floor, loc, make_product, make_user, monkeypatch
):
    quick_list, quick_picker, quick_products = pick_list_of(
        floor, loc, make_product, make_user, "Q"
    )
    pick_through(quick_list, quick_picker)
    written_as_rows = books(quick_list, quick_products)

    monkeypatch.setattr(quick_scan, "accept", lambda *args, **kwargs: None)
    full_list, full_picker, full_products = pick_list_of(
        floor, loc, make_product, make_user, "F"
    )
    pick_through(full_list, full_picker)

    assert books(full_list, full_products) == written_as_rows
    assert written_as_rows["status"] == "done"
    assert_ledger_balanced()


def test_a_scan_the_quick_path_records_is_not_recorded_again(
    floor, loc, make_product, make_user
):
    pick_list_id, picker_id, _ = pick_list_of(floor, loc, make_product, make_user, "R")
    db.session.expire_all()
    task = picking.current_task(db.session.get(PickList, pick_list_id))
    same = scan_id()

    first = picking.scan(
        pick_list_id, picker_id=picker_id, scan_id=same, code=task.location.code
    )
    again = picking.scan(
        pick_list_id, picker_id=picker_id, scan_id=same, code=task.location.code
    )

    assert first.accepted and not first.replayed
    assert again.accepted and again.replayed
    assert (
        db.session.scalar(
            sa.select(sa.func.count(PickScan.id)).where(PickScan.scan_id == same)
        )
        == 1
    )


def test_the_screen_a_quick_scan_answers_with_is_the_screen_the_list_shows(
    floor, loc, make_product, make_user
):
    pick_list_id, picker_id, _ = pick_list_of(floor, loc, make_product, make_user, "S")
    answered = 0
    while True:
        db.session.expire_all()
        task = picking.current_task(db.session.get(PickList, pick_list_id))
        if task is None:
            break
        codes = [] if task.at_location else [task.location.code]
        for code in codes + [task.product.barcode] * task.remaining:
            outcome = picking.scan(
                pick_list_id, picker_id=picker_id, scan_id=scan_id(), code=code
            )
            assert outcome.accepted, outcome.message
            if outcome.screen is not None:  # the last scan takes the full path
                answered += 1
                assert outcome.screen == pick_screen(pick_list_id)

    assert answered >= 8
