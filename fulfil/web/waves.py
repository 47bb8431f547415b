"""The manager's planning screens: release waves, watch the lists, clear exceptions."""

import uuid
from datetime import UTC, datetime, timedelta

from flask import Blueprint, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from fulfil.domain.lines import ShortPolicy
from fulfil.domain.roles import Role
from fulfil.domain.urgency import is_urgent
from fulfil.errors import FulfilError
from fulfil.models import ExceptionKind, ShippingMethod
from fulfil.queries import picking as queries
from fulfil.queries.stock import lots_in_bin
from fulfil.services import counts, shorts, waves
from fulfil.web.formats import reader_zone
from fulfil.web.forms import ids, whole_number
from fulfil.web.htmx import page_or_fragment
from fulfil.web.scope import in_my_warehouse
from fulfil.web.session import guard

bp = Blueprint("waves", __name__, url_prefix="/manage")
guard(bp, Role.MANAGER)


@bp.get("/waves")
def home():
    chosen, problem = _filter()
    warehouse_id = current_user.warehouse_id
    candidates = queries.wave_candidates(warehouse_id, chosen)
    now = datetime.now(UTC)
    urgent = {
        s.id
        for s in candidates
        if is_urgent(
            s.order.shipping_method, s.order.promised_ship_by, s.order.status, now
        )
    }
    # Only urgent orders come ticked; "tick all" (a link, so it works without
    # scripts) ticks every order shown.
    tick_all = request.args.get("tick") == "all"
    return page_or_fragment(
        "manager/waves.html",
        "manager/_candidates.html",
        400 if problem else 200,
        chosen=chosen,
        problem=problem,
        candidates=candidates,
        urgent=urgent,
        ticked={s.id for s in candidates} if tick_all else urgent,
        tick_all=tick_all,
        tick_urls=_tick_urls(),
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
    return _exceptions_page()


@bp.post("/exceptions/<id:exception_id>/count")
def count(exception_id: int):
    """The manager (or whoever counted) says what the bin holds; the difference is
    booked and the bin's count exceptions close."""
    exception = queries.exception(exception_id)
    in_my_warehouse(exception.warehouse_id)
    try:
        lots = request.form.getlist("lot")
        counts.count_bin(
            location_id=exception.location_id,
            product_id=exception.product_id,
            counted={
                lot: whole_number(f"counted_{n}", _("Counted"))
                for n, lot in enumerate(lots)
            },
            key=f"count:{request.form.get('scan_id', '')[:64] or uuid.uuid4().hex}",
            actor_id=current_user.id,
        )
    except FulfilError as refusal:
        return _exceptions_page(refusal=refusal, status=refusal.status)
    flash(_("Count booked for %(bin)s.", bin=exception.location.code))
    return redirect(url_for("waves.exceptions"), 303)


@bp.post("/orders/<id:order_id>/short-policy")
def short_policy(order_id: int):
    """One tap on an exception: the order's short units follow later, or are
    cancelled (and the order's backorders not yet picked are called back)."""
    in_my_warehouse(queries.order_warehouse(order_id))
    try:
        change = shorts.choose_policy(
            order_id, request.form.get("policy", ""), actor_id=current_user.id
        )
    except FulfilError as refusal:
        return _exceptions_page(refusal=refusal, status=refusal.status)
    order = change.order.external_id
    if change.order.short_policy == ShortPolicy.BACKORDER:
        flash(_("Order %(order)s: missing units will follow later.", order=order))
    else:
        flash(_("Order %(order)s: missing units are cancelled.", order=order))
    if change.under_way:
        flash(
            ngettext(
                "%(num)s unit is already being picked or packed: it still ships.",
                "%(num)s units are already being picked or packed: they still ship.",
                change.under_way,
            )
        )
    return redirect(url_for("waves.exceptions"), 303)


def _exceptions_page(refusal: FulfilError | None = None, status: int = 200):
    warehouse_id = current_user.warehouse_id
    found = queries.open_exceptions(warehouse_id)
    return page_or_fragment(
        "manager/exceptions.html",
        "manager/exceptions.html",
        status,
        exceptions=found,
        paused=queries.paused_too_long(warehouse_id),
        decisions=queries.short_decisions(found),
        lots={
            e.id: lots_in_bin(e.location_id, e.product_id)
            for e in found
            if e.kind == ExceptionKind.COUNT and e.location_id and e.product_id
        },
        refusal=refusal,
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


def _tick_urls() -> dict[str, str]:
    """The wave screen as it is (same filter), with every order or only urgent ones
    ticked."""
    args = {k: v for k, v in request.args.items() if k != "tick"}
    return {
        "all": url_for("waves.home", **args, tick="all"),
        "urgent": url_for("waves.home", **args),
    }


def _filter() -> tuple[queries.WaveFilter, str]:
    """The wave screen's filter from the query string; a bad date is reported."""
    args = request.args
    ship_by, problem = None, ""
    if args.get("ship_by"):
        try:
            day = datetime.fromisoformat(args["ship_by"])
            # the end of that day where the warehouse is
            ship_by = day.replace(
                hour=23, minute=59, tzinfo=day.tzinfo or reader_zone()
            )
        except ValueError:
            problem = _("Ship by: use a date like 2026-12-01.")
    method = args.get("method", "")
    if method and method not in {m.value for m in ShippingMethod}:
        method, problem = "", _("Unknown shipping method.")
    return queries.WaveFilter(ship_by, method, args.get("zone", "")), problem
