"""Times as people read them: in a warehouse's time zone, in the reader's locale.

Moments are stored in UTC. Every page, e-mail and document shows them through these
functions, so one locale's times look the same everywhere: German `06.12.2026, 14:00`,
English in the British style `6 Dec 2026, 14:00`, US English (chosen, never guessed)
`Dec 6, 2026, 2:00 PM`. The patterns are Babel's (CLDR): the locale's medium date and
short time, joined the way the locale joins them. No Flask here, so documents and
background jobs call the same functions as the pages' filters.
"""

from collections.abc import Iterable
from datetime import UTC, date, datetime, time, tzinfo
from functools import cache
from zoneinfo import ZoneInfo

from babel import Locale
from babel.core import get_global
from babel.dates import format_date, format_time, get_timezone_name

from fulfil.domain.promise import weekday_runs

Zone = str | tzinfo | None
LocaleLike = str | Locale | None


def formatting_locale(locale: LocaleLike) -> Locale:
    """The locale whose formats a language shows: plain English is British."""
    return _formats_of(str(locale or "en"))


@cache
def _formats_of(name: str) -> Locale:
    parsed = Locale.parse(name)
    if parsed.language == "en" and not parsed.territory:
        return Locale("en", "GB")
    return parsed


def local_datetime(moment: datetime, zone: Zone, locale: LocaleLike) -> str:
    """Date and time in `zone`: `06.12.2026, 14:00` (de), `6 Dec 2026, 14:00` (en)."""
    reader = formatting_locale(locale)
    local = _in_zone(moment, zone)
    joined = reader.datetime_formats["medium"]  # "{1}, {0}": date, time
    return (
        str(joined)
        .replace("'", "")
        .replace("{1}", format_date(local, "medium", locale=reader))
        .replace("{0}", format_time(local, "short", locale=reader))
    )


def local_date(moment: datetime | date, zone: Zone, locale: LocaleLike) -> str:
    """The day in `zone` (a date is taken as it is): `06.12.2026`, `6 Dec 2026`."""
    if isinstance(moment, datetime):
        moment = _in_zone(moment, zone).date()
    return format_date(moment, "medium", locale=formatting_locale(locale))


def local_time(moment: datetime | time, zone: Zone, locale: LocaleLike) -> str:
    """The clock time in `zone` (a wall time, like a cut-off, as it is): `14:00`."""
    if isinstance(moment, datetime):
        moment = _in_zone(moment, zone).time()
    return format_time(moment, "short", locale=formatting_locale(locale))


def day_names(locale: LocaleLike, width: str = "wide") -> dict[int, str]:
    """The names of the ISO weekdays (1 = Monday): `Monday`, `Montag`."""
    names = formatting_locale(locale).days["format"][width]  # 0 = Monday
    return {day: names[day - 1] for day in range(1, 8)}


def weekdays(days: Iterable[int], locale: LocaleLike) -> str:
    """Working days as people read them: `Mon–Fri`, `Mo.–Fr.`, `Mon, Wed, Sat, Sun`."""
    names = day_names(locale, "abbreviated")
    parts = []
    for first, last in weekday_runs(days):
        if last - first >= 2:
            parts.append(f"{names[first]}–{names[last]}")
        else:
            parts.extend(names[day] for day in range(first, last + 1))
    return ", ".join(parts)


def start_of_day(moment: datetime, zone: Zone) -> datetime:
    """Where the day of `moment` began in `zone`, in UTC: "today" on the floor."""
    local = _in_zone(moment, zone)
    return datetime.combine(local.date(), time(0), tzinfo=local.tzinfo).astimezone(UTC)


def zone_name(zone: Zone, locale: LocaleLike) -> str:
    """What a customer calls the zone: `Central European Time`,
    `Mitteleuropäische Zeit`; zones without a common name (UTC) by their standard one.
    """
    tz = zone_info(zone)
    key = getattr(tz, "key", "UTC")
    canonical = get_global("zone_aliases").get(key, key)
    variant = "generic" if canonical in get_global("meta_zones") else "standard"
    return get_timezone_name(
        tz, "long", locale=formatting_locale(locale), zone_variant=variant
    )


def zone_info(zone: Zone) -> tzinfo:
    """A zone given by name, as a tzinfo (Flask-Babel's pytz zones included)."""
    if zone is None:
        return UTC
    if isinstance(zone, str):
        return ZoneInfo(zone)
    if hasattr(zone, "zone"):  # pytz: its zones break datetime arithmetic
        return ZoneInfo(zone.zone)
    return zone


def _in_zone(moment: datetime, zone: Zone) -> datetime:
    if moment.tzinfo is None:  # stored times are UTC; a naive one came from there
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(zone_info(zone))
