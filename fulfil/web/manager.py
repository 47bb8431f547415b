"""The manager's tablet: the floor at a glance, stock, labels, CSV import."""

from pathlib import Path

from flask import Blueprint, abort, request, send_file
from flask_babel import gettext as _
from flask_login import current_user

from fulfil.domain.roles import Role
from fulfil.queries import layout, orders, stock
from fulfil.services import csv_import
from fulfil.web import lookups
from fulfil.web.htmx import page_or_fragment
from fulfil.web.session import guard

bp = Blueprint("manager", __name__, url_prefix="/manage")
guard(bp, Role.MANAGER)


@bp.get("/")
def home():
    warehouse_id = current_user.warehouse_id
    return page_or_fragment(
        "manager/home.html",
        "manager/_stock.html",
        totals=stock.stock_totals(warehouse_id),
        statuses=orders.orders_by_status(),
        moves=stock.recent_moves(warehouse_id),
    )


@bp.get("/stock")
def product_stock():
    """Where one product is, found by SKU or barcode."""
    return lookups.product_stock(
        "manager/stock.html", "manager/_stock.html", request.args.get("code", "")
    )


@bp.get("/labels.pdf")
def location_labels():
    """A printable sheet of every bin's label in the current warehouse."""
    from fulfil.labels import location_labels_pdf

    pdf = location_labels_pdf(layout.physical_locations(current_user.warehouse_id))
    return send_file(
        pdf, mimetype="application/pdf", download_name="location-labels.pdf"
    )


IMPORT_EXAMPLES = Path(__file__).parents[1] / "demo" / "data"
IMPORT_FORMATS = {  # kind -> (columns, required columns)
    "orders": (csv_import.ORDER_COLUMNS, csv_import.ORDER_REQUIRED),
    "products": (csv_import.PRODUCT_COLUMNS, csv_import.PRODUCT_REQUIRED),
    "locations": (csv_import.LOCATION_COLUMNS, csv_import.LOCATION_REQUIRED),
}


def _import_page(status: int = 200, *, kind: str, **context):
    return page_or_fragment(
        "manager/import.html",
        "manager/_import.html",
        status,
        kind=kind if kind in csv_import.IMPORTERS else "orders",
        formats=IMPORT_FORMATS,
        **context,
    )


@bp.get("/import")
def imports():
    """The CSV upload form for products and orders."""
    return _import_page(kind=request.args.get("kind", "orders"), report=None)


@bp.post("/import")
def import_file():
    """Import an uploaded CSV file and show what was taken and what was rejected.

    The report is the answer (there is nothing to redirect to): importing the same
    file again is harmless, as every row is an idempotent upsert or order intake.
    """
    kind = request.form.get("kind", "")
    upload = request.files.get("file")
    filename = upload.filename if upload else ""
    if kind not in csv_import.IMPORTERS:
        refusal = _("Choose what the file holds: products, orders or locations.")
    elif not filename:
        refusal = _("Choose a CSV file to import.")
    else:
        try:
            report = csv_import.IMPORTERS[kind](upload.read(), actor_id=current_user.id)
        except csv_import.CsvFileError as error:
            refusal = str(error)
        else:
            return _import_page(kind=kind, report=report, filename=filename)
    return _import_page(422, kind=kind, report=None, refusal=refusal, filename=filename)


@bp.get("/import/example-<kind>.csv")
def import_example(kind: str):
    """A small CSV file of each kind to start from."""
    if kind not in csv_import.IMPORTERS:
        abort(404)
    return send_file(
        IMPORT_EXAMPLES / f"import-{kind}.csv",
        mimetype="text/csv",
        as_attachment=True,
        download_name=f"fulfil-{kind}.csv",
    )
