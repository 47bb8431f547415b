"""flask warehouse …: create a site, change its settings, list them all."""

import sys
from collections.abc import Callable
from datetime import time

import click
from flask import current_app
from flask.cli import AppGroup

from fulfil.cli import refusals_exit
from fulfil.domain.promise import parse_weekdays, stored_weekdays, weekdays_spec
from fulfil.queries.layout import warehouse_by_code, warehouses
from fulfil.queries.users import people_per_warehouse
from fulfil.services import layout

warehouse_cli = AppGroup("warehouse", help="Warehouses (sites) and their settings.")

DEFAULT = "default"


class OrDefault(click.ParamType):
    """A value `parse` reads, or `default`: the configuration's (None)."""

    def __init__(self, name: str, parse: Callable, wanted: str) -> None:
        self.name, self.parse, self.wanted = name, parse, wanted

    def convert(self, value, param, ctx):
        if value == DEFAULT:
            return None
        try:
            return self.parse(value)
        except ValueError:
            self.fail(f"{value!r} is not {self.wanted} (or {DEFAULT})", param, ctx)


CUTOFF = OrDefault("HH:MM", time.fromisoformat, "a time like 14:00")
WORKING_DAYS = OrDefault(
    "DAYS",
    parse_weekdays,
    "a list of days from 1 (Monday) to 7 (Sunday), like 1-5 or 1,2,3,4,5,6",
)


name_option = click.option("--name", help="What people call it.")
timezone_option = click.option("--timezone", help="IANA time zone, e.g. Europe/Berlin.")
address_option = click.option("--address", help="Its postal address.")
cutoff_option = click.option(
    "--cutoff",
    "cutoff_time",
    type=CUTOFF,
    help="Daily cut-off in its zone, e.g. 15:30; `default`: the CUTOFF_TIME setting.",
)
days_option = click.option(
    "--working-days",
    type=WORKING_DAYS,
    help="ISO weekdays that ship, e.g. 1-5 or 1-6; `default`: WORKING_DAYS.",
)


@warehouse_cli.command("create")
@click.argument("code")
@click.option("--name", required=True, help="What people call it.")
@click.option(
    "--timezone", help="IANA time zone, e.g. Europe/Berlin (UTC when left out)."
)
@address_option
@cutoff_option
@days_option
def create(code, name, timezone, address, cutoff_time, working_days):
    """Create warehouse CODE (A-Z, 0-9 and -, at most 16). The first one takes in
    every user who has no warehouse yet."""
    with refusals_exit():
        site = layout.create_warehouse(
            code=code,
            name=name,
            address=address or "",
            timezone=timezone or "UTC",
            cutoff_time=cutoff_time,
            working_days=working_days,
        )
    click.echo(f"Created warehouse {site.code}: {describe(site)}.")


@warehouse_cli.command("change")
@click.argument("code")
@name_option
@timezone_option
@address_option
@cutoff_option
@days_option
@click.pass_context
def change(ctx, code, **given):
    """Change what is given of warehouse CODE; the rest stays."""
    changes = {
        field: value
        for field, value in given.items()
        if ctx.get_parameter_source(field) is click.core.ParameterSource.COMMANDLINE
    }
    if not changes:
        raise click.UsageError("Say what to change (see --help).")
    with refusals_exit():
        site = layout.change_warehouse(code=code, **changes)
    click.echo(f"{site.code}: {describe(site)}.")


@warehouse_cli.command("list")
def list_warehouses():
    """Every warehouse: code, name, zone, cut-off, working days, active users."""
    people = people_per_warehouse()
    for site in warehouses():
        users = people.get(site.id, 0)
        click.echo(
            f"{site.code:<16} {site.name}  ·  {describe(site)}  ·  "
            f"{users} user{'' if users == 1 else 's'}"
        )
    if people.get(None):
        click.echo(f"{people[None]} user(s) in no warehouse yet.")


@warehouse_cli.command("timezone")
@click.argument("code")
@click.argument("zone", required=False)
def warehouse_timezone(code, zone):
    """Show the time zone warehouse CODE keeps, or set it to ZONE (Europe/Berlin)."""
    if zone:
        with refusals_exit():
            layout.change_warehouse(code=code, timezone=zone)
    site = warehouse_by_code(code)
    if site is None:
        click.echo(f"Error: no warehouse {code}", err=True)
        sys.exit(1)
    click.echo(f"{site.code} keeps {site.timezone}.")


def describe(site) -> str:
    """Its zone, cut-off and working days, each marked when the configuration's."""
    config = current_app.config
    if site.cutoff_time is None:
        cutoff = f"cut-off {config['CUTOFF_TIME']:%H:%M} (default)"
    else:
        cutoff = f"cut-off {site.cutoff_time:%H:%M}"
    own = stored_weekdays(site.working_days)
    days = f"days {weekdays_spec(own or config['WORKING_DAYS'])}"
    return f"{site.timezone}, {cutoff}, {days}{'' if own else ' (default)'}"
