"""The admin's command line: users, badges, the ledger check and the demo."""

import sqlalchemy as sa

from fulfil.extensions import db
from fulfil.models import Location, Order, Product, User
from fulfil.queries.users import user_by_badge, user_by_credentials
from tests.conftest import assert_ledger_balanced


def test_creating_the_first_admin(runner):
    result = runner.invoke(
        args=[
            "user",
            "create",
            "boss",
            "--role",
            "admin",
            "--role",
            "manager",
            "--password",
            "s3cret-enough",
        ]
    )

    assert result.exit_code == 0, result.output
    user = user_by_credentials("boss", "s3cret-enough")
    assert user is not None and {r.value for r in user.roles} == {"admin", "manager"}


def test_the_password_is_prompted_for_when_not_given(runner):
    result = runner.invoke(
        args=["user", "create", "anna", "--role", "picker"],
        input="long-password\nlong-password\n",
    )

    assert result.exit_code == 0, result.output
    assert user_by_credentials("anna", "long-password") is not None


def test_a_short_password_is_refused_with_the_reason(runner):
    result = runner.invoke(
        args=["user", "create", "anna", "--role", "picker", "--password", "short"]
    )

    assert result.exit_code == 1
    assert "at least 8 characters" in result.output
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 0


def create_anna(runner) -> None:
    """A picker made through the CLI, as an admin would."""
    args = [
        "user",
        "create",
        "anna",
        "--role",
        "picker",
        "--password",
        "first-password",
    ]
    assert runner.invoke(args=args).exit_code == 0


def test_reset_password_and_deactivate(runner):
    create_anna(runner)

    assert (
        runner.invoke(
            args=["user", "reset-password", "anna", "--password", "second-password"]
        ).exit_code
        == 0
    )
    assert user_by_credentials("anna", "second-password") is not None
    assert runner.invoke(args=["user", "deactivate", "anna"]).exit_code == 0
    assert user_by_credentials("anna", "second-password") is None


def test_set_roles_gives_exactly_the_roles_named(runner):
    create_anna(runner)

    result = runner.invoke(
        args=["user", "set-roles", "anna", "--role", "packer", "--role", "receiver"]
    )

    assert result.exit_code == 0, result.output
    assert "anna: packer, receiver." in result.output
    user = user_by_credentials("anna", "first-password")
    assert {r.value for r in user.roles} == {"packer", "receiver"}


def test_printing_a_badge_gives_a_working_token_and_a_card(runner, tmp_path):
    create_anna(runner)
    card = tmp_path / "anna.pdf"

    result = runner.invoke(args=["user", "badge", "anna", "--pdf", str(card)])

    assert result.exit_code == 0, result.output
    token = result.output.strip().splitlines()[-1]
    assert user_by_badge(token).username == "anna"
    assert card.read_bytes().startswith(b"%PDF")


def test_unknown_users_are_named(runner):
    result = runner.invoke(args=["user", "deactivate", "nobody"])

    assert result.exit_code == 1
    assert "No user nobody" in result.output


def test_the_demo_builds_a_warehouse_with_stock_orders_and_users(runner, tmp_path):
    pdf = tmp_path / "labels.pdf"

    result = runner.invoke(args=["demo", "--pdf", str(pdf)])

    assert result.exit_code == 0, result.output
    assert "picker" in result.output and "demo-picker" in result.output
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Location)) > 200
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Product)) > 100
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Order)) >= 40
    assert pdf.read_bytes().startswith(b"%PDF")
    assert_ledger_balanced()
    assert runner.invoke(args=["stock", "check-ledger"]).exit_code == 0


def test_the_demo_refuses_to_overwrite_a_warehouse(runner, warehouse, tmp_path):
    result = runner.invoke(args=["demo", "--pdf", str(tmp_path / "b.pdf")])

    assert result.exit_code == 1
    assert "Error" in result.output
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Product)) == 0


def test_the_demo_keeps_an_existing_warehouse_when_asked(runner, warehouse, tmp_path):
    result = runner.invoke(
        args=["demo", "--if-empty", "--pdf", str(tmp_path / "b.pdf")]
    )

    assert result.exit_code == 0
    assert "keeping it" in result.output


def test_a_warehouses_time_zone_is_shown_and_set(runner, warehouse):
    shown = runner.invoke(args=["warehouse", "timezone", "wh1"])
    moved = runner.invoke(args=["warehouse", "timezone", "WH1", "America/New_York"])
    unknown = runner.invoke(args=["warehouse", "timezone", "WH1", "Mars/Olympus"])
    missing = runner.invoke(args=["warehouse", "timezone", "NOPE", "Europe/Berlin"])

    assert shown.exit_code == 0 and "WH1 keeps Europe/Berlin." in shown.output
    assert moved.exit_code == 0 and "WH1 keeps America/New_York." in moved.output
    assert unknown.exit_code == 1 and "unknown time zone" in unknown.output
    assert missing.exit_code == 1 and "no warehouse NOPE" in missing.output
    db.session.refresh(warehouse)
    assert warehouse.timezone == "America/New_York"
