"""Which orders share a cart: fewest metres per picked line, promises kept.

A cart takes `totes` orders (one tote each) up to its volume and weight. Three ways to
fill carts, all under the same promise rule:

- first fit: orders in ship-by order, each onto the first cart it fits (what a
  warehouse does without locations; used when no bins are given);
- seed (de Koster, van der Poort and Wolters 1999): the most urgent order left starts a
  cart, then the order that adds the fewest metres joins it, until the cart is full;
- savings (Clarke and Wright 1964, their variant CW(ii)): every order starts alone; the
  two carts whose joint tour saves the most metres against two tours are merged, and
  the savings of the merged cart are worked out again, until no merge fits or saves.

The promise rule: a cart never holds two orders whose promised ship-by times are more
than `window` apart (4 hours unless told: the same cut-off, never today's with
tomorrow's); an order without a promise may join any cart. Carts come out most urgent
first (by their earliest ship-by) and orders within a cart in ship-by order, so the
earliest promises are picked first.

Metres are estimated with the combined rule's tour (a few per cent above the
shortest, and consistent), on the candidates a cheap measure finds closest: the
sub-aisles an order adds to a cart.
"""

import heapq
import math
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from fulfil.routing.heuristics import combined
from fulfil.routing.layout import Layout, Point, Spot, Stop

WINDOW = timedelta(hours=4)
CANDIDATES = 12  # orders whose tours are worked out per decision


@dataclass(frozen=True)
class Cart:
    totes: int  # one order per tote
    volume_l: float  # what the totes hold together
    weight_kg: float


@dataclass(frozen=True)
class Load:
    key: Hashable
    volume_l: float
    weight_kg: float
    due: datetime | None = None


@dataclass
class _Batch:
    members: list[int]
    spots: frozenset[Spot]
    aisles: frozenset[tuple[int, int]]
    volume_l: float
    weight_kg: float
    first_due: datetime | None
    last_due: datetime | None
    metres: float = 0.0
    alive: bool = True
    centre: tuple[float, float] = (0.0, 0.0)
    index: int = -1


@dataclass
class _Planner:
    loads: Sequence[Load]
    cart: Cart
    window: timedelta
    layout: Layout | None = None
    spots: list[frozenset[Spot]] = field(default_factory=list)

    def single(self, i: int) -> _Batch:
        load = self.loads[i]
        spots = self.spots[i] if self.spots else frozenset()
        batch = _Batch(
            members=[i],
            spots=spots,
            aisles=self._aisles(spots),
            volume_l=load.volume_l,
            weight_kg=load.weight_kg,
            first_due=load.due,
            last_due=load.due,
        )
        batch.metres = self.metres(spots)
        batch.centre = self._centre(spots)
        return batch

    def _aisles(self, spots: frozenset[Spot]) -> frozenset[tuple[int, int]]:
        if self.layout is None:
            return frozenset()
        return frozenset((s.col, self.layout.block_of(s.y)) for s in spots)

    def _centre(self, spots: frozenset[Spot]) -> tuple[float, float]:
        if not spots or self.layout is None:
            return (0.0, 0.0)
        xs = [self.layout.columns[s.col] for s in spots]
        return (sum(xs) / len(xs), sum(s.y for s in spots) / len(spots))

    def metres(self, spots: frozenset[Spot]) -> float:
        if self.layout is None or not spots:
            return 0.0
        return combined(self.layout, sorted(spots)).length

    def fits(self, a: _Batch, b: _Batch) -> bool:
        cart = self.cart
        if len(a.members) + len(b.members) > cart.totes:
            return False
        if a.volume_l + b.volume_l > cart.volume_l + 1e-9:
            return False
        if a.weight_kg + b.weight_kg > cart.weight_kg + 1e-9:
            return False
        dues = [d for d in (a.first_due, a.last_due, b.first_due, b.last_due) if d]
        return not dues or max(dues) - min(dues) <= self.window

    def merge(self, a: _Batch, b: _Batch) -> _Batch:
        spots = a.spots | b.spots
        dues = [d for d in (a.first_due, a.last_due, b.first_due, b.last_due) if d]
        merged = _Batch(
            members=a.members + b.members,
            spots=spots,
            aisles=a.aisles | b.aisles,
            volume_l=a.volume_l + b.volume_l,
            weight_kg=a.weight_kg + b.weight_kg,
            first_due=min(dues) if dues else None,
            last_due=max(dues) if dues else None,
        )
        merged.metres = self.metres(spots)
        merged.centre = self._centre(spots)
        return merged

    def closest(self, batch: _Batch, others: Sequence[_Batch]) -> list[_Batch]:
        """The candidates most likely to share a tour with `batch`, best first."""
        fitting = [
            o for o in others if o is not batch and o.alive and self.fits(batch, o)
        ]

        def measure(other: _Batch) -> tuple[float, float]:
            added = len(other.aisles - batch.aisles)
            apart = abs(other.centre[0] - batch.centre[0]) + abs(
                other.centre[1] - batch.centre[1]
            )
            return (added, apart)

        return heapq.nsmallest(CANDIDATES, fitting, key=measure)


def _urgency(load: Load, index: int) -> tuple:
    return (load.due is None, load.due or datetime.min, index)


def plan_batches(
    loads: Sequence[Load],
    cart: Cart,
    stops_by_key: Mapping[Hashable, Sequence[Stop | Point]] | None = None,
    depot: Point | None = None,
    *,
    layout: Layout | None = None,
    method: str = "savings",
    window: timedelta = WINDOW,
) -> list[list[Hashable]]:
    """Keys grouped into carts; an order too big for any cart still gets one alone.

    With the bins of each order (`stops_by_key`, and the `depot` or a `layout`), carts
    are filled by `method` ("savings" or "seed") to save walking; without them, first
    fit. Every key is in exactly one cart; the promise rule always holds.
    """
    if not loads:
        return []
    planner = _Planner(loads=loads, cart=cart, window=window)
    if stops_by_key is not None and method != "first-fit":
        if layout is None:
            every = [
                s if isinstance(s, Stop) else Stop(*s)
                for stops in stops_by_key.values()
                for s in stops
            ]
            if depot is None:
                raise ValueError("a depot or a layout is needed to batch by location")
            if every:
                layout = Layout.infer(every, depot, block_gap=math.inf)
        if layout is not None:
            planner.layout = layout
            planner.spots = [
                frozenset(layout.spot_of(s) for s in stops_by_key.get(load.key, ()))
                for load in loads
            ]
    if planner.layout is None or method == "first-fit":
        batches = _first_fit(planner)
    elif method == "seed":
        batches = _seed(planner)
    elif method == "savings":
        batches = _savings(planner)
    else:
        raise ValueError(f"unknown batching method {method!r}")
    return _in_promise_order(loads, batches)


def _in_promise_order(loads: Sequence[Load], batches: list[list[int]]) -> list[list]:
    ordered = [sorted(b, key=lambda i: _urgency(loads[i], i)) for b in batches]
    ordered.sort(key=lambda b: _urgency(loads[b[0]], b[0]))
    return [[loads[i].key for i in batch] for batch in ordered]


def _first_fit(planner: _Planner) -> list[list[int]]:
    loads = planner.loads
    carts: list[_Batch] = []
    for i in sorted(range(len(loads)), key=lambda i: _urgency(loads[i], i)):
        single = planner.single(i)
        home = next((c for c in carts if planner.fits(c, single)), None)
        if home is None:
            carts.append(single)
        else:
            carts[carts.index(home)] = planner.merge(home, single)
    return [c.members for c in carts]


def _seed(planner: _Planner) -> list[list[int]]:
    loads = planner.loads
    left = [
        planner.single(i)
        for i in sorted(range(len(loads)), key=lambda i: _urgency(loads[i], i))
    ]
    carts = []
    while left:
        batch = left.pop(0)
        batch.alive = False
        while True:
            candidates = planner.closest(batch, left)
            if not candidates:
                break
            joint = {id(o): planner.merge(batch, o) for o in candidates}
            best = min(candidates, key=lambda o: (joint[id(o)].metres, left.index(o)))
            best.alive = False
            left.remove(best)
            batch = joint[id(best)]
        carts.append(batch.members)
    return carts


def _savings(planner: _Planner) -> list[list[int]]:
    batches = [planner.single(i) for i in range(len(planner.loads))]
    heap: list[tuple[float, int, int]] = []
    seen: set[tuple[int, int]] = set()

    def offer(a: int) -> None:
        for other in planner.closest(batches[a], batches):
            b = other.index
            pair = (min(a, b), max(a, b))
            if pair in seen:
                continue
            seen.add(pair)
            joint = planner.merge(batches[a], other)
            saving = batches[a].metres + other.metres - joint.metres
            if saving >= -1e-9:
                heapq.heappush(heap, (-saving, pair[0], pair[1]))

    for index, batch in enumerate(batches):
        batch.index = index
    for index in range(len(batches)):
        offer(index)
    while heap:
        _, a, b = heapq.heappop(heap)
        first, second = batches[a], batches[b]
        if not (first.alive and second.alive) or not planner.fits(first, second):
            continue
        merged = planner.merge(first, second)
        first.alive = second.alive = False
        merged.index = len(batches)
        batches.append(merged)
        offer(merged.index)
    return [b.members for b in batches if b.alive]
