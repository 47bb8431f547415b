"""The shipping dock: parcels waiting per carrier, handed over on a manifest."""

from flask import Blueprint, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user

from fulfil.domain.roles import Role
from fulfil.errors import FulfilError
from fulfil.queries import packing as queries
from fulfil.services import shipping
from fulfil.web.forms import ids, whole_number
from fulfil.web.htmx import page_or_fragment
from fulfil.web.session import guard

bp = Blueprint("shipping", __name__, url_prefix="/dock")
guard(bp, Role.MANAGER, Role.PACKER)


@bp.get("/")
def home():
    warehouse_id = current_user.warehouse_id
    return page_or_fragment(
        "shipping/dock.html",
        "shipping/dock.html",
        dock=queries.dock(warehouse_id),
        manifests=queries.manifests(warehouse_id),
    )


@bp.post("/hand-over")
def hand_over():
    try:
        manifest = shipping.hand_over(
            warehouse_id=current_user.warehouse_id,
            carrier_id=whole_number("carrier_id", _("Carrier")),
            # exactly the parcels the page listed: one packed since stays for tomorrow
            parcel_ids=ids("parcel", _("Parcel")),
            actor_id=current_user.id,
        )
    except FulfilError as refusal:
        flash(str(refusal))
    else:
        flash(
            _(
                "Manifest %(number)s: %(count)s parcels handed over.",
                number=manifest.number,
                count=len(manifest.parcels),
            )
        )
    return redirect(url_for("shipping.home"))
