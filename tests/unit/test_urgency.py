"""Which orders come ticked on the wave screen: express ones and late ones (the
lateness rule itself is domain.promise's, tested in test_promise)."""

from datetime import UTC, datetime, timedelta

from fulfil.domain.urgency import is_urgent

NOW = datetime(2026, 12, 7, 13, 0, tzinfo=UTC)


def test_express_and_late_orders_are_urgent_the_rest_is_not():
    assert is_urgent("express", NOW + timedelta(days=1), "allocated", NOW)
    assert is_urgent("standard", NOW - timedelta(hours=1), "allocated", NOW)
    assert not is_urgent("standard", NOW + timedelta(hours=1), "allocated", NOW)
    assert not is_urgent("standard", NOW, "allocated", NOW)  # at the minute: on time
    assert not is_urgent("pickup_point", None, "allocated", NOW)
