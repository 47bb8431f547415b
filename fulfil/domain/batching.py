"""Which orders share a cart: the most urgent first, as many as the cart takes.

A first version (first fit in promise order); the optimisation work replaces it with
batching by proximity. Everything else calls only `plan_batches`.
"""

from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from datetime import datetime


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
class _Filling:
    keys: list[Hashable] = field(default_factory=list)
    volume_l: float = 0.0
    weight_kg: float = 0.0

    def takes(self, load: Load, cart: Cart) -> bool:
        return (
            len(self.keys) < cart.totes
            and self.volume_l + load.volume_l <= cart.volume_l
            and self.weight_kg + load.weight_kg <= cart.weight_kg
        )

    def add(self, load: Load) -> None:
        self.keys.append(load.key)
        self.volume_l += load.volume_l
        self.weight_kg += load.weight_kg


def plan_batches(loads: Sequence[Load], cart: Cart) -> list[list[Hashable]]:
    """Keys grouped into carts; an order too big for any cart still gets one alone."""
    carts: list[_Filling] = []
    for load in sorted(
        loads, key=lambda load: (load.due is None, load.due or datetime.min)
    ):
        filling = next((c for c in carts if c.takes(load, cart)), None)
        if filling is None:
            filling = _Filling()
            carts.append(filling)
        filling.add(load)
    return [filling.keys for filling in carts]
