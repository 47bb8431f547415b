"""Pydantic's validation errors in the reader's language, for pages and import reports.

Pydantic words its errors in English ("Field required"); the JSON API keeps that, a
machine interface. People read the same error through this table: from the error's
`type` to a gettext message filled with its `ctx` (the limits, the choices). Our own
refusals in fulfil.schemas raise PydanticCustomError with a type of their own, so
they are found here too. A type the table lacks keeps pydantic's English words.
"""

from typing import Any

from flask_babel import lazy_gettext as _l
from pydantic_core import ErrorDetails

MESSAGES: dict[str, Any] = {
    "missing": _l("is required"),
    "extra_forbidden": _l("is not a known field"),
    "string_type": _l("must be text"),
    "string_too_short": _l("must have at least %(min_length)s characters"),
    "string_too_long": _l("must have at most %(max_length)s characters"),
    "string_pattern_mismatch": _l("is not in the expected form"),
    "int_type": _l("must be a whole number"),
    "int_parsing": _l("must be a whole number"),
    "int_from_float": _l("must be a whole number"),
    "float_type": _l("must be a number"),
    "float_parsing": _l("must be a number"),
    "decimal_type": _l("must be a number"),
    "decimal_parsing": _l("must be a number"),
    "decimal_max_digits": _l("must have at most %(max_digits)s digits"),
    "decimal_max_places": _l("must have at most %(decimal_places)s decimal places"),
    "decimal_whole_digits": _l("has too many digits before the decimal point"),
    "bool_type": _l("must be true or false"),
    "bool_parsing": _l("must be true or false"),
    "greater_than": _l("must be greater than %(gt)s"),
    "greater_than_equal": _l("must be at least %(ge)s"),
    "less_than": _l("must be less than %(lt)s"),
    "less_than_equal": _l("must be at most %(le)s"),
    "enum": _l("must be one of %(expected)s"),
    "literal_error": _l("must be one of %(expected)s"),
    "too_short": _l("needs at least %(min_length)s"),
    "too_long": _l("takes at most %(max_length)s"),
    "list_type": _l("must be a list"),
    "dict_type": _l("must be an object"),
    "model_type": _l("must be an object"),
    "model_attributes_type": _l("must be an object"),
    "date_type": _l("must be a date like 2026-12-06"),
    "date_parsing": _l("must be a date like 2026-12-06"),
    "date_from_datetime_parsing": _l("must be a date like 2026-12-06"),
    "date_from_datetime_inexact": _l("must be a date like 2026-12-06"),
    "datetime_type": _l("must be a date and time like 2026-12-06T14:00+01:00"),
    "datetime_parsing": _l("must be a date and time like 2026-12-06T14:00+01:00"),
    "datetime_from_date_parsing": _l(
        "must be a date and time like 2026-12-06T14:00+01:00"
    ),
    "timezone_aware": _l("needs a time zone offset, like +01:00"),
    "value_error": _l("is not valid"),
    "url_parsing": _l("must be a web address"),
    "url_scheme": _l("must be a web address"),
    # our own (fulfil.schemas)
    "country_code": _l("%(code)s is not a country code (ISO 3166-1, like DE)"),
    "slot_order": _l("the slot must end after it starts"),
    "pickup_point_required": _l(
        "pickup_point_id is required for shipping_method pickup_point"
    ),
    "appointment_required": _l(
        "appointment is required for shipping_method appointment"
    ),
    "quantity_zero": _l("quantity must not be 0"),
}


def message(error: ErrorDetails) -> str:
    """One pydantic error, worded for the person reading it."""
    said = MESSAGES.get(error["type"])
    if said is None:
        return error["msg"].removeprefix("Value error, ")
    values = {key: str(value) for key, value in error.get("ctx", {}).items()}
    if "expected" in values:  # pydantic lists choices as "'a', 'b' or 'c'"
        values["expected"] = values["expected"].replace(" or ", ", ")
    return str(said) % _Filled(values)


class _Filled(dict):
    def __missing__(self, key: str) -> str:
        return "…"
