"""Slotting from the pick history: the suggestions a manager sees, recording a move
through the ledger, the screen, its CSV and the command line; SQLite and PostgreSQL.

The floor (tests/picking_floor.py): packing at x=1, aisle A at x=3 (bins at y 4 and 6,
a reserve bin at 8), aisle B at x=9 (y 6 and 9). A-01-1-A is the pick face nearest
packing, B-02-2-A the farthest.
"""

import csv
import io
import re
import uuid
from datetime import timedelta

import pytest
import sqlalchemy as sa

from fulfil.errors import SlottingOutOfDate, StockReserved
from fulfil.extensions import db
from fulfil.models import Event, Stock, StockMove
from fulfil.models.types import utcnow
from fulfil.queries.slotting import slotting_plan
from fulfil.services import inventory, picking
from fulfil.services.slotting import apply_slotting_move
from tests.conftest import assert_ledger_balanced, row_counts
from tests.picking_floor import lay_out, order, pick_everything, release, stock


@pytest.fixture
def floor(warehouse, loc, make_product, make_user):
    """MUG, the fast mover, sits in the farthest bin; TEA, picked once, near packing;
    A-01-1-A (nearest) and B-02-1-A are free. Three orders of MUG and one of TEA have
    been picked."""
    lay_out(warehouse)
    mug = make_product("MUG", name="Enamel mug")
    tea = make_product("TEA", name="Green tea")
    stock(mug, loc, {"B-02-2-A": 10})
    stock(tea, loc, {"A-01-2-A": 5})
    picker = make_user("picker")
    placed = [order(f"SHOP-{n}", {"MUG": 1}) for n in (1, 2, 3)]
    placed.append(order("SHOP-4", {"TEA": 1}))
    for _ in release(warehouse, *placed):
        claimed = picking.claim_next(picker_id=picker.id, warehouse_id=warehouse.id)
        pick_everything(claimed.id, picker.id)
    return {"warehouse": warehouse, "mug": mug, "tea": tea, "picker": picker}


def on_hand(product, loc_id) -> int:
    db.session.expire_all()
    return db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(Stock.on_hand), 0)).where(
            Stock.product_id == product.id, Stock.location_id == loc_id
        )
    )


def first_move(floor):
    (suggestion, *_) = slotting_plan(floor["warehouse"].id).suggestions
    return suggestion


def record(floor, suggestion, key=None, **overrides):
    return apply_slotting_move(
        **{
            "warehouse_id": floor["warehouse"].id,
            "product_id": suggestion.item.product_id,
            "from_location_id": suggestion.source_id,
            "to_location_id": suggestion.target_id,
            "swap_product_ids": [i.product_id for i in suggestion.swap],
            "key": key or uuid.uuid4().hex,
            **overrides,
        }
    )


def allocate(floor, sku: str, qty: int, external_id: str = "SHOP-9"):
    """An order that reserves units where they are now (it waits to be picked)."""
    return order(external_id, {sku: qty})


# -- the suggestions -------------------------------------------------------------------


def test_a_fast_mover_picked_far_from_packing_is_moved_to_the_nearest_free_bin(floor):
    plan = slotting_plan(floor["warehouse"].id)

    move = plan.suggestions[0]
    assert (move.item.sku, move.source, move.target, move.swap) == (
        "MUG",
        "B-02-2-A",
        "A-01-1-A",
        (),
    )
    assert move.picks == 3
    assert move.walking_saved_m > 0
    assert move.item.units == move.moving == 7  # ten received, three picked
    assert move.blocked_by is None
    assert plan.picks == 4
    assert plan.walking_saved_m == pytest.approx(
        sum(s.walking_saved_m for s in plan.suggestions)
    )


def test_picks_older_than_the_window_do_not_count(floor):
    later = utcnow() + timedelta(days=31)

    plan = slotting_plan(floor["warehouse"].id, days=30, now=later)

    assert plan.picks == 0
    assert plan.suggestions == []


def test_a_fast_mover_swaps_with_a_product_nobody_picks(floor, loc, make_product):
    dust = make_product("DUST", name="Dusty vase")
    stock(dust, loc, {"A-01-1-A": 2})

    move = first_move(floor)

    assert (move.item.sku, move.target) == ("MUG", "A-01-1-A")
    assert [i.sku for i in move.swap] == ["DUST"]


# -- recording a move ------------------------------------------------------------------


def test_recording_a_move_carries_the_stock_to_the_nearer_bin_in_the_ledger(floor, loc):
    move = first_move(floor)

    done = record(floor, move)

    assert (done.sku, done.source, done.target, done.units, done.left) == (
        "MUG",
        "B-02-2-A",
        "A-01-1-A",
        7,
        0,
    )
    assert on_hand(floor["mug"], loc("B-02-2-A")) == 0
    assert on_hand(floor["mug"], loc("A-01-1-A")) == 7
    ledger = db.session.scalars(
        sa.select(StockMove).where(StockMove.reason == "slotting")
    ).all()
    assert [(m.qty, m.from_location_id, m.to_location_id) for m in ledger] == [
        (7, loc("B-02-2-A"), loc("A-01-1-A"))
    ]
    assert all(
        s.item.sku != "MUG" for s in slotting_plan(floor["warehouse"].id).suggestions
    )
    assert_ledger_balanced()


def test_recording_the_same_move_twice_changes_nothing_the_second_time(floor, loc):
    move = first_move(floor)
    record(floor, move, key="slot-key-0001")
    before = row_counts()

    again = record(floor, move, key="slot-key-0001")

    assert again.replayed and again.units == 7
    assert row_counts() == before
    assert on_hand(floor["mug"], loc("A-01-1-A")) == 7
    assert_ledger_balanced()


def test_a_swap_carries_both_products_and_a_replay_of_it_changes_nothing(
    floor, loc, make_product
):
    dust = make_product("DUST", name="Dusty vase")
    stock(dust, loc, {"A-01-1-A": 2})
    move = first_move(floor)

    done = record(floor, move, key="swap-key-0001")
    record(floor, move, key="swap-key-0001")

    assert done.swapped == (("DUST", 2),)
    assert on_hand(floor["mug"], loc("A-01-1-A")) == 7
    assert on_hand(dust, loc("B-02-2-A")) == 2
    assert on_hand(dust, loc("A-01-1-A")) == 0
    assert (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(Event)
            .where(Event.key == "swap-key-0001")
        )
        == 1
    )
    assert_ledger_balanced()


def test_reserved_units_stay_in_the_old_bin_and_the_free_ones_move(floor, loc):
    allocate(floor, "MUG", 2)
    move = first_move(floor)
    assert (move.moving, move.staying) == (5, 2)

    done = record(floor, move)

    assert (done.units, done.left) == (5, 2)
    assert on_hand(floor["mug"], loc("B-02-2-A")) == 2
    assert on_hand(floor["mug"], loc("A-01-1-A")) == 5
    # the old bin drains through its pick list; the product is not suggested again
    assert all(
        s.item.sku != "MUG" for s in slotting_plan(floor["warehouse"].id).suggestions
    )
    assert_ledger_balanced()


def test_a_bin_whose_units_are_all_reserved_is_refused_and_nothing_moves(floor, loc):
    allocate(floor, "MUG", 7)
    move = first_move(floor)
    assert move.blocked_by is not None and move.blocked_by.sku == "MUG"
    before = row_counts()

    with pytest.raises(StockReserved) as refusal:
        record(floor, move)

    assert str(refusal.value) == (
        "7 × MUG in B-02-2-A are reserved for orders. "
        "Move the bin once they are picked."
    )
    assert refusal.value.status == 422
    assert row_counts() == before
    assert_ledger_balanced()


def test_a_swap_waits_while_anything_in_either_bin_is_reserved(
    floor, loc, make_product
):
    dust = make_product("DUST", name="Dusty vase")
    stock(dust, loc, {"A-01-1-A": 2})
    allocate(floor, "DUST", 1)
    move = first_move(floor)
    assert [i.sku for i in move.swap] == ["DUST"]
    before = row_counts()

    with pytest.raises(StockReserved, match="1 × DUST in A-01-1-A are reserved"):
        record(floor, move)

    assert row_counts() == before


def test_a_target_filled_since_the_list_was_made_is_refused(floor, loc, make_product):
    move = first_move(floor)
    other = make_product("JAM", name="Jam")
    stock(other, loc, {"A-01-1-A": 3})  # someone put JAM into the free bin meanwhile
    before = row_counts()

    with pytest.raises(SlottingOutOfDate) as refusal:
        record(floor, move)

    assert "A-01-1-A changed since this suggestion was made: it now holds JAM" in str(
        refusal.value
    )
    assert row_counts() == before


def test_a_product_gone_from_its_bin_is_refused(floor, loc):
    move = first_move(floor)
    inventory.adjust(
        product_id=floor["mug"].id,
        location_id=loc("B-02-2-A"),
        qty_delta=-7,
        reason="count",
        key="count-1",
    )

    with pytest.raises(SlottingOutOfDate, match="B-02-2-A changed .* holds nothing"):
        record(floor, move)

    assert_ledger_balanced()


# -- the screen ------------------------------------------------------------------------


def test_the_manager_sees_the_list_as_a_page_and_as_a_fragment(client, login, floor):
    login("manager")

    page = client.get("/manage/slotting")
    fragment = client.get("/manage/slotting?days=14", headers={"HX-Request": "true"})

    assert page.status_code == 200 and b"<html" in page.data
    text = fragment.get_data(as_text=True)
    assert fragment.status_code == 200 and "<html" not in text
    assert 'id="slotting"' in text and 'id="slotting"' in page.get_data(as_text=True)
    assert "MUG" in text and "B-02-2-A → A-01-1-A" in text
    assert re.search(r"\d+ m less walking", text)
    assert "HX-Request" in fragment.headers["Vary"]


def test_the_manager_home_links_to_slotting(client, login, floor):
    login("manager")

    assert b'href="/manage/slotting"' in client.get("/manage/").data


def test_a_picker_is_refused_the_slotting_screen(client, login, floor):
    login("picker")

    assert client.get("/manage/slotting").status_code == 403
    assert client.get("/manage/slotting.csv").status_code == 403


def test_the_csv_lists_every_suggestion(client, login, floor):
    login("manager")

    response = client.get("/manage/slotting.csv")

    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    plan = slotting_plan(floor["warehouse"].id)
    assert len(rows) == len(plan.suggestions) >= 1
    assert rows[0]["sku"] == "MUG"
    assert (rows[0]["from_bin"], rows[0]["to_bin"]) == ("B-02-2-A", "A-01-1-A")
    assert rows[0]["picks"] == "3" and float(rows[0]["walking_saved_m"]) > 0


def move_form(suggestion, key="page-key-0001") -> dict:
    return {
        "product": suggestion.item.product_id,
        "source": suggestion.source_id,
        "target": suggestion.target_id,
        "key": key,
    }


def test_confirming_a_move_on_the_screen_books_it_once(client, login, post, floor, loc):
    login("manager")
    move = first_move(floor)

    answer = post(
        "/manage/slotting/moves", move_form(move), headers={"HX-Request": "true"}
    )
    post("/manage/slotting/moves", move_form(move), headers={"HX-Request": "true"})

    text = answer.get_data(as_text=True)
    assert answer.status_code == 200 and "<html" not in text
    assert "Recorded: 7 × MUG from B-02-2-A to A-01-1-A." in text
    assert on_hand(floor["mug"], loc("A-01-1-A")) == 7
    assert_ledger_balanced()


def test_the_plain_form_redirects_back_to_the_list(client, login, post, floor):
    login("manager")

    answer = post("/manage/slotting/moves", move_form(first_move(floor)))

    assert answer.status_code == 303
    assert answer.headers["Location"].startswith("/manage/slotting")


def test_a_refused_move_answers_422_with_the_reason(client, login, post, floor):
    login("manager")
    allocate(floor, "MUG", 7)

    answer = post(
        "/manage/slotting/moves",
        move_form(first_move(floor)),
        headers={"HX-Request": "true"},
    )

    assert answer.status_code == 422
    assert "7 × MUG in B-02-2-A are reserved for orders" in answer.get_data(
        as_text=True
    )


def test_the_screen_speaks_german(client, login, floor):
    login("manager", language="de")

    text = client.get("/manage/slotting").get_data(as_text=True)

    assert "weniger Laufweg" in text


# -- the command line ------------------------------------------------------------------


def test_the_command_prints_the_suggestions_as_a_table(runner, floor):
    result = runner.invoke(
        args=["slotting", "suggest", "--warehouse", "WH1", "--days", "30"]
    )

    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "Slotting for WH1: 4 order lines picked in the last 30 days."
    assert lines[1].split()[:4] == ["#", "SKU", "Product", "From"]
    assert re.match(
        r"1\s+MUG\s+Enamel mug\s+B-02-2-A\s+A-01-1-A\s+-\s+3\s+\d", lines[2]
    )
    assert lines[-1].startswith("Total: ")


def test_the_command_names_the_warehouses_when_the_code_is_unknown(runner, floor):
    result = runner.invoke(args=["slotting", "suggest", "--warehouse", "NOPE"])

    assert result.exit_code == 2
    assert "no warehouse NOPE; there are: WH1" in result.output
