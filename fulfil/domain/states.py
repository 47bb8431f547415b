"""State machines as tables: which status may follow which."""

from enum import StrEnum


class OrderStatus(StrEnum):
    RECEIVED = "received"
    ALLOCATED = "allocated"
    BACKORDERED = "backordered"
    PICKING = "picking"
    PACKED = "packed"
    SHIPPED = "shipped"
    DELIVERED = "delivered"
    CANCELLED = "cancelled"


ORDER_TRANSITIONS: dict[OrderStatus, frozenset[OrderStatus]] = {
    OrderStatus.RECEIVED: frozenset(
        {OrderStatus.ALLOCATED, OrderStatus.BACKORDERED, OrderStatus.CANCELLED}
    ),
    OrderStatus.BACKORDERED: frozenset({OrderStatus.ALLOCATED, OrderStatus.CANCELLED}),
    OrderStatus.ALLOCATED: frozenset(
        {OrderStatus.PICKING, OrderStatus.BACKORDERED, OrderStatus.CANCELLED}
    ),
    OrderStatus.PICKING: frozenset({OrderStatus.PACKED, OrderStatus.CANCELLED}),
    OrderStatus.PACKED: frozenset({OrderStatus.SHIPPED}),
    OrderStatus.SHIPPED: frozenset({OrderStatus.DELIVERED}),
    OrderStatus.DELIVERED: frozenset(),
    OrderStatus.CANCELLED: frozenset(),
}


def can_transition(table: dict, current, target) -> bool:
    return target in table.get(current, frozenset())
