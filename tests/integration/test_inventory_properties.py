"""Random sequences of stock operations against a model: every invariant holds after
every step, and every illegal step raises and changes nothing."""

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    rule,
    run_state_machine_as_test,
)

from fulfil.errors import FulfilError
from fulfil.extensions import db
from fulfil.models import Event, Lot, Reservation, Stock, StockMove
from fulfil.queries.stock import ledger_mismatches
from fulfil.services import inventory

BINS = ["RECV-01", "A-01-1-A", "A-01-2-A", "A-01-3-C"]
LOTS = ["", "L1", "L2"]
QTY = st.integers(min_value=1, max_value=6)


def balances() -> dict:
    rows = db.session.execute(
        sa.select(
            Stock.product_id,
            Stock.location_id,
            Stock.lot,
            Stock.on_hand,
            Stock.reserved,
        )
    )
    return {
        (p, loc, lot): (on_hand, reserved)
        for p, loc, lot, on_hand, reserved in rows
        if on_hand or reserved
    }


def snapshot() -> tuple:
    return (
        balances(),
        db.session.scalar(sa.select(sa.func.count()).select_from(StockMove)),
        sorted(db.session.execute(sa.select(Reservation.id, Reservation.qty)).all()),
    )


def test_random_stock_operations_keep_every_invariant(app, make_product, loc):
    untracked, tracked = make_product(), make_product(tracking="lot")
    products = [untracked, tracked]
    bins = {code: loc(code) for code in BINS}

    class StockMachine(RuleBasedStateMachine):
        def __init__(self):
            super().__init__()
            for model in (Reservation, Event, StockMove, Stock, Lot):
                db.session.execute(sa.delete(model))
            db.session.commit()
            self.model: dict[
                tuple, list[int]
            ] = {}  # (product, bin, lot) -> [on hand, reserved]
            self.reservations: dict[int, tuple[tuple, int]] = {}
            self.done: list[tuple] = []  # (service, kwargs) that succeeded, for replays
            self.keys = iter(range(10**9))

        # -- helpers ----------------------------------------------------------

        def cell(self, product, code, lot):
            return self.model.setdefault((product.id, bins[code], lot), [0, 0])

        def lot_ok(self, product, lot):
            return bool(lot) == (product.tracking.value == "lot")

        def attempt(self, legal: bool, service, **kwargs):
            kwargs["key"] = f"k{next(self.keys)}"
            before = snapshot()
            if legal:
                result = service(**kwargs)
                self.done.append((service, kwargs))
                return result
            with pytest.raises(FulfilError):
                service(**kwargs)
            assert snapshot() == before, "a refused operation changed something"
            return None

        # -- rules ------------------------------------------------------------

        @rule(
            product=st.sampled_from(products),
            code=st.sampled_from(BINS),
            lot=st.sampled_from(LOTS),
            qty=QTY,
        )
        def receive(self, product, code, lot, qty):
            legal = self.lot_ok(product, lot)
            if self.attempt(
                legal,
                inventory.receive,
                product_id=product.id,
                location_id=bins[code],
                qty=qty,
                lot=lot,
            ):
                self.cell(product, code, lot)[0] += qty

        @rule(
            product=st.sampled_from(products),
            source=st.sampled_from(BINS),
            dest=st.sampled_from(BINS),
            lot=st.sampled_from(LOTS),
            qty=QTY,
        )
        def move(self, product, source, dest, lot, qty):
            have = self.cell(product, source, lot)
            legal = (
                source != dest
                and self.lot_ok(product, lot)
                and have[0] - have[1] >= qty
            )
            if self.attempt(
                legal,
                inventory.move,
                product_id=product.id,
                from_location_id=bins[source],
                to_location_id=bins[dest],
                qty=qty,
                lot=lot,
            ):
                have[0] -= qty
                self.cell(product, dest, lot)[0] += qty

        @rule(
            product=st.sampled_from(products),
            code=st.sampled_from(BINS),
            lot=st.sampled_from(LOTS),
            delta=st.integers(-6, 6).filter(bool),
            reason=st.sampled_from(["count", "damage", "found"]),
        )
        def adjust(self, product, code, lot, delta, reason):
            have = self.cell(product, code, lot)
            legal = self.lot_ok(product, lot) and (
                delta > 0 or have[0] - have[1] >= -delta
            )
            if self.attempt(
                legal,
                inventory.adjust,
                product_id=product.id,
                location_id=bins[code],
                qty_delta=delta,
                reason=reason,
                lot=lot,
            ):
                have[0] += delta

        @rule(
            product=st.sampled_from(products),
            code=st.sampled_from(BINS),
            lot=st.sampled_from(LOTS),
            qty=QTY,
        )
        def reserve(self, product, code, lot, qty):
            have = self.cell(product, code, lot)
            held = self.attempt(
                have[0] - have[1] >= qty,
                inventory.reserve,
                product_id=product.id,
                location_id=bins[code],
                qty=qty,
                lot=lot,
            )
            if held:
                have[1] += qty
                self.reservations[held.id] = ((product.id, bins[code], lot), qty)

        @rule(data=st.data(), qty=QTY)
        def release(self, data, qty):
            if not self.reservations:
                return
            reservation_id = data.draw(st.sampled_from(sorted(self.reservations)))
            at, held = self.reservations[reservation_id]
            if self.attempt(
                qty <= held, inventory.release, reservation_id=reservation_id, qty=qty
            ):
                self.model[at][1] -= qty
                self.reservations[reservation_id] = (at, held - qty)

        @rule(data=st.data())
        def replay(self, data):
            """Sending a done operation again (a retry, a replay) changes nothing."""
            if not self.done:
                return
            service, kwargs = data.draw(st.sampled_from(self.done))
            before = snapshot()
            service(**kwargs)
            assert snapshot() == before

        # -- invariants -------------------------------------------------------

        @invariant()
        def matches_the_model_and_the_ledger(self):
            expected = {at: tuple(v) for at, v in self.model.items() if v != [0, 0]}
            assert balances() == expected
            assert ledger_mismatches() == []
            for on_hand, reserved in expected.values():
                assert 0 <= reserved <= on_hand

    run_state_machine_as_test(
        StockMachine,
        settings=settings(
            max_examples=25,
            stateful_step_count=25,
            deadline=None,
            suppress_health_check=[HealthCheck.function_scoped_fixture],
        ),
    )
