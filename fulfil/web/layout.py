"""The manager's layout pages: generate the bins of a rack layout, find and edit
bins, print their labels, export them."""

from dataclasses import fields

from flask import Blueprint, Response, flash, redirect, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from fulfil.domain.racks import (
    WHOLE,
    Comparison,
    RackPlan,
    aisle_runs,
    bin_count,
    check_plan,
    extent,
    plan_bins,
    rack_faces,
)
from fulfil.domain.roles import Role
from fulfil.errors import BadLayoutPlan, FulfilError, InvalidInput, TooManyLabels
from fulfil.names import LOCATION_FIELD_NAMES, LOCATION_KIND_NAMES
from fulfil.queries import racks as queries
from fulfil.services import layout
from fulfil.services.racks import generate_layout
from fulfil.web.forms import metres, whole_number
from fulfil.web.htmx import page_or_fragment
from fulfil.web.session import guard

bp = Blueprint("layout", __name__, url_prefix="/manage/layout")
guard(bp, Role.MANAGER)

PLAN_LABELS = {
    "blocks": _l("Blocks"),
    "aisles": _l("Aisles per block"),
    "bays_per_side": _l("Bays per side"),
    "levels": _l("Levels"),
    "pick_levels": _l("Pick levels"),
    "bay_width": _l("Bay width (m)"),
    "aisle_pitch": _l("Aisle pitch (m)"),
    "cross_aisle_width": _l("Cross aisle width (m)"),
    "receiving": _l("Goods-in areas"),
    "packing": _l("Packing areas"),
    "shipping": _l("Shipping docks"),
}
PLAN_HINTS = {
    "blocks": _l("Blocks follow one another to the back, a cross aisle between."),
    "pick_levels": _l("The lowest levels are pick faces, the ones above reserve."),
    "aisle_pitch": _l("From one aisle's centre line to the next one's."),
    "packing": _l("PACK-01 is where every picking walk starts and ends."),
}
# Labels drawn in one request: 100 A4 sheets, about 10 seconds of drawing. More are
# printed a part at a time, found by code on the bins page (A-01: aisle 1 of block A).
LABELS_AT_ONCE = 2_400
PLAN_GROUPS = (
    (_l("Racks"), ("blocks", "aisles", "bays_per_side", "levels", "pick_levels")),
    (_l("Measures"), ("bay_width", "aisle_pitch", "cross_aisle_width")),
    (_l("At the front"), ("receiving", "packing", "shipping")),
)


# -- the generator --------------------------------------------------------------------


@bp.get("/")
def plan():
    """The plan's form and what it would make here: counts, a map, the aisles."""
    return _plan_page(request.args)


@bp.post("/")
def generate():
    """Create the previewed plan's missing bins; the answer is the page again, now
    saying what was created (running it again creates nothing)."""
    return _plan_page(request.form, create=True)


def _plan_page(source: MultiDict, *, create: bool = False) -> Response:
    warehouse_id = current_user.warehouse_id
    context: dict = {"values": {}, "problems": {}, "result": None, "created": None}
    status = 200
    try:
        plan = read_plan(source)
        context["values"] = plan.as_dict()
        if create:
            result = generate_layout(
                warehouse_id=_warehouse_id(), plan=plan, actor_id=current_user.id
            )
            context["created"] = len(result.new)
            context["result"] = queries.layout_preview(warehouse_id, plan)
        elif warehouse_id is not None:
            context["result"] = queries.layout_preview(warehouse_id, plan)
        context |= _drawing(plan, context["result"])
    except BadLayoutPlan as refusal:
        status = refusal.status
        context["values"] = {
            f.name: source.get(f.name, "").strip()[:20] or f.default
            for f in fields(RackPlan)
        }
        context["problems"] = dict(refusal.problems)
    return page_or_fragment(
        "layout/plan.html",
        "layout/_preview.html",
        status,
        labels=PLAN_LABELS,
        hints=PLAN_HINTS,
        groups=PLAN_GROUPS,
        whole=WHOLE,
        has_warehouse=warehouse_id is not None,
        **context,
    )


def read_plan(source: MultiDict) -> RackPlan:
    """The plan a form states; a field left empty keeps its usual value. BadLayoutPlan
    names every field to put right."""
    values, problems = {}, []
    for field in fields(RackPlan):
        name, label = field.name, str(PLAN_LABELS[field.name])
        try:
            if name in WHOLE:
                value = whole_number(name, label, required=False, source=source)
            else:
                value = metres(name, label, required=False, source=source)
        except InvalidInput as refusal:
            problems.append((name, refusal.details["problem"]))
            continue
        values[name] = field.default if value is None else value
    if problems:
        raise BadLayoutPlan(problems)
    plan = RackPlan(**values)
    check_plan(plan)
    return plan


def _drawing(plan: RackPlan, result: Comparison | None) -> dict:
    """What the map and the tables show: racks and areas, coloured by what
    generating does, and a line per aisle of each block."""
    state: dict[str, str] = {}
    if result is not None:
        for bins, name in ((result.unchanged, "there"), (result.new, "new")):
            for bin_ in bins:
                state.setdefault(_face(bin_.code), name)
        for conflict in result.conflicts:
            state[_face(conflict.planned.code)] = "conflict"
    planned = plan_bins(plan)
    width, depth = extent(plan)
    return {
        "faces": rack_faces(plan),
        "runs": aisle_runs(planned),
        "areas": [b for b in planned if not b.aisle],
        "state": state,
        "width": width,
        "depth": depth,
        "text_size": round(max(width, depth, 10) / 32, 2),
        "storage_bins": bin_count(plan),
        "plan": plan,
        "labels_at_once": LABELS_AT_ONCE,
        "kind_names": LOCATION_KIND_NAMES,
        "field_names": LOCATION_FIELD_NAMES,
    }


def _face(code: str) -> str:
    """A bin's rack face: its code without the level (areas are faces of their own)."""
    return code.rsplit("-", 1)[0] if code.count("-") == 3 else code


@bp.get("/labels.pdf")
def labels():
    """The labels of the plan's bins that are there (active), in the plan's order."""
    try:
        plan = read_plan(request.args)
    except BadLayoutPlan as refusal:
        return Response(str(refusal), 422, mimetype="text/plain")
    found = queries.planned_locations(_warehouse_id(), plan)
    return _labels(found, "layout-labels.pdf")


def _labels(found: list, name: str) -> Response:
    """A PDF of the bins' labels, or a refusal naming how to print fewer at once."""
    from fulfil.labels import location_labels_pdf

    if len(found) > LABELS_AT_ONCE:
        raise TooManyLabels(count=len(found), most=LABELS_AT_ONCE)
    return send_file(
        location_labels_pdf(found), mimetype="application/pdf", download_name=name
    )


# -- the bins -------------------------------------------------------------------------


def _warehouse_id() -> int:
    if current_user.warehouse_id is None:
        raise InvalidInput(field=_("Warehouse"), problem=_("none is set up yet"))
    return current_user.warehouse_id


def _search() -> dict:
    kind = request.args.get("kind", "")
    if kind and kind not in queries.BIN_KINDS:
        raise InvalidInput(field=_("Kind"), problem=_("unknown location kind"))
    return {
        "q": request.args.get("q", "").strip()[:32],
        "kind": kind,
        "inactive": request.args.get("inactive", "") == "yes",
    }


@bp.get("/bins")
def bins():
    """Find bins by code, kind and whether they are in use."""
    search = _search()
    return page_or_fragment(
        "layout/bins.html",
        "layout/_bins.html",
        found=queries.find_bins(_warehouse_id(), **search),
        search=search,
        kinds=queries.BIN_KINDS,
        kind_names=LOCATION_KIND_NAMES,
        labels_at_once=LABELS_AT_ONCE,
    )


@bp.get("/bins/labels.pdf")
def bins_labels():
    """The labels of every bin the search finds."""
    return _labels(queries.found_locations(_warehouse_id(), **_search()), "labels.pdf")


@bp.get("/bins/<id:location_id>")
def bin_page(location_id: int, status: int = 200, refusal=None):
    """One bin: what it holds, its place and kind to edit, and taking it out of use."""
    return page_or_fragment(
        "layout/bin.html",
        "layout/bin.html",
        status,
        bin=queries.bin_detail(_warehouse_id(), location_id),
        kinds=queries.BIN_KINDS,
        kind_names=LOCATION_KIND_NAMES,
        refusal=refusal,
        form=request.form,
    )


@bp.post("/bins/<id:location_id>")
def save_bin(location_id: int):
    """Change a bin's kind, zone, aisle, bay, level and coordinates (not its code,
    which its label carries)."""
    warehouse_id = _warehouse_id()
    found = queries.bin_detail(warehouse_id, location_id)
    form = request.form
    try:
        kind = form.get("kind", "")
        if kind not in queries.BIN_KINDS:
            raise InvalidInput(field=_("Kind"), problem=_("unknown location kind"))
        location = layout.define_location(
            warehouse_id=warehouse_id,
            code=found.location.code,
            kind=kind,
            zone=form.get("zone", ""),
            aisle=form.get("aisle", ""),
            bay=form.get("bay", ""),
            level=form.get("level", ""),
            x=metres("x", "x"),
            y=metres("y", "y"),
            actor_id=current_user.id,
        )
    except FulfilError as refusal:
        return bin_page(location_id, refusal.status, refusal)
    flash(_("%(code)s saved.", code=location.code))
    return redirect(url_for("layout.bin_page", location_id=location_id), 303)


@bp.post("/bins/<id:location_id>/active")
def set_active(location_id: int):
    """Take a bin out of use or back into it; refused while it holds stock."""
    choice = request.form.get("active", "")
    if choice not in ("yes", "no"):
        raise InvalidInput(field="active", problem=_("must be yes or no"))
    try:
        location = layout.set_location_active(
            warehouse_id=_warehouse_id(),
            location_id=location_id,
            active=choice == "yes",
            actor_id=current_user.id,
        )
    except FulfilError as refusal:
        return bin_page(location_id, refusal.status, refusal)
    if location.active:
        flash(_("%(code)s is in use again.", code=location.code))
    else:
        flash(_("%(code)s is out of use.", code=location.code))
    return redirect(url_for("layout.bin_page", location_id=location_id), 303)


@bp.get("/bins/<id:location_id>/label.pdf")
def bin_label(location_id: int):
    from fulfil.labels import location_labels_pdf

    found = queries.bin_detail(_warehouse_id(), location_id)
    return send_file(
        location_labels_pdf([found.location]),
        mimetype="application/pdf",
        download_name=f"{found.location.code}.pdf",
    )


@bp.get("/locations.csv")
def export():
    """Every bin and area as a locations CSV file, for a spreadsheet or the import."""
    text = queries.locations_csv(_warehouse_id())
    return Response(
        text,
        mimetype="text/csv",
        headers={"Content-Disposition": "attachment; filename=locations.csv"},
    )
