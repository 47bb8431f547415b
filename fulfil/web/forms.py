"""Reading form fields as every screen needs them, with errors in the user's words."""

from flask import request
from flask_babel import gettext as _

from fulfil.errors import InvalidInput


def whole_number(field: str, label: str, *, required: bool = True) -> int | None:
    """A form field as a whole number ≥ 0; empty gives None unless it is required."""
    raw = request.form.get(field, "").strip()
    if not raw:
        if required:
            raise InvalidInput(field=label, problem=_("is required"))
        return None
    if not raw.isdigit():
        raise InvalidInput(field=label, problem=_("must be a whole number"))
    return int(raw)
