"""Labels, slips, customs forms, manifests and parcel photos: printable at any time,
in the language of the person printing (the request's locale, as every page)."""

import io
import re
from pathlib import Path

from flask import Blueprint, abort, current_app, request, send_file

from fulfil.documents.customs import customs_declaration_pdf
from fulfil.documents.labels import label_pdf, label_zpl
from fulfil.documents.manifest import manifest_csv, manifest_pdf
from fulfil.documents.slips import packing_slip_pdf
from fulfil.domain.roles import Role
from fulfil.queries import documents
from fulfil.queries import packing as queries
from fulfil.web.scope import in_my_warehouse
from fulfil.web.session import guard

bp = Blueprint("documents", __name__, url_prefix="/docs")
guard(bp, Role.PACKER, Role.MANAGER, Role.CUSTOMER_SERVICE)


def _file(data: bytes | str, mimetype: str, name: str):
    body = data.encode() if isinstance(data, str) else data
    return send_file(io.BytesIO(body), mimetype=mimetype, download_name=name)


def file_safe(text: str) -> str:
    """A shop's order number (or a SKU) as part of a file name: `SO/2026/1` gives
    `SO_2026_1` (a browser would otherwise take what follows the last slash, or
    refuse it)."""
    return re.sub(r'[\\/:*?"<>|\x00-\x1f\x7f]', "_", text)


def _parcel_file(parcel_id: int, make, mimetype: str, name: str):
    """One closed parcel's document (no label before it is closed and numbered)."""
    parcel = queries.parcel(parcel_id)
    in_my_warehouse(parcel.shipment.warehouse_id)
    if parcel.status.value == "open":
        abort(404)
    data = make(documents.parcel_document(parcel))
    return _file(data, mimetype, name.format(tracking=parcel.tracking_number))


@bp.get("/parcels/<id:parcel_id>/label.pdf")
def label_pdf_file(parcel_id: int):
    return _parcel_file(parcel_id, label_pdf, "application/pdf", "label-{tracking}.pdf")


@bp.get("/parcels/<id:parcel_id>/label.zpl")
def label_zpl_file(parcel_id: int):
    return _parcel_file(parcel_id, label_zpl, "application/zpl", "label-{tracking}.zpl")


@bp.get("/parcels/<id:parcel_id>/customs.pdf")
def customs_pdf_file(parcel_id: int):
    return _parcel_file(
        parcel_id, customs_declaration_pdf, "application/pdf", "cn23-{tracking}.pdf"
    )


@bp.get("/parcels/<id:parcel_id>/photo")
def photo(parcel_id: int):
    parcel = queries.parcel(parcel_id)
    in_my_warehouse(parcel.shipment.warehouse_id)
    if not parcel.photo:
        abort(404)
    return send_file(Path(current_app.config["PARCEL_PHOTOS_DIR"]) / parcel.photo)


@bp.get("/shipments/<id:shipment_id>/slip.pdf")
def slip_pdf_file(shipment_id: int):
    size = request.args.get("size", "A4").upper()
    if size not in ("A4", "A5"):
        abort(400)
    shipment = queries.shipment(shipment_id)
    in_my_warehouse(shipment.warehouse_id)
    return _file(
        packing_slip_pdf(documents.slip_document(shipment), size=size),
        "application/pdf",
        f"slip-{file_safe(shipment.order.external_id)}.pdf",
    )


def _manifest_file(manifest_id: int, make, mimetype: str, suffix: str):
    manifest = queries.manifest(manifest_id)
    in_my_warehouse(manifest.warehouse_id)
    data = make(documents.manifest_document(manifest))
    return _file(data, mimetype, f"{manifest.number}{suffix}")


@bp.get("/manifests/<id:manifest_id>.pdf")
def manifest_pdf_file(manifest_id: int):
    return _manifest_file(manifest_id, manifest_pdf, "application/pdf", ".pdf")


@bp.get("/manifests/<id:manifest_id>.csv")
def manifest_csv_file(manifest_id: int):
    return _manifest_file(manifest_id, manifest_csv, "text/csv", ".csv")
