"""What the picking screens show: the task at hand, the wave to plan, the exceptions."""

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import joinedload, selectinload

from fulfil.domain import gs1
from fulfil.domain.states import ShipmentStatus
from fulfil.errors import NotFound
from fulfil.extensions import db
from fulfil.models import (
    ExceptionKind,
    FulfilmentMode,
    Location,
    Order,
    OrderLine,
    PickException,
    PickList,
    PickListStatus,
    PickScan,
    PickSlot,
    PickTask,
    Product,
    Reservation,
    ScanKind,
    Shipment,
    Stock,
    TaskStatus,
    User,
)
from fulfil.models.picking import OPEN_LISTS
from fulfil.models.types import utcnow
from fulfil.queries import lines
from fulfil.queries.screens import PickScreen, TaskLine
from fulfil.services.picking import current_task


@dataclass(frozen=True)
class ListView:
    pick_list: PickList
    task: PickTask | None
    done: int  # tasks finished
    total: int

    @property
    def finished(self) -> bool:
        return self.pick_list.status == PickListStatus.DONE


def list_view(pick_list_id: int) -> ListView:
    pick_list = db.session.scalars(
        sa.select(PickList)
        .where(PickList.id == pick_list_id)
        .options(
            selectinload(PickList.tasks).options(
                joinedload(PickTask.location),
                joinedload(PickTask.product),
                joinedload(PickTask.slot).joinedload(PickSlot.tote),
            ),
            selectinload(PickList.slots).options(
                joinedload(PickSlot.tote),
                joinedload(PickSlot.shipment).joinedload(Shipment.order),
            ),
        )
    ).first()
    if pick_list is None:
        raise NotFound()
    tasks = pick_list.tasks
    done = sum(1 for t in tasks if t.status != TaskStatus.OPEN)
    return ListView(pick_list, current_task(pick_list), done, len(tasks))


def screen_of(view: ListView) -> PickScreen:
    """The screen of a list already loaded whole (the page)."""
    task = view.task
    return PickScreen(
        list_id=view.pick_list.id,
        picker_id=view.pick_list.picker_id,
        finished=view.finished,
        done=view.done,
        total=view.total,
        task=None
        if task is None
        else TaskLine(
            id=task.id,
            location=task.location.code,
            product_name=task.product.name,
            sku=task.product.sku,
            lot=task.lot,
            picked=task.picked,
            remaining=task.remaining,
            at_location=task.at_location,
            skipped=task.skipped,
            slot=task.slot.number,
            tote=task.slot.tote.code,
        ),
        totes=_totes(view.pick_list.id) if view.finished else [],
    )


_TOTE = sa.orm.aliased(Location)
_TASK_AT_HAND = (
    sa.select(
        PickTask.id,
        Location.code,
        Product.name,
        Product.sku,
        PickTask.lot,
        PickTask.picked,
        PickTask.qty - PickTask.picked - PickTask.short,
        PickTask.at_location,
        PickTask.skipped,
        PickSlot.number,
        _TOTE.code,
    )
    .join(Location, PickTask.location_id == Location.id)
    .join(Product, PickTask.product_id == Product.id)
    .join(PickSlot, PickTask.slot_id == PickSlot.id)
    .join(_TOTE, PickSlot.tote_id == _TOTE.id)
    .where(
        PickTask.pick_list_id == sa.bindparam("list_id"),
        PickTask.status == TaskStatus.OPEN,
    )
    .order_by(PickTask.sequence)
    .limit(1)
)
_PROGRESS = sa.select(
    PickList.picker_id,
    PickList.status,
    sa.select(sa.func.count(PickTask.id))
    .where(PickTask.pick_list_id == PickList.id)
    .scalar_subquery(),
    sa.select(sa.func.count(PickTask.id))
    .where(PickTask.pick_list_id == PickList.id, PickTask.status != TaskStatus.OPEN)
    .scalar_subquery(),
).where(PickList.id == sa.bindparam("list_id"))


def pick_screen(pick_list_id: int) -> PickScreen:
    """The picker's screen after a scan, in two small reads (not the whole list)."""
    found = db.session.execute(_PROGRESS, {"list_id": pick_list_id}).first()
    if found is None:
        raise NotFound()
    picker_id, status, total, done = found
    row = db.session.execute(_TASK_AT_HAND, {"list_id": pick_list_id}).first()
    finished = status == PickListStatus.DONE
    return PickScreen(
        list_id=pick_list_id,
        picker_id=picker_id,
        finished=finished,
        done=done,
        total=total,
        task=TaskLine(*row) if row is not None else None,
        totes=_totes(pick_list_id) if finished else [],
    )


def _totes(pick_list_id: int) -> list[tuple[str, str]]:
    return db.session.execute(
        sa.select(Location.code, Order.external_id)
        .select_from(PickSlot)
        .join(Location, PickSlot.tote_id == Location.id)
        .join(Shipment, PickSlot.shipment_id == Shipment.id)
        .join(Order, Shipment.order_id == Order.id)
        .where(PickSlot.pick_list_id == pick_list_id)
        .order_by(PickSlot.number)
    ).all()


def device_copy(view: ListView) -> dict:
    """Everything a handheld needs to check scans against the list without the
    network: every task in walking order with its bin, the product codes it accepts
    (each GTIN form, the SKU), lot and units left. Plain JSON values."""
    pick_list = view.pick_list
    codes = {}
    for task in pick_list.tasks:
        product = task.product
        if product.id not in codes:
            accepted = gs1.product_codes(product.barcode) if product.barcode else set()
            codes[product.id] = sorted(accepted | {product.sku})
    return {
        "list": pick_list.id,
        "picker": pick_list.picker_id,
        "status": pick_list.status.value,
        # every accepted action is one logged scan: the device counts along, so it
        # can tell its own copy from an older one (a page kept by the service worker)
        "rev": db.session.scalar(
            sa.select(sa.func.count(PickScan.id)).where(
                PickScan.pick_list_id == pick_list.id, PickScan.accepted.is_(True)
            )
        ),
        "tasks": [
            {
                "id": task.id,
                "status": task.status.value,
                "location": task.location.code,
                "sku": task.product.sku,
                "name": task.product.name,
                "codes": codes[task.product_id],
                "lot": task.lot,
                "remaining": task.remaining,
                "picked": task.picked,
                "at_location": task.at_location,
                "skipped": task.skipped,
                "slot": task.slot.number,
                "tote": task.slot.tote.code,
            }
            for task in sorted(pick_list.tasks, key=lambda t: t.sequence)
        ],
    }


def waiting_lists(warehouse_id: int) -> int:
    return db.session.scalar(
        sa.select(sa.func.count(PickList.id)).where(
            PickList.warehouse_id == warehouse_id,
            PickList.status == PickListStatus.RELEASED,
        )
    )


# -- planning -------------------------------------------------------------------------


@dataclass(frozen=True)
class WaveFilter:
    ship_by: datetime | None = None  # promised to ship by then (or earlier)
    method: str = ""
    zone: str = ""


def wave_candidates(warehouse_id: int, chosen: WaveFilter) -> list[Shipment]:
    """Allocated in-house shipments not yet on a list, the most urgent first."""
    query = (
        sa.select(Shipment)
        .join(Order, Shipment.order_id == Order.id)
        .where(
            Shipment.warehouse_id == warehouse_id,
            Shipment.mode == FulfilmentMode.IN_HOUSE,
            Shipment.status == ShipmentStatus.ALLOCATED,
        )
        .options(
            joinedload(Shipment.order),
            selectinload(Shipment.lines).joinedload(OrderLine.product),
        )
        .order_by(Order.promised_ship_by.is_(None), Order.promised_ship_by, Shipment.id)
    )
    if chosen.ship_by is not None:
        query = query.where(Order.promised_ship_by <= chosen.ship_by)
    if chosen.method:
        query = query.where(Order.shipping_method == chosen.method)
    if chosen.zone:
        in_zone = (
            sa.select(OrderLine.shipment_id)
            .join(Reservation, Reservation.order_line_id == OrderLine.id)
            .join(Stock, Reservation.stock_id == Stock.id)
            .join(Location, Stock.location_id == Location.id)
            .where(Location.zone == chosen.zone, Reservation.qty > 0)
        )
        query = query.where(Shipment.id.in_(in_zone))
    return list(db.session.scalars(query).unique())


def zones(warehouse_id: int) -> list[str]:
    return list(
        db.session.scalars(
            sa.select(Location.zone)
            .where(Location.warehouse_id == warehouse_id, Location.zone != "")
            .distinct()
            .order_by(Location.zone)
        )
    )


@dataclass(frozen=True)
class ListRow:
    pick_list: PickList
    done: int
    total: int
    orders: list[str]


def open_lists(warehouse_id: int) -> list[ListRow]:
    """Lists waiting, being picked or paused, and those finished in the last 12 h."""
    since = utcnow() - timedelta(hours=12)
    lists = db.session.scalars(
        sa.select(PickList)
        .where(
            PickList.warehouse_id == warehouse_id,
            sa.or_(
                PickList.status.in_(OPEN_LISTS),
                PickList.finished_at >= since,
            ),
        )
        .options(
            selectinload(PickList.tasks),
            selectinload(PickList.slots)
            .joinedload(PickSlot.shipment)
            .joinedload(Shipment.order),
            joinedload(PickList.picker),
        )
        .order_by(PickList.status, PickList.urgent.desc(), PickList.due, PickList.id)
    ).all()
    return [
        ListRow(
            pick_list,
            sum(1 for t in pick_list.tasks if t.status != TaskStatus.OPEN),
            len(pick_list.tasks),
            [slot.shipment.order.external_id for slot in pick_list.slots],
        )
        for pick_list in lists
    ]


# -- exceptions -----------------------------------------------------------------------


def open_exceptions(warehouse_id: int) -> list[PickException]:
    return list(
        db.session.scalars(
            sa.select(PickException)
            .where(
                PickException.warehouse_id == warehouse_id,
                PickException.resolved_at.is_(None),
            )
            .options(
                joinedload(PickException.location),
                joinedload(PickException.product),
                joinedload(PickException.order_line).joinedload(OrderLine.order),
                joinedload(PickException.reported_by),
            )
            .order_by(PickException.created_at.desc())
        )
    )


def exception(exception_id: int) -> PickException:
    found = db.session.get(PickException, exception_id)
    if found is None or found.location_id is None or found.product_id is None:
        raise NotFound()
    return found


def order_warehouse(order_id: int) -> int | None:
    return db.session.scalar(sa.select(Order.warehouse_id).where(Order.id == order_id))


@dataclass(frozen=True)
class ShortDecision:
    """What an order's short units come to: its rule ("backorder" or
    "ship_partial_cancel_rest") and, per short line, what became of them."""

    policy: str
    outcomes: dict  # order line id -> queries.lines.ShortOutcome


def short_decisions(exceptions: list[PickException]) -> dict[int, ShortDecision]:
    """{order id: ShortDecision} for the orders these short exceptions name (the
    order's own rule, else the shop's)."""
    default = current_app.config["SHORT_PICK_POLICY"]
    found = {}
    for e in exceptions:
        if e.order_line is None or e.kind not in (
            ExceptionKind.SHORT,
            ExceptionKind.MISSING_AT_PACKING,
        ):
            continue
        order = e.order_line.order
        if order.id not in found:
            found[order.id] = ShortDecision(
                order.short_policy or default, lines.short_outcomes(order)
            )
    return found


def exception_warehouse(exception_id: int) -> int | None:
    return db.session.scalar(
        sa.select(PickException.warehouse_id).where(PickException.id == exception_id)
    )


def paused_too_long(warehouse_id: int) -> list[PickList]:
    limit = utcnow() - timedelta(minutes=current_app.config["PAUSE_ALERT_MINUTES"])
    return list(
        db.session.scalars(
            sa.select(PickList)
            .where(
                PickList.warehouse_id == warehouse_id,
                PickList.status == PickListStatus.PAUSED,
                PickList.paused_at <= limit,
            )
            .options(joinedload(PickList.picker))
            .order_by(PickList.paused_at)
        )
    )


# -- performance ----------------------------------------------------------------------


@dataclass(frozen=True)
class PickerFigures:
    username: str
    lines: int
    units: int
    wrong_scans: int
    hours: float

    @property
    def lines_per_hour(self) -> float:
        return self.lines / self.hours if self.hours else 0.0

    @property
    def units_per_hour(self) -> float:
        return self.units / self.hours if self.hours else 0.0


def picker_figures(since: datetime, user_id: int | None = None) -> list[PickerFigures]:
    """Per picker since `since`: order lines picked from, units picked (net of
    undos), wrong scans caught, over the time from their first to their last scan."""
    units = sa.func.sum(
        sa.case(
            (
                sa.and_(PickScan.kind == ScanKind.PRODUCT, PickScan.accepted),
                PickScan.qty,
            ),
            (PickScan.kind == ScanKind.UNDO, -PickScan.qty),
            else_=0,
        )
    )
    wrong = sa.func.sum(sa.case((PickScan.accepted.is_(False), 1), else_=0))
    picked_task = sa.case(
        (
            sa.and_(PickScan.kind == ScanKind.PRODUCT, PickScan.accepted),
            PickScan.task_id,
        )
    )
    lines = sa.func.count(sa.distinct(picked_task))
    query = (
        sa.select(
            User.id,
            User.username,
            lines,
            units,
            wrong,
            sa.func.min(PickScan.at),
            sa.func.max(PickScan.at),
        )
        .join(User, PickScan.user_id == User.id)
        .where(PickScan.at >= since)
        .group_by(User.id, User.username)
        .order_by(User.username)
    )
    if user_id is not None:
        query = query.where(User.id == user_id)
    figures = []
    for _, username, lines_, picked, wrong_scans, first, last in db.session.execute(
        query
    ):
        # at least a quarter of an hour, so a first few scans do not read as 1000/h
        hours = max((last - first).total_seconds() / 3600, 0.25)
        figures.append(
            PickerFigures(
                username, lines_, int(picked or 0), int(wrong_scans or 0), hours
            )
        )
    return figures
