"""Which orders cannot wait: express ones, and those already past their promise."""

from datetime import datetime

from fulfil.domain.promise import is_late

EXPRESS = "express"


def is_urgent(
    shipping_method: str, promised_ship_by: datetime | None, status: str, now: datetime
) -> bool:
    """Express orders and late ones (domain.promise.is_late) are picked first."""
    return shipping_method == EXPRESS or is_late(promised_ship_by, status, now)
