"""Logistics optimisation over plain values: pick paths, batching, slotting.

No database and no Flask in here. The warehouse is a graph of pick aisles and cross
aisles (`layout`); the router finds the shortest tour from the packing area through a
list's bins and back: exactly, by dynamic programming over the aisles (`exact`), on
layouts of up to two blocks, where it takes milliseconds; beyond that exactly for short
lists (Held-Karp) and by local search otherwise (`fast`). The classic rules warehouses
use are in `heuristics`, for comparison; `batching` fills carts; `slotting` proposes
moves of fast movers towards the depot.

The app calls the three functions below, which keep the signatures of
the first versions of pick-list sequencing and cart batching.
"""

from collections.abc import Sequence

from fulfil.routing.batching import Cart, Load, plan_batches
from fulfil.routing.exact import held_karp, optimal_route
from fulfil.routing.fast import local_search
from fulfil.routing.heuristics import HEURISTICS, Walk
from fulfil.routing.layout import Layout, Point, Spot, Stop, distinct_spots
from fulfil.routing.slotting import Move, suggest_moves

EXACT_BLOCKS = 2  # the aisle DP stays within milliseconds up to this many blocks
HELD_KARP_BINS = 12

__all__ = [
    "EXACT_BLOCKS",
    "HEURISTICS",
    "Cart",
    "Layout",
    "Load",
    "Move",
    "Point",
    "Spot",
    "Stop",
    "Walk",
    "held_karp",
    "local_search",
    "optimal_route",
    "plan_batches",
    "route",
    "suggest_moves",
    "tour_length",
    "walking_order",
]


def route(
    layout: Layout, spots: Sequence[Spot], *, budget_ms: float = 40.0
) -> tuple[list[int], float]:
    """The router: (order of spot indexes, metres) of a shortest or near-shortest tour.

    Exact on up to two blocks; beyond, exact for short lists, else local search.
    """
    if layout.blocks <= EXACT_BLOCKS:
        return optimal_route(layout, spots)
    if len(spots) <= HELD_KARP_BINS:
        order, length = held_karp(layout.matrix(spots))
        return [i - 1 for i in order], length + (2 * layout.stub if spots else 0.0)
    return local_search(layout, spots, budget_ms=budget_ms)


def _layout_for(stops: Sequence[Stop | Point], depot: Point, layout: Layout | None):
    if layout is not None:
        return layout
    # A list's bins alone cannot tell a cross aisle from an empty stretch of aisle,
    # so without the warehouse's layout the list is walked as one block.
    return Layout.infer(
        [s if isinstance(s, Stop) else Stop(*s) for s in stops],
        depot,
        block_gap=float("inf"),
    )


def walking_order(
    stops: Sequence[Stop], depot: Point, layout: Layout | None = None
) -> list[int]:
    """Indexes of `stops` in walking order (stops in one bin stay together).

    Pass the warehouse's `layout` (`Layout.infer` over all its storage bins) for the
    real graph, cross aisles between blocks included; without it the list's own bins
    imply a one-block layout.
    """
    if not stops:
        return []
    layout = _layout_for(stops, depot, layout)
    spots, members = distinct_spots(layout, stops)
    order, _ = route(layout, spots)
    return [index for spot in order for index in members[spot]]


def tour_length(
    stops: Sequence[Stop | Point], depot: Point, layout: Layout | None = None
) -> float:
    """Metres walked from the depot through `stops` in order and back, along aisles."""
    if not stops:
        return 0.0
    layout = _layout_for(stops, depot, layout)
    return layout.tour_length([layout.spot_of(stop) for stop in stops])
