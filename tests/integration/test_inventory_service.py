"""The stock service: every change through the ledger, every refusal writes nothing."""

import datetime as dt

import pytest
import sqlalchemy as sa

from fulfil.errors import (
    IdempotencyConflict,
    InsufficientStock,
    InvalidInput,
    LocationNotStockable,
    LotNotAllowed,
    LotRequired,
    NotReceivable,
    ReservationExceeded,
    SerialAlreadyInStock,
)
from fulfil.extensions import db
from fulfil.models import Location, Lot, Stock, StockMove
from fulfil.services import inventory, unit_of_work
from tests.conftest import assert_ledger_balanced, row_counts


def on_hand(product, location_id, lot=""):
    stock = db.session.execute(
        sa.select(Stock).where(
            Stock.product_id == product.id,
            Stock.location_id == location_id,
            Stock.lot == lot,
        )
    ).scalar_one_or_none()
    return (stock.on_hand, stock.reserved) if stock else (0, 0)


def receive(product, location_id, qty, key, **kw):
    return inventory.receive(
        product_id=product.id, location_id=location_id, qty=qty, key=key, **kw
    )


def test_receiving_books_units_in_from_the_supplier(make_product, loc):
    product = make_product()

    move = receive(product, loc("RECV-01"), 12, "r-1", reference="PO-77")

    assert on_hand(product, loc("RECV-01")) == (12, 0)
    assert move.from_location.code == "@SUPPLIER"
    assert move.reference == "PO-77"
    assert_ledger_balanced()


@pytest.mark.parametrize("code", ["A-01-1-A", "A-01-3-C", "RECV-01"])
def test_goods_are_booked_in_to_storage_and_receiving_bins(make_product, loc, code):
    product = make_product()

    receive(product, loc(code), 2, "r-1")

    assert on_hand(product, loc(code)) == (2, 0)


@pytest.mark.parametrize("code", ["PACK-01", "@SUPPLIER", "@CUSTOMER", "@SCRAP"])
def test_goods_are_never_booked_in_to_the_packing_area_or_a_virtual_location(
    make_product, loc, code
):
    product = make_product()
    before = row_counts()

    with pytest.raises(NotReceivable) as refused:
        receive(product, loc(code), 2, "r-1")

    assert "Book deliveries into a receiving or storage bin." in str(refused.value)
    assert row_counts() == before


def test_putaway_moves_units_between_bins(make_product, loc):
    product = make_product()
    receive(product, loc("RECV-01"), 10, "r-1")

    inventory.move(
        product_id=product.id,
        from_location_id=loc("RECV-01"),
        to_location_id=loc("A-01-1-A"),
        qty=7,
        key="m-1",
    )

    assert on_hand(product, loc("RECV-01")) == (3, 0)
    assert on_hand(product, loc("A-01-1-A")) == (7, 0)
    assert_ledger_balanced()


def test_moving_more_than_is_there_is_refused_and_changes_nothing(make_product, loc):
    product = make_product()
    receive(product, loc("RECV-01"), 2, "r-1")
    before = row_counts()

    with pytest.raises(InsufficientStock) as refusal:
        inventory.move(
            product_id=product.id,
            from_location_id=loc("RECV-01"),
            to_location_id=loc("A-01-1-A"),
            qty=3,
            key="m-1",
        )

    assert "Only 2" in str(refusal.value)
    assert row_counts() == before
    assert on_hand(product, loc("RECV-01")) == (2, 0)


def test_replaying_a_key_applies_once(make_product, loc):
    product = make_product()

    first = receive(product, loc("RECV-01"), 5, "scan-1")
    second = receive(product, loc("RECV-01"), 5, "scan-1")

    assert first.id == second.id
    assert on_hand(product, loc("RECV-01")) == (5, 0)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(StockMove)) == 1


def test_reusing_a_key_for_another_operation_is_a_conflict(make_product, loc):
    product = make_product()
    receive(product, loc("RECV-01"), 5, "scan-1")

    with pytest.raises(IdempotencyConflict):
        receive(product, loc("RECV-01"), 6, "scan-1")

    assert on_hand(product, loc("RECV-01")) == (5, 0)


def test_adjustments_go_through_the_loss_and_scrap_locations(make_product, loc):
    product = make_product()
    inventory.adjust(
        product_id=product.id,
        location_id=loc("A-01-1-A"),
        qty_delta=10,
        reason="opening",
        key="a-1",
    )
    found_missing = inventory.adjust(
        product_id=product.id,
        location_id=loc("A-01-1-A"),
        qty_delta=-2,
        reason="count",
        key="a-2",
    )
    broken = inventory.adjust(
        product_id=product.id,
        location_id=loc("A-01-1-A"),
        qty_delta=-1,
        reason="damage",
        key="a-3",
    )

    assert on_hand(product, loc("A-01-1-A")) == (7, 0)
    assert found_missing.to_location.code == "@INVENTORY_LOSS"
    assert broken.to_location.code == "@SCRAP"
    assert_ledger_balanced()


def test_an_adjustment_cannot_take_stock_below_zero(make_product, loc):
    product = make_product()
    inventory.adjust(
        product_id=product.id,
        location_id=loc("A-01-1-A"),
        qty_delta=1,
        reason="opening",
        key="a-1",
    )

    with pytest.raises(InsufficientStock):
        inventory.adjust(
            product_id=product.id,
            location_id=loc("A-01-1-A"),
            qty_delta=-2,
            reason="count",
            key="a-2",
        )

    assert on_hand(product, loc("A-01-1-A")) == (1, 0)


@pytest.mark.parametrize("qty", [0, -3, 1.5, True])
def test_a_quantity_must_be_a_positive_whole_number(make_product, loc, qty):
    product = make_product()

    with pytest.raises(InvalidInput):
        receive(product, loc("RECV-01"), qty, "r-1")

    assert row_counts()["stock_moves"] == 0


def test_reserved_units_cannot_be_moved_away(make_product, loc):
    product = make_product()
    receive(product, loc("A-01-1-A"), 4, "r-1")
    inventory.reserve(
        product_id=product.id,
        location_id=loc("A-01-1-A"),
        qty=3,
        key="res-1",
        reference="order:1",
    )

    with pytest.raises(InsufficientStock):
        inventory.move(
            product_id=product.id,
            from_location_id=loc("A-01-1-A"),
            to_location_id=loc("A-01-2-A"),
            qty=2,
            key="m-1",
        )

    assert on_hand(product, loc("A-01-1-A")) == (4, 3)


def test_reserving_more_than_is_available_is_refused(make_product, loc):
    product = make_product()
    receive(product, loc("A-01-1-A"), 4, "r-1")
    inventory.reserve(
        product_id=product.id, location_id=loc("A-01-1-A"), qty=3, key="res-1"
    )
    before = row_counts()

    with pytest.raises(InsufficientStock):
        inventory.reserve(
            product_id=product.id, location_id=loc("A-01-1-A"), qty=2, key="res-2"
        )

    assert row_counts() == before


def test_release_returns_units_and_is_safe_to_replay(make_product, loc):
    product = make_product()
    receive(product, loc("A-01-1-A"), 4, "r-1")
    held = inventory.reserve(
        product_id=product.id, location_id=loc("A-01-1-A"), qty=3, key="res-1"
    )

    inventory.release(reservation_id=held.id, qty=2, key="rel-1")
    inventory.release(reservation_id=held.id, qty=2, key="rel-1")

    assert on_hand(product, loc("A-01-1-A")) == (4, 1)
    with pytest.raises(ReservationExceeded):
        inventory.release(reservation_id=held.id, qty=2, key="rel-2")
    assert_ledger_balanced()


def test_virtual_locations_hold_no_stock(make_product, loc, warehouse):
    from fulfil.queries.stock import location_by_code

    product = make_product()
    receive(product, loc("A-01-1-A"), 1, "r-1")
    scrap = location_by_code(warehouse.id, "@SCRAP")

    with pytest.raises(LocationNotStockable):
        inventory.move(
            product_id=product.id,
            from_location_id=loc("A-01-1-A"),
            to_location_id=scrap.id,
            qty=1,
            key="m-1",
        )


def test_lot_tracked_products_need_a_lot_and_remember_its_expiry(make_product, loc):
    honey = make_product(tracking="lot")
    plain = make_product()

    with pytest.raises(LotRequired):
        receive(honey, loc("RECV-01"), 5, "r-1")
    with pytest.raises(LotNotAllowed):
        receive(plain, loc("RECV-01"), 5, "r-2", lot="L1")
    receive(
        honey,
        loc("RECV-01"),
        5,
        "r-3",
        lot="L-2027-03",
        expires_on=dt.date(2027, 3, 31),
    )

    assert on_hand(honey, loc("RECV-01"), "L-2027-03") == (5, 0)
    lot = db.session.execute(sa.select(Lot).where(Lot.code == "L-2027-03")).scalar_one()
    assert lot.expires_on == dt.date(2027, 3, 31)


def test_a_serial_number_is_in_stock_at_most_once(make_product, loc):
    phone = make_product(tracking="serial")
    receive(phone, loc("RECV-01"), 1, "r-1", lot="SN-0001")

    with pytest.raises(SerialAlreadyInStock):
        receive(phone, loc("A-01-1-A"), 1, "r-2", lot="SN-0001")
    with pytest.raises(InvalidInput):
        receive(phone, loc("RECV-01"), 2, "r-3", lot="SN-0002")
    assert_ledger_balanced()


@pytest.mark.postgres
def test_two_clients_sending_the_same_scan_at_once_book_it_once(app, make_product, loc):
    """Row locks and the unique key: a concurrent replay loses the race and returns
    the winner's move instead of failing or booking twice."""
    import threading

    product, location_id = make_product(), loc("RECV-01")
    barrier, results = threading.Barrier(4), []

    def scan():
        with app.app_context():
            barrier.wait()
            results.append(receive(product, location_id, 3, "same-scan").id)
            db.session.remove()

    threads = [threading.Thread(target=scan) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(set(results)) == 1 and len(results) == 4
    assert on_hand(product, location_id) == (3, 0)
    assert_ledger_balanced()


@pytest.mark.postgres
def test_units_arriving_at_once_where_none_were_before_all_count(
    app, make_product, loc, warehouse
):
    """Lists reaching the packing area with the same product at the same moment,
    each from a bin of its own, all make its balance row there: one makes it, the
    others add to it."""
    from fulfil.models import Location, Product
    from fulfil.services import layout, unit_of_work
    from tests.integration.test_allocation_race import at_once

    product = make_product()
    bins = []
    for number in range(8):
        code = f"B-0{number}"
        layout.define_location(
            warehouse_id=warehouse.id, code=code, kind="pick_face", x=9, y=number
        )
        bins.append(loc(code))
        receive(product, bins[-1], 1, f"stock-up-{number}")
    product_id, packing = product.id, loc("PACK-01")  # threads keep off this session

    def bring_to_packing(i: int) -> None:  # as a finished pick list does, once
        with unit_of_work() as session:
            inventory.transfer(
                session,
                product=session.get(Product, product_id),
                qty=1,
                source=session.get(Location, bins[i]),
                destination=session.get(Location, packing),
                lot="",
                reason="to_packing",
                key=f"arrive-{i}",
                actor_id=None,
                reference="",
            )

    at_once(8, bring_to_packing)

    assert on_hand(product, packing) == (8, 0)
    assert_ledger_balanced()


def transfer_all(transfers):
    with unit_of_work() as session:
        inventory.transfer_rows(session, transfers, reason="to_packing", actor_id=None)


def to_packing(product, qty, source, key):
    return inventory.Transfer(
        product_id=product.id,
        qty=qty,
        source_id=source,
        destination_id=_packing(),
        lot="",
        key=key,
        reference="ORD-1",
    )


def _packing():
    return db.session.scalar(sa.select(Location.id).where(Location.code == "PACK-01"))


def test_many_transfers_at_once_move_every_unit_through_the_ledger(make_product, loc):
    shirt, mug = make_product(sku="SHIRT"), make_product(sku="MUG")
    receive(shirt, loc("A-01-1-A"), 5, "r-1")
    receive(mug, loc("A-01-2-A"), 3, "r-2")

    transfer_all(
        [
            to_packing(shirt, 2, loc("A-01-1-A"), "t-1"),
            to_packing(shirt, 1, loc("A-01-1-A"), "t-2"),  # the same bin again
            to_packing(mug, 3, loc("A-01-2-A"), "t-3"),
        ]
    )

    assert on_hand(shirt, loc("A-01-1-A")) == (2, 0)
    assert on_hand(mug, loc("A-01-2-A")) == (0, 0)
    assert on_hand(shirt, _packing()) == (3, 0)
    assert on_hand(mug, _packing()) == (3, 0)
    moves = db.session.scalars(
        sa.select(StockMove).where(StockMove.reason == "to_packing")
    ).all()
    assert sorted((m.key, m.qty) for m in moves) == [("t-1", 2), ("t-2", 1), ("t-3", 3)]
    assert_ledger_balanced()


def test_transfers_short_of_stock_are_refused_and_write_nothing(make_product, loc):
    shirt, mug = make_product(sku="SHIRT"), make_product(sku="MUG")
    receive(shirt, loc("A-01-1-A"), 5, "r-1")
    receive(mug, loc("A-01-2-A"), 3, "r-2")
    before = row_counts()

    with pytest.raises(InsufficientStock) as refusal:
        transfer_all(
            [
                to_packing(shirt, 2, loc("A-01-1-A"), "t-1"),
                to_packing(mug, 2, loc("A-01-2-A"), "t-2"),
                to_packing(mug, 2, loc("A-01-2-A"), "t-3"),  # 4 of the 3 there
            ]
        )

    assert "MUG" in str(refusal.value) and "A-01-2-A" in str(refusal.value)
    assert row_counts() == before
    assert on_hand(shirt, loc("A-01-1-A")) == (5, 0)
    assert_ledger_balanced()


def test_transfers_replayed_apply_once_and_a_reused_key_is_a_conflict(
    make_product, loc
):
    shirt = make_product(sku="SHIRT")
    receive(shirt, loc("A-01-1-A"), 5, "r-1")
    transfer_all([to_packing(shirt, 2, loc("A-01-1-A"), "t-1")])

    transfer_all([to_packing(shirt, 2, loc("A-01-1-A"), "t-1")])  # a replay
    with pytest.raises(IdempotencyConflict):
        transfer_all([to_packing(shirt, 3, loc("A-01-1-A"), "t-1")])

    assert on_hand(shirt, loc("A-01-1-A")) == (3, 0)
    assert on_hand(shirt, _packing()) == (2, 0)
    assert_ledger_balanced()
