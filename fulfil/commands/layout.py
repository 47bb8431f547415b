"""flask layout …: generate a warehouse's bins from a rack plan; export and import
them as a locations CSV file.

Exit status: 0 when all went as asked; 1 when a plan or file was refused, or when
some bins or rows were left out (the rest were made); 2 when a file could not be
read at all.
"""

import sys
from dataclasses import fields
from pathlib import Path

import click
from flask.cli import AppGroup

from fulfil.commands.common import chosen_warehouse, echo_table
from fulfil.commands.imports import FILE
from fulfil.commands.imports import _run as run_import
from fulfil.domain.racks import BOUNDS, WHOLE, RackPlan, aisle_runs
from fulfil.errors import BadLayoutPlan

layout_cli = AppGroup(
    "layout", help="Generate a warehouse's bins; export and import them as CSV."
)

HELP = {
    "blocks": "Blocks of racks, front to back, with a cross aisle between two.",
    "aisles": "Pick aisles in each block.",
    "bays_per_side": "Bays on each side of an aisle, per block.",
    "levels": "Levels of each bay (A at the floor).",
    "pick_levels": "The lowest levels are pick faces; those above, reserve.",
    "bay_width": "Metres along the aisle per bay.",
    "aisle_pitch": "Metres from one aisle's centre line to the next one's.",
    "cross_aisle_width": "Metres of each cross aisle (front, between blocks, back).",
    "receiving": "Goods-in areas at the front (RECV-01, ...).",
    "packing": "Packing areas at the front (PACK-01 is where walks start).",
    "shipping": "Shipping docks at the front (SHIP-01, ...).",
}
warehouse_option = click.option(
    "--warehouse", "code", help="Warehouse code (needed if there are several)."
)


def plan_options(command):
    """An option per RackPlan field (--bays-per-side 6), defaulting to the plan's."""
    for field in reversed(fields(RackPlan)):
        low, high = BOUNDS[field.name]
        command = click.option(
            "--" + field.name.replace("_", "-"),
            type=int if field.name in WHOLE else float,
            default=field.default,
            show_default=True,
            help=f"{HELP[field.name]} ({low:g}-{high:g})",
        )(command)
    return command


@layout_cli.command("generate")
@warehouse_option
@plan_options
@click.option("--dry-run", is_flag=True, help="Only show what would be made.")
@click.option("--list", "every_bin", is_flag=True, help="Print every bin planned.")
@click.option(
    "--labels",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the labels of the plan's bins to this PDF file.",
)
def generate(code, dry_run, every_bin, labels, **values):
    """Make the bins of a rack layout that are missing; existing bins stay as they
    are, so running it again changes nothing."""
    from fulfil.queries.racks import layout_preview, planned_locations
    from fulfil.services.racks import generate_layout

    warehouse = chosen_warehouse(code)
    plan = RackPlan(**values)
    try:
        if dry_run:
            result = layout_preview(warehouse.id, plan)
        else:
            result = generate_layout(warehouse_id=warehouse.id, plan=plan)
    except BadLayoutPlan as refusal:
        for field, problem in refusal.problems:
            click.echo(f"Error: --{field.replace('_', '-')} {problem}", err=True)
        sys.exit(1)
    bins = [*result.new, *result.unchanged, *(c.planned for c in result.conflicts)]
    order = {b.code: i for i, b in enumerate(bins)}
    bins.sort(key=lambda b: (not b.aisle, order[b.code]))  # areas last
    _echo_plan(warehouse.code, plan, bins, every_bin)
    for conflict in result.conflicts:
        click.echo(
            f"{conflict.planned.code} is there with another "
            f"{', '.join(conflict.differences)}: left as it is."
        )
    click.echo(
        f"{'Would create' if dry_run else 'Created'} {len(result.new)} locations; "
        f"{len(result.unchanged)} already there as planned, "
        f"{len(result.conflicts)} there otherwise."
    )
    if labels:
        from fulfil.labels import location_labels_pdf

        found = planned_locations(warehouse.id, plan)
        labels.write_bytes(location_labels_pdf(found).getvalue())
        click.echo(f"Labels of {len(found)} locations written to {labels}")
    sys.exit(1 if result.conflicts else 0)


def _echo_plan(warehouse: str, plan: RackPlan, bins, every_bin: bool) -> None:
    click.echo(
        f"{warehouse}: {plan.blocks} block(s) of {plan.aisles} aisle(s), "
        f"{plan.bays_per_side} bays per side, {plan.levels} level(s) "
        f"({plan.pick_levels} for picking); bays {plan.bay_width:g} m, "
        f"aisles {plan.aisle_pitch:g} m apart, "
        f"cross aisles {plan.cross_aisle_width:g} m."
    )
    if every_bin:
        rows = [
            (b.code, b.kind, b.zone, b.aisle, b.bay, b.level, f"{b.x:g}", f"{b.y:g}")
            for b in bins
        ]
        header = ("Code", "Kind", "Zone", "Aisle", "Bay", "Level", "x m", "y m")
        echo_table(header, rows, right={6, 7})
        return
    runs = [
        (
            r.zone,
            r.aisle,
            f"{r.x:g}",
            f"{r.y_first:g}-{r.y_last:g}",
            str(r.bins),
            f"{r.first} ... {r.last}",
        )
        for r in aisle_runs(bins)
    ]
    areas = [
        (b.zone, "", f"{b.x:g}", f"{b.y:g}", "1", f"{b.code} ({b.kind})")
        for b in bins
        if not b.aisle
    ]
    header = ("Block", "Aisle", "x m", "y m", "Bins", "Codes")
    echo_table(header, [*runs, *areas], right={2, 4})


@layout_cli.command("export")
@warehouse_option
@click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write to this file instead of the screen.",
)
def export(code, output):
    """Every bin and area of the warehouse as a locations CSV file (code, kind, zone,
    aisle, bay, level, x, y, active, warehouse), which `layout import` takes back."""
    from fulfil.queries.racks import locations_csv

    text = locations_csv(chosen_warehouse(code).id)
    if output is None:
        click.echo(text, nl=False)
        return
    output.write_text(text, encoding="utf-8")
    click.echo(f"{text.count(chr(10)) - 1} locations written to {output}", err=True)


@layout_cli.command("import")
@click.argument("path", type=FILE)
@warehouse_option
def import_(path: Path, code):
    """Create or update one location per row of PATH (code,kind,zone,aisle,bay,level,
    x,y,active,warehouse); rows without a warehouse go to --warehouse."""
    warehouse = chosen_warehouse(code) if code else None
    run_import("locations", path, warehouse_id=warehouse.id if warehouse else None)
