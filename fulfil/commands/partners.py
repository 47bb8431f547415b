"""flask shipments … and flask licence …: 3PL exports, dropship, digital goods."""

import sys

import click
from flask.cli import AppGroup

from fulfil.cli import refusals_exit

shipments_cli = AppGroup("shipments", help="Shipments for 3PLs and suppliers.")
licence_cli = AppGroup("licence", help="Licence keys of digital products.")


@shipments_cli.command("export-3pl")
@click.option(
    "--output",
    "-o",
    type=click.File("w", encoding="utf-8", lazy=True),
    default="-",
    help="Write the CSV here (default: standard output).",
)
@click.option(
    "--mark-exported",
    is_flag=True,
    help="Record the shipments as handed over, so the next export leaves them out.",
)
@click.option(
    "--all",
    "include_exported",
    is_flag=True,
    help="Include shipments that were exported before.",
)
def export_3pl(output, mark_exported, include_exported):
    """Requested 3PL shipments as CSV: order, ship-to address, sku/name/quantity."""
    from fulfil.services import partners

    handover = partners.export_3pl(
        include_exported=include_exported, mark_exported=mark_exported
    )
    output.write(handover.csv)
    marked = " and marked them exported" if mark_exported else ""
    click.echo(f"Exported {len(handover.shipment_ids)} shipments{marked}.", err=True)


@shipments_cli.command("supplier-link")
@click.argument("shipment_id", type=int)
def supplier_link(shipment_id):
    """Print the signed link where a dropship shipment's supplier enters tracking."""
    from fulfil.queries.partners import supplier_shipment
    from fulfil.services import partners

    if supplier_shipment(shipment_id) is None:
        click.echo(f"Error: no dropship shipment {shipment_id}.", err=True)
        sys.exit(1)
    click.echo(partners.supplier_url(shipment_id))


@shipments_cli.command("send-purchase-orders")
def send_purchase_orders():
    """E-mail each supplier the purchase orders it has not been sent (MAIL_SERVER)."""
    from fulfil.services import partners

    with refusals_exit():
        results = partners.email_unsent_purchase_orders()
    failed = [(shipment_id, problem) for shipment_id, problem in results if problem]
    for shipment_id, problem in failed:
        click.echo(f"Shipment {shipment_id}: {problem}", err=True)
    click.echo(f"Sent {len(results) - len(failed)} purchase orders.")
    if failed:
        sys.exit(1)


@licence_cli.command("add")
@click.argument("sku")
@click.argument("file", type=click.File("r", encoding="utf-8"))
def add_keys(sku, file):
    """Add the keys in FILE (one per line, - for standard input) to SKU's pool."""
    from fulfil.queries.partners import licence_pool_by_sku
    from fulfil.services import digital

    keys = [line.strip() for line in file if line.strip()]
    with refusals_exit():
        added = digital.add_licence_keys(sku=sku, keys=keys)
    free, issued = licence_pool_by_sku(sku)
    skipped = len(keys) - added
    note = f" ({skipped} already known or repeated)" if skipped else ""
    click.echo(f"Added {added} keys to {sku}{note}; {free} free, {issued} issued.")


@licence_cli.command("stock")
@click.argument("sku")
def stock(sku):
    """How many keys SKU has left, and how many were issued."""
    from fulfil.queries.partners import licence_pool_by_sku

    pool = licence_pool_by_sku(sku)
    if pool is None:
        click.echo(f"Error: no product {sku}.", err=True)
        sys.exit(1)
    free, issued = pool
    click.echo(f"{sku}: {free} free, {issued} issued.")
