"""flask commands: thin wrappers over services and queries."""

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click
from flask import Flask
from flask.cli import AppGroup
from flask_babel import lazy_gettext as _l

from fulfil.domain.roles import Role
from fulfil.errors import FulfilError, NotFound, UnknownUser
from fulfil.services import tokens, users

user_cli = AppGroup("user", help="Create and manage users.")
stock_cli = AppGroup("stock", help="Inspect the inventory ledger.")
token_cli = AppGroup("token", help="API tokens for shops, ERPs, 3PLs and suppliers.")


role_option = click.option(
    "--role",
    "roles",
    multiple=True,
    required=True,
    type=click.Choice([r.value for r in Role]),
    help="Repeat for several roles.",
)


@contextmanager
def refusals_exit() -> Iterator[None]:
    """Print a refused operation's reason and exit 1, as a shell script expects."""
    try:
        yield
    except FulfilError as error:
        click.echo(f"Error: {error}", err=True)
        sys.exit(1)


@user_cli.command("create")
@click.argument("username")
@role_option
@click.option("--password", help="Prompted for (hidden, twice) when left out.")
@click.option("--language", type=click.Choice(["en", "de", "en_US"]))
@click.option(
    "--warehouse",
    "warehouse_code",
    metavar="CODE",
    help="Where they work (with one warehouse, there; else the first one).",
)
def create_user(username, roles, password, language, warehouse_code):
    """Create USERNAME with one or more roles (also the first admin)."""
    with refusals_exit():
        warehouse_id = _warehouse_id(warehouse_code) if warehouse_code else None
    if password is None:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    with refusals_exit():
        user = users.create_user(
            username=username,
            password=password,
            roles=list(roles),
            language=language,
            warehouse_id=warehouse_id,
        )
    where = f" in {user.warehouse.code}" if user.warehouse else ""
    click.echo(f"Created {user.username} ({', '.join(sorted(user.roles))}){where}.")


@user_cli.command("set-warehouse")
@click.argument("username")
@click.argument("code")
def set_warehouse(username, code):
    """Let USERNAME work in warehouse CODE from their next page on."""
    from fulfil.queries.users import user_by_username

    with refusals_exit():
        warehouse_id = _warehouse_id(code)
        user = user_by_username(username)
        if user is None:
            raise UnknownUser(username=username)
        users.set_warehouse(user_id=user.id, warehouse_id=warehouse_id)
    click.echo(f"{user.username} works in {code.strip().upper()}.")


def _warehouse_id(code: str) -> int:
    from fulfil.queries.layout import warehouse_by_code

    site = warehouse_by_code(code)
    if site is None:
        raise NotFound(_l("no warehouse %(code)s"), code=code)
    return site.id


@user_cli.command("reset-password")
@click.argument("username")
@click.option("--password", help="Prompted for (hidden, twice) when left out.")
def reset_password(username, password):
    """Give USERNAME a new password."""
    if password is None:
        password = click.prompt(
            "New password", hide_input=True, confirmation_prompt=True
        )
    with refusals_exit():
        users.set_password(username=username, password=password)
    click.echo(f"Password of {username} changed.")


@user_cli.command("deactivate")
@click.argument("username")
def deactivate(username):
    """Stop USERNAME from logging in (password and badge)."""
    with refusals_exit():
        users.set_active(username=username, active=False)
    click.echo(f"{username} can no longer log in.")


@user_cli.command("set-roles")
@click.argument("username")
@role_option
def set_roles(username, roles):
    """Give USERNAME exactly these roles (a change logs them out everywhere)."""
    with refusals_exit():
        user = users.set_roles(username=username, roles=list(roles))
    click.echo(f"{user.username}: {', '.join(sorted(user.roles))}.")


@user_cli.command("badge")
@click.argument("username")
@click.option(
    "--pdf",
    "pdf_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write a printable badge card to this PDF file.",
)
def badge(username, pdf_path):
    """Issue a new badge for USERNAME (older badges stop working); print its token."""
    from fulfil.labels import badges_pdf
    from fulfil.queries.users import user_by_username

    with refusals_exit():
        token = users.issue_badge(username=username)
    if pdf_path:
        roles = user_by_username(username).roles
        pdf_path.write_bytes(badges_pdf([(username, roles, token)]).getvalue())
        click.echo(f"Badge card written to {pdf_path}")
    click.echo(token)


@stock_cli.command("check-ledger")
def check_ledger():
    """Verify that every balance equals the sum of its ledger rows."""
    from fulfil.queries.stock import ledger_mismatches

    problems = ledger_mismatches()
    for problem in problems:
        click.echo(problem, err=True)
    if problems:
        sys.exit(1)
    click.echo(
        "Ledger balanced: every on-hand figure equals the sum of its stock moves."
    )


@click.command("demo")
@click.option(
    "--pdf",
    "pdf_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Where to write the labels and badges (default: instance/demo-labels.pdf).",
)
@click.option(
    "--if-empty",
    is_flag=True,
    help="Leave an existing demo as it is instead of failing.",
)
def demo(pdf_path, if_empty):
    """Build the demo warehouse, products, stock, orders and users (offline)."""
    from flask import current_app

    from fulfil.demo import DemoExists, build_demo

    pdf_path = pdf_path or Path(current_app.instance_path) / "demo-labels.pdf"
    try:
        summary = build_demo(pdf_path=pdf_path)
    except DemoExists as error:
        if if_empty:
            click.echo(
                "The database already holds a warehouse; keeping it. "
                "Demo logins: picker / demo-picker, manager / demo-manager, ..."
            )
            return
        click.echo(f"Error: {error}", err=True)
        sys.exit(1)
    click.echo(
        f"Demo warehouse {summary.warehouse}: {summary.locations} locations, "
        f"{summary.products} products, {summary.units} units in stock, "
        f"{summary.orders} orders."
    )
    click.echo("Log in at http://127.0.0.1:5000 with:")
    for username, password, roles in summary.credentials:
        click.echo(f"  {username:<10} {password:<18} {roles}")
    click.echo(f"Labels and badges to print: {summary.pdf_path}")


@token_cli.command("create")
@click.argument("name")
@click.option(
    "--scope",
    "scopes",
    multiple=True,
    required=True,
    type=click.Choice(tokens.SCOPES),
    help="Repeat for several scopes.",
)
def create_token(name, scopes):
    """Create a token called NAME; the token is printed once, on the last line."""
    with refusals_exit():
        token, secret = tokens.create_token(name=name, scopes=list(scopes))
    click.echo(f"Created token {token.id} {token.name!r} ({', '.join(token.scopes)}).")
    click.echo("Store it now: it is not shown again.")
    click.echo(secret)


@token_cli.command("list")
def list_tokens():
    """Every token: id, name, scopes, whether revoked."""
    from fulfil.queries.integration import all_tokens

    for token in all_tokens():
        state = "revoked" if token.revoked_at else "active"
        click.echo(
            f"{token.id:>4}  {token.prefix}…  {state:<8} {token.name}  "
            f"{' '.join(token.scopes)}"
        )


@token_cli.command("revoke")
@click.argument("token_id", type=int)
def revoke_token(token_id):
    """Revoke a token by its id (see `flask token list`)."""
    with refusals_exit():
        token = tokens.revoke_token(token_id)
    click.echo(f"Revoked token {token.id} {token.name!r}.")


def register(app: Flask) -> None:
    from fulfil.commands.imports import import_cli
    from fulfil.commands.jobs import jobs_cli
    from fulfil.commands.layout import layout_cli
    from fulfil.commands.partners import licence_cli, shipments_cli
    from fulfil.commands.products import product_cli
    from fulfil.commands.slotting import slotting_cli
    from fulfil.commands.warehouses import warehouse_cli
    from fulfil.commands.webhooks import webhooks_cli

    for group in (
        import_cli,
        licence_cli,
        shipments_cli,
        slotting_cli,
        warehouse_cli,
        webhooks_cli,
    ):
        app.cli.add_command(group)
    app.cli.add_command(layout_cli)
    app.cli.add_command(product_cli)
    app.cli.add_command(jobs_cli)
    app.cli.add_command(token_cli)
    app.cli.add_command(user_cli)
    app.cli.add_command(stock_cli)
    app.cli.add_command(demo)
