"""Slotting suggestions: each saves walking, together they never add any."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fulfil.routing import Layout, suggest_moves
from fulfil.routing.slotting import apply_moves, homes, trip_metres, walking

LAYOUT, FACES = Layout.grid(blocks=2, aisles=4, bays=5)
BINS = {f"B{i:03d}": face for i, face in enumerate(FACES)}


@st.composite
def histories(draw):
    skus = draw(st.integers(1, 25))
    places = draw(
        st.lists(
            st.sampled_from(sorted(BINS)), min_size=skus, max_size=skus, unique=True
        )
    )
    home = {f"S{i}": places[i] for i in range(skus)}
    picks = draw(st.lists(st.sampled_from(sorted(home)), max_size=200))
    free = draw(st.sets(st.sampled_from(sorted(set(BINS) - set(places))), max_size=10))
    return [(sku, home[sku]) for sku in picks], sorted(free)


@settings(deadline=None, max_examples=80)
@given(histories(), st.integers(1, 15))
def test_slotting_suggestions_never_increase_walking(history, limit):
    picks, free = history
    trip = trip_metres(LAYOUT, BINS)
    home, demand = homes(picks)
    before = walking(home, demand, trip)

    moves = suggest_moves(
        picks, BINS, LAYOUT.depot, free=free, layout=LAYOUT, limit=limit
    )

    assert len(moves) <= limit
    walked = before
    empty = set(free)
    for i, move in enumerate(moves):
        assert move.walking_saved_m > 0
        assert trip[move.target] < trip[move.source]  # towards the depot
        if not move.swap_with:  # a bin free from the start or left by a move
            assert move.target in empty
            empty = (empty - {move.target}) | {move.source}
        after = walking(apply_moves(home, moves[: i + 1]), demand, trip)
        assert after == pytest.approx(walked - move.walking_saved_m, abs=1e-3)
        walked = after
    assert walked <= before + 1e-9
    moved = [sku for move in moves for sku in (move.sku, *move.swap_with)]
    assert len(moved) == len(set(moved))  # a sku is moved once at most
    targets = apply_moves(home, moves).values()
    assert len(list(targets)) == len(set(targets))  # still one sku per bin


def test_the_fastest_mover_goes_to_the_free_bin_next_to_the_depot():
    by_trip = sorted(BINS, key=lambda key: (trip_metres(LAYOUT, BINS)[key], key))
    nearest, middle, farthest = by_trip[0], by_trip[len(by_trip) // 2], by_trip[-1]
    picks = [("FAST", farthest)] * 50 + [("SLOW", middle)] * 2

    (move, *_) = suggest_moves(picks, BINS, LAYOUT.depot, free=[nearest], layout=LAYOUT)

    assert (move.sku, move.source, move.target, move.swap_with) == (
        "FAST",
        farthest,
        nearest,
        (),
    )
    trip = trip_metres(LAYOUT, BINS)
    assert move.walking_saved_m == pytest.approx(50 * (trip[farthest] - trip[nearest]))


def test_no_history_no_moves():
    assert (
        suggest_moves([], BINS, LAYOUT.depot, free=list(BINS)[:3], layout=LAYOUT) == []
    )


def test_a_fast_mover_swaps_dead_stock_out_of_the_bin_next_to_the_depot():
    trip = trip_metres(LAYOUT, BINS)
    by_trip = sorted(BINS, key=lambda key: (trip[key], key))
    nearest, farthest = by_trip[0], by_trip[-1]
    picks = [("FAST", farthest)] * 10

    (move,) = suggest_moves(
        picks, BINS, LAYOUT.depot, resident={"DEAD": nearest}, layout=LAYOUT
    )

    assert (move.sku, move.source, move.target, move.swap_with) == (
        "FAST",
        farthest,
        nearest,
        ("DEAD",),
    )
    assert move.walking_saved_m == pytest.approx(10 * (trip[farthest] - trip[nearest]))
