"""State machines as tables: which status may follow which.

A shipment is what moves; an order's status is derived from its shipments (the least
advanced one that is not cancelled), so a mixed order never claims more than it did.
"""

from enum import StrEnum


class OrderStatus(StrEnum):
    RECEIVED = "received"
    BACKORDERED = "backordered"
    ALLOCATED = "allocated"
    PICKING = "picking"
    PICKED = "picked"
    PACKED = "packed"
    SHIPPED = "shipped"
    DELIVERED = "delivered"
    CANCELLED = "cancelled"


class ShipmentStatus(StrEnum):
    PENDING = "pending"
    BACKORDERED = "backordered"  # in_house: waiting for stock
    ALLOCATED = "allocated"  # in_house: every unit reserved
    REQUESTED = "requested"  # 3pl/dropship: handed to the provider or supplier
    PICKING = "picking"  # on a pick list
    PICKED = "picked"  # its totes are at the packing area
    PACKED = "packed"
    SHIPPED = "shipped"
    DELIVERED = "delivered"  # digital: at once
    CANCELLED = "cancelled"


S = ShipmentStatus
SHIPMENT_TRANSITIONS: dict[ShipmentStatus, frozenset[ShipmentStatus]] = {
    S.PENDING: frozenset(
        {S.BACKORDERED, S.ALLOCATED, S.REQUESTED, S.DELIVERED, S.CANCELLED}
    ),
    # digital: keys arrive and the shipment is delivered at once
    S.BACKORDERED: frozenset({S.ALLOCATED, S.DELIVERED, S.CANCELLED}),
    S.ALLOCATED: frozenset({S.PICKING, S.BACKORDERED, S.CANCELLED}),
    # a pick list can be taken back (ALLOCATED) before anything is picked
    S.REQUESTED: frozenset({S.SHIPPED, S.CANCELLED}),
    # picked, taken back, cancelled, or found short everywhere (waits for stock)
    S.PICKING: frozenset({S.PICKED, S.ALLOCATED, S.BACKORDERED, S.CANCELLED}),
    S.PICKED: frozenset({S.PACKED, S.CANCELLED}),
    S.PACKED: frozenset({S.SHIPPED}),
    S.SHIPPED: frozenset({S.DELIVERED}),
    S.DELIVERED: frozenset(),
    S.CANCELLED: frozenset(),
}

# Until packing starts a shipment can still be called back.
CANCELLABLE = frozenset(
    {S.PENDING, S.BACKORDERED, S.ALLOCATED, S.REQUESTED, S.PICKING, S.PICKED}
)

# What each shipment status means for its order, in order of progress.
_ORDER_PROGRESS = [
    (S.PENDING, OrderStatus.RECEIVED),
    (S.BACKORDERED, OrderStatus.BACKORDERED),
    (S.ALLOCATED, OrderStatus.ALLOCATED),
    (S.REQUESTED, OrderStatus.ALLOCATED),
    (S.PICKING, OrderStatus.PICKING),
    (S.PICKED, OrderStatus.PICKED),
    (S.PACKED, OrderStatus.PACKED),
    (S.SHIPPED, OrderStatus.SHIPPED),
    (S.DELIVERED, OrderStatus.DELIVERED),
]
_RANK = {status: rank for rank, (status, _) in enumerate(_ORDER_PROGRESS)}
_AS_ORDER = dict(_ORDER_PROGRESS)


def can_transition(table: dict, current, target) -> bool:
    return target in table.get(current, frozenset())


def order_status(shipment_statuses: list[ShipmentStatus]) -> OrderStatus:
    """The order's status: its least advanced live shipment; cancelled if none."""
    live = [s for s in shipment_statuses if s != S.CANCELLED]
    if not live:
        return OrderStatus.CANCELLED if shipment_statuses else OrderStatus.RECEIVED
    return _AS_ORDER[min(live, key=_RANK.__getitem__)]
