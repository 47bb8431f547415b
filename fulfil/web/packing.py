"""The pack station: open a tote, scan every item in, box, weigh, close, print."""

import uuid
from pathlib import Path

from flask import Blueprint, current_app, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from PIL import Image

from fulfil.domain.roles import Role
from fulfil.errors import FulfilError, InvalidInput
from fulfil.queries import packing as queries
from fulfil.queries import stock
from fulfil.services import catalog, packing
from fulfil.web import lookups
from fulfil.web.forms import quantity, whole_number
from fulfil.web.htmx import page_or_fragment, wants_fragment
from fulfil.web.scope import in_my_warehouse
from fulfil.web.session import guard

bp = Blueprint("packing", __name__, url_prefix="/pack")
guard(bp, Role.PACKER)

PHOTO_TYPES = {"image/jpeg": ".jpg", "image/png": ".png", "image/webp": ".webp"}


@bp.get("/")
def home():
    return page_or_fragment("packing/home.html", "packing/_item.html")


@bp.post("/open")
def open_parcel():
    """A tote or an order number scanned: its open parcel at this bench."""
    code = request.form.get("code", "")
    try:
        parcel = packing.open_shipment(
            code=code, warehouse_id=current_user.warehouse_id, packer_id=current_user.id
        )
    except FulfilError as refusal:
        return page_or_fragment(
            "packing/home.html",
            "packing/_open.html",
            refusal.status,
            refusal=refusal,
            code=code,
        )
    target = url_for("packing.bench", parcel_id=parcel.id)
    if wants_fragment():
        return "", 204, {"HX-Redirect": target}
    return redirect(target)


@bp.get("/item")
def item():
    """The product behind a scanned barcode, and where it is stocked."""
    return lookups.product_stock(
        "packing/home.html", "packing/_item.html", request.args.get("code", "")
    )


@bp.get("/parcels/<id:parcel_id>")
def bench(parcel_id: int):
    _mine(parcel_id)
    return _bench(parcel_id)


@bp.post("/parcels/<id:parcel_id>/scan")
def scan(parcel_id: int):
    return _act(
        parcel_id,
        lambda: packing.scan_item(
            parcel_id,
            code=request.form.get("code", ""),
            packer_id=current_user.id,
            scan_id=request.form.get("scan_id", "") or uuid.uuid4().hex,
            qty=whole_number("qty", _("Quantity"), required=False) or None,
        ),
        _("Packed."),
    )


@bp.post("/parcels/<id:parcel_id>/missing")
def missing(parcel_id: int):
    _mine(parcel_id)
    order = queries.parcel(parcel_id).shipment.order.external_id
    try:
        still_open = packing.report_missing(
            parcel_id,
            product_id=whole_number("product_id", _("Product")),
            qty=whole_number("qty", _("Quantity")),
            packer_id=current_user.id,
            scan_id=request.form.get("scan_id", "") or uuid.uuid4().hex,
        )
    except FulfilError as refusal:
        return _refused(parcel_id, refusal)
    if still_open is None:  # nothing left to pack: the empty parcel went
        flash(_("Reported. Nothing is left to pack for order %(order)s.", order=order))
        target = url_for("packing.home")
        if wants_fragment():
            return "", 204, {"HX-Redirect": target}
        return redirect(target, 303)
    return _done(parcel_id, _("Reported to the manager."))


@bp.post("/parcels/<id:parcel_id>/take-out")
def take_out(parcel_id: int):
    return _act(
        parcel_id,
        lambda: packing.take_out(
            parcel_id,
            product_id=whole_number("product_id", _("Product")),
            qty=quantity("qty", _("Quantity")),
            packer_id=current_user.id,
            scan_id=request.form.get("scan_id", "") or uuid.uuid4().hex,
        ),
        _("Taken out of the parcel."),
    )


@bp.post("/parcels/<id:parcel_id>/weigh")
def weigh(parcel_id: int):
    return _act(
        parcel_id,
        lambda: packing.weigh(
            parcel_id,
            box_id=whole_number("box_id", _("Box"), required=False),
            weight_g=whole_number("weight_g", _("Weight")),
            confirm=request.form.get("confirm") == "yes",
        ),
        _("Weight recorded."),
    )


@bp.post("/parcels/<id:parcel_id>/close")
def close(parcel_id: int):
    return _act(
        parcel_id,
        lambda: packing.close_parcel(
            parcel_id,
            carrier_id=whole_number("carrier_id", _("Carrier")),
            service=request.form.get("service", ""),
            tracking_number=request.form.get("tracking_number", ""),
            packer_id=current_user.id,
        ),
        _("Parcel closed: print its label."),
    )


@bp.post("/parcels/<id:parcel_id>/photo")
def photo(parcel_id: int):
    """A photo of the open parcel, kept as evidence for customer service."""
    upload = request.files.get("photo")

    def keep():
        queries.parcel(parcel_id)  # 404 before anything is written
        kind = _image_kind(upload)
        folder = Path(current_app.config["PARCEL_PHOTOS_DIR"])
        folder.mkdir(parents=True, exist_ok=True)
        name = f"{parcel_id}-{uuid.uuid4().hex}{PHOTO_TYPES[kind]}"
        upload.save(folder / name)
        packing.keep_photo(parcel_id, filename=name)

    return _act(parcel_id, keep, _("Photo kept with the parcel."))


@bp.post("/shipments/<id:shipment_id>/new-parcel")
def new_parcel(shipment_id: int):
    in_my_warehouse(queries.shipment(shipment_id).warehouse_id)
    parcel = packing.new_parcel(shipment_id, packer_id=current_user.id)
    return redirect(url_for("packing.bench", parcel_id=parcel.id))


# -- helpers ---------------------------------------------------------------------------


def _mine(parcel_id: int) -> None:
    in_my_warehouse(queries.parcel(parcel_id).shipment.warehouse_id)


def _bench(parcel_id: int, status: int = 200, **context):
    return page_or_fragment(
        "packing/bench.html",
        "packing/_bench.html",
        status,
        view=queries.bench_view(parcel_id),
        **context,
    )


@bp.get("/products/<id:product_id>/customs")
def customs_data(product_id: int):
    """HS code and country of origin, filled in at the bench with the product in
    hand, for a parcel leaving the EU."""
    return _customs_page(product_id)


@bp.post("/products/<id:product_id>/customs")
def save_customs_data(product_id: int):
    try:
        catalog.set_customs_data(
            product_id,
            hs_code=request.form.get("hs_code", "")[:40],
            origin_country=request.form.get("origin_country", "")[:40],
            actor_id=current_user.id,
        )
    except FulfilError as refusal:
        return _customs_page(product_id, refusal, refusal.status)
    flash(_("Customs data saved."))
    parcel_id = _parcel_asked()
    if parcel_id:
        return redirect(url_for("packing.bench", parcel_id=parcel_id), 303)
    return redirect(url_for("packing.home"), 303)


def _customs_page(product_id: int, refusal=None, status: int = 200):
    return page_or_fragment(
        "packing/customs.html",
        "packing/customs.html",
        status,
        product=stock.product(product_id),
        parcel_id=_parcel_asked(),
        refusal=refusal,
        form=request.form if refusal else {},
    )


def _parcel_asked() -> int | None:
    """The parcel the packer came from (to go back to), as a bounded id."""
    return whole_number("parcel", _("Parcel"), required=False, source=request.args)


def _act(parcel_id: int, action, done: str):
    """Run a bench action; answer with the bench again, green or red."""
    _mine(parcel_id)
    try:
        action()
    except FulfilError as refusal:
        return _refused(parcel_id, refusal)
    return _done(parcel_id, done)


def _refused(parcel_id: int, refusal: FulfilError):
    if not wants_fragment():
        flash(str(refusal))
        return redirect(url_for("packing.bench", parcel_id=parcel_id))
    return _bench(parcel_id, refusal.status, refusal=refusal)


def _done(parcel_id: int, done: str):
    if not wants_fragment():
        flash(done)
        return redirect(url_for("packing.bench", parcel_id=parcel_id))
    return _bench(parcel_id, done=done)


def _image_kind(upload) -> str:
    """The photo's real type, read from its bytes (the browser's word is not proof)."""
    refusal = InvalidInput(field=_("Photo"), problem=_("take a JPEG or PNG photo"))
    if upload is None or not upload.filename:
        raise refusal
    try:
        with Image.open(upload.stream) as image:
            image.verify()
            kind = Image.MIME.get(image.format, "")
    except (OSError, SyntaxError, Image.DecompressionBombError):
        raise refusal from None
    finally:
        upload.stream.seek(0)
    if kind not in PHOTO_TYPES:
        raise refusal
    return kind
