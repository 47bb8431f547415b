"""Slotting suggestions: which fast movers to bring nearer the packing area.

Demand is the pick history: each order line picked from a bin in the window counts
once, however many scans it took. A product's bin is where it is stocked on a pick face
now (if several: where its free units are, then where it was picked from most), so a
move already made is not suggested again. A pick face is free when it holds no units
at all; bins holding products that live elsewhere too are left alone, and so are
reserve bins.
"""

import csv
import io
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa

from fulfil.errors import NotFound
from fulfil.extensions import db
from fulfil.models import Location, LocationKind, Product, Stock, StockMove, Warehouse
from fulfil.models.types import utcnow
from fulfil.routing import Stop, suggest_moves
from fulfil.services.waves import packing_area, warehouse_layout

DEFAULT_DAYS = 30
DEFAULT_LIMIT = 20
MAX_DAYS = 366
MAX_LIMIT = 200


@dataclass(frozen=True)
class Item:
    """A product in one bin, as it is now."""

    product_id: int
    sku: str
    name: str
    units: int  # on hand in the bin
    reserved: int  # of those, held for orders

    @property
    def available(self) -> int:
        return self.units - self.reserved


@dataclass(frozen=True)
class Suggestion:
    rank: int  # the order to make the moves in
    item: Item  # the fast mover, in its bin
    source_id: int
    source: str  # the bin it leaves
    target_id: int
    target: str  # the nearer bin
    swap: tuple[Item, ...]  # what goes the other way (empty: the target is free)
    picks: int  # order lines picked in the window
    walking_saved_m: float  # over the window, as if each pick were its own trip
    after: int | None  # the rank of the move that empties the target first

    @property
    def blocked_by(self) -> Item | None:
        """What keeps the move from being made now: a swap waits for every reserved
        unit in both bins to be picked; a move to a free bin only for some free unit."""
        if self.swap:
            return next((i for i in (self.item, *self.swap) if i.reserved), None)
        return None if self.item.available else self.item

    @property
    def moving(self) -> int:
        """Units of the fast mover carried to the target."""
        return self.item.units if self.swap else self.item.available

    @property
    def staying(self) -> int:
        """Units that stay in the old bin, reserved for orders, and are picked there."""
        return 0 if self.swap else self.item.reserved


@dataclass(frozen=True)
class SlottingPlan:
    warehouse_code: str
    days: int
    since: datetime
    picks: int  # order lines picked from pick faces in the window
    suggestions: list[Suggestion]

    @property
    def walking_saved_m(self) -> float:
        return round(sum(s.walking_saved_m for s in self.suggestions), 1)

    @property
    def ready(self) -> list[Suggestion]:
        """The moves the floor can make now, in order."""
        return [s for s in self.suggestions if not (s.blocked_by or s.after)]

    @property
    def waiting(self) -> list[Suggestion]:
        """The moves that wait for reserved units to be picked, or for another move."""
        return [s for s in self.suggestions if s.blocked_by or s.after]


def slotting_plan(
    warehouse_id: int,
    *,
    days: int = DEFAULT_DAYS,
    limit: int = DEFAULT_LIMIT,
    now: datetime | None = None,
) -> SlottingPlan:
    """Up to `limit` moves of fast movers to nearer pick faces, most walking saved
    first, from the last `days` of picks. Writes nothing."""
    session = db.session
    since = (now or utcnow()) - timedelta(days=days)
    warehouse = session.get(Warehouse, warehouse_id) if warehouse_id else None
    if warehouse is None:
        raise NotFound()
    code = warehouse.code
    depot = packing_area(session, warehouse_id)
    layout = warehouse_layout(session, warehouse_id, depot)
    faces = {
        row.id: row
        for row in session.execute(
            sa.select(
                Location.id, Location.code, Location.x, Location.y, Location.aisle
            )
            .where(
                Location.warehouse_id == warehouse_id,
                Location.kind == LocationKind.PICK_FACE,
                Location.active.is_(True),
            )
            .order_by(Location.code)
        )
    }
    picks_at = _picks_by_bin(warehouse_id, since)
    stocked = _stock_on_pick_faces(warehouse_id)
    demand: dict[int, int] = defaultdict(int)
    for (product_id, _), n in picks_at.items():
        demand[product_id] += n
    total = sum(demand.values())
    if layout is None or not faces:
        return SlottingPlan(code, days, since, total, [])

    bins_of: dict[int, list[int]] = defaultdict(list)
    for bin_id, items in stocked.items():
        for product_id in items:
            bins_of[product_id].append(bin_id)
    # a product moved while units stayed reserved behind lives where its free units are
    home = {
        product_id: min(
            bins,
            key=lambda b, p=product_id: (
                not stocked[b][p].available,
                -picks_at.get((p, b), 0),
                -stocked[b][p].units,
                faces[b].code,
            ),
        )
        for product_id, bins in bins_of.items()
    }
    free = [b for b in faces if b not in stocked]
    # a bin whose every product lives there alone can swap; mixed bins stay as they are
    whole = [b for b, items in stocked.items() if all(home[p] == b for p in items)]
    locations = {b: Stop(faces[b].x, faces[b].y, faces[b].aisle) for b in free + whole}
    picks = [
        (product_id, home[product_id])
        for product_id, n in demand.items()
        if product_id in home and home[product_id] in locations
        for _ in range(n)
    ]
    resident = {
        product_id: where
        for product_id, where in home.items()
        if not demand.get(product_id) and where in locations
    }
    moves = suggest_moves(
        picks,
        locations,
        (depot.x, depot.y),
        free=free,
        resident=resident,
        layout=layout,
        limit=limit,
    )
    suggestions: list[Suggestion] = []
    vacated: dict[int, int] = {}  # bin -> rank of the move that leaves it empty
    for rank, move in enumerate(moves, start=1):
        suggestions.append(
            Suggestion(
                rank=rank,
                item=stocked[move.source][move.sku],
                source_id=move.source,
                source=faces[move.source].code,
                target_id=move.target,
                target=faces[move.target].code,
                swap=tuple(stocked[move.target][p] for p in move.swap_with),
                picks=move.picks,
                walking_saved_m=round(move.walking_saved_m, 1),
                after=vacated.get(move.target),
            )
        )
        if not move.swap_with:
            vacated[move.source] = rank
    return SlottingPlan(code, days, since, total, suggestions)


def slotting_csv(plan: SlottingPlan) -> str:
    """The suggestions as a CSV file, one move per row, for a work list or a sheet."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            "rank",
            "sku",
            "name",
            "from_bin",
            "to_bin",
            "swap_with",
            "units",
            "picks",
            "walking_saved_m",
            "reserved",
            "staying",
            "after_rank",
        ]
    )
    for s in plan.suggestions:
        writer.writerow(
            [
                s.rank,
                s.item.sku,
                s.item.name,
                s.source,
                s.target,
                " ".join(i.sku for i in s.swap),
                s.moving,
                s.picks,
                f"{s.walking_saved_m:.1f}",
                s.item.reserved + sum(i.reserved for i in s.swap),
                s.staying,
                s.after or "",
            ]
        )
    return out.getvalue()


def _picks_by_bin(warehouse_id: int, since: datetime) -> dict[tuple[int, int], int]:
    """(product, bin) -> order lines picked there since `since`."""
    bin_ = sa.orm.aliased(Location)
    visits = (
        sa.select(StockMove.product_id, StockMove.from_location_id, StockMove.reference)
        .join(bin_, bin_.id == StockMove.from_location_id)
        .where(
            StockMove.reason == "pick",
            StockMove.at >= since,
            bin_.warehouse_id == warehouse_id,
        )
        .distinct()
        .subquery()
    )
    rows = db.session.execute(
        sa.select(
            visits.c.product_id, visits.c.from_location_id, sa.func.count()
        ).group_by(visits.c.product_id, visits.c.from_location_id)
    )
    return {(product_id, bin_id): n for product_id, bin_id, n in rows}


def _stock_on_pick_faces(warehouse_id: int) -> dict[int, dict[int, Item]]:
    """bin -> product -> what is on hand there now (all lots together)."""
    rows = db.session.execute(
        sa.select(
            Stock.location_id,
            Product.id,
            Product.sku,
            Product.name,
            sa.func.sum(Stock.on_hand),
            sa.func.sum(Stock.reserved),
        )
        .join(Stock.location)
        .join(Stock.product)
        .where(
            Location.warehouse_id == warehouse_id,
            Location.kind == LocationKind.PICK_FACE,
            Location.active.is_(True),
            Stock.on_hand > 0,
        )
        .group_by(Stock.location_id, Product.id, Product.sku, Product.name)
    )
    stocked: dict[int, dict[int, Item]] = defaultdict(dict)
    for bin_id, product_id, sku, name, units, reserved in rows:
        stocked[bin_id][product_id] = Item(
            product_id, sku, name, int(units), int(reserved)
        )
    return stocked
