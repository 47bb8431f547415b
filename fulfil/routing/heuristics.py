"""The routing rules warehouses use today, for comparison (and as starting tours).

Single block, as in Hall (1993) and Petersen (1997): S-shape (traversal) walks every
aisle holding a pick end to end, the last one out and back if needed; return enters
every such aisle from the front and turns at its farthest pick; midpoint picks the
front half of each aisle from the front and the back half from the back, walking the
first and last aisle end to end; largest gap does the same but leaves out each aisle's
largest gap between picks (or an aisle end) instead of splitting at the middle;
combined chooses per aisle, by dynamic programming, between walking through and
turning back (Roodbergen and de Koster 2001).

Several blocks, as in Roodbergen and de Koster, "Routing methods for warehouses with
multiple cross aisles" (IJPR 39(9), 2001): walk up the outermost aisle holding picks
(the one nearer the depot) to the farthest block with picks, then clear the blocks one
by one towards the depot, each with the rule above, entering it from behind. Return and
midpoint are not defined for several blocks in the literature; here they follow the
same scheme. A depot on a middle cross aisle clears the blocks behind it, then those in
front.

Each rule gives a `Walk`: the spots it heads for in turn (picks and aisle ends), so its
length is the rule's own walk, not the shortest tour through its picking order.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from fulfil.routing.layout import Layout, Spot


@dataclass(frozen=True)
class Walk:
    order: list[int]  # indexes of the spots in the order they are picked
    targets: list[Spot]  # every spot headed for, picks and aisle ends
    length: float  # metres, depot to depot


@dataclass
class _Block:
    """One block seen from the depot: near and far cross aisle, picks by column."""

    near: float
    far: float
    columns: dict[int, list[tuple[float, int]]]  # col -> [(depth from near, spot)]

    @property
    def span(self) -> float:
        return abs(self.far - self.near)

    def at(self, col: int, depth: float) -> Spot:
        step = 1 if self.far > self.near else -1
        return Spot(col, self.near + step * depth)


class _Walker:
    """Collects the targets of a walk and tracks where the picker is."""

    def __init__(self, layout: Layout, spots: Sequence[Spot]):
        self.layout, self.spots = layout, spots
        self.targets: list[Spot] = []
        self.here = layout.depot_spot

    def go(self, spot: Spot) -> None:
        if spot != self.here:
            self.targets.append(spot)
            self.here = spot

    def pick(self, index: int) -> None:
        spot = self.spots[index]
        self.targets.append(spot)  # even if standing there: it records the pick
        self.here = spot

    def x(self) -> float:
        return self.layout.columns[self.here.col]

    def finish(self) -> Walk:
        if self.layout.depot_spot in self.spots:  # picked on the way out
            self.targets.insert(0, self.layout.depot_spot)
        order, seen = [], set()
        position: dict[Spot, list[int]] = {}
        for index, spot in enumerate(self.spots):
            position.setdefault(spot, []).append(index)
        for spot in self.targets:
            for index in position.get(spot, []):
                if index not in seen:
                    seen.add(index)
                    order.append(index)
        path = [self.layout.depot_spot, *self.targets, self.layout.depot_spot]
        length = 2 * self.layout.stub if self.spots else 0.0
        length += sum(
            self.layout.distance(a, b) for a, b in zip(path, path[1:], strict=False)
        )
        return Walk(order=order, targets=list(self.targets), length=length)


Rule = Callable[[_Walker, _Block, bool, list[int]], None]


def _sides(layout: Layout, spots: Sequence[Spot]) -> list[list[_Block]]:
    """Blocks behind the depot's cross aisle, then those in front, nearest first."""
    cross = layout.cross_aisles
    kd = layout.junction(layout.depot_spot.y)
    behind = [_Block(cross[b], cross[b + 1], {}) for b in range(kd, layout.blocks)]
    ahead = [_Block(cross[b + 1], cross[b], {}) for b in range(kd - 1, -1, -1)]
    for index, spot in enumerate(spots):
        if spot == layout.depot_spot:
            continue
        if spot.y >= cross[kd] and behind:
            block = behind[min(layout.block_of(spot.y), layout.blocks - 1) - kd]
        elif ahead:
            b = layout.block_of(spot.y)
            if layout.junction(spot.y) is not None and spot.y > cross[0]:
                b = layout.junction(spot.y) - 1  # on a cross aisle: the block below
            block = ahead[kd - 1 - b]
        else:
            block = behind[0]
        depth = abs(spot.y - block.near)
        block.columns.setdefault(spot.col, []).append((depth, index))
    for block in behind + ahead:
        for row in block.columns.values():
            row.sort()
    return [side for side in (behind, ahead) if side]


def _route(layout: Layout, spots: Sequence[Spot], rule: Rule) -> Walk:
    walker = _Walker(layout, spots)
    for side in _sides(layout, spots):
        busy = [i for i, block in enumerate(side) if block.columns]
        if not busy:
            continue
        farthest = busy[-1]
        if farthest > 0:
            _up_the_outer_aisle(walker, side, farthest)
        for i in range(farthest, -1, -1):
            block = side[i]
            if block.columns:
                rule(walker, block, i == farthest, _sweep(walker, block))
            elif walker.here.y != block.near:
                walker.go(Spot(walker.here.col, block.near))
    return walker.finish()


def _up_the_outer_aisle(walker: _Walker, side: list[_Block], farthest: int) -> None:
    """Walk up the leftmost or rightmost aisle with picks to the farthest block."""
    layout = walker.layout
    cols = {c for block in side[: farthest + 1] for c in block.columns}
    left, right = min(cols), max(cols)
    depot_x = layout.columns[layout.depot_spot.col]
    col = left
    if abs(layout.columns[right] - depot_x) < abs(layout.columns[left] - depot_x):
        col = right
    walker.go(Spot(col, side[0].near))
    for block in side[:farthest]:
        for _, index in block.columns.pop(col, []):
            walker.pick(index)
        walker.go(Spot(col, block.far))


def _sweep(walker: _Walker, block: _Block) -> list[int]:
    """The block's columns with picks, from the end nearer the picker."""
    cols = sorted(block.columns)
    xs = walker.layout.columns
    if abs(xs[cols[-1]] - walker.x()) < abs(xs[cols[0]] - walker.x()):
        cols.reverse()
    return cols


def _through(walker: _Walker, block: _Block, col: int, from_near: bool) -> None:
    row = block.columns[col]
    for _, index in row if from_near else reversed(row):
        walker.pick(index)
    walker.go(block.at(col, block.span if from_near else 0.0))


def _in_and_out(
    walker: _Walker, block: _Block, col: int, from_near: bool, row: list
) -> None:
    if not row:
        return
    walker.go(block.at(col, 0.0 if from_near else block.span))
    for _, index in row if from_near else reversed(row):
        walker.pick(index)
    walker.go(block.at(col, 0.0 if from_near else block.span))


def _s_shape(walker: _Walker, block: _Block, entered_near: bool, cols: list[int]):
    at_near = entered_near
    for i, col in enumerate(cols):
        walker.go(block.at(col, 0.0 if at_near else block.span))
        if i == len(cols) - 1 and at_near:
            _in_and_out(walker, block, col, True, block.columns[col])
        else:
            _through(walker, block, col, at_near)
            at_near = not at_near


def _return(walker: _Walker, block: _Block, entered_near: bool, cols: list[int]):
    if not entered_near:
        walker.go(block.at(cols[0], block.span))
        _through(walker, block, cols[0], False)
        cols = cols[1:]
    for col in cols:
        _in_and_out(walker, block, col, True, block.columns[col])


def _split_rule(split: Callable[[_Block, list], int]) -> Rule:
    """Midpoint, largest gap: back parts from the back, the rest from the front."""

    def rule(walker: _Walker, block: _Block, entered_near: bool, cols: list[int]):
        if len(cols) == 1:
            col = cols[0]
            if entered_near:
                _in_and_out(walker, block, col, True, block.columns[col])
            else:
                walker.go(block.at(col, block.span))
                _through(walker, block, col, False)
            return
        first, middle, last = cols[0], cols[1:-1], cols[-1]
        if entered_near:
            walker.go(block.at(first, 0.0))
            _through(walker, block, first, True)
            inner = middle
        else:
            inner = [first, *middle]
        parts = {}
        for col in inner:
            row = block.columns[col]
            cut = split(block, row)
            parts[col] = (row[:cut], row[cut:])
            _in_and_out(walker, block, col, False, parts[col][1])
        walker.go(block.at(last, block.span))
        _through(walker, block, last, False)
        for col in reversed(inner):
            _in_and_out(walker, block, col, True, parts[col][0])

    return rule


def _midpoint_cut(block: _Block, row: list) -> int:
    return sum(1 for depth, _ in row if depth <= block.span / 2)


def _largest_gap_cut(block: _Block, row: list) -> int:
    depths = [0.0, *(depth for depth, _ in row), block.span]
    gaps = [depths[i + 1] - depths[i] for i in range(len(depths) - 1)]
    return max(range(len(gaps)), key=lambda i: (gaps[i], -i))


def _combined(walker: _Walker, block: _Block, entered_near: bool, cols: list[int]):
    """Per aisle: through, or in and out; the cheaper sequence by dynamic programme."""
    xs = walker.layout.columns
    best = None
    for order in (cols, cols[::-1]):
        plan = _combined_plan(block, order, entered_near, walker.x(), xs)
        if plan is not None and (best is None or plan[0] < best[0]):
            best = plan
    _, order, choices = best
    at_near = entered_near
    for col, through in zip(order, choices, strict=True):
        walker.go(block.at(col, 0.0 if at_near else block.span))
        if through:
            _through(walker, block, col, at_near)
            at_near = not at_near
        else:
            _in_and_out(walker, block, col, at_near, block.columns[col])


def _combined_plan(block, order, entered_near, x0, xs):
    # cost[side] with side True = at the near cross aisle; choices kept per side
    cost = {entered_near: (abs(xs[order[0]] - x0), [])}
    for i, col in enumerate(order):
        if i:
            step = abs(xs[col] - xs[order[i - 1]])
            cost = {side: (c + step, plan) for side, (c, plan) in cost.items()}
        row = block.columns[col]
        new: dict[bool, tuple[float, list[bool]]] = {}
        for side, (c, plan) in cost.items():
            deepest = row[-1][0] if side else block.span - row[0][0]
            options = [(side, c + 2 * deepest, False), (not side, c + block.span, True)]
            for end, value, through in options:
                if end not in new or value < new[end][0]:
                    new[end] = (value, [*plan, through])
        cost = new
    if True not in cost:
        return None
    value, plan = cost[True]
    return value, order, plan


def s_shape(layout: Layout, spots: Sequence[Spot]) -> Walk:
    """S-shape (traversal)."""
    return _route(layout, spots, _s_shape)


def return_route(layout: Layout, spots: Sequence[Spot]) -> Walk:
    """Return: in and out of each aisle from the front."""
    return _route(layout, spots, _return)


def midpoint(layout: Layout, spots: Sequence[Spot]) -> Walk:
    """Midpoint."""
    return _route(layout, spots, _split_rule(_midpoint_cut))


def largest_gap(layout: Layout, spots: Sequence[Spot]) -> Walk:
    """Largest gap."""
    return _route(layout, spots, _split_rule(_largest_gap_cut))


def combined(layout: Layout, spots: Sequence[Spot]) -> Walk:
    """Combined: through or back, aisle by aisle."""
    return _route(layout, spots, _combined)


HEURISTICS: dict[str, Callable[[Layout, Sequence[Spot]], Walk]] = {
    "s-shape": s_shape,
    "return": return_route,
    "midpoint": midpoint,
    "largest gap": largest_gap,
    "combined": combined,
}
