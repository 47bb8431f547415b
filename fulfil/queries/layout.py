"""Warehouses and locations."""

import sqlalchemy as sa

from fulfil.extensions import db
from fulfil.models import Location, Warehouse
from fulfil.models.warehouse import VIRTUAL_KINDS


def physical_locations(warehouse_id: int) -> list[Location]:
    """Every bin and area a label can be stuck on, in code order."""
    return list(
        db.session.execute(
            sa.select(Location)
            .where(
                Location.warehouse_id == warehouse_id,
                Location.kind.not_in(VIRTUAL_KINDS),
            )
            .order_by(Location.code)
        ).scalars()
    )


def warehouses() -> list[Warehouse]:
    """Every site, in code order."""
    return list(
        db.session.execute(sa.select(Warehouse).order_by(Warehouse.code)).scalars()
    )


def warehouse_by_code(code: str) -> Warehouse | None:
    return db.session.scalar(
        sa.select(Warehouse).where(Warehouse.code == code.strip().upper())
    )
