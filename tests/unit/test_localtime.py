"""Times as people read them: the warehouse's zone, the reader's locale, DST edges."""

import re
from datetime import UTC, date, datetime, time
from pathlib import Path

import pytest
import pytz

from fulfil.localtime import (
    day_names,
    formatting_locale,
    local_date,
    local_datetime,
    local_time,
    start_of_day,
    weekdays,
    zone_name,
)

BERLIN, NEW_YORK = "Europe/Berlin", "America/New_York"
NNBSP = "\u202f"  # CLDR's narrow no-break space before AM/PM
TEMPLATES = Path(__file__).parents[2] / "templates"


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


@pytest.mark.parametrize(
    ("zone", "locale", "shown"),
    [
        (BERLIN, "de", "06.12.2026, 14:00"),
        (BERLIN, "en", "6 Dec 2026, 14:00"),
        (BERLIN, "en_US", f"Dec 6, 2026, 2:00{NNBSP}PM"),
        (NEW_YORK, "de", "06.12.2026, 08:00"),
        (NEW_YORK, "en", "6 Dec 2026, 08:00"),
        (NEW_YORK, "en_US", f"Dec 6, 2026, 8:00{NNBSP}AM"),
        ("UTC", "de", "06.12.2026, 13:00"),
    ],
)
def test_a_moment_is_shown_in_the_zone_and_the_readers_format(zone, locale, shown):
    assert local_datetime(utc(2026, 12, 6, 13, 0), zone, locale) == shown


def test_plain_english_is_british_and_us_english_is_a_choice():
    assert str(formatting_locale("en")) == "en_GB"
    assert str(formatting_locale(None)) == "en_GB"
    assert str(formatting_locale("en_US")) == "en_US"
    assert str(formatting_locale("de")) == "de"


def test_late_evening_utc_is_already_tomorrow_in_berlin_and_still_today_in_new_york():
    moment = utc(2026, 12, 6, 23, 30)

    assert local_datetime(moment, BERLIN, "de") == "07.12.2026, 00:30"
    assert local_datetime(moment, NEW_YORK, "en") == "6 Dec 2026, 18:30"
    assert local_date(moment, BERLIN, "en") == "7 Dec 2026"
    assert local_date(moment, NEW_YORK, "de") == "06.12.2026"


@pytest.mark.parametrize(
    ("moment", "zone", "shown"),
    [
        # Berlin springs forward on 29 March 2026: 02:00 CET becomes 03:00 CEST
        (utc(2026, 3, 29, 0, 59), BERLIN, "29.03.2026, 01:59"),
        (utc(2026, 3, 29, 1, 0), BERLIN, "29.03.2026, 03:00"),
        # and falls back on 25 October: 02:30 happens twice, an hour apart
        (utc(2026, 10, 25, 0, 30), BERLIN, "25.10.2026, 02:30"),
        (utc(2026, 10, 25, 1, 30), BERLIN, "25.10.2026, 02:30"),
        (utc(2026, 10, 25, 2, 0), BERLIN, "25.10.2026, 03:00"),
        # New York changes on other days: 8 March and 1 November 2026
        (utc(2026, 3, 8, 6, 59), NEW_YORK, "08.03.2026, 01:59"),
        (utc(2026, 3, 8, 7, 0), NEW_YORK, "08.03.2026, 03:00"),
        (utc(2026, 11, 1, 5, 30), NEW_YORK, "01.11.2026, 01:30"),
        (utc(2026, 11, 1, 6, 30), NEW_YORK, "01.11.2026, 01:30"),
        # in the weeks between, the two cities are 5 hours apart, not 6
        (utc(2026, 3, 20, 12, 0), NEW_YORK, "20.03.2026, 08:00"),
        (utc(2026, 3, 20, 12, 0), BERLIN, "20.03.2026, 13:00"),
        (utc(2026, 7, 1, 12, 0), BERLIN, "01.07.2026, 14:00"),
        (utc(2026, 7, 1, 12, 0), NEW_YORK, "01.07.2026, 08:00"),
    ],
)
def test_summer_time_changes_are_followed(moment, zone, shown):
    assert local_datetime(moment, zone, "de") == shown


def test_a_wall_time_like_a_cut_off_is_shown_as_it_is():
    cutoff = time(14, 0)

    assert local_time(cutoff, NEW_YORK, "de") == "14:00"
    assert local_time(cutoff, BERLIN, "en") == "14:00"
    assert local_time(cutoff, BERLIN, "en_US") == f"2:00{NNBSP}PM"


def test_a_moments_clock_time_and_a_plain_date():
    moment = utc(2026, 12, 6, 13, 0)

    assert local_time(moment, NEW_YORK, "en") == "08:00"
    assert local_date(date(2026, 12, 6), NEW_YORK, "en") == "6 Dec 2026"
    assert local_date(date(2026, 12, 6), BERLIN, "en_US") == "Dec 6, 2026"


def test_naive_times_are_read_as_utc_and_pytz_zones_work_like_zoneinfo():
    naive = datetime(2026, 12, 6, 13, 0)

    assert local_datetime(naive, BERLIN, "de") == "06.12.2026, 14:00"
    assert (
        local_datetime(utc(2026, 10, 25, 1, 30), pytz.timezone(BERLIN), "de")
        == "25.10.2026, 02:30"
    )


@pytest.mark.parametrize(
    ("moment", "zone", "midnight"),
    [
        (utc(2026, 12, 7, 2, 0), NEW_YORK, utc(2026, 12, 6, 5, 0)),  # 21:00 on the 6th
        (utc(2026, 12, 6, 23, 30), BERLIN, utc(2026, 12, 6, 23, 0)),  # 00:30 on the 7th
        (utc(2026, 3, 29, 12, 0), BERLIN, utc(2026, 3, 28, 23, 0)),  # a 23-hour day
        (utc(2026, 10, 25, 12, 0), BERLIN, utc(2026, 10, 24, 22, 0)),  # a 25-hour day
    ],
)
def test_today_begins_at_midnight_where_the_warehouse_is(moment, zone, midnight):
    assert start_of_day(moment, zone) == midnight


@pytest.mark.parametrize(
    ("zone", "locale", "name"),
    [
        (BERLIN, "en", "Central European Time"),
        (BERLIN, "de", "Mitteleuropäische Zeit"),
        (NEW_YORK, "en", "Eastern Time"),
        (NEW_YORK, "de", "Nordamerikanische Ostküstenzeit"),
        ("UTC", "en", "Coordinated Universal Time"),
        ("UTC", "de", "Koordinierte Weltzeit"),
    ],
)
def test_the_zone_is_named_as_people_call_it(zone, locale, name):
    assert zone_name(zone, locale) == name


def test_every_template_shows_times_through_the_local_filters():
    """Flask-Babel's own filters and strftime format in UTC or without the locale's
    pattern; one family of filters keeps every page alike."""
    other = re.compile(r"\|\s*(datetimeformat|dateformat|timeformat)\b|strftime\(")
    offenders = [
        str(path.relative_to(TEMPLATES))
        for path in TEMPLATES.rglob("*.html")
        if other.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


@pytest.mark.parametrize(
    ("days", "locale", "shown"),
    [
        ({1, 2, 3, 4, 5}, "en", "Mon–Fri"),
        ({1, 2, 3, 4, 5}, "de", "Mo.–Fr."),
        ({1, 2, 3, 4, 5, 6}, "en", "Mon–Sat"),
        ({1, 3, 6, 7}, "en", "Mon, Wed, Sat, Sun"),
        ({1, 2, 4, 5, 6}, "de", "Mo., Di., Do.–Sa."),
    ],
)
def test_working_days_read_as_runs_in_the_readers_language(days, locale, shown):
    assert weekdays(days, locale) == shown


def test_the_days_are_named_from_monday():
    assert day_names("de")[1] == "Montag"
    assert day_names("en")[7] == "Sunday"
