"""The warehouse as a graph: pick aisles, cross aisles, blocks and the depot.

Pick aisles run along y at fixed x, their centre lines, where the picker stands to reach
the bins on both sides. Cross aisles run along x at fixed y and span the whole width;
m + 1 cross aisles cut the pick aisles into m blocks, and a picker changes aisles only
in a cross aisle. A stretch of one aisle inside one block is a sub-aisle; a layout may
close some of them (a wall, a column of racks without a passage).

The depot (packing area) sits on its own column at its x and is joined to the nearest
cross aisle by a straight walk, its stub. Every place a picker stops at is a `Spot`: a
column (a pick aisle, or the depot's) and a y. Distances are metres along this graph,
exactly the shortest walk between two spots.
"""

import heapq
import math
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property

Point = tuple[float, float]
EPS = 1e-6
SAME_AISLE_M = 1.0  # bins of one aisle name further apart in x are in two aisles
# Blocks: a jump in the bins' y of more than BLOCK_GAP_STEPS usual steps, and at
# least BLOCK_GAP_LEAST_M, is a cross aisle; it takes BLOCK_GAP_ROWS rows of bins to
# know the usual step.
BLOCK_GAP_STEPS, BLOCK_GAP_LEAST_M, BLOCK_GAP_ROWS = 2.5, 1.5, 5


@dataclass(frozen=True)
class Stop:
    """A bin as the app knows it: x, y in metres and its aisle's name."""

    x: float  # metres from the warehouse origin, as on the location
    y: float
    aisle: str = ""


@dataclass(frozen=True, order=True)
class Spot:
    """A place on the graph: a column (index into `Layout.columns`) and a y."""

    col: int
    y: float


@dataclass(frozen=True)
class Layout:
    """A parallel-aisle warehouse of one or more blocks, with the depot at `depot`."""

    aisles: tuple[float, ...]  # x of each pick aisle's centre line
    cross_aisles: tuple[float, ...]  # y of each cross aisle, front (lowest y) first
    depot: Point
    closed: frozenset[tuple[int, int]] = field(default_factory=frozenset)
    # (aisle index, block) of sub-aisles a picker cannot walk through

    def __post_init__(self) -> None:
        if not self.aisles:
            raise ValueError("a layout needs at least one pick aisle")
        if len(self.cross_aisles) < 2:
            raise ValueError("a layout needs a front and a back cross aisle")
        if list(self.aisles) != sorted(self.aisles) or any(
            b - a < EPS for a, b in zip(self.aisles, self.aisles[1:], strict=False)
        ):
            raise ValueError("aisles must be given once each, left to right")
        if list(self.cross_aisles) != sorted(self.cross_aisles):
            raise ValueError("cross aisles must be given front to back")

    # -- building -------------------------------------------------------------------

    @classmethod
    def grid(
        cls,
        *,
        blocks: int = 2,
        aisles: int = 10,
        bays: int = 20,
        bay_width: float = 1.3,
        aisle_pitch: float = 4.5,
        cross_aisle_width: float = 3.0,
        depot: str | Point = "centre",
    ) -> tuple["Layout", list[Stop]]:
        """A rectangular layout and the centre of each bay face, front to back.

        Aisle j's centre line is at x = aisle_pitch * (j + 0.5); the front cross aisle's
        centre line at y = cross_aisle_width / 2 + 1 (one metre in front of it is the
        depot); each block is `bays` bays of `bay_width` deep, on both sides of each
        aisle. `depot` is "centre", "left" (in front of the first aisle) or a point.
        """
        half = cross_aisle_width / 2
        cross = [1.0 + half]
        starts = []
        for _ in range(blocks):
            starts.append(cross[-1] + half)
            cross.append(starts[-1] + bays * bay_width + half)
        xs = tuple(round(aisle_pitch * (j + 0.5), 6) for j in range(aisles))
        if depot == "centre":
            point = (aisle_pitch * aisles / 2, 0.0)
        elif depot == "left":
            point = (xs[0], 0.0)
        elif isinstance(depot, tuple):
            point = depot
        else:
            raise ValueError(f"unknown depot position {depot!r}")
        layout = cls(aisles=xs, cross_aisles=tuple(cross), depot=point)
        faces = [
            Stop(
                x, round(start + (bay + 0.5) * bay_width, 6), f"{block + 1}-{j + 1:02d}"
            )
            for block, start in enumerate(starts)
            for j, x in enumerate(xs)
            for bay in range(bays)
        ]
        return layout, faces

    @classmethod
    def infer(
        cls, stops: Iterable[Stop], depot: Point, *, block_gap: float | None = None
    ) -> "Layout":
        """The layout the bins imply: an aisle per aisle name (or per x, unnamed).

        An aisle's x is the median x of its bins; bins of one name more than a metre
        apart in x make two aisles.

        Blocks are split where the bins' y positions jump by more than `block_gap`
        metres (None: by more than 2.5 times the usual step and at least 1.5 m;
        `math.inf`: one block). Cross aisles run along the front (lowest y) and the
        back of the bins and through the middle of each gap. A sub-aisle holding no
        bin is taken to be closed. Give it every storage bin of the warehouse (not the
        packing or receiving areas); given a single pick list's bins, call it with
        `block_gap=math.inf`, since a list's bins alone cannot tell a cross aisle from
        an empty stretch of aisle.
        """
        stops = list(stops)
        if not stops:
            raise ValueError("no bins to infer a layout from")
        groups: dict[str, list[float]] = {}
        for stop in stops:
            groups.setdefault(stop.aisle or f"@{stop.x:.3f}", []).append(stop.x)
        centres = []
        for group in groups.values():  # one name used twice, far apart: two aisles
            group.sort()
            run = [group[0]]
            for x in group[1:]:
                if x - run[-1] > SAME_AISLE_M:
                    centres.append(statistics.median(run))
                    run = []
                run.append(x)
            centres.append(statistics.median(run))
        xs: list[float] = []
        for x in sorted(centres):
            if not xs or x - xs[-1] > 0.01:
                xs.append(round(x, 6))
        ys = sorted({round(stop.y, 6) for stop in stops})
        steps = [b - a for a, b in zip(ys, ys[1:], strict=False)]
        if block_gap is None:
            block_gap = (
                max(BLOCK_GAP_LEAST_M, BLOCK_GAP_STEPS * statistics.median(steps))
                if len(ys) >= BLOCK_GAP_ROWS
                else math.inf
            )
        cross = [ys[0]]
        for a, b in zip(ys, ys[1:], strict=False):
            if b - a > block_gap:
                cross.append(round((a + b) / 2, 6))
        cross.append(ys[-1])
        layout = cls(aisles=tuple(xs), cross_aisles=tuple(cross), depot=depot)
        used = {(layout.aisle_index(s.x), layout.block_of(s.y)) for s in stops}
        closed = frozenset(
            (j, b)
            for j in range(len(xs))
            for b in range(len(cross) - 1)
            if (j, b) not in used
        )
        if not closed:
            return layout
        return cls(
            aisles=tuple(xs), cross_aisles=tuple(cross), depot=depot, closed=closed
        )

    # -- shape ----------------------------------------------------------------------

    @property
    def blocks(self) -> int:
        return len(self.cross_aisles) - 1

    @cached_property
    def columns(self) -> tuple[float, ...]:
        """x of every column: the pick aisles, and the depot's own unless on one."""
        xs = set(self.aisles)
        if all(abs(self.depot[0] - x) > EPS for x in self.aisles):
            xs.add(self.depot[0])
        return tuple(sorted(xs))

    @cached_property
    def _aisle_of_column(self) -> tuple[int | None, ...]:
        index = {x: j for j, x in enumerate(self.aisles)}
        return tuple(index.get(x) for x in self.columns)

    @cached_property
    def depot_spot(self) -> Spot:
        """Where the depot's stub meets the nearest cross aisle."""
        x, y = self.depot
        col = min(range(len(self.columns)), key=lambda c: abs(self.columns[c] - x))
        k = min(
            range(len(self.cross_aisles)), key=lambda k: abs(self.cross_aisles[k] - y)
        )
        return Spot(col, self.cross_aisles[k])

    @property
    def stub(self) -> float:
        """Metres from the depot to its cross aisle, walked at the start and the end."""
        return abs(self.depot[1] - self.depot_spot.y)

    def aisle_index(self, x: float) -> int:
        """The pick aisle nearest to x (a bin is reached from its aisle's centre)."""
        return min(range(len(self.aisles)), key=lambda j: abs(self.aisles[j] - x))

    def block_of(self, y: float) -> int:
        """The block holding y (a y on a cross aisle counts to the block behind it)."""
        cross = self.cross_aisles
        for b in range(self.blocks - 1, -1, -1):
            if y >= cross[b] - EPS:
                return b
        return 0

    def junction(self, y: float) -> int | None:
        """The cross aisle at y, if y is on one."""
        for k, yk in enumerate(self.cross_aisles):
            if abs(y - yk) <= EPS:
                return k
        return None

    def passable(self, col: int, block: int) -> bool:
        """Whether a picker can walk along this column through this block."""
        aisle = self._aisle_of_column[col]
        return aisle is not None and (aisle, block) not in self.closed

    def spot_of(self, stop: Stop | Point) -> Spot:
        """The spot a picker stands at to reach this bin."""
        x, y = (stop.x, stop.y) if isinstance(stop, Stop) else stop
        col = self.columns.index(self.aisles[self.aisle_index(x)])
        y = min(max(y, self.cross_aisles[0]), self.cross_aisles[-1])
        k = self.junction(y)
        if k is not None:
            y = self.cross_aisles[k]
        elif not self.passable(col, self.block_of(y)):
            raise ValueError(f"bin at ({x}, {y}) is in a closed part of an aisle")
        return Spot(col, y)

    def point(self, spot: Spot) -> Point:
        return (self.columns[spot.col], spot.y)

    # -- distances ------------------------------------------------------------------

    def _node(self, col: int, k: int) -> int:
        return col * len(self.cross_aisles) + k

    @cached_property
    def _edges(self) -> list[list[tuple[int, float]]]:
        cross, cols = self.cross_aisles, self.columns
        edges: list[list[tuple[int, float]]] = [
            [] for _ in range(len(cols) * len(cross))
        ]

        def join(a: int, b: int, length: float) -> None:
            edges[a].append((b, length))
            edges[b].append((a, length))

        for c in range(len(cols)):
            for k in range(len(cross)):
                if c + 1 < len(cols):
                    join(self._node(c, k), self._node(c + 1, k), cols[c + 1] - cols[c])
                if k + 1 < len(cross) and self.passable(c, k):
                    join(
                        self._node(c, k), self._node(c, k + 1), cross[k + 1] - cross[k]
                    )
        return edges

    @cached_property
    def _junction_paths(self) -> list[tuple[list[float], list[int]]]:
        """Dijkstra from every junction: (distances, predecessors)."""
        edges = self._edges
        result = []
        for source in range(len(edges)):
            dist = [math.inf] * len(edges)
            pred = [-1] * len(edges)
            dist[source] = 0.0
            queue = [(0.0, source)]
            while queue:
                d, node = heapq.heappop(queue)
                if d > dist[node]:
                    continue
                for other, length in edges[node]:
                    if d + length < dist[other] - 1e-12:
                        dist[other] = d + length
                        pred[other] = node
                        heapq.heappush(queue, (dist[other], other))
            result.append((dist, pred))
        return result

    def _anchors(self, spot: Spot) -> list[tuple[int, float]]:
        """The junctions a spot's sub-aisle ends at, with the metres to each."""
        k = self.junction(spot.y)
        if k is not None:
            return [(self._node(spot.col, k), 0.0)]
        b = self.block_of(spot.y)
        cross = self.cross_aisles
        return [
            (self._node(spot.col, b), spot.y - cross[b]),
            (self._node(spot.col, b + 1), cross[b + 1] - spot.y),
        ]

    def _same_sub_aisle(self, p: Spot, q: Spot) -> bool:
        if p.col != q.col or self.junction(p.y) is not None:
            return False
        if self.junction(q.y) is not None:
            return False
        return self.block_of(p.y) == self.block_of(q.y)

    def distance(self, p: Spot, q: Spot) -> float:
        """Metres of the shortest walk from p to q along the aisles."""
        if p == q:
            return 0.0
        best = abs(p.y - q.y) if self._same_sub_aisle(p, q) else math.inf
        paths = self._junction_paths
        for node_p, off_p in self._anchors(p):
            row = paths[node_p][0]
            for node_q, off_q in self._anchors(q):
                d = off_p + row[node_q] + off_q
                if d < best:
                    best = d
        return best

    def matrix(self, spots: Sequence[Spot]) -> list[list[float]]:
        """Distances between the depot's spot (index 0) and `spots` (1..n)."""
        everything = [self.depot_spot, *spots]
        n = len(everything)
        rows = [[0.0] * n for _ in range(n)]
        for i in range(n):
            for j in range(i + 1, n):
                rows[i][j] = rows[j][i] = self.distance(everything[i], everything[j])
        return rows

    def tour_length(self, spots: Sequence[Spot]) -> float:
        """Metres from the depot through `spots` in this order and back."""
        if not spots:
            return 0.0
        path = [self.depot_spot, *spots, self.depot_spot]
        return 2 * self.stub + sum(
            self.distance(a, b) for a, b in zip(path, path[1:], strict=False)
        )

    # -- walks, for drawing and for checking ----------------------------------------

    def path(self, p: Spot, q: Spot) -> list[Point]:
        """Corners of a shortest walk from p to q, both ends included."""
        if p == q:
            return [self.point(p)]
        if self._same_sub_aisle(p, q):
            return [self.point(p), self.point(q)]
        paths = self._junction_paths
        best, ends = math.inf, None
        for node_p, off_p in self._anchors(p):
            for node_q, off_q in self._anchors(q):
                d = off_p + paths[node_p][0][node_q] + off_q
                if d < best - 1e-12:
                    best, ends = d, (node_p, node_q)
        node_p, node_q = ends
        nodes = [node_q]
        pred = paths[node_p][1]
        while nodes[-1] != node_p:
            nodes.append(pred[nodes[-1]])
        m = len(self.cross_aisles)
        corners = [self.point(p)]
        for node in reversed(nodes):
            corners.append((self.columns[node // m], self.cross_aisles[node % m]))
        corners.append(self.point(q))
        return _without_repeats(corners)

    def walk(self, spots: Sequence[Spot]) -> list[Point]:
        """Corners of the walk from the depot through `spots` and back."""
        if not spots:
            return [self.depot]
        corners = [self.depot]
        path = [self.depot_spot, *spots, self.depot_spot]
        for a, b in zip(path, path[1:], strict=False):
            corners.extend(self.path(a, b))
        corners.append(self.depot)
        corners = _without_repeats(corners)
        corners[-1] = self.depot  # not a point a rounding error away
        return corners

    def walkable(self, a: Point, b: Point) -> bool:
        """Whether the straight segment a-b lies on the graph (or is the depot stub)."""
        (ax, ay), (bx, by) = a, b
        if abs(ax - bx) <= EPS and abs(ay - by) <= EPS:
            return True
        if abs(ax - bx) <= EPS:  # along a column
            lo, hi = min(ay, by), max(ay, by)
            if abs(ax - self.depot[0]) <= EPS:
                stub = sorted((self.depot[1], self.depot_spot.y))
                if stub[0] - EPS <= lo and hi <= stub[1] + EPS:
                    return True
            cols = [c for c, x in enumerate(self.columns) if abs(x - ax) <= EPS]
            if not cols or lo < self.cross_aisles[0] - EPS:
                return False
            if hi > self.cross_aisles[-1] + EPS:
                return False
            cross = self.cross_aisles
            return all(
                self.passable(cols[0], k)
                for k in range(self.blocks)
                if cross[k] < hi - EPS and cross[k + 1] > lo + EPS
            )
        if abs(ay - by) <= EPS:  # along a cross aisle
            if self.junction(ay) is None:
                return False
            lo, hi = min(ax, bx), max(ax, bx)
            return self.columns[0] - EPS <= lo and hi <= self.columns[-1] + EPS
        return False


def _without_repeats(corners: list[Point]) -> list[Point]:
    kept = [corners[0]]
    for corner in corners[1:]:
        if abs(corner[0] - kept[-1][0]) > EPS or abs(corner[1] - kept[-1][1]) > EPS:
            kept.append(corner)
    return kept


def walk_length(corners: Sequence[Point]) -> float:
    """Metres along a walk given by its corners (each leg straight)."""
    return sum(
        abs(a[0] - b[0]) + abs(a[1] - b[1])
        for a, b in zip(corners, corners[1:], strict=False)
    )


def distinct_spots(
    layout: Layout, stops: Sequence[Stop | Point]
) -> tuple[list[Spot], list[list[int]]]:
    """The distinct spots of `stops` in first-seen order, and the stops at each."""
    index: dict[Spot, int] = {}
    spots: list[Spot] = []
    members: list[list[int]] = []
    for i, stop in enumerate(stops):
        spot = layout.spot_of(stop)
        at = index.get(spot)
        if at is None:
            at = index[spot] = len(spots)
            spots.append(spot)
            members.append([])
        members[at].append(i)
    return spots, members
