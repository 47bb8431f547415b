"""The bounds on what any door takes in: database ids, quantities, dates, text.

One place for each rule: the `id` URL converter, the form helpers (fulfil.web.forms),
the API's pydantic types (fulfil.schemas) and the ledger read their limits here, so
a number a page refuses is refused by the API, the CSV import and the CLI alike.
"""

from datetime import date, datetime
from urllib.parse import urlsplit

from flask import current_app, has_app_context

# Ids are 32-bit integers on PostgreSQL: a larger one names nothing.
MAX_ID = 2**31 - 1
# Units in one line, one booking or one adjustment; MAX_QTY in the config overrides it.
DEFAULT_MAX_QTY = 100_000
# Dates a shop may send: far enough either way for any real order, lot or slot, and
# far from the calendar's edges (year 1, year 9999), where arithmetic overflows.
EARLIEST = date(1970, 1, 1)
LATEST = date(2999, 12, 31)
# Coordinates of a location, in metres either way from the warehouse's origin.
MAX_METRES = 100_000
# A stored web address (tracking link, webhook) is at most this long.
MAX_URL = 500


def max_qty() -> int:
    """The most units one line, booking or adjustment may hold."""
    if has_app_context():
        return current_app.config["MAX_QTY"]
    return DEFAULT_MAX_QTY


def within_calendar(value: date | datetime) -> bool:
    """Between EARLIEST and LATEST, as written (converting year 1 at +14:00 to UTC
    would itself overflow)."""
    day = value.date() if isinstance(value, datetime) else value
    return EARLIEST <= day <= LATEST


def is_web_address(url: str) -> bool:
    """An absolute http(s) address with a host, no spaces or control characters: safe
    to show as a link (never `javascript:` or `data:`)."""
    if len(url) > MAX_URL or any(c.isspace() or not c.isprintable() for c in url):
        return False
    try:
        parts = urlsplit(url)
        host, _port = parts.hostname, parts.port
    except ValueError:  # an unbalanced [ in the host, a port that is not a number
        return False
    return parts.scheme in ("http", "https") and bool(host)
