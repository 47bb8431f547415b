"""Warehouses and their locations."""

import re

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from fulfil.errors import DuplicateValue, InvalidInput, NotFound
from fulfil.models import Location, LocationKind, Warehouse
from fulfil.models.warehouse import VIRTUAL_KINDS
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
    actor_id: int | None = None,
) -> Location:
    """Create or update a physical location; its code is what its label encodes."""
    code = code.strip().upper()
    if not LOCATION_CODE.match(code):
        raise InvalidInput(field="code", problem=_l("use A-Z, 0-9 and -, at most 32"))
    try:
        kind = LocationKind(kind)
    except ValueError:
        raise InvalidInput(field="kind", problem=_l("unknown location kind")) from None
    if kind.is_virtual:
        raise InvalidInput(field="kind", problem=_l("virtual locations are built in"))
    with unit_of_work() as session:
        location = session.execute(
            sa.select(Location).where(
                Location.warehouse_id == warehouse_id, Location.code == code
            )
        ).scalar_one_or_none()
        if location is None:
            location = Location(warehouse_id=warehouse_id, code=code)
            session.add(location)
        location.kind, location.zone, location.aisle = kind, zone, aisle
        location.bay, location.level, location.x, location.y = bay, level, x, y
        return location


def _check_timezone(name: str) -> None:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidInput(field="timezone", problem=_l("unknown time zone")) from None
