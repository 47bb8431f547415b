"""The manager's planning screens: release waves, watch the lists, clear exceptions."""

from datetime import UTC, datetime, timedelta

from flask import Blueprint, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from fulfil.domain.roles import Role
from fulfil.errors import FulfilError
from fulfil.models import ShippingMethod
from fulfil.queries import picking as queries
from fulfil.services import waves
from fulfil.web.forms import ids
from fulfil.web.htmx import page_or_fragment
from fulfil.web.scope import in_my_warehouse
from fulfil.web.session import guard

bp = Blueprint("waves", __name__, url_prefix="/manage")
guard(bp, Role.MANAGER)


@bp.get("/waves")
def home():
    chosen, problem = _filter()
    warehouse_id = current_user.warehouse_id
    return page_or_fragment(
        "manager/waves.html",
        "manager/_candidates.html",
        400 if problem else 200,
        chosen=chosen,
        problem=problem,
        candidates=queries.wave_candidates(warehouse_id, chosen),
        lists=queries.open_lists(warehouse_id),
        zones=queries.zones(warehouse_id),
        methods=list(ShippingMethod),
        cart=waves.cart_from_config(),
    )


@bp.post("/waves/release")
def release():
    try:
        lists = waves.release(
            warehouse_id=current_user.warehouse_id,
            shipment_ids=ids("shipment", _("Orders")),
            urgent_ids=ids("urgent", _("Urgent")),
            actor_id=current_user.id,
        )
    except FulfilError as refusal:
        flash(str(refusal))
    else:
        flash(
            ngettext(
                "Released %(num)s pick list.",
                "Released %(num)s pick lists.",
                len(lists),
            )
        )
    return redirect(url_for("waves.home"))


@bp.post("/lists/<id:pick_list_id>/take-back")
def take_back(pick_list_id: int):
    in_my_warehouse(queries.list_view(pick_list_id).pick_list.warehouse_id)
    waves.take_back(pick_list_id, actor_id=current_user.id)
    flash(_("List %(id)s is back in the queue for any picker.", id=pick_list_id))
    return redirect(url_for("waves.home"))


@bp.get("/exceptions")
def exceptions():
    warehouse_id = current_user.warehouse_id
    return page_or_fragment(
        "manager/exceptions.html",
        "manager/exceptions.html",
        exceptions=queries.open_exceptions(warehouse_id),
        paused=queries.paused_too_long(warehouse_id),
    )


@bp.post("/exceptions/<id:exception_id>/resolve")
def resolve(exception_id: int):
    in_my_warehouse(queries.exception_warehouse(exception_id))
    waves.resolve_exception(exception_id, actor_id=current_user.id)
    return redirect(url_for("waves.exceptions"))


@bp.get("/pickers")
def pickers():
    since = datetime.now(UTC) - timedelta(hours=12)
    return page_or_fragment(
        "manager/pickers.html",
        "manager/pickers.html",
        figures=queries.picker_figures(since),
    )


def _filter() -> tuple[queries.WaveFilter, str]:
    """The wave screen's filter from the query string; a bad date is reported."""
    args = request.args
    ship_by, problem = None, ""
    if args.get("ship_by"):
        try:
            day = datetime.fromisoformat(args["ship_by"])
            ship_by = day.replace(hour=23, minute=59, tzinfo=day.tzinfo or UTC)
        except ValueError:
            problem = _("Ship by: use a date like 2026-12-01.")
    method = args.get("method", "")
    if method and method not in {m.value for m in ShippingMethod}:
        method, problem = "", _("Unknown shipping method.")
    return queries.WaveFilter(ship_by, method, args.get("zone", "")), problem
