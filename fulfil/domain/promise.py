"""When an order must leave the building: the promised ship-by time.

Orders placed on a working day before the daily cut-off ship that day; later ones ship
on the next working day. The promise is that day's cut-off, in the warehouse's time
zone, returned in UTC. An order still in the building after its promise is late.
"""

from collections.abc import Iterable
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


def site_rules(
    cutoff: time | None,
    working_days: str | None,
    *,
    default_cutoff: time,
    default_days: frozenset[int],
) -> tuple[time, frozenset[int]]:
    """A warehouse's own cut-off and working days (as stored: `"12345"`), each the
    configuration's where the warehouse has none."""
    return (
        default_cutoff if cutoff is None else cutoff,
        stored_weekdays(working_days) or default_days,
    )


def parse_weekdays(spec: str) -> frozenset[int]:
    """ISO weekdays from "1-5" or "1,2,3,4,5,6" (1 = Monday); ValueError otherwise."""
    days: set[int] = set()
    for part in filter(None, (p.strip() for p in spec.split(","))):
        first, _, last = (p.strip() for p in part.partition("-"))
        ends = [first, last or first]
        if not all(end.isascii() and end.isdigit() and len(end) == 1 for end in ends):
            raise ValueError(f"not a day (1-7) or a range of days: {part!r}")
        days.update(range(int(ends[0]), int(ends[1]) + 1))
    return checked_weekdays(days)


def checked_weekdays(days: Iterable[int]) -> frozenset[int]:
    """At least one day, each from 1 (Monday) to 7 (Sunday); ValueError otherwise."""
    days = frozenset(days)
    if not days:
        raise ValueError("at least one working day is needed")
    if not days <= ALL_WEEKDAYS:
        raise ValueError("days are numbered 1 (Monday) to 7 (Sunday)")
    return days


def weekdays_stored(days: Iterable[int]) -> str:
    """How a warehouse keeps its working days: their digits, `"12345"`."""
    return "".join(str(day) for day in sorted(checked_weekdays(days)))


def weekday_runs(days: Iterable[int]) -> list[tuple[int, int]]:
    """Days as runs, first and last: {1, 2, 3, 4, 5, 7} → [(1, 5), (7, 7)]."""
    runs: list[tuple[int, int]] = []
    for day in sorted(set(days)):
        if runs and runs[-1][1] == day - 1:
            runs[-1] = (runs[-1][0], day)
        else:
            runs.append((day, day))
    return runs


def weekdays_spec(days: Iterable[int]) -> str:
    """Days as WORKING_DAYS writes them, parse_weekdays' inverse: `1-5`, `1,3,5`."""
    return ",".join(
        str(first) if first == last else f"{first}-{last}"
        for first, last in weekday_runs(days)
    )


def stored_weekdays(text: str | None) -> frozenset[int] | None:
    return frozenset(int(digit) for digit in text) if text else None


ALL_WEEKDAYS = frozenset(range(1, 8))


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
