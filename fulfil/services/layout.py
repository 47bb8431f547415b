"""Warehouses and their locations."""

import math
import re

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from fulfil.errors import (
    DuplicateValue,
    InvalidInput,
    LocationInUse,
    NotFound,
    UnknownLocation,
)
from fulfil.limits import MAX_METRES
from fulfil.models import Location, LocationKind, Stock, Warehouse
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
    actor_id: int | None = None,
) -> Warehouse:
    """Create a site with its virtual supplier, customer, scrap and loss locations."""
    code = code.strip().upper()
    if not WAREHOUSE_CODE.match(code):
        raise InvalidInput(field="code", problem=_l("use A-Z, 0-9 and -, at most 16"))
    _check_timezone(timezone)
    with unit_of_work() as session:
        if session.scalar(sa.select(Warehouse.id).where(Warehouse.code == code)):
            raise DuplicateValue(field="code", value=code)
        warehouse = Warehouse(
            code=code, name=name.strip() or code, address=address, timezone=timezone
        )
        session.add(warehouse)
        for kind, virtual_code in VIRTUAL_CODES.items():
            session.add(Location(warehouse=warehouse, code=virtual_code, kind=kind))
        events.record(
            session, "warehouse.created", warehouse, actor_id=actor_id, code=code
        )
        return warehouse


def set_timezone(*, code: str, timezone: str, actor_id: int | None = None) -> Warehouse:
    """Set the IANA zone a site keeps (`Europe/Berlin`): its cut-offs and every time
    its people read. Stored times are UTC and stay as they are."""
    _check_timezone(timezone)
    with unit_of_work() as session:
        warehouse = session.scalar(
            sa.select(Warehouse).where(Warehouse.code == code.strip().upper())
        )
        if warehouse is None:
            raise NotFound(_l("no warehouse %(code)s"), code=code)
        warehouse.timezone = timezone
        events.record(
            session,
            "warehouse.timezone_set",
            warehouse,
            actor_id=actor_id,
            zone=timezone,
        )
        return warehouse


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
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidInput(field="timezone", problem=_l("unknown time zone")) from None
