"""Which box a parcel goes in: the cheapest one its items fit, then the smallest.

"Fit" is a rule of thumb, not a packing plan: every item fits the box in some
orientation, the items' volume leaves room (`fill`) for the gaps and the padding,
and the box carries the weight. An item of unknown size (any dimension 0) is taken
to fit and to take no room, so a catalogue with missing sizes still gets a
suggestion; its weight still counts.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from math import prod


@dataclass(frozen=True)
class Box:
    code: str
    inner_mm: tuple[int, int, int]
    max_weight_g: int
    cost: Decimal
    tare_g: int = 0


@dataclass(frozen=True)
class Item:
    length_mm: int
    width_mm: int
    height_mm: int
    weight_g: int
    qty: int = 1

    @property
    def dimensions(self) -> tuple[int, int, int]:
        return (self.length_mm, self.width_mm, self.height_mm)

    @property
    def size_known(self) -> bool:
        return all(self.dimensions)


def choose_box(
    items: Sequence[Item], boxes: Sequence[Box], fill: float = 0.85
) -> Box | None:
    """The cheapest box the items fit (then the smallest); None if none does, and the
    items need several parcels or the packer's eye."""
    if not 0 < fill <= 1:
        raise ValueError("fill is a share of the box volume, above 0 and at most 1")
    fitting = [box for box in boxes if _fits(items, box, fill)]
    return min(
        fitting, key=lambda box: (box.cost, prod(box.inner_mm), box.code), default=None
    )


def room_problem(items: Sequence[Item], box: Box) -> str | None:
    """Why the items cannot go in this box at all: "size" (an item fits in no
    orientation, or they take more than the inner volume) or None. The weight limit
    is checked against the scale, not the catalogue."""
    inner = sorted(box.inner_mm)
    known = [item for item in items if item.size_known and item.qty > 0]
    for item in known:
        if any(
            side > room
            for side, room in zip(sorted(item.dimensions), inner, strict=True)
        ):
            return "size"
    if sum(prod(item.dimensions) * item.qty for item in known) > prod(box.inner_mm):
        return "size"
    return None


def expected_weight_g(items: Sequence[Item], box: Box) -> int:
    """What the parcel should weigh on the scale: the items and the empty box."""
    return sum(item.weight_g * item.qty for item in items) + box.tare_g


def _fits(items: Sequence[Item], box: Box, fill: float) -> bool:
    inner = sorted(box.inner_mm)
    known = [item for item in items if item.size_known and item.qty > 0]
    each_fits = all(
        all(
            side <= room
            for side, room in zip(sorted(item.dimensions), inner, strict=True)
        )
        for item in known
    )
    volume = sum(prod(item.dimensions) * item.qty for item in known)
    return (
        each_fits
        and volume <= fill * prod(box.inner_mm)
        and expected_weight_g(items, box) <= box.max_weight_g
    )
