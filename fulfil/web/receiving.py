"""Goods-in: book a delivery into a bin, one scan at a time."""

import uuid

from flask import Blueprint, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from fulfil.domain.roles import Role
from fulfil.errors import FulfilError
from fulfil.queries import stock
from fulfil.services import inventory
from fulfil.web.forms import quantity
from fulfil.web.htmx import page_or_fragment, wants_fragment
from fulfil.web.session import guard

bp = Blueprint("receiving", __name__, url_prefix="/receive")
guard(bp, Role.RECEIVER)


def _form(status: int = 200, **context):
    # A fresh key per rendered form: submitting the same form twice books it once.
    return page_or_fragment(
        "receiving/home.html",
        "receiving/_form.html",
        status,
        key=uuid.uuid4().hex,
        **context,
    )


@bp.get("/")
def home():
    return _form(received=None)


@bp.post("/")
def receive():
    form = request.form
    try:
        location = stock.location_by_code(
            current_user.warehouse_id, form.get("location", "")
        )
        product = stock.product_by_code(form.get("barcode", ""))
        move = inventory.receive(
            product_id=product.id,
            location_id=location.id,
            qty=quantity("qty", _("Quantity")),
            lot=form.get("lot", ""),
            key=form.get("key", ""),
            actor_id=current_user.id,
            reference=form.get("reference", ""),
        )
    except FulfilError as refusal:
        return _form(refusal.status, refusal=refusal, values=form)
    if not wants_fragment():
        return redirect(url_for("receiving.home", received=move.id), 303)
    return _form(received=move, values={"location": location.code})
