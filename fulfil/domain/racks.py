"""The usual rack layout, generated: a plan of blocks, aisles, bays and levels becomes
every bin with its code and coordinates, plus the areas at the front.

Coordinates are metres from the front-left corner of the hall, the dock wall being
y = 0, as on every location:

- The front row (y = 2 m) holds the goods-in, packing and shipping areas, spread
  evenly over the hall's width, left to right in that order. The packing area with
  the lowest code (PACK-01) is where every picking walk starts and ends.
- The front cross aisle follows; the first block of racks starts at
  y = 4 m + the cross aisle width.
- Pick aisles run along y. Aisle n's centre line is at x = aisle pitch × (n − 0.5):
  a picker stands there to reach the bins on both sides, so that is every one of its
  bins' x. An aisle keeps its number and x through all blocks.
- In each block an aisle has `bays_per_side` bays on each side, odd numbers on the
  left, even on the right; bays 1 and 2 face each other at
  y = block start + 0.5 × bay width, bays 3 and 4 one bay width further back.
- Blocks follow one another to the back, each separated from the next by a cross
  aisle `cross_aisle_width` wide. All levels of a bay share its x and y.

A bin's code is BLOCK-AISLE-BAY-LEVEL: block letter (A is the front block), aisle and
bay as two digits, level letter (A at the floor). A-02-04-B is block A, aisle 2, bay
4 (right-hand side), second level. The lowest `pick_levels` levels are pick faces,
the ones above reserve. The zone is the block letter; the front areas are zone FRONT
with codes RECV-01, PACK-01, SHIP-01, ...

The route planner (fulfil.routing.layout.Layout.infer) reads aisles from the bins'
aisle numbers and x, and blocks from the jumps in their y: a plan it would misread
(cross aisles too narrow to tell from the step between bays, too few rows of bays to
see the step at all) is refused here, naming the field to change.
"""

import math
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, fields
from string import ascii_uppercase
from typing import NamedTuple

from fulfil.errors import BadLayoutPlan
from fulfil.routing.layout import BLOCK_GAP_LEAST_M, BLOCK_GAP_ROWS, BLOCK_GAP_STEPS

FRONT_ROW_Y = 2.0  # metres from the dock wall to the front areas
FRONT_DEPTH = 4.0  # where the front cross aisle begins
FRONT_ZONE = "FRONT"
MAX_BINS = 20_000  # bins one plan may make: a web request's worth of inserts
MARGIN = 0.05  # metres wider than the route planner needs: clear of rounding
AREAS = (  # kind, code prefix, plan field
    ("receiving", "RECV", "receiving"),
    ("packing", "PACK", "packing"),
    ("shipping", "SHIP", "shipping"),
)


@dataclass(frozen=True)
class RackPlan:
    """What a person states about their racks; every count and width has bounds."""

    blocks: int = 1
    aisles: int = 4
    bays_per_side: int = 6
    levels: int = 3
    pick_levels: int = 2
    bay_width: float = 1.2
    aisle_pitch: float = 3.0
    cross_aisle_width: float = 3.0
    receiving: int = 1
    packing: int = 2
    shipping: int = 1

    def as_dict(self) -> dict:
        return asdict(self)


# Bounds of each field, in the order forms and commands show them.
BOUNDS: dict[str, tuple[float, float]] = {
    "blocks": (1, len(ascii_uppercase)),
    "aisles": (1, 99),
    "bays_per_side": (1, 49),
    "levels": (1, len(ascii_uppercase)),
    "pick_levels": (0, len(ascii_uppercase)),
    "bay_width": (0.5, 5.0),
    "aisle_pitch": (1.5, 20.0),
    "cross_aisle_width": (1.0, 20.0),
    "receiving": (0, 20),
    "packing": (1, 20),
    "shipping": (0, 20),
}
WHOLE = frozenset(f.name for f in fields(RackPlan) if f.type in (int, "int"))


class PlannedBin(NamedTuple):
    code: str
    kind: str  # a LocationKind value
    zone: str
    aisle: str
    bay: str
    level: str
    x: float
    y: float


class RackFace(NamedTuple):
    """One bay of racking seen from above, for drawing: all its levels."""

    prefix: str  # BLOCK-AISLE-BAY, what its bins' codes start with
    x0: float
    y0: float
    x1: float
    y1: float


def check_plan(plan: RackPlan) -> None:
    """Refuse a plan out of bounds, too big, or one the route planner would misread
    (BadLayoutPlan names every field to change)."""
    problems = []
    for name, (low, high) in BOUNDS.items():
        value = getattr(plan, name)
        if not (isinstance(value, int | float) and math.isfinite(value)):
            problems.append((name, BadLayoutPlan.between(low, high)))
        elif name in WHOLE and value != int(value):
            problems.append((name, BadLayoutPlan.whole()))
        elif not low <= value <= high:
            problems.append((name, BadLayoutPlan.between(low, high)))
    if problems:
        raise BadLayoutPlan(problems)
    if plan.pick_levels > plan.levels:
        problems.append(("pick_levels", BadLayoutPlan.at_most_levels(plan.levels)))
    if plan.blocks > 1:
        rows = max(2, math.ceil(BLOCK_GAP_ROWS / plan.blocks))
        if plan.bays_per_side < rows:
            problems.append(("bays_per_side", BadLayoutPlan.rows(plan.blocks, rows)))
        least = least_cross_aisle(plan.bay_width)
        if plan.cross_aisle_width < least:
            problems.append(
                ("cross_aisle_width", BadLayoutPlan.cross(least, plan.bay_width))
            )
    bins = bin_count(plan)
    if bins > MAX_BINS:
        problems.append(("aisles", BadLayoutPlan.too_many(bins, MAX_BINS)))
    if problems:
        raise BadLayoutPlan(problems)


def least_cross_aisle(bay_width: float) -> float:
    """The narrowest cross aisle the route planner tells from the step between bays,
    rounded up to 10 cm: the jump from a block's last row of bays to the next block's
    first (a bay width plus the cross aisle) must exceed 2.5 bay widths and 1.5 m."""
    gap = max(BLOCK_GAP_STEPS * bay_width, BLOCK_GAP_LEAST_M) - bay_width + MARGIN
    return max(BOUNDS["cross_aisle_width"][0], math.ceil(round(gap * 10, 6)) / 10)


def bin_count(plan: RackPlan) -> int:
    """Storage bins the plan makes (the front areas not counted)."""
    return plan.blocks * plan.aisles * 2 * plan.bays_per_side * plan.levels


def block_letter(block: int) -> str:
    return ascii_uppercase[block]


def aisle_x(plan: RackPlan, aisle: int) -> float:
    """The centre line of aisle `aisle` (1-based)."""
    return round(plan.aisle_pitch * (aisle - 0.5), 3)


def block_start(plan: RackPlan, block: int) -> float:
    """Where the bays of block `block` (0-based) begin."""
    depth = plan.bays_per_side * plan.bay_width + plan.cross_aisle_width
    return FRONT_DEPTH + plan.cross_aisle_width + block * depth


def extent(plan: RackPlan) -> tuple[float, float]:
    """Width and depth of the hall the plan fills, back cross aisle included."""
    width = max(plan.aisles * plan.aisle_pitch, 2.0 * _area_count(plan))
    last = block_start(plan, plan.blocks - 1)
    return width, last + plan.bays_per_side * plan.bay_width + plan.cross_aisle_width


def plan_bins(plan: RackPlan) -> list[PlannedBin]:
    """Every bin and front area of the plan, areas first, then block by block, aisle
    by aisle, bay by bay, level by level (the order labels print in)."""
    check_plan(plan)
    return [*_areas(plan), *_storage(plan)]


def _area_count(plan: RackPlan) -> int:
    return sum(getattr(plan, field) for _, _, field in AREAS)


def _areas(plan: RackPlan) -> list[PlannedBin]:
    count = _area_count(plan)
    width = extent(plan)[0]
    slots = iter(round(width * (i + 0.5) / count, 2) for i in range(count))
    return [
        PlannedBin(
            f"{prefix}-{number:02d}",
            kind,
            FRONT_ZONE,
            "",
            "",
            "",
            next(slots),
            FRONT_ROW_Y,
        )
        for kind, prefix, field in AREAS
        for number in range(1, getattr(plan, field) + 1)
    ]


def _storage(plan: RackPlan) -> Iterable[PlannedBin]:
    for block in range(plan.blocks):
        letter, start = block_letter(block), block_start(plan, block)
        for aisle in range(1, plan.aisles + 1):
            x = aisle_x(plan, aisle)
            for bay in range(1, 2 * plan.bays_per_side + 1):
                y = round(start + ((bay - 1) // 2 + 0.5) * plan.bay_width, 3)
                for index in range(plan.levels):
                    level = ascii_uppercase[index]
                    kind = "pick_face" if index < plan.pick_levels else "reserve"
                    yield PlannedBin(
                        f"{letter}-{aisle:02d}-{bay:02d}-{level}",
                        kind,
                        letter,
                        f"{aisle:02d}",
                        f"{bay:02d}",
                        level,
                        x,
                        y,
                    )


def rack_faces(plan: RackPlan) -> list[RackFace]:
    """The bays as rectangles for a map: each side of an aisle holds racking a third
    of the aisle pitch deep, backing onto the next aisle's."""
    check_plan(plan)
    depth = plan.aisle_pitch * 0.3
    faces = []
    for block in range(plan.blocks):
        letter, start = block_letter(block), block_start(plan, block)
        for aisle in range(1, plan.aisles + 1):
            x = aisle_x(plan, aisle)
            left = x - plan.aisle_pitch / 2
            right = x + plan.aisle_pitch / 2 - depth
            for bay in range(1, 2 * plan.bays_per_side + 1):
                y0 = start + (bay - 1) // 2 * plan.bay_width
                x0 = left if bay % 2 else right
                faces.append(
                    RackFace(
                        f"{letter}-{aisle:02d}-{bay:02d}",
                        round(x0, 3),
                        round(y0, 3),
                        round(x0 + depth, 3),
                        round(y0 + plan.bay_width, 3),
                    )
                )
    return faces


# -- comparing with what is there -----------------------------------------------------

COMPARED = ("kind", "zone", "aisle", "bay", "level", "x", "y")


class ExistingBin(NamedTuple):
    kind: str
    zone: str
    aisle: str
    bay: str
    level: str
    x: float
    y: float
    active: bool


class Conflict(NamedTuple):
    planned: PlannedBin
    existing: ExistingBin
    differences: tuple[str, ...]  # the COMPARED fields that differ, and "active"


@dataclass
class Comparison:
    """The plan against the warehouse: bins to create, bins already there as planned,
    and bins of the plan's codes that are there otherwise (left as they are)."""

    new: list[PlannedBin]
    unchanged: list[PlannedBin]
    conflicts: list[Conflict]

    @property
    def planned(self) -> int:
        return len(self.new) + len(self.unchanged) + len(self.conflicts)


def compare(
    planned: Iterable[PlannedBin], existing: Mapping[str, ExistingBin]
) -> Comparison:
    """Sort the plan's bins by what the warehouse already holds under their codes."""
    result = Comparison([], [], [])
    for bin_ in planned:
        there = existing.get(bin_.code)
        if there is None:
            result.new.append(bin_)
            continue
        differences = tuple(
            name
            for name in COMPARED
            if not _same(getattr(bin_, name), getattr(there, name))
        ) + (() if there.active else ("active",))
        if differences:
            result.conflicts.append(Conflict(bin_, there, differences))
        else:
            result.unchanged.append(bin_)
    return result


def _same(a, b) -> bool:
    if isinstance(a, float) or isinstance(b, float):
        return abs(float(a) - float(b)) < 1e-6
    return a == b


class AisleRun(NamedTuple):
    """One aisle of one block, as a preview line: where it is and what it holds."""

    zone: str
    aisle: str
    x: float
    y_first: float  # the front-most and back-most bay centre
    y_last: float
    bins: int
    first: str  # codes of its first and last bin
    last: str


def aisle_runs(bins: Iterable[PlannedBin]) -> list[AisleRun]:
    """The storage bins summed up per block and aisle, in the order given."""
    runs: dict[tuple[str, str], list[PlannedBin]] = {}
    for bin_ in bins:
        if bin_.aisle:
            runs.setdefault((bin_.zone, bin_.aisle), []).append(bin_)
    return [
        AisleRun(
            zone,
            aisle,
            group[0].x,
            min(b.y for b in group),
            max(b.y for b in group),
            len(group),
            group[0].code,
            group[-1].code,
        )
        for (zone, aisle), group in runs.items()
    ]
