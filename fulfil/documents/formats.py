"""Dates, times and numbers on a document, in the language of the person printing.

The texts of the documents are gettext messages, so they follow the locale Flask-Babel
has chosen for the request (the user's language), or `force_locale`; outside any
request they are English. Dates and times go through fulfil.localtime, as on the
pages; times are printed in the zone of the value given (the warehouse's: the
document values are filled in that zone), or converted to `zone` when one is passed.
"""

from datetime import date, datetime, tzinfo
from decimal import Decimal

from babel import Locale
from babel.numbers import format_decimal
from flask_babel import get_locale

from fulfil.localtime import formatting_locale, local_date, local_datetime, local_time


def reader_locale() -> Locale:
    """The locale the document is printed in; plain English formats as British."""
    return formatting_locale(get_locale())


def date_text(value: date) -> str:
    """6 Dec 2026 / 06.12.2026 (a moment: its day in its own zone)."""
    zone = value.tzinfo if isinstance(value, datetime) else None
    return local_date(value, zone, reader_locale())


def datetime_text(value: datetime, zone: tzinfo | None = None) -> str:
    """6 Dec 2026, 14:00 / 06.12.2026, 14:00, in `zone` if given, else its own."""
    return local_datetime(value, zone or value.tzinfo, reader_locale())


def time_text(value: datetime) -> str:
    """14:00, in the moment's own zone."""
    return local_time(value, value.tzinfo, reader_locale())


def decimal_text(value: Decimal | float | int, places: int) -> str:
    """A number with exactly `places` decimals: 2.350 / 2,350."""
    pattern = "#,##0" + ("." + "0" * places if places else "")
    return format_decimal(value, format=pattern, locale=reader_locale())


def kg_text(grams: int, places: int = 3) -> str:
    """Grams as kilograms: 2.350 / 2,350."""
    return decimal_text(Decimal(grams) / 1000, places)
