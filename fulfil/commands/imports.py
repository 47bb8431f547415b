"""flask import …: products and orders from CSV files and Excel workbooks, in
Fulfil's columns or (products) as Shopify or WooCommerce export them. Always in the
foreground, however big the file: the web page hands big files to the job worker.

Exit status: 0 when every row was imported, 1 when some were rejected (the rest went
in), 2 when the file could not be read at all (nothing was stored).
"""

import sys
from pathlib import Path

import click
from flask.cli import AppGroup

from fulfil.services import csv_import

import_cli = AppGroup(
    "import", help="Import products and orders from CSV files or .xlsx workbooks."
)

FILE = click.Path(exists=True, dir_okay=False, path_type=Path)


@import_cli.command("products")
@click.argument("path", type=FILE)
def import_products(path: Path):
    """Create or update one product per row of PATH (sku,name,barcode,...).

    Shopify's product export and WooCommerce's product CSV are recognised by their
    header: each variant becomes a product with its own SKU.
    """
    _run("products", path)


@import_cli.command("orders")
@click.argument("path", type=FILE)
def import_orders(path: Path):
    """Take in the orders of PATH, one row per order line (external_id,...,sku,...).

    Each order is imported whole or not at all; running it again changes nothing.
    """
    _run("orders", path)


def _run(kind: str, path: Path, **options) -> None:
    def progress(done: int, total: int) -> None:
        if done < total:  # the summary tells the end
            click.echo(f"{path}: {done} of {total} …", err=True)

    try:
        report = csv_import.IMPORTERS[kind](
            path.read_bytes(), progress=progress, **options
        )
    except OSError as error:
        click.echo(f"Error: {path}: {error.strerror or error}", err=True)
        sys.exit(2)
    except csv_import.CsvFileError as error:
        click.echo(f"Error: {path}: {error}", err=True)
        sys.exit(2)
    for skipped in report.skips:
        plural = "s" if len(skipped.lines) > 1 else ""
        click.echo(f"line{plural} {skipped.lines_label}: skipped: {skipped.reason}")
    for rejection in report.rejections:
        click.echo(_rejection_line(rejection))
    click.echo(_summary(report, path))
    sys.exit(1 if report.rejected else 0)


def _rejection_line(rejection: csv_import.Rejection) -> str:
    several = len(rejection.lines) > 1
    reasons = []
    for problem in rejection.problems:
        where = f"line {problem.line}, " if problem.line and several else ""
        column = f"{problem.field}: " if problem.field else ""
        reasons.append(f"{where}{column}{problem.message}")
    plural = "s" if several else ""
    key = f" {rejection.key}" if rejection.key else ""
    return f"line{plural} {rejection.lines_label}{key}: rejected: {'; '.join(reasons)}"


def _summary(report: csv_import.ImportReport, path: Path) -> str:
    counts = [f"{report.created} new"]
    if report.kind != "orders":  # an order is taken in once, never updated
        counts.append(f"{report.updated} updated")
    counts += [f"{report.unchanged} unchanged", f"{report.rejected} rejected"]
    if report.skipped:
        counts.append(f"{report.skipped} rows skipped")
    return (
        f"{path}: {report.rows} rows read ({report.source}); "
        f"{report.kind}: {', '.join(counts)}."
    )
