"""The supplier's page, reached by a signed link without an account.

The link names one dropship shipment: the supplier sees its purchase order (address
and lines, also as PDF) and enters the carrier and tracking number once it shipped.
A tampered link is a 404; a cancelled order says so instead of offering the form;
SUPPLIER_LINK_DAYS after the shipment closed the link answers 410.
"""

from flask import Blueprint, abort, redirect, request, send_file, url_for

from fulfil.errors import FulfilError
from fulfil.extensions import limit_public_pages
from fulfil.models import Shipment
from fulfil.queries import partners as queries
from fulfil.services import partners
from fulfil.web.htmx import page_or_fragment, wants_fragment

bp = Blueprint("supplier", __name__, url_prefix="/supplier")
limit_public_pages(bp)


@bp.after_request
def _private(response):
    # The token is a key: keep these pages out of shared caches and search engines.
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _shipment(token: str) -> Shipment:
    shipment_id = partners.shipment_for_token(token)
    shipment = queries.supplier_shipment(shipment_id) if shipment_id else None
    if shipment is None:
        abort(404)
    partners.check_link_open(shipment)  # 410 some time after the order closed
    return shipment


def _render(token: str, shipment: Shipment, status: int = 200, **context):
    return page_or_fragment(
        "supplier/order.html",
        "supplier/_order.html",
        status,
        token=token,
        shipment=shipment,
        order=shipment.order,
        form=context.pop("form", {}),
        **context,
    )


@bp.get("/<token>")
def order(token: str):
    return _render(token, _shipment(token))


@bp.post("/<token>")
def report(token: str):
    form = {
        name: request.form.get(name, "")
        for name in ("carrier", "tracking_number", "tracking_url")
    }
    try:
        partners.report_by_supplier(token=token, **form)
    except FulfilError as refusal:
        return _render(
            token, _shipment(token), refusal.status, refusal=refusal, form=form
        )
    if not wants_fragment():
        return redirect(url_for("supplier.order", token=token), 303)
    return _render(token, _shipment(token), thanks=True)


@bp.get("/<token>/purchase-order.pdf")
def purchase_order(token: str):
    shipment = _shipment(token)
    pdf = partners.purchase_order_pdf(shipment, partners.supplier_url(shipment.id))
    return send_file(
        pdf,
        mimetype="application/pdf",
        download_name=f"purchase-order-{shipment.id}.pdf",
    )
