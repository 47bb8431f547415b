"""Orders racing for the last units, on both databases: every unit is reserved once.

PostgreSQL queues the allocations on row locks (SELECT … FOR UPDATE on the candidate
balance rows); SQLite on its single write lock (BEGIN IMMEDIATE). Either way no unit is
reserved twice and none is lost. The SQLite run uses a database file, so every thread
has a connection of its own, as every request of a threaded server does.
"""

import threading

import sqlalchemy as sa
from flask import current_app

from fulfil.domain.states import OrderStatus
from fulfil.extensions import db
from fulfil.models import Order, Reservation, Stock
from fulfil.schemas import OrderIn
from fulfil.services import inventory, orders
from tests.conftest import ApiClient, assert_ledger_balanced, order_payload


def at_once(count: int, call) -> list:
    """Run `call(i)` in `count` threads released together; their results, in order.

    Each thread works in its own app context (its own session and connection) and
    gives the connection back, whatever happens."""
    app = current_app._get_current_object()
    db.session.rollback()  # the test's own read transaction would hold SQLite back
    barrier = threading.Barrier(count)
    results: list = [None] * count

    def run(i: int) -> None:
        with app.app_context():
            try:
                barrier.wait()
                results[i] = call(i)
            except Exception as error:  # asserted on below, in the test's thread
                results[i] = error
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a thread hung"
    failures = [r for r in results if isinstance(r, Exception)]
    assert not failures, failures
    return results


def stock_with(make_product, loc, units: dict[str, int]):
    """A product with `units` on hand per location code."""
    product = make_product()
    for number, (code, qty) in enumerate(units.items()):
        inventory.receive(
            product_id=product.id, location_id=loc(code), qty=qty, key=f"in-{number}"
        )
    return product


def assert_reservations_add_up(product_id: int, on_hand: int, reserved: int) -> None:
    """Balances hold the units the reservations say, within the CHECKs, for the
    product's every location; the ledger agrees."""
    db.session.rollback()  # read what the threads committed
    rows = db.session.scalars(sa.select(Stock).where(Stock.product_id == product_id))
    for stock in rows:
        held = db.session.scalar(
            sa.select(sa.func.coalesce(sa.func.sum(Reservation.qty), 0)).where(
                Reservation.stock_id == stock.id
            )
        )
        assert stock.reserved == held, stock.location.code
        assert 0 <= stock.reserved <= stock.on_hand, stock.location.code
    totals = db.session.execute(
        sa.select(sa.func.sum(Stock.on_hand), sa.func.sum(Stock.reserved)).where(
            Stock.product_id == product_id
        )
    ).one()
    assert tuple(totals) == (on_hand, reserved)
    assert_ledger_balanced()


def own_client(shop: ApiClient) -> ApiClient:
    """The same token through a test client of the thread's own (clients keep state)."""
    return ApiClient(shop.client.application.test_client(), shop.secret)


def line_of(product) -> list[dict]:
    return [{"sku": product.sku, "quantity": 1, "unit_price": "4.50"}]


def test_twelve_orders_racing_for_the_last_three_units_reserve_each_unit_once(
    app, api, warehouse, loc, make_product
):
    product = stock_with(make_product, loc, {"A-01-1-A": 2, "A-01-3-C": 1})
    shop = api("orders:write")
    bodies = [order_payload(f"RACE-{i}", lines=line_of(product)) for i in range(12)]

    responses = at_once(
        12, lambda i: own_client(shop).post("/api/v1/orders", json=bodies[i])
    )

    assert [r.status_code for r in responses] == [201] * 12, [
        r.get_data(as_text=True) for r in responses if r.status_code != 201
    ]
    states = sorted(r.get_json()["lines"][0]["allocation"]["state"] for r in responses)
    assert states == ["allocated"] * 3 + ["backordered"] * 9
    assert_reservations_add_up(product.id, on_hand=3, reserved=3)
    statuses = db.session.scalars(sa.select(Order.status)).all()
    assert sorted(statuses) == sorted(
        [OrderStatus.ALLOCATED] * 3 + [OrderStatus.BACKORDERED] * 9
    )


def test_two_orders_racing_for_the_last_unit_one_gets_it(
    app, warehouse, loc, make_product
):
    product = stock_with(make_product, loc, {"A-01-1-A": 1})
    requests = [
        OrderIn.model_validate(order_payload(f"LAST-{i}", lines=line_of(product)))
        for i in range(2)
    ]

    results = at_once(2, lambda i: orders.receive_order(requests[i])[0].status)

    assert sorted(results) == [OrderStatus.ALLOCATED, OrderStatus.BACKORDERED]
    assert_reservations_add_up(product.id, on_hand=1, reserved=1)


def test_orders_wanting_more_than_is_left_never_overbook_it(
    app, warehouse, loc, make_product
):
    """Eight orders of 2 units for 5 units: some allocated, maybe one partial, and
    exactly the 5 units reserved."""
    product = stock_with(make_product, loc, {"A-01-1-A": 3, "A-01-2-A": 2})
    requests = [
        OrderIn.model_validate(
            order_payload(
                f"BIG-{i}",
                lines=[{"sku": product.sku, "quantity": 2, "unit_price": "1.00"}],
            )
        )
        for i in range(8)
    ]

    results = at_once(8, lambda i: orders.receive_order(requests[i])[0].status)

    assert results.count(OrderStatus.ALLOCATED) == 2
    assert_reservations_add_up(product.id, on_hand=5, reserved=5)


def test_the_same_order_sent_twice_at_once_is_taken_in_once(
    app, api, warehouse, loc, make_product
):
    product = stock_with(make_product, loc, {"A-01-1-A": 5})
    shop = api("orders:write")
    body = order_payload("TWICE-1", lines=line_of(product))

    responses = at_once(2, lambda i: own_client(shop).post("/api/v1/orders", json=body))

    assert sorted(r.status_code for r in responses) == [200, 201], [
        r.get_data(as_text=True) for r in responses
    ]
    assert len({r.get_json()["id"] for r in responses}) == 1
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Order)) == 1
    assert_reservations_add_up(product.id, on_hand=5, reserved=1)


def test_units_freed_from_two_bins_at_once_fill_a_backorder_exactly(
    app, warehouse, loc, make_product
):
    """Cancelling frees one reservation after the other, in one transaction: the
    waiting order takes what it lacks, never more, and knows when it is complete."""
    product = stock_with(make_product, loc, {"A-01-1-A": 1, "A-01-2-A": 2})

    def order(number: str, qty: int):
        request = OrderIn.model_validate(
            order_payload(
                number, lines=[{"sku": product.sku, "quantity": qty, "unit_price": "1"}]
            )
        )
        return orders.receive_order(request)[0]

    order("FIRST", 3)
    waiting = order("WAITING", 2)
    orders.cancel_order("FIRST")

    assert waiting.status == OrderStatus.ALLOCATED
    assert_reservations_add_up(product.id, on_hand=3, reserved=2)


def test_twenty_pickers_starting_at_once_get_twenty_different_lists(
    app, warehouse, loc, make_product, make_user
):
    """Pressing "Start picking" together: each list goes to one picker only."""
    from fulfil.services import picking, waves
    from tests.picking_floor import order

    product = stock_with(make_product, loc, {"A-01-1-A": 40})
    shipments = [
        order(f"RUSH-{n}", {product.sku: 1}).shipments[0].id for n in range(22)
    ]
    waves.release(
        warehouse_id=warehouse.id, shipment_ids=shipments, urgent_ids=shipments
    )
    pickers = [make_user("picker").id for _ in range(20)]
    site = warehouse.id  # read here: the test's objects belong to its own session

    claimed = at_once(
        20,
        lambda i: getattr(
            picking.claim_next(picker_id=pickers[i], warehouse_id=site), "id", None
        ),
    )

    assert None not in claimed
    assert len(set(claimed)) == 20
