"""How pages show times: Jinja filters over fulfil.localtime, and the `late` test.

`{{ at|local_datetime }}` formats in the reader's warehouse zone (Flask-Babel's
timezone selector) and locale; public pages name their order's zone:
`{{ at|local_datetime(order.timezone) }}`. Missing times show as nothing.
"""

from datetime import datetime, tzinfo

from flask import Flask, g
from flask_babel import get_locale, get_timezone

from fulfil import localtime
from fulfil.domain.promise import is_late
from fulfil.models.types import utcnow


def init_app(app: Flask) -> None:
    app.jinja_env.filters.update(
        local_datetime=_reader(localtime.local_datetime),
        local_date=_reader(localtime.local_date),
        local_time=_reader(localtime.local_time),
        zone_name=lambda zone=None: localtime.zone_name(
            zone or get_timezone(), get_locale()
        ),
        weekdays=lambda days: localtime.weekdays(days, get_locale()),
    )
    app.jinja_env.tests["late"] = order_is_late


def _reader(format_in_zone):
    def apply(moment, zone=None) -> str:
        if moment is None:
            return ""
        return format_in_zone(moment, zone or get_timezone(), get_locale())

    return apply


def reader_zone() -> tzinfo:
    """The zone the reader's pages show times in (their warehouse's)."""
    return localtime.zone_info(get_timezone())


def order_is_late(order) -> bool:
    """`{% if order is late %}`: past its promise now (one "now" per request)."""
    return is_late(order.promised_ship_by, order.status, _now())


def _now() -> datetime:
    if "now" not in g:
        g.now = utcnow()
    return g.now
