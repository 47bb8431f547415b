"""The bins of a warehouse: a layout plan against them, finding them, exporting them."""

import csv
import io
from dataclasses import dataclass

import sqlalchemy as sa

from fulfil.domain.racks import (
    Comparison,
    ExistingBin,
    RackPlan,
    compare,
    plan_bins,
)
from fulfil.errors import UnknownLocation
from fulfil.extensions import db
from fulfil.models import Location, LocationKind, Stock, Warehouse
from fulfil.models.warehouse import VIRTUAL_KINDS

# The locations CSV, for export and import: the API's LocationIn fields after the
# code, then whether the location is in use, then its warehouse's code.
LOCATION_COLUMNS = (
    "code",
    "kind",
    "zone",
    "aisle",
    "bay",
    "level",
    "x",
    "y",
    "active",
    "warehouse",
)
# What the bins page lists and edits: the kinds a person sets up. Totes belong to
# the carts (waves make them), virtual locations to the ledger.
BIN_KINDS = (
    LocationKind.PICK_FACE,
    LocationKind.RESERVE,
    LocationKind.RECEIVING,
    LocationKind.PACKING,
    LocationKind.SHIPPING,
)
PAGE = 100  # bins the page lists at once


def existing_bins(warehouse_id: int) -> dict[str, ExistingBin]:
    """Every physical location of the warehouse by code, as the plan compares it."""
    rows = db.session.execute(
        sa.select(
            Location.code,
            Location.kind,
            Location.zone,
            Location.aisle,
            Location.bay,
            Location.level,
            Location.x,
            Location.y,
            Location.active,
        ).where(
            Location.warehouse_id == warehouse_id,
            Location.kind.not_in(VIRTUAL_KINDS),
        )
    )
    return {
        code: ExistingBin(kind.value, *rest)
        for code, kind, *rest in rows  # kind arrives as LocationKind
    }


def layout_preview(warehouse_id: int, plan: RackPlan) -> Comparison:
    """What generating `plan` would do here: new bins, bins already there as
    planned, and codes taken by bins that differ (BadLayoutPlan for a bad plan)."""
    return compare(plan_bins(plan), existing_bins(warehouse_id))


def planned_locations(warehouse_id: int, plan: RackPlan) -> list[Location]:
    """The plan's bins that exist here and are active, in the plan's order."""
    order = {b.code: i for i, b in enumerate(plan_bins(plan))}
    found = db.session.scalars(
        sa.select(Location).where(
            Location.warehouse_id == warehouse_id,
            Location.active.is_(True),
            Location.kind.not_in(VIRTUAL_KINDS),
        )
    )
    return sorted(
        (loc for loc in found if loc.code in order), key=lambda loc: order[loc.code]
    )


@dataclass
class BinRow:
    location: Location
    units: int
    reserved: int


@dataclass
class BinSearch:
    rows: list[BinRow]
    total: int  # bins matching, of which `rows` are the first PAGE


def _bins_where(warehouse_id: int, q: str, kind: str, inactive: bool) -> list:
    where = [
        Location.warehouse_id == warehouse_id,
        Location.kind.in_(BIN_KINDS),
    ]
    if q.strip():
        where.append(Location.code.contains(q.strip().upper(), autoescape=True))
    if kind:
        where.append(Location.kind == LocationKind(kind))
    if not inactive:
        where.append(Location.active.is_(True))
    return where


def find_bins(
    warehouse_id: int, *, q: str = "", kind: str = "", inactive: bool = False
) -> BinSearch:
    """Bins whose code holds `q` (any case), of one kind or all, with what they
    hold; inactive ones only when asked for. The first PAGE, in code order."""
    where = _bins_where(warehouse_id, q, kind, inactive)
    total = db.session.scalar(sa.select(sa.func.count(Location.id)).where(*where))
    held = (
        sa.select(
            Stock.location_id,
            sa.func.sum(Stock.on_hand).label("units"),
            sa.func.sum(Stock.reserved).label("reserved"),
        )
        .group_by(Stock.location_id)
        .subquery()
    )
    rows = db.session.execute(
        sa.select(
            Location,
            sa.func.coalesce(held.c.units, 0),
            sa.func.coalesce(held.c.reserved, 0),
        )
        .outerjoin(held, held.c.location_id == Location.id)
        .where(*where)
        .order_by(Location.code)
        .limit(PAGE)
    ).all()
    return BinSearch([BinRow(*row) for row in rows], total)


def found_locations(
    warehouse_id: int, *, q: str = "", kind: str = "", inactive: bool = False
) -> list[Location]:
    """Every bin `find_bins` finds, not only the first page (for labels)."""
    return list(
        db.session.scalars(
            sa.select(Location)
            .where(*_bins_where(warehouse_id, q, kind, inactive))
            .order_by(Location.code)
        )
    )


def bin_detail(warehouse_id: int, location_id: int) -> BinRow:
    """One bin of the warehouse with what it holds (UnknownLocation otherwise)."""
    location = db.session.get(Location, location_id)
    if (
        location is None
        or location.warehouse_id != warehouse_id
        or location.kind not in BIN_KINDS
    ):
        raise UnknownLocation(code=str(location_id))
    units, reserved = db.session.execute(
        sa.select(
            sa.func.coalesce(sa.func.sum(Stock.on_hand), 0),
            sa.func.coalesce(sa.func.sum(Stock.reserved), 0),
        ).where(Stock.location_id == location_id)
    ).one()
    return BinRow(location, units, reserved)


def locations_csv(warehouse_id: int) -> str:
    """Every physical location of the warehouse as a locations CSV file, which the
    import takes back as it is."""
    code = db.session.get(Warehouse, warehouse_id).code
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(LOCATION_COLUMNS)
    for location in db.session.scalars(
        sa.select(Location)
        .where(
            Location.warehouse_id == warehouse_id,
            Location.kind.not_in(VIRTUAL_KINDS),
        )
        .order_by(Location.code)
    ):
        writer.writerow(
            [
                location.code,
                location.kind.value,
                location.zone,
                location.aisle,
                location.bay,
                location.level,
                _metres(location.x),
                _metres(location.y),
                "yes" if location.active else "no",
                code,
            ]
        )
    return out.getvalue()


def _metres(value: float) -> str:
    """1.5, 12, -0.25: as a person writes it, to the micrometre."""
    return f"{value:.6f}".rstrip("0").rstrip(".")
