"""flask slotting …: the slotting suggestions as a table, from the pick history."""

import click
from flask.cli import AppGroup

from fulfil.cli import refusals_exit
from fulfil.commands.common import chosen_warehouse, echo_table
from fulfil.queries import slotting as queries

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
    warehouse = chosen_warehouse(code)
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
    echo_table(header, rows, right={0, 6, 7})
    click.echo(
        f"Total: {plan.walking_saved_m:.1f} m less walking for the picks of "
        f"the last {plan.days} days. Record each move on /manage/slotting once made."
    )


def _cut(name: str) -> str:
    return name if len(name) <= NAME_WIDTH else name[: NAME_WIDTH - 1] + "…"


def _note(s: queries.Suggestion) -> str:
    if (blocked := s.blocked_by) is not None:
        return f"wait: {blocked.reserved} x {blocked.sku} reserved"
    if s.after:
        return f"after #{s.after}"
    return ""
