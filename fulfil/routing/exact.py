"""Shortest pick tours, exactly: the yardstick for every other method.

`optimal_route` is Ratliff and Rosenthal's dynamic programme (Operations Research 31(3),
1983), generalised from one block to any number of blocks the way Roodbergen and de
Koster did for two (EJOR 133(1), 2001): sweep the columns left to right; a tour is a
connected multigraph of aisle segments with even degrees, and all that matters about
the part left of a cut is how often each cross aisle is crossed there (0, 1 or 2 times)
and which of those crossings are already joined. Its time grows with the number of
aisles, not with the number of picks, but fast with the number of blocks: milliseconds
for one or two, up to about a second for three, far too long for four.

`held_karp` is the textbook subset dynamic programme on shortest-walk distances, exact
on any graph, for lists of up to about 13 bins.
"""

import itertools
import math
from collections.abc import Sequence

from fulfil.routing.layout import Layout, Spot

# How one sub-aisle is walked: (degree added at its front end, at its back end, whether
# the walk joins the two ends, name). Each segment is walked 0, 1 or 2 times; these
# are all the patterns that can be part of a shortest tour.
NONE = (0, 0, False, "none")
SINGLE = (1, 1, True, "through")
DOUBLE = (2, 2, True, "through twice")
FRONT = (2, 0, False, "from the front")
BACK = (0, 2, False, "from the back")
GAP = (2, 2, False, "from both ends")

EMPTY, OPEN, DONE = 0, 1, 2
_TRANSITIONS: dict[tuple, list[tuple[tuple, int, int]]] = {}


def optimal_route(layout: Layout, spots: Sequence[Spot]) -> tuple[list[int], float]:
    """The shortest tour from the depot through every spot: (order, metres)."""
    if not spots:
        return [], 0.0
    depot = layout.depot_spot
    if all(spot == depot for spot in spots):
        return list(range(len(spots))), 2 * layout.stub
    cross = layout.cross_aisles
    m = len(cross)
    picks: dict[tuple[int, int], list[tuple[float, int]]] = {}
    required: set[tuple[int, int]] = {(depot.col, layout.junction(depot.y))}
    for index, spot in enumerate(spots):
        k = layout.junction(spot.y)
        if k is None:
            picks.setdefault((spot.col, layout.block_of(spot.y)), []).append(
                (spot.y, index)
            )
        else:
            required.add((spot.col, k))
    for row in picks.values():
        row.sort()
    if layout.closed:
        columns = list(range(len(layout.columns)))
    else:  # walking beyond the outermost bins to be visited never pays
        used = [c for c, _ in picks] + [c for c, _ in required]
        columns = list(range(min(used), max(used) + 1))

    frontier: dict[tuple, float] = {(EMPTY,): 0.0}
    back: list[dict[tuple, tuple[tuple, int]]] = []
    kinds_per_column = []
    for position, col in enumerate(columns):
        last = position == len(columns) - 1
        kinds, costs = [], []
        for b in range(m - 1):
            kind_list, cost_list = _options(layout, col, b, picks.get((col, b)))
            kinds.append(kind_list)
            costs.append(cost_list)
        needed = tuple((col, k) in required for k in range(m))
        key = (tuple(tuple(k) for k in kinds), needed, last)
        combo_costs = [sum(choice) for choice in itertools.product(*costs)]
        dx = (
            0.0 if last else layout.columns[columns[position + 1]] - layout.columns[col]
        )
        reached: dict[tuple, float] = {}
        pointers: dict[tuple, tuple[tuple, int]] = {}
        for state, base in frontier.items():
            for new, combo, crossings in _transitions(state, key, m):
                cost = base + combo_costs[combo] + crossings * dx
                if cost < reached.get(new, math.inf) - 1e-9:
                    reached[new] = cost
                    pointers[new] = (state, combo)
        frontier = reached
        back.append(pointers)
        kinds_per_column.append(list(itertools.product(*kinds)))
    length = frontier[(DONE,)] + 2 * layout.stub

    # Walk the pointers back to the chosen segments, then trace an Euler tour.
    chosen: list[tuple[tuple, tuple[int, ...]]] = []
    state = (DONE,)
    for position in range(len(columns) - 1, -1, -1):
        previous, combo = back[position][state]
        h_out = state[1 : 1 + m] if state[0] == OPEN else (0,) * m
        chosen.append((kinds_per_column[position][combo], h_out))
        state = previous
    chosen.reverse()
    order = _euler_order(layout, spots, columns, chosen, picks)
    return order, length


def _options(
    layout: Layout, col: int, b: int, row: list[tuple[float, int]] | None
) -> tuple[list[tuple], list[float]]:
    """The ways to walk sub-aisle (col, b) and what each costs here."""
    if not layout.passable(col, b):
        return [NONE], [0.0]
    front, rear = layout.cross_aisles[b], layout.cross_aisles[b + 1]
    span = rear - front
    if not row:
        return [NONE, SINGLE, DOUBLE], [0.0, span, 2 * span]
    ys = [y for y, _ in row]
    kinds = [SINGLE, DOUBLE, FRONT, BACK]
    costs = [span, 2 * span, 2 * (ys[-1] - front), 2 * (rear - ys[0])]
    if len(ys) > 1:
        gap = max(b - a for a, b in zip(ys, ys[1:], strict=False))
        kinds.append(GAP)
        costs.append(2 * (span - gap))
    return kinds, costs


def _transitions(state: tuple, key: tuple, m: int) -> list[tuple[tuple, int, int]]:
    """Every way to extend a partial tour through one column (cached by shape)."""
    cached = _TRANSITIONS.get((state, key))
    if cached is not None:
        return cached
    kinds, needed, last = key
    flag = state[0]
    h_in = state[1 : 1 + m] if flag == OPEN else (0,) * m
    labels_in = state[1 + m :] if flag == OPEN else (-1,) * m
    result = []
    for combo, choice in enumerate(itertools.product(*kinds)):
        degree = list(h_in)
        for b, (front, rear, _, _) in enumerate(choice):
            degree[b] += front
            degree[b + 1] += rear
        if flag == DONE:
            if not any(degree) and not any(needed):
                result.append(((DONE,), combo, 0))
            continue
        options = []
        for k in range(m):
            if degree[k] % 2:
                options.append((1,) if not last else ())
            else:
                options.append((0,) if last else (0, 2))
        for h_out in itertools.product(*options):
            new = _join(degree, h_out, h_in, labels_in, choice, needed, flag, m)
            if new is not None:
                result.append((new, combo, sum(h_out)))
    _TRANSITIONS[(state, key)] = result
    return result


def _join(degree, h_out, h_in, labels_in, choice, needed, flag, m):
    """The state after a column, or None if the walk would be broken or miss a bin."""
    total = [degree[k] + h_out[k] for k in range(m)]
    if any(needed[k] and not total[k] for k in range(m)):
        return None
    parent = list(range(2 * m))  # vertices 0..m-1, then the left side's components

    def find(a: int) -> int:
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    def union(a: int, b: int) -> None:
        parent[find(a)] = find(b)

    for k in range(m):
        if h_in[k]:
            union(k, m + labels_in[k])
    for b, (_, _, joins, _) in enumerate(choice):
        if joins:
            union(b, b + 1)
    active = [k for k in range(m) if total[k]]
    if not active:
        return (EMPTY,) if flag == EMPTY else None
    roots = {find(k) for k in active}
    leaving = {find(k) for k in range(m) if h_out[k]}
    if roots - leaving:  # a part of the walk is finished here
        if len(roots) == 1 and not leaving:
            return (DONE,)
        return None
    names: dict[int, int] = {}
    labels = []
    for k in range(m):
        if h_out[k]:
            labels.append(names.setdefault(find(k), len(names)))
        else:
            labels.append(-1)
    return (OPEN, *h_out, *labels)


def _euler_order(layout, spots, columns, chosen, picks) -> list[int]:
    """Visit order of the spots along an Euler tour of the chosen segments."""
    m = len(layout.cross_aisles)
    at_junction = {}
    for index, spot in enumerate(spots):
        k = layout.junction(spot.y)
        if k is not None:
            at_junction.setdefault((spot.col, k), []).append(index)
    adjacency: dict[tuple, list[tuple[tuple, int]]] = {}
    used: list[bool] = []

    def link(a: tuple, b: tuple, times: int) -> None:
        for _ in range(times):
            adjacency.setdefault(a, []).append((b, len(used)))
            adjacency.setdefault(b, []).append((a, len(used)))
            used.append(False)

    for position, col in enumerate(columns):
        choice, h_out = chosen[position]
        for b, kind in enumerate(choice):
            row = picks.get((col, b), [])
            chain = [("J", col, b), *(("P", i) for _, i in row), ("J", col, b + 1)]
            pairs = list(zip(chain, chain[1:], strict=False))
            if kind is SINGLE:
                segments = [(pair, 1) for pair in pairs]
            elif kind is DOUBLE:
                segments = [(pair, 2) for pair in pairs]
            elif kind is FRONT:
                segments = [(pair, 2) for pair in pairs[:-1]]
            elif kind is BACK:
                segments = [(pair, 2) for pair in pairs[1:]]
            elif kind is GAP:
                ys = [y for y, _ in row]
                split = max(range(len(ys) - 1), key=lambda i: ys[i + 1] - ys[i])
                segments = [(pair, 2) for pair in pairs[: split + 1]]
                segments += [(pair, 2) for pair in pairs[split + 2 :]]
            else:
                segments = []
            for (a, b_), times in segments:
                link(a, b_, times)
        if position + 1 < len(columns):
            for k in range(m):
                link(("J", col, k), ("J", columns[position + 1], k), h_out[k])

    depot = layout.depot_spot
    start = ("J", depot.col, layout.junction(depot.y))
    stack, circuit = [start], []
    cursor = {node: 0 for node in adjacency}
    while stack:
        node = stack[-1]
        edges = adjacency.get(node, [])
        while cursor.get(node, 0) < len(edges) and used[edges[cursor[node]][1]]:
            cursor[node] += 1
        if cursor.get(node, 0) < len(edges):
            other, edge = edges[cursor[node]]
            used[edge] = True
            stack.append(other)
        else:
            circuit.append(stack.pop())
    circuit.reverse()
    order, seen = [], set()
    for node in circuit:
        if node[0] == "P":
            found = [node[1]]
        else:
            found = at_junction.get((node[1], node[2]), [])
        for index in found:
            if index not in seen:
                seen.add(index)
                order.append(index)
    return order


def held_karp(matrix: Sequence[Sequence[float]]) -> tuple[list[int], float]:
    """Shortest tour from node 0 through all others and back: (order of 1..n, length).

    Exact for any distances; O(2^n n^2) time, so for n up to about 13.
    """
    n = len(matrix) - 1
    if n <= 0:
        return [], 0.0
    full = (1 << n) - 1
    cost = [[math.inf] * n for _ in range(1 << n)]
    parent = [[-1] * n for _ in range(1 << n)]
    for j in range(n):
        cost[1 << j][j] = matrix[0][j + 1]
    for mask in range(1, 1 << n):
        row = cost[mask]
        for j in range(n):
            here = row[j]
            if here == math.inf or not (mask >> j) & 1:
                continue
            distances = matrix[j + 1]
            for k in range(n):
                if (mask >> k) & 1:
                    continue
                nxt = mask | (1 << k)
                value = here + distances[k + 1]
                if value < cost[nxt][k]:
                    cost[nxt][k] = value
                    parent[nxt][k] = j
    last = min(range(n), key=lambda j: cost[full][j] + matrix[j + 1][0])
    length = cost[full][last] + matrix[last + 1][0]
    order, mask, node = [], full, last
    while node != -1:
        order.append(node + 1)
        node, mask = parent[mask][node], mask & ~(1 << node)
    order.reverse()
    return order, length
