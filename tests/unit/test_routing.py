"""The warehouse graph and the routers: exact, fast and the classic rules."""

import heapq
import itertools
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fulfil.routing import (
    HEURISTICS,
    Layout,
    Spot,
    Stop,
    held_karp,
    local_search,
    optimal_route,
    route,
    tour_length,
    walking_order,
)
from fulfil.routing.layout import walk_length

SLOW = settings(deadline=None, max_examples=60)


@st.composite
def layouts(draw) -> tuple[Layout, list[Stop]]:
    """A grid of 1-3 blocks, or one inferred from bins with some aisles walled off."""
    blocks = draw(st.integers(1, 3))
    aisles = draw(st.integers(1, 5))
    bays = draw(st.integers(1, 6))
    width, depth = 4.5 * aisles, 5.0 + blocks * (bays * 1.3 + 3)
    depot = draw(
        st.one_of(
            st.sampled_from(["centre", "left"]),
            st.tuples(
                st.floats(-3, width + 3).map(lambda v: round(v, 1)),
                st.floats(-2, depth + 2).map(lambda v: round(v, 1)),
            ),
        )
    )
    layout, faces = Layout.grid(blocks=blocks, aisles=aisles, bays=bays, depot=depot)
    if blocks > 1 and aisles > 1 and draw(st.booleans()):
        # walls: drop some aisle's bins in one block and infer the layout from the rest
        walled = draw(st.sets(st.integers(0, aisles - 1), max_size=aisles - 1))
        kept = [
            f
            for f in faces
            if not (f.aisle.startswith("1-") and int(f.aisle[2:]) - 1 in walled)
        ]
        layout = Layout.infer(kept, layout.depot)
        faces = kept
    return layout, faces


@st.composite
def pick_lists(draw, most: int = 6) -> tuple[Layout, list[Spot]]:
    layout, faces = draw(layouts())
    chosen = draw(st.lists(st.sampled_from(faces), min_size=1, max_size=most))
    spots = list(dict.fromkeys(layout.spot_of(f) for f in chosen))
    if draw(st.booleans()):  # a bin right on a cross aisle, as inferred layouts have
        col = layout.columns.index(
            layout.aisles[draw(st.integers(0, len(layout.aisles) - 1))]
        )
        y = draw(st.sampled_from(layout.cross_aisles))
        spots = list(dict.fromkeys([*spots, Spot(col, y)]))
    return layout, spots[:most]


def brute_force(layout: Layout, spots: list[Spot]) -> float:
    matrix = layout.matrix(spots)
    best = math.inf
    for order in itertools.permutations(range(1, len(spots) + 1)):
        path = [0, *order, 0]
        best = min(best, sum(matrix[a][b] for a, b in itertools.pairwise(path)))
    return best + 2 * layout.stub


def graph_distance(layout: Layout, p: Spot, q: Spot) -> float:
    """Dijkstra over an explicit graph of every junction and the two spots."""
    cross, cols = layout.cross_aisles, layout.columns
    points = {(c, y) for c in range(len(cols)) for y in cross} | {
        (p.col, p.y),
        (q.col, q.y),
    }
    edges: dict = {point: [] for point in points}
    for c in range(len(cols)):
        on_column = sorted(y for col, y in points if col == c)
        for a, b in itertools.pairwise(on_column):
            block = layout.block_of((a + b) / 2)
            if layout.passable(c, block) and cross[0] <= a and b <= cross[-1]:
                edges[(c, a)].append(((c, b), b - a))
                edges[(c, b)].append(((c, a), b - a))
    for y in cross:
        for c in range(len(cols) - 1):
            step = cols[c + 1] - cols[c]
            edges[(c, y)].append(((c + 1, y), step))
            edges[(c + 1, y)].append(((c, y), step))
    best = {(p.col, p.y): 0.0}
    queue = [(0.0, (p.col, p.y))]
    while queue:
        d, node = heapq.heappop(queue)
        if node == (q.col, q.y):
            return d
        if d > best.get(node, math.inf):
            continue
        for other, length in edges[node]:
            if d + length < best.get(other, math.inf):
                best[other] = d + length
                heapq.heappush(queue, (d + length, other))
    return math.inf


def assert_valid_tour(layout: Layout, spots: list[Spot], corners: list) -> None:
    """Starts and ends at the depot, walks only along aisles, passes every bin."""
    assert corners[0] == layout.depot and corners[-1] == layout.depot
    legs = list(itertools.pairwise(corners))
    assert all(layout.walkable(a, b) for a, b in legs), corners
    for spot in spots:
        x, y = layout.point(spot)
        assert any(
            min(a[0], b[0]) - 1e-6 <= x <= max(a[0], b[0]) + 1e-6
            and min(a[1], b[1]) - 1e-6 <= y <= max(a[1], b[1]) + 1e-6
            for a, b in legs
        ), spot


@SLOW
@given(pick_lists())
def test_distances_are_the_shortest_walks_along_aisles(case):
    layout, spots = case
    for p, q in itertools.combinations([layout.depot_spot, *spots], 2):
        expected = graph_distance(layout, p, q)
        assert layout.distance(p, q) == pytest.approx(expected)
        corners = layout.path(p, q)
        assert all(layout.walkable(a, b) for a, b in itertools.pairwise(corners))
        assert walk_length(corners) == pytest.approx(expected)


@SLOW
@given(pick_lists())
def test_the_aisle_dp_and_held_karp_agree_with_brute_force(case):
    layout, spots = case
    shortest = brute_force(layout, spots)

    order, length = optimal_route(layout, spots)
    hk_order, hk_length = held_karp(layout.matrix(spots))

    assert length == pytest.approx(shortest)
    assert sorted(order) == list(range(len(spots)))
    assert layout.tour_length([spots[i] for i in order]) == pytest.approx(shortest)
    assert hk_length + 2 * layout.stub == pytest.approx(shortest)
    assert sorted(hk_order) == list(range(1, len(spots) + 1))


@SLOW
@given(pick_lists(most=14))
def test_every_method_returns_a_valid_tour_no_shorter_than_the_optimum(case):
    layout, spots = case
    _, shortest = optimal_route(layout, spots)
    routers = {
        "optimal": lambda: optimal_route(layout, spots)[0],
        "local search": lambda: local_search(layout, spots)[0],
        "router": lambda: route(layout, spots)[0],
    }
    for name, solve in routers.items():
        order = solve()
        assert sorted(order) == list(range(len(spots))), name
        in_order = [spots[i] for i in order]
        corners = layout.walk(in_order)
        assert_valid_tour(layout, spots, corners)
        hops = list(
            itertools.pairwise([layout.depot_spot, *in_order, layout.depot_spot])
        )
        for a, b in hops:  # each hop is a shortest walk between its bins
            assert walk_length(layout.path(a, b)) == pytest.approx(
                layout.distance(a, b)
            )
        assert walk_length(corners) == pytest.approx(layout.tour_length(in_order))
        assert layout.tour_length(in_order) >= shortest - 1e-6, name
    for name, rule in HEURISTICS.items():
        walk = rule(layout, spots)
        assert sorted(walk.order) == list(range(len(spots))), name
        corners = layout.walk(walk.targets)
        assert_valid_tour(layout, spots, corners)
        assert walk_length(corners) == pytest.approx(walk.length), name
        assert walk.length >= shortest - 1e-6, name
        in_order = [spots[i] for i in walk.order]
        assert layout.tour_length(in_order) <= walk.length + 1e-6, name


def test_local_search_finds_the_same_tour_every_time():
    layout, faces = Layout.grid(blocks=3, aisles=8)
    spots = list(dict.fromkeys(layout.spot_of(f) for f in faces[::7]))[:40]

    assert local_search(layout, spots) == local_search(layout, spots)


def test_the_router_is_within_a_percent_of_the_optimum_on_three_blocks():
    layout, faces = Layout.grid(blocks=3, aisles=6, bays=8)
    spots = list(dict.fromkeys(layout.spot_of(f) for f in faces[::5]))[:25]

    _, shortest = optimal_route(layout, spots)
    _, length = route(layout, spots)

    assert length <= shortest * 1.01


def test_s_shape_walks_each_aisle_with_picks_end_to_end():
    layout, _ = Layout.grid(blocks=1, aisles=3, bays=10, depot="left")
    front, back = layout.cross_aisles
    spots = [Spot(0, front + 2), Spot(1, front + 3), Spot(2, front + 1)]

    walk = HEURISTICS["s-shape"](layout, spots)

    # through aisles 1 and 2, then in and out of aisle 3 (an odd number of aisles)
    assert walk.order == [0, 1, 2]
    assert walk.length == pytest.approx(
        2 * layout.stub + 2 * 9.0 + 2 * (back - front) + 2
    )


def test_a_layout_inferred_from_the_demo_bins_has_two_blocks():
    bins = [
        Stop(4 + 3 * aisle, round(y0 + (row + 0.5) * 1.2, 2), f"{aisle + 1:02d}")
        for y0 in (6.0, 16.2)
        for aisle in range(6)
        for row in range(6)
    ]
    layout = Layout.infer(bins, (11.5, 2.0))

    assert layout.aisles == (4.0, 7.0, 10.0, 13.0, 16.0, 19.0)
    assert layout.cross_aisles == (6.6, 14.7, 22.8)
    assert not layout.closed
    assert layout.stub == pytest.approx(4.6)


def test_walking_order_keeps_stops_in_one_bin_together_nearest_first():
    stops = [
        Stop(9, 9, "B-02"),
        Stop(3, 4, "A-01"),
        Stop(3, 8, "A-01"),
        Stop(9, 6, "B-02"),
        Stop(3, 4, "A-01"),
    ]

    order = walking_order(stops, (1, 2))

    assert order == [1, 4, 2, 0, 3]
    assert tour_length([stops[i] for i in order], (1, 2)) == pytest.approx(30.0)


@SLOW
@given(pick_lists(most=10), st.randoms(use_true_random=False))
def test_walking_order_is_a_shortest_order_of_the_given_stops(case, rng):
    layout, spots = case
    points = [layout.point(s) for s in spots]
    aisle_names = {x: f"A{j}" for j, x in enumerate(layout.aisles)}
    stops = [Stop(x, y, aisle_names.get(x, "")) for x, y in points]
    stops = stops + rng.sample(stops, k=min(3, len(stops)))  # some bins twice
    rng.shuffle(stops)
    depot = layout.depot

    order = walking_order(stops, depot, layout)

    assert sorted(order) == list(range(len(stops)))
    bins = [(stops[i].x, stops[i].y) for i in order]
    assert all(  # once the picker leaves a bin, the bin is done
        bins.index(b) == i or bins[i - 1] == b for i, b in enumerate(bins)
    )
    walked = tour_length([stops[i] for i in order], depot, layout)
    assert walked == pytest.approx(optimal_route(layout, spots)[1])


def test_nothing_to_pick_is_no_walk():
    layout, _ = Layout.grid()

    assert walking_order([], (0, 0)) == []
    assert tour_length([], (0, 0)) == 0.0
    assert optimal_route(layout, []) == ([], 0.0)
    assert all(rule(layout, []).length == 0.0 for rule in HEURISTICS.values())
