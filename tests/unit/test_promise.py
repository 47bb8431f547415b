from datetime import UTC, date, datetime, time, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fulfil.domain.promise import (
    is_late,
    parse_weekdays,
    promised_ship_by,
    site_rules,
    stored_weekdays,
    weekdays_spec,
    weekdays_stored,
)

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


# -- working days: written, stored and read back ---------------------------------------


def test_working_days_are_read_as_the_configuration_writes_them():
    assert parse_weekdays("1-5") == WEEKDAYS
    assert parse_weekdays(" 1-3, 6 ,7") == frozenset({1, 2, 3, 6, 7})
    for wrong in ("", "0-5", "1-8", "5-1", "mon", "1-99999999999", "١-٥"):
        with pytest.raises(ValueError):
            parse_weekdays(wrong)


@given(st.sets(st.integers(1, 7), min_size=1))
def test_working_days_survive_being_written_and_stored(days):
    assert parse_weekdays(weekdays_spec(days)) == days
    assert stored_weekdays(weekdays_stored(days)) == days


def test_a_warehouse_without_its_own_cutoff_or_days_keeps_the_configurations():
    own = site_rules(time(12), "123456", default_cutoff=CUTOFF, default_days=WEEKDAYS)
    none = site_rules(None, None, default_cutoff=CUTOFF, default_days=WEEKDAYS)

    assert own == (time(12), frozenset({1, 2, 3, 4, 5, 6}))
    assert none == (CUTOFF, WEEKDAYS)
