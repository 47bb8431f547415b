"""Admin: the carriers parcels go with, and the box catalogue the bench chooses from."""

from datetime import time
from decimal import Decimal, InvalidOperation

import sqlalchemy as sa
from flask import Blueprint, flash, redirect, request, url_for
from flask_babel import gettext as _

from fulfil.domain.roles import Role
from fulfil.errors import FulfilError, InvalidInput, InvalidRequest
from fulfil.extensions import db
from fulfil.models import Box, Carrier
from fulfil.services import shipping
from fulfil.web.forms import whole_number
from fulfil.web.htmx import page_or_fragment
from fulfil.web.session import guard

bp = Blueprint("carriers", __name__, url_prefix="/admin/shipping")
guard(bp, Role.ADMIN)


@bp.get("/")
def home(status: int = 200, **context):
    return page_or_fragment(
        "admin/shipping.html",
        "admin/shipping.html",
        status,
        carriers=db.session.scalars(sa.select(Carrier).order_by(Carrier.code)).all(),
        boxes=db.session.scalars(sa.select(Box).order_by(Box.cost, Box.code)).all(),
        form=request.form,
        **context,
    )


@bp.post("/carriers")
def save_carrier():
    form = request.form
    try:
        carrier = shipping.define_carrier(
            code=form.get("code", ""),
            name=form.get("name", ""),
            tracking_url=form.get("tracking_url", ""),
            services=form.get("services", ""),
            cutoff=_time(form.get("cutoff", "")),
            own_delivery=form.get("own_delivery") == "yes",
            active=form.get("active", "yes") == "yes",
        )
    except FulfilError as refusal:
        return home(refusal.status, carrier_refusal=refusal)
    flash(_("Carrier %(code)s saved.", code=carrier.code))
    return redirect(url_for("carriers.home"))


@bp.post("/boxes")
def save_box():
    form = request.form
    try:
        box = shipping.define_box(
            code=form.get("code", ""),
            name=form.get("name", ""),
            inner_mm=tuple(
                _whole(form, side) for side in ("length", "width", "height")
            ),
            max_weight_g=_whole(form, "max_weight_g"),
            tare_g=_whole(form, "tare_g", default=0),
            cost=_money(form.get("cost", "0")),
            active=form.get("active", "yes") == "yes",
        )
    except FulfilError as refusal:
        return home(refusal.status, box_refusal=refusal)
    flash(_("Box %(code)s saved.", code=box.code))
    return redirect(url_for("carriers.home"))


def _whole(form, field: str, default: int | None = None) -> int:
    try:
        value = whole_number(field, field, required=default is None, source=form)
    except InvalidInput as refusal:
        raise InvalidRequest([(field, refusal.details["problem"])]) from None
    return default if value is None else value


def _money(raw: str) -> Decimal:
    try:
        return Decimal(raw.strip().replace(",", ".") or "0")
    except InvalidOperation:
        raise InvalidRequest([("cost", _("must be an amount like 0.70"))]) from None


def _time(raw: str) -> time | None:
    if not raw.strip():
        return None
    try:
        return time.fromisoformat(raw.strip())
    except ValueError:
        raise InvalidRequest([("cutoff", _("must be a time like 16:00"))]) from None
