"""When an order must leave the building: the promised ship-by time.

Orders placed on a working day before the daily cut-off ship that day; later ones ship
on the next working day. The promise is that day's cut-off, in the warehouse's time
zone, returned in UTC. An order still in the building after its promise is late.
"""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from fulfil.domain.states import OrderStatus


def promised_ship_by(
    placed_at: datetime,
    *,
    cutoff: time,
    working_days: frozenset[int],
    timezone: str = "UTC",
    holidays: frozenset[date] = frozenset(),
) -> datetime:
    """The cut-off of the first working day whose cut-off is after `placed_at`.

    `working_days` holds ISO weekdays (1 = Monday … 7 = Sunday).
    """
    if not working_days:
        raise ValueError("at least one working day is needed")
    zone = ZoneInfo(timezone)
    local = placed_at.astimezone(zone)
    day = local.date()
    if local.time() >= cutoff:
        day += timedelta(days=1)
    while day.isoweekday() not in working_days or day in holidays:
        day += timedelta(days=1)
    return datetime.combine(day, cutoff, tzinfo=zone).astimezone(UTC)


# An order that has left the building (or never will) can no longer be late.
_SETTLED = frozenset(
    {OrderStatus.SHIPPED, OrderStatus.DELIVERED, OrderStatus.CANCELLED}
)


def is_late(promised_ship_by: datetime | None, status: str, at: datetime) -> bool:
    """Whether an order has missed its promise at `at`: its ship-by time has passed
    and it is neither shipped nor cancelled. Leaving at the promised minute is on
    time; an order without a promise is never late."""
    return (
        promised_ship_by is not None
        and status not in _SETTLED
        and at > promised_ship_by
    )
