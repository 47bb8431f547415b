"""The manager's slotting screen: fast movers to bring nearer packing, and recording
the moves once the floor has made them."""

from flask import Blueprint, Response, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from fulfil.domain.roles import Role
from fulfil.errors import FulfilError
from fulfil.models.types import utcnow
from fulfil.queries import slotting as queries
from fulfil.services import slotting
from fulfil.web.htmx import page_or_fragment, wants_fragment
from fulfil.web.session import guard

bp = Blueprint("slotting", __name__, url_prefix="/manage")
guard(bp, Role.MANAGER)

WINDOWS = (7, 14, 30, 90)  # days of pick history the screen offers


def _window(source) -> tuple[int, int]:
    """(days, limit) from the query string or form; anything odd is the default."""
    days = source.get("days", queries.DEFAULT_DAYS, type=int)
    limit = source.get("limit", queries.DEFAULT_LIMIT, type=int)
    if not 1 <= days <= queries.MAX_DAYS:
        days = queries.DEFAULT_DAYS
    if not 1 <= limit <= queries.MAX_LIMIT:
        limit = queries.DEFAULT_LIMIT
    return days, limit


def _screen(days: int, limit: int, status: int = 200, **context) -> Response:
    try:
        plan = queries.slotting_plan(current_user.warehouse_id, days=days, limit=limit)
    except FulfilError as refusal:  # no packing area yet: nothing to measure from
        plan, status, context["refusal"] = None, refusal.status, refusal
    return page_or_fragment(
        "manager/slotting.html",
        "manager/_slotting.html",
        status,
        plan=plan,
        days=days,
        limit=limit,
        windows=sorted({*WINDOWS, days}),
        **context,
    )


@bp.get("/slotting")
def home():
    """The suggested moves, most walking saved first."""
    return _screen(*_window(request.args))


@bp.get("/slotting.csv")
def download():
    """The same list as a CSV file, to print or hand out as a work list."""
    days, limit = _window(request.args)
    plan = queries.slotting_plan(current_user.warehouse_id, days=days, limit=limit)
    name = f"slotting-{plan.warehouse_code}-{utcnow():%Y%m%d}.csv"
    return Response(
        queries.slotting_csv(plan),
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "Cache-Control": "no-store",
        },
    )


@bp.post("/slotting/moves")
def record():
    """The floor has made a suggested move: book it in the ledger."""
    form = request.form
    days, limit = _window(form)
    try:
        done = slotting.apply_slotting_move(
            warehouse_id=current_user.warehouse_id,
            product_id=form.get("product", 0, type=int),
            from_location_id=form.get("source", 0, type=int),
            to_location_id=form.get("target", 0, type=int),
            swap_product_ids=[int(v) for v in form.getlist("swap") if v.isdigit()],
            key=form.get("key", ""),
            actor_id=current_user.id,
        )
    except FulfilError as refusal:
        return _screen(days, limit, refusal.status, refusal=refusal)
    if not wants_fragment():
        flash(_moved(done))
        return redirect(url_for("slotting.home", days=days, limit=limit), 303)
    return _screen(days, limit, done=_moved(done))


def _moved(done: slotting.Reslotted) -> str:
    text = _(
        "Recorded: %(units)s × %(sku)s from %(source)s to %(target)s.",
        units=done.units,
        sku=done.sku,
        source=done.source,
        target=done.target,
    )
    if done.left:
        text += " " + _(
            "%(units)s stay in %(source)s for orders already allocated there.",
            units=done.left,
            source=done.source,
        )
    for sku, units in done.swapped:
        text += " " + _(
            "%(units)s × %(sku)s back to %(source)s.",
            units=units,
            sku=sku,
            source=done.source,
        )
    return text
