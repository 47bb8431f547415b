from datetime import UTC, date, datetime, time, timedelta

from hypothesis import given
from hypothesis import strategies as st

from fulfil.domain.promise import is_late, promised_ship_by

WEEKDAYS = frozenset({1, 2, 3, 4, 5})
CUTOFF = time(14, 0)


def ship_by(placed: datetime, **kwargs) -> datetime:
    options = {"cutoff": CUTOFF, "working_days": WEEKDAYS, "timezone": "Europe/Berlin"}
    return promised_ship_by(placed, **(options | kwargs))


def test_before_the_cutoff_ships_the_same_day():
    # Thursday 2026-11-26, 09:00 in Berlin (08:00 UTC)
    placed = datetime(2026, 11, 26, 8, 0, tzinfo=UTC)
    assert ship_by(placed) == datetime(2026, 11, 26, 13, 0, tzinfo=UTC)


def test_after_the_cutoff_ships_the_next_working_day():
    placed = datetime(2026, 11, 26, 13, 30, tzinfo=UTC)  # 14:30 in Berlin
    assert ship_by(placed) == datetime(2026, 11, 27, 13, 0, tzinfo=UTC)


def test_friday_afternoon_and_the_weekend_ship_on_monday():
    friday_late = datetime(2026, 11, 27, 15, 0, tzinfo=UTC)
    sunday = datetime(2026, 11, 29, 10, 0, tzinfo=UTC)
    monday = datetime(2026, 11, 30, 13, 0, tzinfo=UTC)
    assert ship_by(friday_late) == monday
    assert ship_by(sunday) == monday


def test_holidays_are_skipped():
    placed = datetime(2026, 12, 24, 15, 0, tzinfo=UTC)
    holidays = frozenset({date(2026, 12, 25)})
    # the 26th is a Saturday, so Monday the 28th
    assert ship_by(placed, holidays=holidays).date() == date(2026, 12, 28)


@given(
    st.datetimes(
        min_value=datetime(2020, 1, 1),
        max_value=datetime(2035, 1, 1),
        timezones=st.just(UTC),
    )
)
def test_the_promise_is_a_working_day_cutoff_within_a_week_after_placing(placed):
    promise = ship_by(placed)
    assert placed < promise <= placed + timedelta(days=7)
    assert promise.astimezone(UTC).tzinfo is UTC
    from zoneinfo import ZoneInfo

    local = promise.astimezone(ZoneInfo("Europe/Berlin"))
    assert local.isoweekday() in WEEKDAYS
    assert local.time() == CUTOFF


# -- late: past the promise and still in the building ------------------------------

PROMISE = datetime(2026, 12, 6, 13, 0, tzinfo=UTC)  # 14:00 in Berlin


def test_an_order_still_here_after_its_promise_is_late():
    assert is_late(PROMISE, "allocated", PROMISE + timedelta(minutes=1))
    assert is_late(PROMISE, "packed", PROMISE + timedelta(days=3))
    assert is_late(PROMISE, "backordered", PROMISE + timedelta(seconds=1))


def test_leaving_before_or_at_the_promised_minute_is_on_time():
    assert not is_late(PROMISE, "picking", PROMISE - timedelta(hours=1))
    assert not is_late(PROMISE, "picking", PROMISE)


def test_shipped_delivered_and_cancelled_orders_are_never_late():
    later = PROMISE + timedelta(days=1)
    for status in ("shipped", "delivered", "cancelled"):
        assert not is_late(PROMISE, status, later), status


def test_an_order_without_a_promise_is_never_late():
    assert not is_late(None, "received", PROMISE)
