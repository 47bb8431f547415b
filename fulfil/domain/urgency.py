"""Which orders cannot wait: express ones, and those already past their promise."""

from datetime import datetime

EXPRESS = "express"


def is_late(promised_ship_by: datetime | None, now: datetime) -> bool:
    """True once the promised ship-by time has passed (an order without a promise
    is never late)."""
    return promised_ship_by is not None and promised_ship_by < now


def is_urgent(
    shipping_method: str, promised_ship_by: datetime | None, now: datetime
) -> bool:
    """Express orders and late ones are picked first."""
    return shipping_method == EXPRESS or is_late(promised_ship_by, now)
