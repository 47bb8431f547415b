"""The order a picker walks a list's bins in, from the packing area and back.

This first version is the S-shape (traversal) route: aisles from left to right, each
walked end to end, up one and down the next. The optimisation work replaces it with
the shortest route; everything else calls only `walking_order` and `tour_length`.
"""

import itertools
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Stop:
    x: float  # metres from the warehouse origin, as on the location
    y: float
    aisle: str = ""


Point = tuple[float, float]


def walking_order(stops: Sequence[Stop], depot: Point) -> list[int]:
    """Indexes of `stops` in walking order (stops in one bin stay together)."""
    aisles: dict[str, list[int]] = {}
    for index, stop in enumerate(stops):
        # a bin without an aisle is an aisle of its own, placed by its x
        aisles.setdefault(stop.aisle or f"@{stop.x:.3f}", []).append(index)

    def aisle_x(members: list[int]) -> float:
        return sum(stops[i].x for i in members) / len(members)

    route: list[int] = []
    away = True  # the first aisle is walked away from the depot
    for members in sorted(aisles.values(), key=lambda m: (aisle_x(m), min(m))):
        outward = sorted(
            members, key=lambda i: (abs(stops[i].y - depot[1]), stops[i].x, i)
        )
        route.extend(outward if away else outward[::-1])
        away = not away
    return route


def tour_length(points: Sequence[Point], depot: Point) -> float:
    """Metres walked from the depot through `points` in order and back (rectilinear)."""
    path = [depot, *points, depot]
    return sum(abs(a[0] - b[0]) + abs(a[1] - b[1]) for a, b in itertools.pairwise(path))
