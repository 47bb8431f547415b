"""Warehouses and their locations."""

import math
import re
from collections.abc import Iterable
from datetime import time
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from fulfil.domain.promise import weekdays_stored
from fulfil.errors import (
    DuplicateValue,
    InvalidInput,
    LocationInUse,
    NotFound,
    UnknownLocation,
)
from fulfil.limits import MAX_METRES
from fulfil.models import Location, LocationKind, Stock, User, Warehouse
from fulfil.models.warehouse import STORAGE_KINDS, VIRTUAL_KINDS
from fulfil.services import events, unit_of_work

LOCATION_CODE = re.compile(r"^[A-Z0-9][A-Z0-9-]{0,31}$")
WAREHOUSE_CODE = re.compile(r"^[A-Z0-9][A-Z0-9-]{0,15}$")
# Virtual locations are named with a leading @, which no label-able code can have.
VIRTUAL_CODES = {kind: "@" + kind.value.upper() for kind in VIRTUAL_KINDS}


def create_warehouse(
    *,
    code: str,
    name: str,
    address: str = "",
    timezone: str = "UTC",
    cutoff_time: time | None = None,
    working_days: Iterable[int] | None = None,
    actor_id: int | None = None,
) -> Warehouse:
    """Create a site with its virtual supplier, customer, scrap and loss locations.
    The first site takes in every user who has none: with one warehouse, everyone
    works there. Refused when the code is taken."""
    code = _warehouse_code(code)
    values = _settings(
        code,
        name=name,
        address=address,
        timezone=timezone,
        cutoff_time=cutoff_time,
        working_days=working_days,
    )
    with unit_of_work() as session:
        if session.scalar(sa.select(Warehouse.id).where(Warehouse.code == code)):
            raise DuplicateValue(field="code", value=code)
        first = session.scalar(sa.select(Warehouse.id).limit(1)) is None
        warehouse = Warehouse(code=code, **values)
        session.add(warehouse)
        for kind, virtual_code in VIRTUAL_CODES.items():
            session.add(Location(warehouse=warehouse, code=virtual_code, kind=kind))
        session.flush()
        if first:
            session.execute(
                sa.update(User)
                .where(User.warehouse_id.is_(None))
                .values(warehouse_id=warehouse.id)
            )
        events.record(
            session, "warehouse.created", warehouse, actor_id=actor_id, code=code
        )
        return warehouse


def change_warehouse(
    *, code: str, actor_id: int | None = None, **changes: Any
) -> Warehouse:
    """Change some of a site's settings (name, address, timezone, cutoff_time,
    working_days; None for the last two is the configuration's). Saying what already
    is changes nothing and records nothing. Stored times are UTC and stay as they
    are: a new zone moves what people read, and the promise of orders to come."""
    unknown = set(changes) - set(SETTINGS)
    if unknown:
        raise TypeError(f"not a warehouse setting: {', '.join(sorted(unknown))}")
    with unit_of_work() as session:
        warehouse = session.scalar(
            sa.select(Warehouse)
            .where(Warehouse.code == code.strip().upper())
            .with_for_update()
        )
        if warehouse is None:
            raise NotFound(_l("no warehouse %(code)s"), code=code)
        values = _settings(warehouse.code, **changes)
        changed = {
            field: value
            for field, value in values.items()
            if getattr(warehouse, field) != value
        }
        if changed:
            for field, value in changed.items():
                setattr(warehouse, field, value)
            events.record(
                session,
                "warehouse.changed",
                warehouse,
                actor_id=actor_id,
                code=warehouse.code,
                **{field: _said(value) for field, value in changed.items()},
            )
        return warehouse


def put_warehouse(
    *,
    code: str,
    name: str,
    timezone: str,
    address: str = "",
    cutoff_time: time | None = None,
    working_days: Iterable[int] | None = None,
    actor_id: int | None = None,
) -> tuple[Warehouse, bool]:
    """Make the site exactly this, creating it if need be (a PUT: safe to repeat);
    whether it was created."""
    settings = dict(
        name=name,
        timezone=timezone,
        address=address,
        cutoff_time=cutoff_time,
        working_days=working_days,
    )
    code = _warehouse_code(code)
    with unit_of_work() as session:
        if session.scalar(sa.select(Warehouse.id).where(Warehouse.code == code)):
            return change_warehouse(code=code, actor_id=actor_id, **settings), False
        return create_warehouse(code=code, actor_id=actor_id, **settings), True


SETTINGS = ("name", "address", "timezone", "cutoff_time", "working_days")
MAX_NAME, MAX_ADDRESS = 120, 500


def _warehouse_code(code: str) -> str:
    code = code.strip().upper()
    if not WAREHOUSE_CODE.match(code):
        raise InvalidInput(field="code", problem=_l("use A-Z, 0-9 and -, at most 16"))
    return code


def _settings(code: str, **given: Any) -> dict[str, Any]:
    """The given settings, checked, as the columns keep them."""
    values = {}
    if "name" in given:
        values["name"] = _text(given["name"], "name", MAX_NAME) or code
    if "address" in given:
        values["address"] = _text(given["address"], "address", MAX_ADDRESS)
    if "timezone" in given:
        values["timezone"] = given["timezone"].strip()
        _check_timezone(values["timezone"])
    if "cutoff_time" in given:
        cutoff = given["cutoff_time"]
        if cutoff is not None and cutoff.tzinfo is not None:
            raise InvalidInput(
                field="cutoff_time", problem=_l("a wall time, without a zone")
            )
        values["cutoff_time"] = cutoff
    if "working_days" in given:
        days = given["working_days"]
        try:
            values["working_days"] = None if days is None else weekdays_stored(days)
        except (ValueError, TypeError):
            raise InvalidInput(
                field="working_days",
                problem=_l("at least one day, from 1 (Monday) to 7 (Sunday)"),
            ) from None
    return values


def _text(value: str, field: str, most: int) -> str:
    value = value.strip()
    if len(value) > most:
        raise InvalidInput(
            field=field, problem=_l("at most %(most)s characters") % {"most": most}
        )
    return value


def _said(value) -> str | None:
    """A setting as the audit trail keeps it (JSON)."""
    return value.strftime("%H:%M") if isinstance(value, time) else value


def define_location(
    *,
    warehouse_id: int,
    code: str,
    kind: LocationKind | str,
    zone: str = "",
    aisle: str = "",
    bay: str = "",
    level: str = "",
    x: float = 0.0,
    y: float = 0.0,
    active: bool | None = None,
    actor_id: int | None = None,
) -> Location:
    """Create or update a physical location; its code is what its label encodes.

    `active` None leaves an existing location as it is (a new one is active). A bin
    holding stock is neither deactivated nor turned into a kind that holds no stock
    for picking (LocationInUse); a change to a location already there is recorded.
    """
    code = code.strip().upper()
    if not LOCATION_CODE.match(code):
        raise InvalidInput(field="code", problem=_l("use A-Z, 0-9 and -, at most 32"))
    try:
        kind = LocationKind(kind)
    except ValueError:
        raise InvalidInput(field="kind", problem=_l("unknown location kind")) from None
    if kind.is_virtual:
        raise InvalidInput(field="kind", problem=_l("virtual locations are built in"))
    wanted = {
        "kind": kind,
        # their lengths are checked on every flush (fulfil.services._text_fits)
        "zone": zone.strip(),
        "aisle": aisle.strip(),
        "bay": bay.strip(),
        "level": level.strip(),
        "x": _metres("x", x),
        "y": _metres("y", y),
    }
    with unit_of_work() as session:
        location = session.execute(
            sa.select(Location)
            .where(Location.warehouse_id == warehouse_id, Location.code == code)
            .with_for_update()
        ).scalar_one_or_none()
        if location is None:
            location = Location(
                warehouse_id=warehouse_id, code=code, active=active is not False
            )
            for name, value in wanted.items():
                setattr(location, name, value)
            session.add(location)
            return location
        changes = {
            name: [_plain(getattr(location, name)), _plain(value)]
            for name, value in wanted.items()
            if getattr(location, name) != value
        }
        if "kind" in changes and not {location.kind, kind} <= STORAGE_KINDS:
            _refuse_while_holding(session, location, "kind")
        for name, value in wanted.items():
            setattr(location, name, value)
        if changes:
            events.record(
                session,
                "location.changed",
                location,
                actor_id=actor_id,
                code=code,
                changes=changes,
            )
        if active is not None:
            _set_active(session, location, active, actor_id)
        return location


def set_location_active(
    *, warehouse_id: int, location_id: int, active: bool, actor_id: int | None = None
) -> Location:
    """Take a bin out of use (or back into it). Refused while it holds stock; a
    location is never deleted, so the ledger and history keep naming it."""
    with unit_of_work() as session:
        location = session.execute(
            sa.select(Location)
            .where(
                Location.id == location_id,
                Location.warehouse_id == warehouse_id,
                Location.kind.not_in(VIRTUAL_KINDS),
            )
            .with_for_update()
        ).scalar_one_or_none()
        if location is None:
            raise UnknownLocation(code=str(location_id))
        _set_active(session, location, active, actor_id)
        return location


def _set_active(
    session, location: Location, active: bool, actor_id: int | None
) -> None:
    if location.active == active:
        return
    if not active:
        _refuse_while_holding(session, location, "deactivate")
    location.active = active
    events.record(
        session,
        "location.reactivated" if active else "location.deactivated",
        location,
        actor_id=actor_id,
        code=location.code,
    )


def _refuse_while_holding(session, location: Location, change: str) -> None:
    units, reserved = session.execute(
        sa.select(
            sa.func.coalesce(sa.func.sum(Stock.on_hand), 0),
            sa.func.coalesce(sa.func.sum(Stock.reserved), 0),
        ).where(Stock.location_id == location.id)
    ).one()
    if units or reserved:
        raise LocationInUse(
            code=location.code, units=units, reserved=reserved, change=change
        )


def _metres(name: str, value: float) -> float:
    value = float(value)
    if not (math.isfinite(value) and abs(value) <= MAX_METRES):
        raise InvalidInput(
            field=name,
            problem=_l("must be a number of metres from -%(most)s to %(most)s")
            % {"most": MAX_METRES},
        )
    return value


def _plain(value):
    return value.value if isinstance(value, LocationKind) else value


def _check_timezone(name: str) -> None:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        if not name or len(name) > 64:  # the column's width; no zone is longer
            raise ValueError(name)
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise InvalidInput(field="timezone", problem=_l("unknown time zone")) from None
