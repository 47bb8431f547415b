"""Goods-in on a handheld: scan the bin, scan the item, count it, book it in.

The screen's form carries what has been scanned so far (bin, item, lot, count), and
each scan answers with the next step. The count is the item scanned again for each
further unit, or a carton's count keyed in once: at most one keyboard per booking.
"Book in" writes the one stock move, once per booking key however often it is sent.
Without scripts every step is a plain form post, and a booking redirects to the next
item for the same bin.
"""

import uuid
from dataclasses import dataclass
from datetime import date

from flask import Blueprint, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from fulfil.domain import gs1
from fulfil.domain.roles import Role
from fulfil.errors import (
    FulfilError,
    InvalidInput,
    NothingToBook,
    NotThisItem,
    ScanTheLot,
    SerialIsOneUnit,
    UnknownLocation,
    UnknownProduct,
)
from fulfil.limits import within_calendar
from fulfil.models import Location, Product, StockMove, Tracking
from fulfil.queries import stock
from fulfil.services import inventory
from fulfil.web.forms import quantity
from fulfil.web.htmx import page_or_fragment, wants_fragment
from fulfil.web.session import guard

bp = Blueprint("receiving", __name__, url_prefix="/receive")
guard(bp, Role.RECEIVER)


@dataclass
class Booking:
    """One delivery line on its way in: what the goods-in form holds between scans."""

    key: str  # the booking's idempotency key: sent twice, booked once
    location: Location | None = None
    product: Product | None = None
    lot: str = ""
    expires_on: date | None = None
    qty: int = 0

    @property
    def step(self) -> str:
        if self.location is None:
            return "bin"
        if self.product is None:
            return "item"
        if self.product.tracking != Tracking.NONE and not self.lot:
            return "lot"
        return "count"


@bp.get("/")
def home():
    booking = Booking(key=_new_key())
    code = request.args.get("location", "")
    try:  # after a booking without scripts: the next item for the same bin
        if code:
            booking.location = stock.receiving_location(current_user.warehouse_id, code)
    except FulfilError as refusal:
        return _screen(booking, refusal.status, refusal=refusal)
    return _screen(booking)


@bp.post("/")
def receive():
    form = request.form
    booking = Booking(key=form.get("key") or _new_key())
    try:
        _restore(booking, form)
        # the screen's form always sends its scan field; a post of only the fields of
        # a booking (bin, item, quantity, key) books them, as the form's button does
        if form.get("action") == "book" or "code" not in form:
            return _book(booking, form.get("reference", ""))
        code = form.get("code", "").strip()
        if not code and wants_fragment():
            return "", 204  # an empty Enter (or a second tap): nothing changes
        _scan(booking, code)
    except FulfilError as refusal:
        return _screen(booking, refusal.status, refusal=refusal)
    return _screen(booking)


def _screen(booking: Booking, status: int = 200, **context):
    return page_or_fragment(
        "receiving/home.html", "receiving/_state.html", status, b=booking, **context
    )


def _new_key() -> str:
    return uuid.uuid4().hex


def _restore(booking: Booking, form: MultiDict) -> None:
    """What the form says was scanned so far, checked again (a bin may have changed
    since, and a form can be sent by hand)."""
    if form.get("location"):
        booking.location = stock.receiving_location(
            current_user.warehouse_id, form["location"]
        )
    if form.get("barcode"):
        booking.product = stock.product_by_code(form["barcode"])
    booking.lot = form.get("lot", "").strip()
    # bounded ASCII digits (fulfil.web.forms); nothing keyed yet counts as 0
    booking.qty = quantity("qty", _("Quantity"), required=False) or 0
    if form.get("expires_on"):
        try:
            booking.expires_on = date.fromisoformat(form["expires_on"])
        except ValueError:
            booking.expires_on = None
        if booking.expires_on is None or not within_calendar(booking.expires_on):
            raise InvalidInput(
                field=_l("Expiry"), problem=_l("use a date like 2026-12-01")
            )


def _scan(booking: Booking, code: str) -> None:
    """One scan moves the booking on: the bin, the item, its lot, one more unit."""
    if not code:
        return  # Enter in the count field without scripts: the count as keyed
    warehouse_id = current_user.warehouse_id
    step = booking.step
    if step == "bin":
        booking.location = stock.receiving_location(warehouse_id, code)
    elif step == "item":
        try:
            product = stock.product_by_code(code)
        except UnknownProduct as unknown:
            try:  # another bin's label: the next item goes there
                booking.location = stock.receiving_location(warehouse_id, code)
            except UnknownLocation:
                raise unknown from None
            return
        booking.product, booking.qty = product, 0
        _count(booking, code)
    elif step == "lot":
        product = booking.product
        if code == product.sku or gs1.same_product(code, product.barcode or ""):
            raise ScanTheLot()
        booking.lot = code
    else:
        product = stock.product_by_code(code)
        if product.id != booking.product.id:
            raise NotThisItem(
                scanned=product.sku, qty=booking.qty, sku=booking.product.sku
            )
        if product.tracking == Tracking.SERIAL:
            raise SerialIsOneUnit()
        _count(booking, code)


def _count(booking: Booking, code: str) -> None:
    """One more unit of the item (or a GS1 code's count), with the lot, serial number
    and expiry the code carries."""
    scanned = gs1.parse(code)
    if scanned is None:
        booking.qty = max(booking.qty, 0) + 1
        return
    tracking = booking.product.tracking
    lot = {Tracking.LOT: scanned.lot, Tracking.SERIAL: scanned.serial}.get(tracking)
    if lot and booking.lot and lot != booking.lot:
        sku = booking.product.sku
        raise NotThisItem(scanned=f"{sku} {lot}", qty=booking.qty, sku=sku)
    booking.lot = lot or booking.lot
    booking.expires_on = scanned.expiry or booking.expires_on
    booking.qty = max(booking.qty, 0) + (scanned.quantity or 1)


def _book(booking: Booking, reference: str):
    if booking.location is None or booking.product is None:
        raise NothingToBook()
    if not booking.qty and not request.form.get("qty", "").strip():
        # nothing counted or keyed yet (a keyed 0 is the ledger's to refuse)
        raise InvalidInput(field=_("Quantity"), problem=_("is required"))
    move = inventory.receive(
        product_id=booking.product.id,
        location_id=booking.location.id,
        qty=booking.qty,
        lot=booking.lot,
        expires_on=booking.expires_on,
        key=booking.key,
        actor_id=current_user.id,
        reference=reference,
    )
    note = _booked(move)
    if not wants_fragment():
        flash(note)
        return redirect(url_for("receiving.home", location=move.to_location.code), 303)
    return _screen(Booking(key=_new_key(), location=booking.location), note=note)


def _booked(move: StockMove) -> str:
    return _(
        "Booked: %(qty)s × %(sku)s into %(location)s.",
        qty=move.qty,
        sku=move.product.sku,
        location=move.to_location.code,
    )
