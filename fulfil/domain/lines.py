"""What became of an order line's units: ordered, allocated, picked, packed, shipped,
short, backordered, cancelled; and what to do with units found short.

An order line is carried by one shipment. Units found short that are to follow later
pass on to a line split from it in a backorder shipment, so a line the shop sent is
one or more parts, each carried by its own shipment. Every screen, the API and the
webhooks add the parts up here, so they all tell the same story.
"""

from dataclasses import dataclass
from enum import StrEnum

from fulfil.domain.states import ShipmentStatus

S = ShipmentStatus


class ShortPolicy(StrEnum):
    """What happens to units found short that no other bin can supply."""

    BACKORDER = "backorder"  # they stay on the order and ship as a later parcel
    SHIP_PARTIAL_CANCEL_REST = "ship_partial_cancel_rest"  # they are cancelled


# Before picking: units are either reserved or wait for stock.
_WAITING = frozenset({S.PENDING, S.BACKORDERED, S.ALLOCATED})


@dataclass(frozen=True)
class Part:
    """One part of a line as its shipment carries it."""

    carried: int  # units this part's shipment is to deliver
    cancelled: int  # units dropped from it (found short, not to follow)
    status: ShipmentStatus  # its shipment's
    in_house: bool
    reserved: int = 0  # units reserved for it in bins now
    picked: int = 0
    packed: int = 0  # into parcels, closed or not
    shipped: int = 0  # in parcels handed to a carrier
    short: int = 0  # units found missing (in the bin or at the pack bench)


@dataclass(frozen=True)
class LineQuantities:
    ordered: int
    allocated: int  # reserved in bins, not yet picked
    picked: int
    packed: int
    shipped: int
    short: int  # found missing: then backordered or cancelled, as decided
    backordered: int  # waiting for stock
    cancelled: int
    state: str

    @property
    def open(self) -> int:
        """Units still to ship (neither shipped nor cancelled)."""
        return self.ordered - self.cancelled - self.shipped


def line_quantities(ordered: int, parts: list[Part]) -> LineQuantities:
    """Add up a line's parts."""
    allocated = backordered = cancelled = 0
    picked = packed = shipped = short = 0
    for part in parts:
        dropped = part.carried if part.status == S.CANCELLED else 0
        cancelled += part.cancelled + dropped
        picked += part.picked
        packed += part.packed
        short += part.short
        if not part.in_house:
            # a 3PL, a supplier or a download: all of it goes at once
            if part.status in (S.SHIPPED, S.DELIVERED):
                shipped += part.carried
            elif part.status == S.BACKORDERED:
                backordered += part.carried
            continue
        shipped += part.shipped
        if part.status in _WAITING:
            held = min(part.reserved, part.carried)
            allocated += held
            backordered += part.carried - held
        elif part.status == S.PICKING:
            allocated += part.reserved
    figures = dict(
        ordered=ordered,
        allocated=allocated,
        picked=picked,
        packed=packed,
        shipped=shipped,
        short=short,
        backordered=backordered,
        cancelled=cancelled,
    )
    state = _state(parts, ordered - cancelled, picked, packed, shipped, backordered)
    return LineQuantities(**figures, state=state)


def _state(
    parts: list[Part],
    live: int,
    picked: int,
    packed: int,
    shipped: int,
    backordered: int,
) -> str:
    if live <= 0:
        return "cancelled"
    if shipped >= live:
        return "shipped"
    if shipped:
        return "partially_shipped"
    if backordered >= live:
        return "backordered"
    if backordered:
        return "partially_backordered"
    if not any(part.in_house for part in parts):
        return "requested"
    if packed >= live:
        return "packed"
    if picked >= live:
        return "picked"
    if picked or any(part.status == S.PICKING for part in parts):
        return "picking"
    return "allocated"


def spread(units: int, caps: list[int]) -> list[int]:
    """Share `units` out over parts in order, each taking at most its cap (the units
    of one product packed in a shipment, over that shipment's lines of it)."""
    shares = []
    for cap in caps:
        take = min(max(cap, 0), units)
        shares.append(take)
        units -= take
    if shares and units > 0:
        shares[-1] += units  # more than all caps: never lose a unit from the count
    return shares
