"""Where a user may be sent back to, and the areas their roles open."""

import uuid
from urllib.parse import urlsplit

from flask import url_for
from flask_babel import lazy_gettext as _l

from fulfil.domain.roles import HOME_ENDPOINTS, Role
from fulfil.names import METHOD_NAMES

AREA_NAMES = {
    Role.PICKER: _l("Picking"),
    Role.PACKER: _l("Packing"),
    Role.RECEIVER: _l("Receiving"),
    Role.MANAGER: _l("Manager"),
    Role.CUSTOMER_SERVICE: _l("Customer service"),
    Role.ADMIN: _l("Admin"),
}


def safe_next(target: str | None) -> str | None:
    """`target` if it is a path on this site, else None (no open redirects)."""
    if not target:
        return None
    parts = urlsplit(target)
    if (
        parts.scheme
        or parts.netloc
        or not target.startswith("/")
        or target.startswith("//")
    ):
        return None
    return target


def areas(user) -> list[tuple[str, str]]:
    """(name, url) of every area the user may open, in floor order."""
    roles = set(Role) if Role.ADMIN in user.roles else user.roles
    return [
        (AREA_NAMES[role], url_for(HOME_ENDPOINTS[role]))
        for role in Role
        if role in roles
    ]


STATUS_NAMES = {
    "received": _l("received"),
    "allocated": _l("allocated"),
    "backordered": _l("backordered"),
    "picking": _l("picking"),
    "picked": _l("picked"),
    "packed": _l("packed"),
    "shipped": _l("shipped"),
    "delivered": _l("delivered"),
    "cancelled": _l("cancelled"),
    "pending": _l("pending"),
    "requested": _l("handed over"),
}

MODE_NAMES = {
    "in_house": _l("our warehouse"),
    "3pl": _l("logistics provider"),
    "dropship": _l("supplier ships"),
    "digital": _l("digital"),
}


LIST_STATUS_NAMES = {
    "released": _l("waiting"),
    "picking": _l("picking"),
    "paused": _l("paused"),
    "done": _l("done"),
    "cancelled": _l("cancelled"),
}

EXCEPTION_NAMES = {
    "short": _l("short"),
    "damaged": _l("damaged"),
    "count": _l("count the bin"),
    "refused_scan": _l("refused offline scan"),
    "missing_at_packing": _l("missing at packing"),
}

TRACE_KIND_NAMES = {
    "order": _l("an order"),
    "parcel": _l("a parcel"),
    "product": _l("a product"),
    "lot": _l("a lot"),
}

PARCEL_STATUS_NAMES = {
    "open": _l("open"),
    "packed": _l("packed"),
    "shipped": _l("shipped"),
    "delivered": _l("delivered"),
}

TRACKING_STEP_NAMES = {
    "received": _l("Order received"),
    "picked": _l("Picked"),
    "packed": _l("Packed"),
    "shipped": _l("Handed to the carrier"),
    "delivered": _l("Delivered"),
}

REASON_NAMES = {
    "receive": _l("received"),
    "putaway": _l("put away"),
    "move": _l("moved"),
    "pick": _l("picked"),
    "pick_undo": _l("pick undone"),
    "short_pick": _l("missing at pick"),
    "to_packing": _l("to packing"),
    "missing_at_packing": _l("missing at packing"),
    "packed": _l("packed"),
    "shipped": _l("shipped"),
    "opening": _l("opening stock"),
    "count": _l("count correction"),
    "found": _l("found"),
    "correction": _l("correction"),
    "damage": _l("damaged"),
    "scrap": _l("scrapped"),
    "expired": _l("expired"),
    "slotting": _l("moved to a nearer bin"),
}


def template_context() -> dict:
    """What base.html needs on every page: language, menu areas, warehouses."""
    from flask_babel import get_locale
    from flask_login import current_user

    from fulfil.queries.layout import warehouses

    def signed_in() -> bool:
        return current_user.is_authenticated

    return {
        "current_language": str(get_locale() or "en"),
        # called by base.html only: an htmx fragment (a scan's answer) never loads
        # the user again after its commit, nor the warehouses
        "nav_areas": lambda: areas(current_user) if signed_in() else [],
        "all_warehouses": lambda: warehouses() if signed_in() else [],
        "status_names": STATUS_NAMES,
        "mode_names": MODE_NAMES,
        "reason_names": REASON_NAMES,
        "list_status_names": LIST_STATUS_NAMES,
        "method_names": METHOD_NAMES,
        "tracking_step_names": TRACKING_STEP_NAMES,
        "parcel_status_names": PARCEL_STATUS_NAMES,
        "trace_kind_names": TRACE_KIND_NAMES,
        "exception_names": EXCEPTION_NAMES,
        # A fresh id for each rendered action form: sending the same form twice (a
        # double tap, a retry) is one action. Scripts give every scan its own id.
        "new_scan_id": lambda: uuid.uuid4().hex,
    }
