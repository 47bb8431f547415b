"""flask product …: a product's labels as PDF, and a GTIN for a product without one."""

import sys
from pathlib import Path

import click
from flask.cli import AppGroup

from fulfil.cli import refusals_exit
from fulfil.labels import LABEL_SIZES, ROLL

product_cli = AppGroup("product", help="Products: labels and GTINs.")


@product_cli.command("label")
@click.argument("sku")
@click.option("--count", type=click.IntRange(min=1), default=1, show_default=True)
@click.option(
    "--size",
    type=click.Choice(LABEL_SIZES),
    default=ROLL,
    show_default=True,
    help="50 x 30 mm, one a page (a label printer), or A4 sheets of 24.",
)
@click.option(
    "--pdf",
    "pdf_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where to write the PDF (default: labels-SKU.pdf here).",
)
def label(sku, count, size, pdf_path):
    """Write COUNT labels of product SKU to a PDF: its name, SKU and barcode (EAN-13
    for a GTIN-13, else Code 128 of its barcode, or of its SKU when it has none)."""
    from fulfil.labels import product_label, product_labels_pdf
    from fulfil.limits import max_qty
    from fulfil.queries.stock import product_by_code
    from fulfil.web.documents import file_safe

    if count > max_qty():
        click.echo(f"Error: at most {max_qty()} labels at once (MAX_QTY).", err=True)
        sys.exit(1)
    with refusals_exit():
        product = product_by_code(sku)
        printed = product_label(product)
    pdf_path = pdf_path or Path(f"labels-{file_safe(product.sku)}.pdf")
    pdf_path.write_bytes(product_labels_pdf(printed, count, size).getvalue())
    kind = "EAN-13" if printed.symbology == "ean13" else "Code 128"
    click.echo(f"{count} × {product.sku} ({kind} {printed.code}) written to {pdf_path}")


@product_cli.command("assign-gtin")
@click.argument("sku")
def assign_gtin(sku):
    """Give product SKU, which has no barcode, the next GTIN-13 under the shop's GS1
    company prefix (GS1_COMPANY_PREFIX); print it."""
    from fulfil.queries.stock import product_by_code
    from fulfil.services import catalog

    with refusals_exit():
        product = catalog.assign_gtin(product_by_code(sku).id, actor_id=None)
    click.echo(f"{product.sku}: {product.barcode}")
