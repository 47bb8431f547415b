"""Warehouses through /api/v1: created and changed idempotently, listed, refused
with problem+json for a bad code or time zone."""

from datetime import time

import sqlalchemy as sa

from fulfil.extensions import db
from fulfil.models import Event, Location, Warehouse
from tests.conftest import row_counts

BERLIN = {
    "name": "Berlin, Halle 3",
    "timezone": "Europe/Berlin",
    "address": "Am Lager 1\n12345 Berlin",
}


def events(action: str) -> int:
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(Event).where(Event.action == action)
    )


def test_a_warehouse_is_created_then_the_same_put_changes_nothing(api):
    shop = api("layout:write")

    created = shop.put("/api/v1/warehouses/ber-1", json=BERLIN)
    again = shop.put("/api/v1/warehouses/BER-1", json=BERLIN)

    assert (created.status_code, again.status_code) == (201, 200)
    assert created.get_json() == {
        "code": "BER-1",
        "name": "Berlin, Halle 3",
        "address": "Am Lager 1\n12345 Berlin",
        "timezone": "Europe/Berlin",
        "cutoff_time": None,
        "working_days": None,
    }
    assert again.get_json() == created.get_json()
    assert (events("warehouse.created"), events("warehouse.changed")) == (1, 0)
    site = db.session.scalar(sa.select(Warehouse).where(Warehouse.code == "BER-1"))
    # its virtual locations: where units come from and go to
    assert {loc.code for loc in site.locations} == {
        "@SUPPLIER",
        "@CUSTOMER",
        "@SCRAP",
        "@INVENTORY_LOSS",
    }


def test_a_put_makes_the_warehouse_exactly_what_it_says(api):
    shop = api("layout:write")
    shop.put("/api/v1/warehouses/BER-1", json=BERLIN)

    changed = shop.put(
        "/api/v1/warehouses/BER-1",
        json={
            "name": "Berlin",
            "timezone": "Europe/Vienna",
            "cutoff_time": "15:30",
            "working_days": [6, 1, 2, 3, 4, 5],
        },
    )
    back_to_defaults = shop.put(
        "/api/v1/warehouses/BER-1",
        json={"name": "Berlin", "timezone": "Europe/Vienna", "cutoff_time": None},
    )

    assert changed.status_code == 200
    assert changed.get_json() == {
        "code": "BER-1",
        "name": "Berlin",
        "address": "",  # left out: none
        "timezone": "Europe/Vienna",
        "cutoff_time": "15:30",
        "working_days": [1, 2, 3, 4, 5, 6],
    }
    assert back_to_defaults.get_json()["cutoff_time"] is None
    assert back_to_defaults.get_json()["working_days"] is None
    assert events("warehouse.changed") == 2
    site = db.session.scalar(sa.select(Warehouse).where(Warehouse.code == "BER-1"))
    assert (site.cutoff_time, site.working_days) == (None, None)


def test_the_warehouses_are_listed_in_code_order(api, warehouse):
    api("layout:write").put(
        "/api/v1/warehouses/AAA",
        json={"name": "A site", "timezone": "UTC", "cutoff_time": "11:00"},
    )

    listed = api("orders:read").get("/api/v1/warehouses")

    assert listed.status_code == 200
    assert [(w["code"], w["cutoff_time"]) for w in listed.get_json()] == [
        ("AAA", "11:00"),
        ("WH1", None),
    ]


def test_a_bad_code_or_time_zone_is_refused_with_problem_json(api):
    shop = api("layout:write")
    before = row_counts()

    too_long = shop.put("/api/v1/warehouses/ABCDEFGHIJKLMNOPQ", json=BERLIN)
    underscore = shop.put("/api/v1/warehouses/WH_1", json=BERLIN)
    unknown_zone = shop.put(
        "/api/v1/warehouses/WH1", json=BERLIN | {"timezone": "Mars/Olympus"}
    )
    not_a_zone = shop.put(
        "/api/v1/warehouses/WH1", json=BERLIN | {"timezone": "../../etc/passwd"}
    )

    for refused in (too_long, underscore, unknown_zone, not_a_zone):
        assert refused.status_code == 422
        assert refused.mimetype == "application/problem+json"
    assert too_long.get_json()["errors"][0]["field"] == "code"
    assert underscore.get_json()["errors"][0]["field"] == "code"
    assert unknown_zone.get_json()["errors"] == [
        {"field": "timezone", "message": "unknown time zone"}
    ]
    assert not_a_zone.get_json()["errors"][0]["field"] == "timezone"
    assert row_counts() == before


def test_bad_cut_offs_and_working_days_are_refused_naming_them(api):
    shop = api("layout:write")
    before = row_counts()

    refused = shop.put(
        "/api/v1/warehouses/WH1",
        json=BERLIN | {"cutoff_time": "25:00", "working_days": [1, 1, 8]},
    )
    no_days = shop.put("/api/v1/warehouses/WH1", json=BERLIN | {"working_days": []})

    assert refused.status_code == 422
    assert {e["field"] for e in refused.get_json()["errors"]} == {
        "cutoff_time",
        "working_days[2]",
    }
    assert no_days.status_code == 422
    assert no_days.get_json()["errors"][0]["field"] == "working_days"
    assert row_counts() == before


def test_defining_warehouses_needs_the_layout_scope(api):
    response = api("orders:write").put("/api/v1/warehouses/WH1", json=BERLIN)

    assert response.status_code == 403
    assert db.session.scalar(sa.select(sa.func.count(Warehouse.id))) == 0


def test_locations_can_be_defined_once_a_warehouse_is_put(api):
    shop = api("layout:write")
    before = shop.put("/api/v1/locations/A-01", json={"kind": "pick_face"})

    shop.put("/api/v1/warehouses/WH1", json=BERLIN | {"cutoff_time": "12:00"})
    after = shop.put("/api/v1/locations/A-01", json={"kind": "pick_face"})

    assert before.status_code == 422  # "no warehouse is set up yet"
    assert after.status_code == 201
    site = db.session.scalar(sa.select(Warehouse).where(Warehouse.code == "WH1"))
    assert site.cutoff_time == time(12, 0)
    assert db.session.scalar(sa.select(Location.id).where(Location.code == "A-01"))
