"""Names people read for codes that pages, services and documents all show."""

from flask_babel import lazy_gettext as _l

METHOD_NAMES = {
    "standard": _l("standard"),
    "express": _l("express"),
    "pickup_point": _l("pickup point"),
    "appointment": _l("delivery appointment"),
}
