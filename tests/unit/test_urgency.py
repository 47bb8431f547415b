"""Which orders come ticked on the wave screen: express ones and late ones."""

from datetime import UTC, datetime, timedelta

from fulfil.domain.urgency import is_late, is_urgent

NOW = datetime(2026, 12, 7, 13, 0, tzinfo=UTC)


def test_an_order_is_late_once_its_promised_time_has_passed():
    assert is_late(NOW - timedelta(minutes=1), NOW)
    assert not is_late(NOW, NOW)
    assert not is_late(NOW + timedelta(hours=3), NOW)


def test_an_order_without_a_promise_is_never_late():
    assert not is_late(None, NOW)


def test_express_and_late_orders_are_urgent_the_rest_is_not():
    assert is_urgent("express", NOW + timedelta(days=1), NOW)
    assert is_urgent("standard", NOW - timedelta(hours=1), NOW)
    assert not is_urgent("standard", NOW + timedelta(hours=1), NOW)
    assert not is_urgent("pickup_point", None, NOW)
