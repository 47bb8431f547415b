"""Slotting: which fast movers to bring nearer the packing area, and what it saves.

From the pick history, one (sku, bin) pair per pick: a sku lives in the bin it was
picked from most often; its picks are its demand. Walking is measured as if every pick
were its own trip from the depot and back (the cube-per-order index of Heskett 1963
without the cube; a list's tour saves less, as the benchmark shows by re-routing real
lists). Moves are chosen greedily: each time the one that saves the most, a sku to a
nearer bin that is free or holds skus picked less often (those swap into the sku's old
bin), each sku moved at most once. Every move saves walking, so applying them in order
never adds any.
"""

from collections import Counter
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from fulfil.routing.layout import Layout, Point, Stop

CANDIDATES = 200  # fastest movers and nearest bins looked at for each move


@dataclass(frozen=True)
class Move:
    sku: Hashable
    source: Hashable  # the bin it leaves
    target: Hashable  # the nearer bin
    swap_with: tuple[Hashable, ...]  # skus going the other way (none: target was free)
    picks: int  # the sku's picks in the history
    walking_saved_m: float  # over the history, counting the swapped skus


def homes(picks: Iterable[tuple[Hashable, Hashable]]) -> tuple[dict, Counter]:
    """Each sku's bin (where it was picked most often) and its number of picks."""
    seen: dict[Hashable, Counter] = {}
    demand: Counter = Counter()
    for sku, location in picks:
        seen.setdefault(sku, Counter())[location] += 1
        demand[sku] += 1
    home = {sku: bins.most_common(1)[0][0] for sku, bins in seen.items()}
    return home, demand


def trip_metres(layout: Layout, locations: Mapping[Hashable, Stop | Point]) -> dict:
    """Metres of a trip from the depot to each bin and back."""
    return {
        key: layout.tour_length([layout.spot_of(where)])
        for key, where in locations.items()
    }


def walking(
    home: Mapping[Hashable, Hashable], demand: Mapping[Hashable, int], trip: Mapping
) -> float:
    """Metres walked for the history if every pick were a trip of its own."""
    return sum(demand[sku] * trip[home[sku]] for sku in demand if home.get(sku) in trip)


def suggest_moves(
    picks: Iterable[tuple[Hashable, Hashable]],
    locations: Mapping[Hashable, Stop | Point],
    depot: Point,
    *,
    free: Iterable[Hashable] = (),
    resident: Mapping[Hashable, Hashable] | None = None,
    layout: Layout | None = None,
    limit: int = 20,
) -> list[Move]:
    """Up to `limit` moves, most walking saved first; each one saves walking.

    `locations` maps every bin that may be used (its x, y and aisle); `free` names the
    empty ones. `resident` maps skus that sit in a bin but were not picked in the
    history (sku -> bin): they have no demand, so a fast mover may swap them out of a
    good bin. Bins that are neither free nor any sku's home are left alone.
    """
    if layout is None:
        layout = Layout.infer(
            [s if isinstance(s, Stop) else Stop(*s) for s in locations.values()], depot
        )
    home, demand = homes(picks)
    for sku, where in (resident or {}).items():
        home.setdefault(sku, where)
    home = {sku: where for sku, where in home.items() if where in locations}
    trip = trip_metres(layout, locations)
    holding: dict[Hashable, list[Hashable]] = {}
    for sku, where in home.items():
        holding.setdefault(where, []).append(sku)
    empty = set(free) - set(holding)
    moved: set[Hashable] = set()
    moves: list[Move] = []
    while len(moves) < limit:
        best = _best_move(home, demand, trip, holding, empty, moved)
        if best is None:
            break
        gain, sku, target = best
        source = home[sku]
        others = tuple(holding.get(target, []))
        for other in others:
            home[other] = source
        home[sku] = target
        holding[source] = list(others)
        holding[target] = [sku]
        if not others:
            empty.discard(target)
            empty.add(source)
            del holding[source]
        moved.update((sku, *others))
        moves.append(Move(sku, source, target, others, demand[sku], round(gain, 3)))
    return moves


def _best_move(home, demand, trip, holding, empty, moved):
    movers = sorted(
        (sku for sku in home if sku not in moved and len(holding[home[sku]]) == 1),
        key=lambda sku: (-demand[sku], str(sku)),
    )[:CANDIDATES]
    places = [
        where
        for where in list(holding) + sorted(empty, key=str)
        if where in empty or not any(sku in moved for sku in holding[where])
    ]
    places = sorted(places, key=lambda where: (trip[where], str(where)))[:CANDIDATES]
    best = None
    for sku in movers:
        source = home[sku]
        for target in places:
            if trip[target] >= trip[source]:
                break
            colder = sum(demand[other] for other in holding.get(target, []))
            gain = (demand[sku] - colder) * (trip[source] - trip[target])
            if gain > 1e-9 and (best is None or gain > best[0]):
                best = (gain, sku, target)
    return best


def apply_moves(home: dict, moves: Sequence[Move]) -> dict:
    """The skus' bins after the moves, for checking what they save."""
    home = dict(home)
    for move in moves:
        for other in move.swap_with:
            home[other] = move.source
        home[move.sku] = move.target
    return home
