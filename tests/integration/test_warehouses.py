"""Warehouses from zero: created and changed by the CLI and the admin page, each with
its own cut-off and working days (the configuration's where it has none), and the
people who work in them."""

import shlex
from datetime import UTC, datetime, time

import sqlalchemy as sa

from fulfil.extensions import db
from fulfil.models import Event, User, Warehouse
from fulfil.schemas import OrderIn
from fulfil.services import layout, orders, users
from tests.conftest import PASSWORD, order_payload, row_counts

# Friday 27 November 2026, 12:30 in Berlin: after a 12:00 cut-off, before 14:00
FRIDAY_LUNCH = "2026-11-27T12:30:00+01:00"


def site(code: str) -> Warehouse:
    db.session.expire_all()
    return db.session.scalar(sa.select(Warehouse).where(Warehouse.code == code))


def user(username: str) -> User:
    db.session.expire_all()
    return db.session.scalar(sa.select(User).where(User.username == username))


def actions() -> list[str]:
    return list(db.session.scalars(sa.select(Event.action).order_by(Event.id)))


# -- the service -----------------------------------------------------------------------


def test_the_first_warehouse_takes_in_everyone_who_has_none(app):
    users.create_user(username="boss", password=PASSWORD, roles=["admin"])
    assert user("boss").warehouse_id is None

    first = layout.create_warehouse(code="ber", name="Berlin")
    second = layout.create_warehouse(code="HAM", name="Hamburg")
    users.create_user(username="anna", password=PASSWORD, roles=["picker"])
    users.create_user(
        username="hugo", password=PASSWORD, roles=["picker"], warehouse_id=second.id
    )

    assert first.code == "BER"
    assert user("boss").warehouse_id == first.id
    assert user("anna").warehouse_id == first.id  # unsaid: the first one
    assert user("hugo").warehouse_id == second.id


def test_saying_what_a_warehouse_already_is_records_nothing(warehouse):
    before = actions()

    layout.change_warehouse(code="wh1", name="Test site", timezone="Europe/Berlin")
    layout.change_warehouse(code="WH1", cutoff_time=time(12), working_days=[1, 2, 3])

    assert actions() == [*before, "warehouse.changed"]
    assert site("WH1").working_days == "123"


def test_a_refused_setting_changes_nothing(warehouse):
    before = row_counts()

    for changes in (
        {"timezone": "Europe/Atlantis"},
        {"working_days": []},
        {"working_days": [0, 1]},
        {"name": "x" * 121},
        {"address": "x" * 501},
    ):
        try:
            layout.change_warehouse(code="WH1", **changes)
        except Exception as refusal:
            assert refusal.status == 400, changes
        else:
            raise AssertionError(f"{changes} was taken")

    assert row_counts() == before
    assert site("WH1").timezone == "Europe/Berlin"


# -- the promise, by the warehouse's own cut-off and days ------------------------------


def place(external_id: str, warehouse: str, placed_at: str = FRIDAY_LUNCH):
    order, _ = orders.receive_order(
        OrderIn.model_validate(
            order_payload(
                external_id,
                placed_at=placed_at,
                warehouse=warehouse,
                lines=[{"sku": "MUG", "quantity": 1, "unit_price": "9.90"}],
            )
        )
    )
    return order.promised_ship_by


def test_an_order_is_promised_by_its_warehouses_own_cutoff_and_days(
    warehouse, make_product
):
    make_product("MUG")
    layout.create_warehouse(
        code="SAT", name="Opens Saturdays", timezone="Europe/Berlin"
    )
    layout.change_warehouse(
        code="SAT", cutoff_time=time(12), working_days=[1, 2, 3, 4, 5, 6]
    )

    by_default = place("A-1", "WH1")  # 14:00, Monday to Friday
    by_its_own = place("A-2", "SAT")  # 12:00, Monday to Saturday

    assert by_default == datetime(2026, 11, 27, 13, 0, tzinfo=UTC)  # Friday 14:00
    assert by_its_own == datetime(2026, 11, 28, 11, 0, tzinfo=UTC)  # Saturday 12:00


def test_a_warehouse_back_on_the_defaults_promises_as_the_configuration(
    warehouse, make_product
):
    make_product("MUG")
    layout.change_warehouse(code="WH1", cutoff_time=time(12), working_days=[1, 2])
    layout.change_warehouse(code="WH1", cutoff_time=None, working_days=None)

    assert place("B-1", "WH1") == datetime(2026, 11, 27, 13, 0, tzinfo=UTC)


# -- the command line ------------------------------------------------------------------


def flask(runner, command: str):
    """Run `flask --app app COMMAND` as a shell would split it."""
    return runner.invoke(args=shlex.split(command))


def test_warehouses_are_created_listed_and_changed_from_the_command_line(runner):
    users.create_user(username="boss", password=PASSWORD, roles=["admin"])

    created = flask(
        runner,
        "warehouse create ber-1 --name Berlin --timezone Europe/Berlin "
        "--address 'Am Lager 1, Berlin'",
    )
    changed = flask(runner, "warehouse change BER-1 --cutoff 15:30 --working-days 1-6")
    second = flask(runner, "warehouse create HAM --name Hamburg")
    listed = flask(runner, "warehouse list")

    assert created.exit_code == 0, created.output
    assert created.output == (
        "Created warehouse BER-1: Europe/Berlin, cut-off 14:00 (default), "
        "days 1-5 (default).\n"
    )
    assert changed.output == "BER-1: Europe/Berlin, cut-off 15:30, days 1-6.\n"
    assert second.exit_code == 0
    assert listed.output.splitlines() == [
        "BER-1            Berlin  ·  Europe/Berlin, cut-off 15:30, days 1-6  ·  1 user",
        "HAM              Hamburg  ·  UTC, cut-off 14:00 (default), days 1-5 (default)"
        "  ·  0 users",
    ]
    assert site("BER-1").address == "Am Lager 1, Berlin"
    assert user("boss").warehouse.code == "BER-1"  # the first one took them in


def test_the_command_line_refuses_bad_warehouses_with_a_reason(runner, warehouse):
    taken = flask(runner, "warehouse create wh1 --name Again")
    bad_code = flask(runner, "warehouse create 'WH 2' --name Two")
    bad_zone = flask(runner, "warehouse create WH2 --name Two --timezone Mars/Base")
    bad_days = flask(runner, "warehouse change WH1 --working-days 0-9")
    nothing = flask(runner, "warehouse change WH1")
    unknown = flask(runner, "warehouse change NOPE --name Nope")

    assert taken.exit_code == 1 and "code WH1 is already taken" in taken.output
    assert bad_code.exit_code == 1
    assert "use A-Z, 0-9 and -, at most 16" in bad_code.output
    assert bad_zone.exit_code == 1 and "unknown time zone" in bad_zone.output
    assert bad_days.exit_code == 2 and "1 (Monday) to 7 (Sunday)" in bad_days.output
    assert nothing.exit_code == 2 and "Say what to change" in nothing.output
    assert unknown.exit_code == 1 and "no warehouse NOPE" in unknown.output
    assert db.session.scalar(sa.select(sa.func.count(Warehouse.id))) == 1


def test_a_warehouse_goes_back_to_the_defaults_from_the_command_line(runner, warehouse):
    flask(runner, "warehouse change WH1 --cutoff 9:00")

    back = flask(runner, "warehouse change WH1 --cutoff default --working-days default")

    assert back.output == (
        "WH1: Europe/Berlin, cut-off 14:00 (default), days 1-5 (default).\n"
    )


def test_users_are_put_in_a_warehouse_from_the_command_line(runner, warehouse):
    layout.create_warehouse(code="HAM", name="Hamburg")
    new_picker = f"user create {{}} --role picker --password {PASSWORD} --warehouse"

    created = flask(runner, f"{new_picker.format('anna')} ham")
    moved = flask(runner, "user set-warehouse anna wh1")
    nowhere = flask(runner, f"{new_picker.format('otto')} NOPE")

    assert created.output == "Created anna (picker) in HAM.\n"
    assert moved.output == "anna works in WH1.\n"
    assert user("anna").warehouse.code == "WH1"
    assert nowhere.exit_code == 1 and "no warehouse NOPE" in nowhere.output
    assert user("otto") is None


# -- the admin page --------------------------------------------------------------------


def log_in_as_first_admin(client, post) -> None:
    users.create_user(username="boss", password=PASSWORD, roles=["admin"])
    response = post("/login", {"username": "boss", "password": PASSWORD})
    assert response.status_code == 303


def test_the_first_admin_creates_the_first_warehouse_on_the_admin_page(client, post):
    log_in_as_first_admin(client, post)

    empty = client.get("/admin/warehouses").get_data(as_text=True)
    created = post(
        "/admin/warehouses",
        {
            "code": "ber-1",
            "name": "Berlin",
            "timezone": "Europe/Berlin",
            "address": "Am Lager 1\n12345 Berlin",
            "cutoff_time": "",
        },
    )
    page = client.get("/admin/warehouses").get_data(as_text=True)

    assert "Your first warehouse" in empty
    assert created.status_code == 303
    assert "Warehouse BER-1 created." in page
    assert "boss · BER-1" in page  # they work there now
    assert "cut-off 14:00 (default)" in page
    assert "Mon–Fri (default)" in page
    assert "1 user" in page
    assert site("BER-1").cutoff_time is None


def test_an_admin_gives_a_warehouse_its_own_cutoff_and_days_and_takes_them_back(
    client, login, post, warehouse
):
    login("admin")

    own = post(
        "/admin/warehouses/wh1",
        {
            "name": "Test site",
            "timezone": "Europe/Berlin",
            "cutoff_time": "15:30",
            "working_days": ["1", "2", "3", "4", "5", "6"],
        },
    )
    page = client.get("/admin/warehouses").get_data(as_text=True)
    assert (own.status_code, site("WH1").cutoff_time) == (303, time(15, 30))
    assert "Warehouse WH1 saved." in page
    assert "cut-off 15:30 · Mon–Sat" in page

    default = post("/admin/warehouses/WH1", {"name": "Test site", "timezone": "UTC"})

    assert default.status_code == 303
    assert (site("WH1").cutoff_time, site("WH1").working_days) == (None, None)
    assert site("WH1").timezone == "UTC"


def test_a_bad_time_zone_is_refused_on_the_page_keeping_what_was_typed(
    client, login, post, warehouse
):
    login("admin")
    before = row_counts()

    refused = post(
        "/admin/warehouses",
        {"code": "ham", "name": "Hamburg", "timezone": "Europe/Hamburg"},
    )
    bad_time = post(
        "/admin/warehouses/WH1",
        {"name": "Renamed", "timezone": "Europe/Berlin", "cutoff_time": "25:00"},
    )

    text = refused.get_data(as_text=True)
    assert refused.status_code == 400
    assert "Time zone: unknown time zone" in text
    assert 'value="Europe/Hamburg"' in text and 'value="ham"' in text
    assert bad_time.status_code == 400
    assert "Cut-off time: must be a time like 14:00" in bad_time.get_data(as_text=True)
    assert 'value="Renamed"' in bad_time.get_data(as_text=True)  # still being edited
    assert row_counts() == before


def test_a_second_code_like_the_first_is_refused(client, login, post, warehouse):
    login("admin")

    refused = post(
        "/admin/warehouses", {"code": "wh1", "name": "Again", "timezone": "UTC"}
    )

    assert refused.status_code == 409
    assert "Code WH1 is already taken" in refused.get_data(as_text=True)


def test_with_several_warehouses_the_admin_says_where_each_user_works(
    client, login, post, warehouse
):
    login("admin")
    hamburg = layout.create_warehouse(code="HAM", name="Hamburg")

    form = client.get("/admin/").get_data(as_text=True)
    created = post(
        "/admin/users",
        {
            "username": "anna",
            "password": PASSWORD,
            "roles": ["picker"],
            "warehouse": str(hamburg.id),
        },
    )
    in_hamburg = user("anna").warehouse_id
    moved = post("/admin/users/anna/warehouse", {"warehouse": str(warehouse.id)})
    said = client.get("/admin/").get_data(as_text=True)
    unknown = post("/admin/users/anna/warehouse", {"warehouse": "999999"})

    assert "Works in" in form
    assert (created.status_code, in_hamburg) == (303, hamburg.id)
    assert moved.status_code == 303
    assert "anna works in WH1." in said
    assert user("anna").warehouse_id == warehouse.id
    assert unknown.status_code == 400
    assert [a for a in actions() if a.startswith("user.warehouse")] == [
        "user.warehouse_assigned"
    ]


def test_only_admins_open_the_warehouses_page(client, login):
    login("manager")

    assert client.get("/admin/warehouses").status_code == 403
