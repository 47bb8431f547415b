"""Names people read for codes that pages, services and documents all show."""

from flask_babel import lazy_gettext as _l

METHOD_NAMES = {
    "standard": _l("standard"),
    "express": _l("express"),
    "pickup_point": _l("pickup point"),
    "appointment": _l("delivery appointment"),
}

LOCATION_KIND_NAMES = {
    "pick_face": _l("Pick face"),
    "reserve": _l("Reserve"),
    "receiving": _l("Goods-in"),
    "packing": _l("Packing area"),
    "shipping": _l("Shipping dock"),
    "tote": _l("Tote"),
}

# A location's fields, as its page and its history name them.
LOCATION_FIELD_NAMES = {
    "kind": _l("Kind"),
    "zone": _l("Zone"),
    "aisle": _l("Aisle"),
    "bay": _l("Bay"),
    "level": _l("Level"),
    "x": "x",
    "y": "y",
}
