"""The floor's most frequent write, done in a dozen statements: a right scan.

A picker scans a bin label or a product many times an hour; nearly every scan is the
right one and leaves the list unfinished. `accept` takes exactly those through
the same rules as `services.picking.scan`, reading the few rows a scan depends on and
writing its rows directly (no objects loaded, none expired after the commit), and
returns the picker's screen after it. It returns None for anything else: a replayed
id, a refusal, the scan that finishes the list, a list that changed hands.
`picking.scan` then takes the full path, which decides and records those cases
exactly as it always has.
"""

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased

from fulfil.direct import Direct
from fulfil.domain import gs1
from fulfil.models import (
    Location,
    Order,
    OrderLine,
    PickList,
    PickListStatus,
    PickScan,
    PickSlot,
    PickTask,
    Product,
    Reservation,
    ScanKind,
    TaskStatus,
    Tracking,
)
from fulfil.models.types import utcnow
from fulfil.queries.screens import PickScreen, TaskLine
from fulfil.services import events, inventory, unit_of_work

_TOTE = aliased(Location)
# How far the list is, counted in one pass over its tasks.
_PROGRESS = (
    sa.select(
        sa.func.count(PickTask.id).label("total"),
        sa.func.count(PickTask.id)
        .filter(PickTask.status != TaskStatus.OPEN)
        .label("done"),
    )
    .where(PickTask.pick_list_id == sa.bindparam("list_id"))
    .subquery()
)
# The list locked, whether this scan id was seen before, and how far the list is.
_LIST = Direct(
    sa.select(
        PickList.picker_id,
        PickList.status,
        sa.select(PickScan.id)
        .where(PickScan.scan_id == sa.bindparam("scan_id"))
        .scalar_subquery()
        .label("seen"),
        _PROGRESS.c.total,
        _PROGRESS.c.done,
    )
    .join_from(PickList, _PROGRESS, sa.true())
    .where(PickList.id == sa.bindparam("list_id"))
    .with_for_update(of=PickList)
)
# The task at hand and the one after it (a done task's successor in the same bin
# needs no bin scan; no successor means this scan may finish the list): those two
# first, then what they join to, so the joins touch two rows, not every open task
# of a long batch.
_NEXT_TWO = aliased(
    PickTask,
    sa.select(PickTask)
    .where(
        PickTask.pick_list_id == sa.bindparam("list_id"),
        PickTask.status == TaskStatus.OPEN,
    )
    .order_by(PickTask.sequence)
    .limit(2)
    .subquery(),
)
_TASKS = Direct(
    sa.select(
        _NEXT_TWO.id,
        (_NEXT_TWO.qty - _NEXT_TWO.picked - _NEXT_TWO.short).label("remaining"),
        _NEXT_TWO.at_location,
        _NEXT_TWO.location_id,
        _NEXT_TWO.product_id,
        _NEXT_TWO.lot,
        _NEXT_TWO.reservation_id,
        _NEXT_TWO.picked,
        _NEXT_TWO.skipped,
        Location.code.label("bin"),
        Product.sku,
        Product.name,
        Product.barcode,
        Product.tracking,
        PickSlot.number.label("slot"),
        Reservation.stock_id,
        PickSlot.tote_id,
        _TOTE.code.label("tote"),
        Order.id.label("order_id"),
        Order.external_id,
    )
    .join(Location, _NEXT_TWO.location_id == Location.id)
    .join(Product, _NEXT_TWO.product_id == Product.id)
    .join(Reservation, _NEXT_TWO.reservation_id == Reservation.id)
    .join(PickSlot, _NEXT_TWO.slot_id == PickSlot.id)
    .join(_TOTE, PickSlot.tote_id == _TOTE.id)
    .join(OrderLine, _NEXT_TWO.order_line_id == OrderLine.id)
    .join(Order, OrderLine.order_id == Order.id)
    .order_by(_NEXT_TWO.sequence)
)
# Statements built and compiled once (fulfil.direct): building one and keying it for
# SQLAlchemy's compiled cache costs about as much as running it.
_AT_BIN = Direct(
    sa.update(PickTask)
    .where(PickTask.id == sa.bindparam("task_id"))
    .values(at_location=True)
)
_PICKED = Direct(
    sa.update(PickTask)
    .where(PickTask.id == sa.bindparam("task_id"))
    .values(
        picked=PickTask.picked + sa.bindparam("units", type_=sa.Integer),
        status=sa.bindparam("new_status", type_=PickTask.status.type),
    )
)
_SCAN_ROW = Direct(sa.insert(PickScan.__table__))


def accept(
    pick_list_id: int,
    *,
    picker_id: int,
    scan_id: str,
    code: str,
    qty: int | None,
    for_task: int | None,
) -> PickScreen | None:
    """Record a right scan that leaves the list open and return the screen after it,
    or change nothing and leave the scan to the full path (None). Safe to call with
    any scan."""
    if not 8 <= len(scan_id) <= 64:
        return None
    try:
        with unit_of_work() as session:
            db = session.connection()
            held = _LIST.first(db, {"list_id": pick_list_id, "scan_id": scan_id})
            if held is None or held.seen is not None:
                return None  # a replay: the full path answers as the first time
            if (held.picker_id, held.status) != (picker_id, PickListStatus.PICKING):
                return None
            tasks = _TASKS.all(db, {"list_id": pick_list_id})
            if not tasks or (for_task is not None and tasks[0].id != for_task):
                return None
            task, following = tasks[0], tasks[1] if len(tasks) > 1 else None
            if code.upper() == task.bin.upper():
                _log(db, scan_id, pick_list_id, task.id, picker_id, code)
                if not task.at_location:
                    _AT_BIN.run(db, {"task_id": task.id})
                return _screen(pick_list_id, picker_id, held, _line(task, at=True))
            units = _units(task, code, qty)
            if units is None or (units == task.remaining and following is None):
                return None
            _log(db, scan_id, pick_list_id, task.id, picker_id, code, units)
            _pick(session, task, following, units, scan_id, picker_id, pick_list_id)
            return _screen_after_pick(pick_list_id, picker_id, held, units, tasks)
    except IntegrityError:
        return None  # a twin of this scan committed first: the full path replays it


def _log(db, scan_id, pick_list_id, task_id, picker_id, code, units=0) -> None:
    """The scan's row: first, so that a twin of it fails before anything else."""
    _SCAN_ROW.run(
        db,
        {
            "scan_id": scan_id,
            "pick_list_id": pick_list_id,
            "task_id": task_id,
            "user_id": picker_id,
            "kind": ScanKind.PRODUCT if units else ScanKind.LOCATION,
            "code": code[:200],
            "qty": units,
            "accepted": True,
            "message": "",
            "undone": False,
            "at": utcnow(),
        },
    )


def _line(task, *, at: bool, picked: int = 0) -> TaskLine:
    return TaskLine(
        id=task.id,
        location=task.bin,
        product_name=task.name,
        sku=task.sku,
        lot=task.lot,
        picked=task.picked + picked,
        remaining=task.remaining - picked,
        at_location=at,
        skipped=task.skipped,
        slot=task.slot,
        tote=task.tote,
    )


def _screen(list_id, picker_id, held, line: TaskLine, done_now: int = 0) -> PickScreen:
    return PickScreen(
        list_id=list_id,
        picker_id=picker_id,
        finished=False,
        done=held.done + done_now,
        total=held.total,
        task=line,
        totes=[],
    )


def _screen_after_pick(list_id, picker_id, held, units, tasks) -> PickScreen:
    task = tasks[0]
    if units < task.remaining:  # more of the same here
        return _screen(list_id, picker_id, held, _line(task, at=True, picked=units))
    following = tasks[1]  # this one is done: the next one, at its bin if the same
    line = _line(
        following,
        at=following.at_location or following.location_id == task.location_id,
    )
    return _screen(list_id, picker_id, held, line, done_now=1)


def _units(task, code: str, qty: int | None) -> int | None:
    """How many units a product scan takes, or None if it is not a right one."""
    if not task.at_location:
        return None  # the bin label first
    if not gs1.same_product(code, task.barcode or "") and code != task.sku:
        return None
    parsed = gs1.parse(code)
    if parsed and parsed.lot and task.lot and parsed.lot != task.lot:
        return None
    if task.tracking != Tracking.NONE and not task.lot:
        return None
    units = qty or (parsed.quantity if parsed and parsed.quantity else 1)
    return units if units <= task.remaining else None


def _pick(session, task, following, units, scan_id, picker_id, pick_list_id) -> None:
    db = session.connection()
    done = units == task.remaining
    _PICKED.run(
        db,
        {
            "task_id": task.id,
            "units": units,
            "new_status": TaskStatus.DONE if done else TaskStatus.OPEN,
        },
    )
    if done and following.location_id == task.location_id:
        _AT_BIN.run(db, {"task_id": following.id})
    events.record_all(
        session,
        [
            events.Entry(
                "pick.confirmed",
                Order.__tablename__,
                task.order_id,
                {
                    "sku": task.sku,
                    "qty": units,
                    "location": task.bin,
                    "tote": task.tote,
                    "pick_list": pick_list_id,
                },
            )
        ],
        actor_id=picker_id,
    )
    inventory.take_reserved_rows(
        db,
        reservation_id=task.reservation_id,
        stock_id=task.stock_id,
        product_id=task.product_id,
        qty=units,
        source_id=task.location_id,
        destination_id=task.tote_id,
        lot=task.lot,
        key=f"pick:{scan_id}",
        reason="pick",
        actor_id=picker_id,
        reference=task.external_id,
    )
