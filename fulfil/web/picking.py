"""The picker's handheld screens: start a list, one task per screen, scan by scan."""

from datetime import UTC, datetime

from flask import Blueprint, flash, jsonify, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from fulfil.domain.roles import Role
from fulfil.errors import FulfilError, InvalidInput, ListClosed, NotYourList
from fulfil.localtime import start_of_day
from fulfil.queries import picking as queries
from fulfil.queries import stock
from fulfil.queries.screens import PickScreen
from fulfil.services import picking
from fulfil.web.formats import reader_zone
from fulfil.web.forms import quantity, whole_number
from fulfil.web.htmx import page_or_fragment, wants_fragment
from fulfil.web.session import guard

bp = Blueprint("picking", __name__, url_prefix="/pick")
guard(bp, Role.PICKER)


@bp.get("/")
def home():
    return page_or_fragment(
        "picking/home.html",
        "picking/_bin.html",
        mine=picking.my_open_list(current_user.id),
        waiting=queries.waiting_lists(current_user.warehouse_id),
        figures=_my_figures(),
    )


@bp.post("/start")
def start():
    """Claim the most urgent list (or resume one's own) and open it."""
    pick_list = picking.claim_next(
        picker_id=current_user.id, warehouse_id=current_user.warehouse_id
    )
    if pick_list is None:
        flash(_("Nothing to pick right now. Ask your manager to release a wave."))
        return redirect(url_for("picking.home"))
    return redirect(url_for("picking.pick_list", pick_list_id=pick_list.id))


@bp.get("/lists/<id:pick_list_id>")
def pick_list(pick_list_id: int):
    if wants_fragment():
        view = queries.pick_screen(pick_list_id)
        if view.picker_id != current_user.id:
            return redirect(url_for("picking.home"))
        return page_or_fragment("picking/list.html", "picking/_task.html", view=view)
    whole = queries.list_view(pick_list_id)
    if whole.pick_list.picker_id != current_user.id:
        return redirect(url_for("picking.home"))
    # the page carries the device's copy of the list: claimed means kept on the device
    return page_or_fragment(
        "picking/list.html",
        "picking/_task.html",
        view=queries.screen_of(whole),
        device_copy=queries.device_copy(whole),
        offline_texts=_offline_texts(),
    )


@bp.get("/lists/<id:pick_list_id>/device-copy")
def device_copy(pick_list_id: int):
    """The list as the handheld keeps it, fetched again after the list changed."""
    view = queries.list_view(pick_list_id)
    if view.pick_list.picker_id != current_user.id:
        return _json_refusal(NotYourList(id=pick_list_id))
    response = jsonify(queries.device_copy(view))
    response.cache_control.no_store = True
    return response


@bp.post("/lists/<id:pick_list_id>/scan")
def scan(pick_list_id: int):
    return _act(
        pick_list_id,
        lambda scan_id: picking.scan(
            pick_list_id,
            picker_id=current_user.id,
            scan_id=scan_id,
            code=request.form.get("code", ""),
            qty=quantity("qty", _l("Quantity"), required=False),
            offline=request.form.get("offline") == "1",
            for_task=whole_number("for_task", _l("Task"), required=False),
        ),
    )


@bp.post("/lists/<id:pick_list_id>/short")
def short(pick_list_id: int):
    return _act(
        pick_list_id,
        lambda scan_id: picking.short_pick(
            pick_list_id,
            picker_id=current_user.id,
            scan_id=scan_id,
            found=quantity("found", _("Units found")),
            damaged=request.form.get("damaged") == "yes",
        ),
    )


@bp.post("/lists/<id:pick_list_id>/skip")
def skip(pick_list_id: int):
    return _act(
        pick_list_id,
        lambda scan_id: picking.skip(
            pick_list_id, picker_id=current_user.id, scan_id=scan_id
        ),
    )


@bp.post("/lists/<id:pick_list_id>/undo")
def undo(pick_list_id: int):
    return _act(
        pick_list_id,
        lambda scan_id: picking.undo(
            pick_list_id, picker_id=current_user.id, scan_id=scan_id
        ),
    )


@bp.post("/lists/<id:pick_list_id>/pause")
def pause(pick_list_id: int):
    picking.pause(pick_list_id, picker_id=current_user.id)
    flash(_("List paused. Start picking again to go on where you stopped."))
    return redirect(url_for("picking.home"))


@bp.get("/bin")
def bin_contents():
    """What is in the bin whose label was scanned."""
    code = request.args.get("code", "")
    try:
        location = stock.location_by_code(current_user.warehouse_id, code)
    except FulfilError as refusal:
        return page_or_fragment(
            "picking/home.html", "picking/_bin.html", 404, refusal=refusal, code=code
        )
    return page_or_fragment(
        "picking/home.html",
        "picking/_bin.html",
        location=location,
        rows=stock.stock_at(location.id),
    )


# -- helpers --------------------------------------------------------------------------


def _act(pick_list_id: int, action):
    """Run one picker action and answer with the task it leads to: the htmx fragment
    with green or red feedback, or (without JavaScript) the page again."""
    me = current_user.id  # read before the commit, which expires the user's row
    try:
        outcome = action(request.form.get("scan_id", ""))
    except (InvalidInput, NotYourList, ListClosed) as refusal:
        if _wants_json():
            return _json_refusal(refusal)
        if isinstance(refusal, InvalidInput):
            return _answer(me, pick_list_id, False, str(refusal), 400)
        return _answer(me, None, False, str(refusal), refusal.status)  # nothing to show
    if _wants_json():  # a device replaying its offline queue: the verdict, no page
        return jsonify(
            accepted=outcome.accepted,
            message=outcome.message,
            replayed=outcome.replayed,
        ), 200 if outcome.accepted else 422
    return _answer(
        me,
        pick_list_id,
        outcome.accepted,
        outcome.message,
        200 if outcome.accepted else 422,
        outcome.screen,
    )


def _offline_texts() -> dict[str, str]:
    """What the device says when it checks a scan itself: the server's own words."""
    return {
        "wrong_bin": _("Wrong bin %(scanned)s. Go to %(expected)s."),
        "bin_first": _("Scan the bin label %(expected)s first."),
        "wrong_product": _("Wrong product %(scanned)s. Take %(expected)s."),
        "wrong_lot": _("Wrong lot %(scanned)s. Take lot %(expected)s."),
        "too_many": _("Only %(left)s left to pick here, not %(qty)s."),
        "list_complete": _("Everything on this list is picked."),
        "confirmed_offline": _("Confirmed on this phone"),
        "not_kept": _("This phone could not keep the scan. Scan it again."),
        "task_of": _("Task %(n)s of %(total)s"),
        "list": _("List %(id)s"),
        "picked": _("%(n)s picked"),
        "lot": _("Lot"),
        "scan_product": _("Scan the product, one scan per unit."),
        "go_to_bin": _("Go to the bin and scan its label."),
        "offline": _("No network. Keep picking: scans waiting on this phone: %(n)s"),
        "sending": _("Network back. Sending the waiting scans: %(n)s"),
        "sent": _("Every waiting scan was sent."),
        "login": _("Log in again to send the waiting scans: %(n)s"),
    }


def _wants_json() -> bool:
    return request.accept_mimetypes.best == "application/json"


def _json_refusal(refusal: FulfilError):
    return jsonify(accepted=False, message=str(refusal), replayed=False), refusal.status


def _answer(
    me: int,
    pick_list_id: int | None,
    accepted: bool,
    message: str,
    status: int,
    screen: PickScreen | None = None,
):
    view = screen or (queries.pick_screen(pick_list_id) if pick_list_id else None)
    if view is not None and view.picker_id != me:
        view = None  # someone else's list: say why, show nothing of it
    if not wants_fragment():
        if message:
            flash(message)
        if view is None:
            return redirect(url_for("picking.home"))
        return redirect(url_for("picking.pick_list", pick_list_id=pick_list_id))
    return page_or_fragment(
        "picking/list.html",
        "picking/_task.html",
        status,
        view=view,
        feedback="ok" if accepted else "bad",
        message=message,
    )


def _my_figures():
    today = start_of_day(datetime.now(UTC), reader_zone())  # the warehouse's day
    figures = queries.picker_figures(today, user_id=current_user.id)
    return figures[0] if figures else None
