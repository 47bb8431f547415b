"""Reading form fields as every screen needs them, with errors in the user's words.

Numbers are ASCII digits only (a `²` or an Arabic-Indic `١٢` is refused, never read
as 2 or 12) and within bounds: quantities up to MAX_QTY, ids up to the database's
largest integer. A refusal is an InvalidInput: a 400 naming the field, nothing written.
"""

import re
from datetime import time

from flask import abort, request
from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from fulfil.errors import InvalidInput
from fulfil.limits import MAX_ID, MAX_METRES, max_qty

# Metres to the millimetre, with a decimal point or comma: 1.2, 1,2, -0.5, 12
METRES = re.compile(r"-?[0-9]{1,6}(?:[.,][0-9]{1,3})?", re.ASCII)


def whole_number(
    field: str,
    label: str,
    *,
    required: bool = True,
    maximum: int = MAX_ID,
    source: MultiDict | None = None,
) -> int | None:
    """A field as a whole number from 0 to `maximum`; empty gives None unless it is
    required. `source` is the submitted form unless given (e.g. request.args)."""
    raw = (request.form if source is None else source).get(field, "").strip()
    if not raw:
        if required:
            raise InvalidInput(field=label, problem=_("is required"))
        return None
    return _bounded(raw, label, maximum)


def quantity(field: str, label: str, *, required: bool = True) -> int | None:
    """A count of units: a whole number up to MAX_QTY."""
    return whole_number(field, label, required=required, maximum=max_qty())


def metres(
    field: str, label: str, *, required: bool = True, source: MultiDict | None = None
) -> float | None:
    """A length or coordinate in metres, to the millimetre, written with a decimal
    point or comma; empty gives None unless it is required."""
    raw = (request.form if source is None else source).get(field, "").strip()
    if not raw:
        if required:
            raise InvalidInput(field=label, problem=_("is required"))
        return None
    if not METRES.fullmatch(raw):
        raise InvalidInput(
            field=label, problem=_("must be metres like 1.2 (at most 3 decimals)")
        )
    value = float(raw.replace(",", "."))
    if abs(value) > MAX_METRES:
        raise InvalidInput(
            field=label, problem=_("must be at most %(most)s", most=MAX_METRES)
        )
    return value


def ids(field: str, label: str) -> list[int]:
    """Every value of a repeated field (ticked checkboxes) as database ids."""
    return [_bounded(raw.strip(), label, MAX_ID) for raw in request.form.getlist(field)]


def clock_time(field: str, label: str) -> time | None:
    """A wall time as `<input type="time">` sends it, `14:00`; empty gives None."""
    raw = request.form.get(field, "").strip()
    if not raw:
        return None
    if not CLOCK.match(raw):
        raise InvalidInput(field=label, problem=_("must be a time like 14:00"))
    return time.fromisoformat(raw.zfill(5) if len(raw) == 4 else raw)


CLOCK = re.compile(r"^([01]?[0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?$")


def _bounded(raw: str, label: str, maximum: int) -> int:
    if not (raw.isascii() and raw.isdigit()):
        raise InvalidInput(field=label, problem=_("must be a whole number"))
    # compare lengths first: int() of thousands of digits is slow, then refused
    if len(raw.lstrip("0")) > len(str(maximum)) or int(raw) > maximum:
        raise InvalidInput(
            field=label, problem=_("must be at most %(most)s", most=maximum)
        )
    return int(raw)


def refuse_nul() -> None:
    """Before every page request: no text sent may hold NUL (U+0000), which
    PostgreSQL can neither store nor compare. In the path it names nothing (404); in
    a form or query field it is refused naming the field (400). The API answers the
    same in problem+json (fulfil.api.requests)."""
    if request.blueprint == "api":
        return
    if any("\x00" in str(value) for value in (request.view_args or {}).values()):
        abort(404)
    for source in (request.args, request.form):
        for name, value in source.items(multi=True):
            if "\x00" in name or "\x00" in value:
                raise InvalidInput(
                    field=name.replace("\x00", ""),
                    problem=_("must not contain NUL characters"),
                )
