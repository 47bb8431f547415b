"""What happened, as people read it: every event the code base records as a sentence
in the reader's language, an order's milestones, and its unit events grouped.

The sentences are one table from action code to a gettext message filled from the
event's data; an action missing from it still reads as a sentence about its subject,
never as its raw code. The order page, the trace page and the tracking page use them.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any, Protocol

from babel import Locale
from babel.numbers import format_decimal
from flask_babel import get_locale, ngettext
from flask_babel import lazy_gettext as _l

from fulfil.names import LOCATION_FIELD_NAMES, LOCATION_KIND_NAMES


class Happening(Protocol):
    """What an event row offers (fulfil.models.Event has all of it)."""

    at: datetime
    action: str
    subject_id: int
    actor: Any  # who did it: anything with a username, or None
    data: dict


_EN = Locale("en")


class _Filled(dict):
    """The event's data for a message: a value it lacks prints as a dash."""

    def __missing__(self, key: str) -> str:
        return "–"


def _kg(grams: Any) -> str:
    """Grams as kilograms in the reader's number format ("2,35" in German)."""
    try:
        value = Decimal(int(grams)) / 1000
    except (TypeError, ValueError):
        return "–"
    return format_decimal(value, format="#,##0.0##", locale=get_locale() or _EN)


def _location_changed(data: Mapping) -> str:
    changes = data.get("changes")
    if not isinstance(changes, Mapping) or not changes:
        return _l("Location %(code)s changed") % data
    said = ", ".join(
        f"{LOCATION_FIELD_NAMES.get(name, name)} "
        f"{_said(change, 0)} → {_said(change, 1)}"
        for name, change in changes.items()
    )
    return _l("Location %(code)s changed: %(changes)s") % {**data, "changes": said}


def _said(change: Any, side: int) -> str:
    try:
        value = change[side]
    except (TypeError, IndexError, KeyError):
        return "–"
    if value in ("", None):
        return "–"
    return str(
        LOCATION_KIND_NAMES.get(value, value) if isinstance(value, str) else value
    )


def _order_received(data: Mapping) -> str:
    source = str(data.get("source") or "")
    if source.startswith("api:"):
        return _l("Order received through the API (token %(token)s)") % {
            "token": source.removeprefix("api:")
        }
    if source == "csv":
        return str(_l("Order received from a CSV import"))
    return str(_l("Order received"))


def _line_short(data: Mapping) -> str:
    message = (
        _l("%(sku)s: %(qty)s of %(ordered)s short, cancelled")
        if data.get("decision") == "cancel"
        else _l("%(sku)s: %(qty)s of %(ordered)s short, backordered to ship later")
    )
    return message % _Filled(data)


def _shipment_requested(data: Mapping) -> str:
    message = (
        _l("Shipment %(id)s sent to the supplier to ship")
        if data.get("mode") == "dropship"
        else _l("Shipment %(id)s handed to the logistics provider")
    )
    return message % _Filled(data)


def _shipment_shipped(data: Mapping) -> str:
    if data.get("tracking_number"):
        message = _l("Shipment %(id)s shipped with %(carrier)s, %(tracking_number)s")
    else:
        message = _l("Shipment %(id)s shipped")
    return message % _Filled(data)


def _parcel_packed(data: Mapping) -> str:
    filled = _Filled(data, weight=_kg(data.get("weight_g")))
    return (
        _l(
            "Parcel %(parcel)s closed: box %(box)s, %(weight)s kg, "
            "%(carrier)s %(tracking_number)s"
        )
        % filled
    )


def _handed_over(data: Mapping) -> str:
    parcels = int(data.get("parcels") or 0)
    return ngettext(
        "%(num)s parcel handed to %(carrier)s",
        "%(num)s parcels handed to %(carrier)s",
        parcels,
        carrier=data.get("carrier", "–"),
    )


def _short_policy(data: Mapping) -> str:
    if data.get("policy") == "ship_partial_cancel_rest":
        return str(_l("Manager decided: missing units are cancelled"))
    return str(_l("Manager decided: missing units follow in a later parcel"))


def _keys_added(data: Mapping) -> str:
    return ngettext(
        "%(num)s licence key added", "%(num)s licence keys added", data.get("count", 0)
    )


# Action code -> its sentence: a message filled from the event's data (plus `id`, the
# subject's id), or a function of that data. Codes made from a status
# (f"order.{status}", f"shipment.{status}") are listed one by one.
SENTENCES: dict[str, Any] = {
    # orders (fulfilment.refresh_order, orders.receive_order)
    "order.received": _order_received,
    "order.backordered": _l("Order waits for stock"),
    "order.allocated": _l("Order allocated: every unit reserved"),
    "order.picking": _l("Order released for picking"),
    "order.picked": _l("Order picked"),
    "order.packed": _l("Order packed"),
    "order.shipped": _l("Order shipped"),
    "order.delivered": _l("Order delivered"),
    "order.cancelled": _l("Order cancelled"),
    "order.cancel_requested": _l("The shop cancelled the order"),
    "order.line_short": _line_short,
    "order.short_policy": _short_policy,
    # shipments (fulfilment.set_status, partners)
    "shipment.pending": _l("Shipment %(id)s created"),
    "shipment.backordered": _l("Shipment %(id)s waits for stock"),
    "shipment.allocated": _l("Shipment %(id)s allocated"),
    "shipment.requested": _shipment_requested,
    "shipment.picking": _l("Shipment %(id)s released for picking"),
    "shipment.picked": _l("Shipment %(id)s picked"),
    "shipment.packed": _l("Shipment %(id)s packed"),
    "shipment.shipped": _shipment_shipped,
    "shipment.delivered": _l("Shipment %(id)s delivered"),
    "shipment.cancelled": _l("Shipment %(id)s cancelled"),
    "shipment.exported": _l("Shipment %(id)s exported to the logistics provider"),
    "shipment.po_sent": _l("Purchase order for shipment %(id)s e-mailed to %(to)s"),
    # the floor
    "pick.confirmed": _l("%(qty)s × %(sku)s picked from %(location)s into %(tote)s"),
    "pack.started": _l("Packing started: parcel %(parcel)s"),
    "pack.item": _l("%(qty)s × %(sku)s packed into parcel %(parcel)s"),
    "pack.missing": _l("%(qty)s × %(sku)s missing at packing"),
    "pack.taken_out": _l("%(qty)s × %(sku)s taken out of parcel %(parcel)s"),
    "parcel.packed": _parcel_packed,
    "picklist.released": _l("Pick list %(id)s released"),
    "picklist.claimed": _l("Pick list %(id)s started"),
    "picklist.paused": _l("Pick list %(id)s paused"),
    "picklist.resumed": _l("Pick list %(id)s resumed"),
    "picklist.done": _l("Pick list %(id)s done"),
    "picklist.taken_back": _l("Pick list %(id)s taken back"),
    "manifest.handed_over": _handed_over,
    "slotting.moved": _l("%(units)s × %(sku)s moved from %(source)s to %(target)s"),
    "stock.counted": _l("%(counted)s × %(sku)s counted (difference %(difference)s)"),
    "product.customs_data": _l("HS code %(hs_code)s and origin %(origin_country)s set"),
    "product.created": _l("Product %(sku)s created"),
    "product.changed": _l("Product %(sku)s changed"),
    "product.gtin_assigned": _l("Barcode %(gtin)s given to %(sku)s"),
    "stock.reserved": _l("%(qty)s units reserved"),
    "stock.released": _l("%(qty)s reserved units released"),
    "licence_keys.added": _keys_added,
    # set-up and people
    "warehouse.created": _l("Warehouse %(code)s created"),
    "warehouse.timezone_set": _l("Time zone set to %(zone)s"),
    "layout.generated": _l(
        "Layout generated: %(created)s bins created, %(unchanged)s already there, "
        "%(conflicting)s left as they were"
    ),
    "location.changed": _location_changed,
    "location.deactivated": _l("Location %(code)s deactivated"),
    "location.reactivated": _l("Location %(code)s back in use"),
    "warehouse.changed": _l("Warehouse %(code)s changed"),
    "supplier.saved": _l("Supplier saved"),
    "user.created": _l("User account created"),
    "user.password_reset": _l("Password reset"),
    "user.activated": _l("User account activated"),
    "user.deactivated": _l("User account deactivated"),
    "user.badge_issued": _l("New badge issued"),
    "user.badge_revoked": _l("Badge revoked"),
    "user.warehouse_switched": _l("Switched to another warehouse"),
    "user.warehouse_assigned": _l("Now works in warehouse %(code)s"),
    "user.roles_changed": _l("Roles changed"),
    "token.created": _l("API token created"),
    "token.revoked": _l("API token revoked"),
    "webhook.subscribed": _l("Webhook subscription to %(url)s"),
    "webhook.deactivated": _l("Webhook subscription stopped"),
    "webhook.resent": _l("Webhook delivery queued again"),
}

# An action the table lacks reads as a change of its subject (the code's first part).
SUBJECTS = {
    "order": _l("Order updated"),
    "shipment": _l("Shipment %(id)s updated"),
    "parcel": _l("Parcel updated"),
    "pick": _l("Picking recorded"),
    "pack": _l("Packing recorded"),
    "picklist": _l("Pick list %(id)s updated"),
    "stock": _l("Stock updated"),
    "user": _l("User account updated"),
}
SOMETHING = _l("Something was recorded")


def sentence(action: str, data: Mapping | None = None, subject_id: Any = None) -> str:
    """The event as a sentence in the current locale; never its raw code."""
    data = _Filled(data or {}, id=subject_id if subject_id is not None else "–")
    data.setdefault("qty", 1)  # a unit event without a quantity is one unit
    said = SENTENCES.get(action)
    if said is None:
        said = SUBJECTS.get(action.partition(".")[0], SOMETHING)
    if callable(said):
        return str(said(data))
    return str(said) % data


def event_sentence(event: Happening) -> str:
    return sentence(event.action, event.data, event.subject_id)


# -- an order's history ----------------------------------------------------------------

MILESTONES = (
    "order.received",
    "order.allocated",
    "order.picked",
    "order.packed",
    "order.shipped",
    "order.delivered",
    "order.line_short",
    "order.cancelled",
)
# Unit events and what must be the same for two to be told as one line.
UNIT_EVENTS = {
    "pick.confirmed": ("sku", "location", "tote"),
    "pack.item": ("sku", "parcel"),
}
GROUP_WITHIN = timedelta(minutes=10)  # between one unit and the next of a line
# Shipment statuses that an order with one shipment also records as its own.
ECHOED = {
    f"shipment.{status}"
    for status in (
        "backordered",
        "allocated",
        "picking",
        "picked",
        "packed",
        "shipped",
        "delivered",
        "cancelled",
    )
}


@dataclass(frozen=True)
class Step:
    """One line of a history: what happened (in words), who did it, when."""

    at: datetime
    text: str
    who: str  # a username, or "" for the system
    action: str  # the (first) event's code, for styling; never shown
    events: int = 1  # how many events it tells


@dataclass(frozen=True)
class History:
    milestones: list[Step]
    steps: list[Step]  # the rest, unit events grouped
    log: list[Step]  # every event, one line each


def order_history(events: Iterable[Happening], *, shipments: int = 1) -> History:
    """An order's events (oldest first) told for a person: milestones (the first of
    each, every short line), then the other events with runs of the same unit event
    by the same person within minutes as one line with the summed quantity. With one
    shipment, its status events echo the order's and are left out of the steps;
    the log keeps every event."""
    events = list(events)
    seen: set[str] = set()
    milestones = []
    for event in events:
        if event.action in MILESTONES and (
            event.action == "order.line_short" or event.action not in seen
        ):
            seen.add(event.action)
            milestones.append(_step(event))
    rest = [
        event
        for event in events
        if event.action not in MILESTONES
        and not (shipments == 1 and event.action in ECHOED)
    ]
    return History(
        milestones=milestones,
        steps=[_grouped_step(run) for run in grouped(rest)],
        log=[_step(event) for event in events],
    )


def grouped(events: list[Happening]) -> list[list[Happening]]:
    """Consecutive unit events of the same kind, product, bin, tote (or parcel) and
    person, each within GROUP_WITHIN of the one before, as one run; others alone."""
    runs: list[list[Happening]] = []
    for event in events:
        last = runs[-1][-1] if runs else None
        if last is not None and _same_run(last, event):
            runs[-1].append(event)
        else:
            runs.append([event])
    return runs


def _same_run(last: Happening, event: Happening) -> bool:
    keys = UNIT_EVENTS.get(event.action)
    return (
        keys is not None
        and last.action == event.action
        and last.subject_id == event.subject_id
        and _who(last) == _who(event)
        and all((last.data or {}).get(k) == (event.data or {}).get(k) for k in keys)
        and event.at - last.at <= GROUP_WITHIN
    )


def _who(event: Happening) -> str:
    return event.actor.username if event.actor is not None else ""


def _step(event: Happening) -> Step:
    return Step(event.at, event_sentence(event), _who(event), event.action)


def _grouped_step(run: list[Happening]) -> Step:
    first = run[0]
    if len(run) == 1:
        return _step(first)
    units = sum(_units(event) for event in run)
    data = {**(first.data or {}), "qty": units}
    text = sentence(first.action, data, first.subject_id)
    return Step(first.at, text, _who(first), first.action, events=len(run))


def _units(event: Happening) -> int:
    try:
        return int((event.data or {}).get("qty", 1))
    except (TypeError, ValueError):
        return 1
