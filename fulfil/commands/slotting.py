"""flask slotting …: the slotting suggestions as a table, from the pick history."""

import click
from flask.cli import AppGroup

from fulfil.cli import refusals_exit
from fulfil.queries import slotting as queries
from fulfil.queries.layout import warehouses

slotting_cli = AppGroup(
    "slotting", help="Slotting: fast movers to bring nearer the packing area."
)

NAME_WIDTH = 28


@slotting_cli.command("suggest")
@click.option(
    "--warehouse", "code", help="Warehouse code (needed if there are several)."
)
@click.option(
    "--days",
    type=click.IntRange(1, queries.MAX_DAYS),
    default=queries.DEFAULT_DAYS,
    show_default=True,
    help="Days of pick history to count.",
)
@click.option(
    "--limit",
    type=click.IntRange(1, queries.MAX_LIMIT),
    default=queries.DEFAULT_LIMIT,
    show_default=True,
    help="Most moves to list.",
)
def suggest(code, days, limit):
    """List moves of fast movers to nearer pick faces, most walking saved first."""
    warehouse = _warehouse(code)
    with refusals_exit():
        plan = queries.slotting_plan(warehouse.id, days=days, limit=limit)
    click.echo(
        f"Slotting for {plan.warehouse_code}: {plan.picks} order lines picked "
        f"in the last {plan.days} days."
    )
    if not plan.suggestions:
        click.echo(
            "Nothing to move: every fast mover already sits as near packing as it can."
            if plan.picks
            else "No picks in these days yet: suggestions come from the pick history."
        )
        return
    header = ("#", "SKU", "Product", "From", "To", "Swap with", "Picks", "Saved m", "")
    rows = [
        (
            str(s.rank),
            s.item.sku,
            _cut(s.item.name),
            s.source,
            s.target,
            " ".join(i.sku for i in s.swap) or "-",
            str(s.picks),
            f"{s.walking_saved_m:.1f}",
            _note(s),
        )
        for s in plan.suggestions
    ]
    right = {0, 6, 7}
    widths = [max(len(row[i]) for row in (header, *rows)) for i in range(len(header))]
    for row in (header, *rows):
        cells = [
            cell.rjust(width) if i in right else cell.ljust(width)
            for i, (cell, width) in enumerate(zip(row, widths, strict=True))
        ]
        click.echo("  ".join(cells).rstrip())
    click.echo(
        f"Total: {plan.walking_saved_m:.1f} m less walking for the picks of "
        f"the last {plan.days} days. Record each move on /manage/slotting once made."
    )


def _warehouse(code: str | None):
    sites = warehouses()
    if code:
        for site in sites:
            if site.code.upper() == code.strip().upper():
                return site
        raise click.BadParameter(
            f"no warehouse {code}; there are: {_codes(sites)}", param_hint="--warehouse"
        )
    if len(sites) == 1:
        return sites[0]
    if not sites:
        raise click.UsageError("There is no warehouse yet.")
    raise click.UsageError(f"Choose a warehouse with --warehouse: {_codes(sites)}.")


def _codes(sites) -> str:
    return ", ".join(site.code for site in sites) or "none"


def _cut(name: str) -> str:
    return name if len(name) <= NAME_WIDTH else name[: NAME_WIDTH - 1] + "…"


def _note(s: queries.Suggestion) -> str:
    if (blocked := s.blocked_by) is not None:
        return f"wait: {blocked.reserved} x {blocked.sku} reserved"
    if s.after:
        return f"after #{s.after}"
    return ""
