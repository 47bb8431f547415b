"""Dates, times and numbers on a document, in the language of the person printing.

The texts of the documents are gettext messages, so they follow the locale Flask-Babel
has chosen for the request (the user's language), or `force_locale`; outside any
request they are English. These helpers format values for the same locale with Babel.
Times are printed in the zone of the value given (the warehouse's: the document
values are filled in that zone), or converted to `zone` when one is passed.
"""

from datetime import date, datetime, tzinfo
from decimal import Decimal

from babel import Locale
from babel.dates import format_date, format_time
from babel.numbers import format_decimal
from flask_babel import get_locale

BRITISH = Locale("en", "GB")  # "6 Dec 2026, 14:00", not the US "Dec 6, 2026, 2:00 PM"


def reader_locale() -> Locale:
    """The locale the document is printed in; plain English formats as British."""
    locale = get_locale()
    if locale is None or (locale.language == "en" and not locale.territory):
        return BRITISH
    return locale


def date_text(value: date) -> str:
    """6 Dec 2026 / 06.12.2026."""
    return format_date(value, "medium", locale=reader_locale())


def datetime_text(value: datetime, zone: tzinfo | None = None) -> str:
    """6 Dec 2026, 14:00 / 06.12.2026, 14:00, in `zone` if given."""
    if zone is not None:
        value = value.astimezone(zone)
    locale = reader_locale()
    return locale.datetime_formats["medium"].format(
        format_time(value, "short", locale=locale),
        format_date(value.date(), "medium", locale=locale),
    )


def time_text(value: datetime) -> str:
    """14:00."""
    return format_time(value, "short", locale=reader_locale())


def decimal_text(value: Decimal | float | int, places: int) -> str:
    """A number with exactly `places` decimals: 2.350 / 2,350."""
    pattern = "#,##0" + ("." + "0" * places if places else "")
    return format_decimal(value, format=pattern, locale=reader_locale())


def kg_text(grams: int, places: int = 3) -> str:
    """Grams as kilograms: 2.350 / 2,350."""
    return decimal_text(Decimal(grams) / 1000, places)
