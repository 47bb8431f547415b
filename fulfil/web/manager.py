"""The manager's tablet: the floor at a glance, stock, labels."""

from flask import Blueprint, request, send_file
from flask_login import current_user

from fulfil.domain.roles import Role
from fulfil.queries import layout, orders, stock
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
