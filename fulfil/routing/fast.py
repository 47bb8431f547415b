"""A near-optimal pick tour for any layout and any list size, within a time budget.

Iterated local search on the shortest-walk distances between the list's bins: start
from the best of the classic rules' picking orders and a nearest-neighbour tour, improve
it with 2-opt (reverse a stretch) and Or-opt (move a run of one to three bins elsewhere,
either way round) until neither helps, looking only at each bin's nearest neighbours and
only near the last change; then kick the best tour (a random double bridge), improve
again and keep the better. The kicks come from a fixed seed and their number is fixed by
the list's size, so the same list always gives the same tour; the budget only cuts the
kicks short on a slow machine.
"""

import random
import time
from collections import deque
from collections.abc import Sequence

from fulfil.routing.heuristics import HEURISTICS
from fulfil.routing.layout import Layout, Spot

EPS = 1e-9
NEIGHBOURS = 10


def local_search(
    layout: Layout,
    spots: Sequence[Spot],
    *,
    budget_ms: float = 40.0,
    kicks: int | None = None,
    seed: int = 7,
) -> tuple[list[int], float]:
    """A short tour through the spots: (order of spot indexes, metres)."""
    started = time.perf_counter()
    n = len(spots)
    if n <= 1:
        return list(range(n)), layout.tour_length(spots)
    matrix = layout.matrix(spots)
    starts = [_nearest_neighbour(matrix)]
    for rule in HEURISTICS.values():
        starts.append([i + 1 for i in rule(layout, spots).order])
    first = min(starts, key=lambda tour: _length(matrix, [0, *tour]))
    near = _neighbour_lists(matrix)
    search = _Search(matrix, [0, *first], near)
    search.improve(range(n + 1))
    best, best_length = list(search.tour), search.length()
    if n >= 5:
        rng = random.Random(seed)
        deadline = started + budget_ms / 1000
        for _ in range(kicks if kicks is not None else 20 + 4 * n):
            if time.perf_counter() > deadline:
                break
            kicked, touched = _double_bridge(best, rng)
            search = _Search(matrix, kicked, near)
            search.improve(touched)
            length = search.length()
            if length < best_length - EPS:
                best, best_length = list(search.tour), length
    at = best.index(0)
    order = best[at + 1 :] + best[:at]
    return [i - 1 for i in order], best_length + 2 * layout.stub


def improve(matrix: Sequence[Sequence[float]], tour: list[int]) -> list[int]:
    """2-opt and Or-opt until neither shortens the tour (node 0 is the depot)."""
    search = _Search(matrix, [0, *tour], _neighbour_lists(matrix))
    search.improve(range(len(matrix)))
    at = search.tour.index(0)
    return search.tour[at + 1 :] + search.tour[:at]


def _length(matrix, cycle: list[int]) -> float:
    return sum(matrix[cycle[i - 1]][cycle[i]] for i in range(len(cycle)))


def _nearest_neighbour(matrix) -> list[int]:
    left = set(range(1, len(matrix)))
    tour, here = [], 0
    while left:
        here = min(left, key=lambda j: (matrix[here][j], j))
        left.remove(here)
        tour.append(here)
    return tour


def _double_bridge(cycle: list[int], rng: random.Random) -> tuple[list[int], set[int]]:
    n = len(cycle)
    if n < 8:  # too short for a bridge: swap two bins instead
        i, j = sorted(rng.sample(range(n), 2))
        kicked = list(cycle)
        kicked[i], kicked[j] = kicked[j], kicked[i]
        touched = {kicked[(k + s) % n] for k in (i, j) for s in (-1, 0, 1)}
        return kicked, touched
    a, b, c = sorted(rng.sample(range(1, n), 3))
    kicked = cycle[:a] + cycle[b:c] + cycle[a:b] + cycle[c:]
    touched = {cycle[(k + s) % n] for k in (0, a, b, c) for s in (-1, 0)}
    return kicked, touched


class _Search:
    """A cyclic tour with positions, improved move by move."""

    def __init__(self, matrix, cycle: list[int], near: list[list[int]]):
        self.d = matrix
        self.tour = cycle
        self.size = len(cycle)
        self.pos = [0] * self.size
        for i, node in enumerate(cycle):
            self.pos[node] = i
        self.near = near

    def length(self) -> float:
        return _length(self.d, self.tour)

    def succ(self, node: int) -> int:
        return self.tour[(self.pos[node] + 1) % self.size]

    def pred(self, node: int) -> int:
        return self.tour[(self.pos[node] - 1) % self.size]

    def improve(self, nodes) -> None:
        queue = deque(nodes)
        queued = set(queue)
        while queue:
            node = queue.popleft()
            queued.discard(node)
            touched = self._two_opt(node) or self._or_opt(node)
            if touched:
                for other in (*touched, node):
                    if other not in queued:
                        queued.add(other)
                        queue.append(other)

    def _reverse(self, start: int, end: int) -> None:
        """Reverse the stretch from position start to position end (cyclic)."""
        size, tour, pos = self.size, self.tour, self.pos
        length = (end - start) % size + 1
        if 2 * length > size:  # reversing the rest gives the same cycle, mirrored
            start, end = (end + 1) % size, (start - 1) % size
            length = size - length
        for k in range(length // 2):
            i, j = (start + k) % size, (end - k) % size
            tour[i], tour[j] = tour[j], tour[i]
            pos[tour[i]], pos[tour[j]] = i, j

    def _two_opt(self, a: int) -> tuple[int, ...] | None:
        d = self.d
        for forward in (True, False):
            b = self.succ(a) if forward else self.pred(a)
            dab = d[a][b]
            for c in self.near[a]:
                if d[a][c] >= dab - EPS:
                    break
                e = self.succ(c) if forward else self.pred(c)
                if c == b or e == a:
                    continue
                if d[a][c] + d[b][e] - dab - d[c][e] < -EPS:
                    if forward:  # a b ... c e  ->  a c ... b e
                        self._reverse(self.pos[b], self.pos[c])
                    else:  # e c ... b a  ->  e b ... c a
                        self._reverse(self.pos[c], self.pos[b])
                    return (a, b, c, e)
        return None

    def _or_opt(self, a: int) -> tuple[int, ...] | None:
        d, size = self.d, self.size
        for run in (1, 2, 3):
            if run > size - 3:
                break
            start = self.pos[a]
            segment = [self.tour[(start + k) % size] for k in range(run)]
            first, last = segment[0], segment[-1]
            before, after = self.pred(first), self.succ(last)
            gain = d[before][first] + d[last][after] - d[before][after]
            if gain <= EPS:
                continue
            inside = set(segment)
            for end in (first, last):
                for c in self.near[end]:
                    if d[end][c] >= gain - EPS:
                        break
                    if c in inside:
                        continue
                    for y_side in (True, False):
                        if y_side:  # between c and its successor
                            x, y = c, (after if c == before else self.succ(c))
                            head, tail = (
                                (first, last) if end == first else (last, first)
                            )
                        else:  # between its predecessor and c
                            x, y = (before if c == after else self.pred(c)), c
                            head, tail = (
                                (last, first) if end == first else (first, last)
                            )
                        if x in inside or y in inside:
                            continue
                        delta = d[x][head] + d[tail][y] - d[x][y]
                        if gain - delta > EPS:
                            self._move(segment, x, head == last)
                            return (before, after, x, y, first, last)
        return None

    def _move(self, segment: list[int], x: int, flip: bool) -> None:
        inside = set(segment)
        rest = [node for node in self.tour if node not in inside]
        at = rest.index(x)
        piece = segment[::-1] if flip else segment
        self.tour = rest[: at + 1] + piece + rest[at + 1 :]
        for i, node in enumerate(self.tour):
            self.pos[node] = i


def _neighbour_lists(matrix) -> list[list[int]]:
    n = len(matrix)
    return [
        sorted((j for j in range(n) if j != i), key=lambda j, i=i: (matrix[i][j], j))[
            :NEIGHBOURS
        ]
        for i in range(n)
    ]
