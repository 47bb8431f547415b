"""What became of each line of an order, read from the floor's own records: the pick
tasks (picked), the parcels (packed, shipped), the exceptions (found short) and the
reservations (allocated). One place for the API, the webhooks and every page."""

from collections import defaultdict
from dataclasses import dataclass

import sqlalchemy as sa

from fulfil.domain.lines import LineQuantities, Part, line_quantities, spread
from fulfil.domain.states import ShipmentStatus as S
from fulfil.extensions import db
from fulfil.models import (
    ExceptionKind,
    FulfilmentMode,
    Order,
    OrderLine,
    Parcel,
    ParcelItem,
    ParcelStatus,
    PickException,
    PickTask,
    Shipment,
)

# Exceptions that mean units of a line were not there: in the bin (nowhere else
# either) or at the pack bench.
SHORTFALLS = (ExceptionKind.SHORT, ExceptionKind.MISSING_AT_PACKING)
_OUT = (ParcelStatus.SHIPPED, ParcelStatus.DELIVERED)


@dataclass(frozen=True)
class Facts:
    """Per line part (order line id): units picked, packed, shipped, found short."""

    picked: dict[int, int]
    packed: dict[int, int]
    shipped: dict[int, int]
    short: dict[int, int]

    @classmethod
    def none(cls) -> "Facts":  # a new order: nothing happened to it yet
        return cls({}, {}, {}, {})


def facts(lines: list[OrderLine], shipments: list[Shipment]) -> Facts:
    """Read what happened to these lines (three queries)."""
    ids = [line.id for line in lines]
    if not ids:
        return Facts.none()
    session = db.session
    picked = _sums(
        session,
        sa.select(PickTask.order_line_id, sa.func.sum(PickTask.picked))
        .where(PickTask.order_line_id.in_(ids))
        .group_by(PickTask.order_line_id),
    )
    short = _sums(
        session,
        sa.select(PickException.order_line_id, sa.func.sum(PickException.qty))
        .where(PickException.order_line_id.in_(ids), PickException.kind.in_(SHORTFALLS))
        .group_by(PickException.order_line_id),
    )
    in_parcels = session.execute(
        sa.select(
            Parcel.shipment_id,
            ParcelItem.product_id,
            Parcel.status.in_(_OUT).label("out"),
            sa.func.sum(ParcelItem.qty),
        )
        .join(Parcel, ParcelItem.parcel_id == Parcel.id)
        .where(Parcel.shipment_id.in_([s.id for s in shipments]))
        .group_by(Parcel.shipment_id, ParcelItem.product_id, "out")
    ).all()
    packed: dict[int, int] = defaultdict(int)
    shipped: dict[int, int] = defaultdict(int)
    for shipment_id, product_id, out, units in in_parcels:
        # a shipment's parcels hold products, not lines: share them over its lines
        # of that product, each up to what it carries (as the bench reports missing)
        parts = [
            line
            for line in lines
            if line.shipment_id == shipment_id and line.product_id == product_id
        ]
        caps = [line.carried - packed[line.id] for line in parts]
        for line, units_here in zip(parts, spread(int(units), caps), strict=True):
            packed[line.id] += units_here
            if out:
                shipped[line.id] += units_here
    return Facts(picked, dict(packed), dict(shipped), short)


def part(line: OrderLine, shipment: Shipment | None, known: Facts) -> Part:
    """One line part as domain.lines adds it up."""
    return Part(
        carried=line.carried,
        cancelled=line.cancelled or 0,
        status=shipment.status if shipment is not None else None,
        in_house=line.product.fulfilment == FulfilmentMode.IN_HOUSE,
        reserved=line.reserved,
        picked=known.picked.get(line.id, 0),
        packed=known.packed.get(line.id, 0),
        shipped=known.shipped.get(line.id, 0),
        short=known.short.get(line.id, 0),
    )


def quantities(order: Order, known: Facts | None = None) -> dict[int, LineQuantities]:
    """Each line the shop ordered (by id), with every part of it added up."""
    lines = list(order.lines)
    known = known if known is not None else facts(lines, list(order.shipments))
    shipments = {s.id: s for s in order.shipments}
    by_id = {line.id: line for line in lines}
    parts: dict[int, list[Part]] = defaultdict(list)
    for line in lines:
        root = line
        while root.split_from_id is not None and root.split_from_id in by_id:
            root = by_id[root.split_from_id]
        parts[root.id].append(part(line, shipments.get(line.shipment_id), known))
    return {
        line.id: line_quantities(line.qty, parts[line.id])
        for line in lines
        if line.split_from_id is None
    }


def _sums(session, query) -> dict[int, int]:
    return {key: int(units or 0) for key, units in session.execute(query)}


_WAITING = (S.PENDING, S.BACKORDERED, S.ALLOCATED)


@dataclass(frozen=True)
class ShortOutcome:
    """What became of the units a line found short: they follow in a later shipment
    (or, nothing having been found, its own shipment waits for stock), or they are
    cancelled."""

    follows: int = 0
    cancelled: int = 0

    def __add__(self, other: "ShortOutcome") -> "ShortOutcome":
        return ShortOutcome(
            self.follows + other.follows, self.cancelled + other.cancelled
        )


def short_outcomes(order: Order) -> dict[int, ShortOutcome]:
    """For each line of the order (by id), what became of its short units, added up
    over every line split from it, however often."""
    lines = list(order.lines)
    children: dict[int, list[OrderLine]] = defaultdict(list)
    for line in lines:
        if line.split_from_id is not None:
            children[line.split_from_id].append(line)

    def passed(line: OrderLine) -> ShortOutcome:
        total = ShortOutcome(cancelled=line.cancelled or 0)
        for child in children[line.id]:
            gone = child.shipment is not None and child.shipment.status == S.CANCELLED
            total += (
                ShortOutcome(cancelled=child.carried)
                if gone
                else ShortOutcome(child.carried)
            )
            total += passed(child)
        return total

    outcomes = {}
    for line in lines:
        outcome = passed(line)
        if line.shipment is not None and line.shipment.status in _WAITING:
            outcome += ShortOutcome(follows=line.carried)
        outcomes[line.id] = outcome
    return outcomes
