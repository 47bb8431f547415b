"""The manager's slotting screen: fast movers to bring nearer packing, and recording
the moves once the floor has made them."""

from flask import Blueprint, Response, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from fulfil.domain.roles import Role
from fulfil.errors import FulfilError, InvalidInput
from fulfil.models.types import utcnow
from fulfil.queries import slotting as queries
from fulfil.services import slotting
from fulfil.web.forms import ids, whole_number
from fulfil.web.htmx import page_or_fragment, wants_fragment
from fulfil.web.session import guard

bp = Blueprint("slotting", __name__, url_prefix="/manage")
guard(bp, Role.MANAGER)

WINDOWS = (7, 14, 30, 90)  # days of pick history the screen offers


def _window(source) -> tuple[int, int]:
    """(days, limit) from the query string or form; anything odd is the default."""

    def within(field: str, most: int, default: int) -> int:
        try:
            value = whole_number(field, field, required=False, source=source)
        except InvalidInput:
            return default
        return value if value is not None and 1 <= value <= most else default

    return (
        within("days", queries.MAX_DAYS, queries.DEFAULT_DAYS),
        within("limit", queries.MAX_LIMIT, queries.DEFAULT_LIMIT),
    )


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
            product_id=whole_number("product", _("Product")),
            from_location_id=whole_number("source", _("From bin")),
            to_location_id=whole_number("target", _("To bin")),
            swap_product_ids=ids("swap", _("Swap")),
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
