"""The picker's actions on a pick list: claim, scan, short pick, skip, undo, pause.

Every action carries an id made on the device. The same id again returns what the
first one did and changes nothing, so a scan sent twice (a retry, an offline queue
replayed) counts once. A scan that does not fit the current task is refused: nothing
changes but a note of the refusal (a wrong scan caught).
"""

from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload

from fulfil.domain import gs1
from fulfil.domain.states import ShipmentStatus
from fulfil.errors import (
    BinFirst,
    FulfilError,
    InvalidInput,
    ListChanged,
    ListClosed,
    ListComplete,
    NotFound,
    NothingToUndo,
    NotYourList,
    ScanRefused,
    TooMany,
    WrongBin,
    WrongLot,
    WrongProduct,
)
from fulfil.extensions import db
from fulfil.limits import max_qty
from fulfil.models import (
    ExceptionKind,
    LocationKind,
    Order,
    OrderLine,
    PickException,
    PickList,
    PickListStatus,
    PickScan,
    PickSlot,
    PickTask,
    Reservation,
    ScanKind,
    Shipment,
    TaskStatus,
    User,
)
from fulfil.models.types import utcnow
from fulfil.queries.screens import PickScreen
from fulfil.services import (
    allocation,
    events,
    inventory,
    quick_scan,
    shorts,
    unit_of_work,
)
from fulfil.services.waves import packing_area, sequence_tasks

S = ShipmentStatus


@dataclass(frozen=True)
class Outcome:
    """What a scan did: accepted or refused (with why), and the list afterwards."""

    accepted: bool
    message: str
    pick_list_id: int
    replayed: bool = False
    screen: PickScreen | None = None  # the picker's screen after it, when known


# -- claiming --------------------------------------------------------------------------
def my_open_list(picker_id: int) -> PickList | None:
    return db.session.scalars(
        sa.select(PickList)
        .where(
            PickList.picker_id == picker_id,
            PickList.status.in_((PickListStatus.PICKING, PickListStatus.PAUSED)),
        )
        .order_by(PickList.claimed_at)
        .limit(1)
    ).first()


def claim_next(*, picker_id: int, warehouse_id: int) -> PickList | None:
    """The picker's own unfinished list, else the most urgent released one (or None).

    On PostgreSQL the candidate row is taken with SKIP LOCKED, so pickers pressing
    "Start picking" together each get a different list without waiting on each
    other; on SQLite the write transaction is exclusive, which is just as safe.
    """
    with unit_of_work() as session:
        # one claim per picker at a time: a double tap must not take two lists
        session.execute(
            sa.select(User.id).where(User.id == picker_id).with_for_update()
        )
        mine = my_open_list(picker_id)
        if mine is not None:
            _resume(session, mine, picker_id)
            return mine
        pick_list = session.scalars(
            sa.select(PickList)
            .where(
                PickList.warehouse_id == warehouse_id,
                PickList.status == PickListStatus.RELEASED,
            )
            .order_by(
                PickList.urgent.desc(),
                PickList.due.is_(None),
                PickList.due,
                PickList.id,
            )
            .limit(1)
            .with_for_update(skip_locked=True)
        ).first()
        if pick_list is None:
            return None
        pick_list.picker_id = picker_id
        pick_list.status = PickListStatus.PICKING
        pick_list.claimed_at = utcnow()
        events.record(session, "picklist.claimed", pick_list, actor_id=picker_id)
        return pick_list


def pause(pick_list_id: int, *, picker_id: int) -> PickList:
    with unit_of_work() as session:
        pick_list = _my_list(session, pick_list_id, picker_id)
        pick_list.status = PickListStatus.PAUSED
        pick_list.paused_at = utcnow()
        events.record(session, "picklist.paused", pick_list, actor_id=picker_id)
        return pick_list


def current_task(pick_list: PickList) -> PickTask | None:
    """The next open task: walking order, skipped tasks after the others."""
    open_tasks = [t for t in pick_list.tasks if t.status == TaskStatus.OPEN]
    return min(open_tasks, key=lambda t: t.sequence, default=None)


# -- scanning --------------------------------------------------------------------------
def scan(
    pick_list_id: int,
    *,
    picker_id: int,
    scan_id: str,
    code: str,
    qty: int | None = None,
    offline: bool = False,
    for_task: int | None = None,
) -> Outcome:
    """A bin label or product barcode scanned for the current task.

    The bin first; then each product scan counts one unit, or `qty` units when the
    picker keyed a quantity (or the GS1 code carries a count). A scan the device
    confirmed `offline` names the task it was checked against (`for_task`): if the
    list has moved on meanwhile it is refused, and its refusal goes to the manager.
    """
    code = (code or "").strip()
    if not code:
        raise InvalidInput(field=_l("scan"), problem=_l("is empty"))
    if qty is not None and not 0 < qty <= max_qty():
        raise InvalidInput(
            field=_l("quantity"), problem=_l("must be a whole number above 0")
        )
    # nearly every scan is a right one that leaves the list open: written as rows
    scan_id = (scan_id or "").strip()
    screen = quick_scan.accept(
        pick_list_id,
        picker_id=picker_id,
        scan_id=scan_id,
        code=code,
        qty=qty,
        for_task=for_task,
    )
    if screen is not None:
        return Outcome(True, "", pick_list_id, screen=screen)

    def act(session: Session, pick_list: PickList, task: PickTask) -> PickScan:
        if for_task is not None and task.id != for_task:
            meant = session.get(PickTask, for_task)
            raise ListChanged(bin=meant.location.code if meant else "?")
        if not task.at_location:
            if _is_location(code, task):
                task.at_location = True
                return _log(
                    session, pick_list, task, ScanKind.LOCATION, code, scan_id=scan_id
                )
            if gs1.same_product(code, task.product.barcode or task.product.sku):
                raise BinFirst(expected=task.location.code)
            raise WrongBin(scanned=code, expected=task.location.code)
        if _is_location(code, task):  # the same bin again: nothing to do
            return _log(
                session, pick_list, task, ScanKind.LOCATION, code, scan_id=scan_id
            )
        return _pick(session, pick_list, task, code, qty, scan_id)

    return _apply(pick_list_id, picker_id, scan_id, code, act, offline=offline)


def short_pick(
    pick_list_id: int,
    *,
    picker_id: int,
    scan_id: str,
    found: int,
    damaged: bool = False,
) -> Outcome:
    """The bin holds fewer good units than the task asks: `found` are taken (they
    must be scanned like any other), the rest is written off and re-allocated."""

    def act(session: Session, pick_list: PickList, task: PickTask) -> PickScan:
        if not 0 <= found < task.remaining:
            raise InvalidInput(
                field=_l("found"),
                problem=_l("must be between 0 and %(most)s")
                % {"most": task.remaining - 1},
            )
        missing = task.remaining - found
        _write_off(session, pick_list, task, missing, damaged, picker_id, scan_id)
        task.short += missing
        entry = _log(
            session, pick_list, task, ScanKind.SHORT, "", missing, scan_id=scan_id
        )
        _reallocate(session, pick_list, task, missing, picker_id)
        if task.remaining == 0:
            _complete(session, pick_list, task)
        _finish_if_done(session, pick_list, picker_id)
        return entry

    return _apply(pick_list_id, picker_id, scan_id, "", act)


def skip(pick_list_id: int, *, picker_id: int, scan_id: str) -> Outcome:
    """Leave the current task for later: it moves behind every other open task."""

    def act(session: Session, pick_list: PickList, task: PickTask) -> PickScan:
        task.skipped = True
        task.at_location = False
        sequence_tasks(pick_list, packing_area(session, pick_list.warehouse_id))
        return _log(session, pick_list, task, ScanKind.SKIP, "", scan_id=scan_id)

    return _apply(pick_list_id, picker_id, scan_id, "", act)


def undo(pick_list_id: int, *, picker_id: int, scan_id: str) -> Outcome:
    """Take back the last pick not yet undone: its units go back to their bin. The
    pick stays in the log, with a reversing entry after it."""

    def act(session: Session, pick_list: PickList, _task) -> PickScan:
        last = session.scalars(
            sa.select(PickScan)
            .join(PickTask, PickScan.task_id == PickTask.id)
            .where(
                PickScan.pick_list_id == pick_list.id,
                PickScan.kind == ScanKind.PRODUCT,
                PickScan.accepted.is_(True),
                PickScan.undone.is_(False),
                # a cancelled order's units stay in the tote for the manager
                PickTask.status != TaskStatus.CANCELLED,
            )
            .order_by(PickScan.id.desc())
            .limit(1)
        ).first()
        if last is None:
            raise NothingToUndo()
        task = last.task
        reservation = session.get(Reservation, task.reservation_id)
        inventory.put_back_reserved(
            session,
            reservation,
            last.qty,
            task.slot.tote,
            key=f"undo:{scan_id}",
            actor_id=picker_id,
            reference=task.order_line.order.external_id,
        )
        task.picked -= last.qty
        task.status = TaskStatus.OPEN
        task.at_location = False
        last.undone = True
        entry = _log(
            session, pick_list, task, ScanKind.UNDO, "", last.qty, scan_id=scan_id
        )
        entry.reverses_id = last.id
        return entry

    return _apply(pick_list_id, picker_id, scan_id, "", act, needs_task=False)


def drop_shipment(session: Session, shipment_id: int, actor_id: int | None) -> None:
    """A shipment was cancelled while on a pick list: its open tasks go; a list left
    with nothing to pick is closed (units already picked still go to packing)."""
    tasks = session.scalars(
        sa.select(PickTask)
        .join(PickSlot, PickTask.slot_id == PickSlot.id)
        .where(PickSlot.shipment_id == shipment_id, PickTask.status == TaskStatus.OPEN)
    ).all()
    for task in tasks:
        task.status = TaskStatus.CANCELLED
    for pick_list in {task.pick_list for task in tasks}:
        if pick_list.status == PickListStatus.RELEASED and not any(
            t.status == TaskStatus.OPEN for t in pick_list.tasks
        ):
            pick_list.status = PickListStatus.CANCELLED
        elif pick_list.status in (PickListStatus.PICKING, PickListStatus.PAUSED):
            _finish_if_done(session, pick_list, actor_id)


# -- the frame every action runs in ----------------------------------------------------
def _apply(
    pick_list_id: int,
    picker_id: int,
    scan_id: str,
    code: str,
    act,
    needs_task=True,
    offline=False,
) -> Outcome:
    scan_id = (scan_id or "").strip()
    if not 8 <= len(scan_id) <= 64:
        raise InvalidInput(
            field=_l("scan id"), problem=_l("must be 8 to 64 characters")
        )
    try:
        with unit_of_work() as session:
            earlier = session.scalars(
                sa.select(PickScan).where(PickScan.scan_id == scan_id)
            ).first()
            if earlier is not None:
                return _replayed(earlier, pick_list_id, picker_id)
            pick_list = _my_list(session, pick_list_id, picker_id)
            task = _task_at_hand(session, pick_list.id)
            if task is None and needs_task:
                raise ListComplete()
            act(session, pick_list, task)
            return Outcome(True, "", pick_list.id)
    except ScanRefused as refusal:
        _log_refusal(pick_list_id, picker_id, scan_id, code, refusal, offline)
        return Outcome(False, str(refusal), pick_list_id)
    except (NotYourList, ListClosed) as refusal:
        # the picker was offline while a manager took the list: the manager must know
        if offline:
            _log_refusal(pick_list_id, picker_id, scan_id, code, refusal, offline)
        raise
    except IntegrityError:
        # the same scan id arrived twice at once and the twin committed first
        with unit_of_work() as session:
            twin = session.scalars(
                sa.select(PickScan).where(PickScan.scan_id == scan_id)
            ).first()
            if twin is None:
                raise
            return _replayed(twin, pick_list_id, picker_id)


def _replayed(earlier: PickScan, pick_list_id: int, picker_id: int) -> Outcome:
    if earlier.pick_list_id != pick_list_id or earlier.user_id != picker_id:
        raise InvalidInput(field=_l("scan id"), problem=_l("was used for another scan"))
    return Outcome(earlier.accepted, earlier.message, pick_list_id, replayed=True)


def _log_refusal(
    pick_list_id, picker_id, scan_id, code, refusal: FulfilError, offline: bool
) -> None:
    """Keep the refusal (and nothing else): it counts as a wrong scan caught. A scan
    the device had already confirmed offline also goes to the exceptions queue: the
    picker believed it counted."""
    with unit_of_work() as session:
        if session.scalar(sa.select(PickScan.id).where(PickScan.scan_id == scan_id)):
            return  # a twin of this scan got here first
        pick_list = session.get(PickList, pick_list_id)
        task = current_task(pick_list)
        if offline:
            session.add(
                PickException(
                    warehouse_id=pick_list.warehouse_id,
                    kind=ExceptionKind.REFUSED_SCAN,
                    pick_list_id=pick_list.id,
                    task_id=task.id if task else None,
                    location_id=task.location_id if task else None,
                    product_id=task.product_id if task else None,
                    order_line_id=task.order_line_id if task else None,
                    note=f"{code[:100]}: {refusal}"[:300],
                    reported_by_id=picker_id,
                )
            )
        session.add(
            PickScan(
                scan_id=scan_id,
                pick_list_id=pick_list_id,
                task_id=task.id if task else None,
                user_id=picker_id,
                kind=ScanKind.PRODUCT
                if task and task.at_location
                else ScanKind.LOCATION,
                code=code[:200],
                accepted=False,
                message=str(refusal)[:300],
            )
        )


def _my_list(session: Session, pick_list_id: int, picker_id: int) -> PickList:
    pick_list = session.scalars(
        sa.select(PickList).where(PickList.id == pick_list_id).with_for_update()
    ).first()
    if pick_list is None:
        raise NotFound()
    if pick_list.picker_id != picker_id:
        raise NotYourList(id=pick_list.id)
    if pick_list.status == PickListStatus.PAUSED:
        _resume(session, pick_list, picker_id)
    if pick_list.status != PickListStatus.PICKING:
        raise ListClosed(id=pick_list.id, status=pick_list.status.value)
    return pick_list


def _resume(session: Session, pick_list: PickList, picker_id: int) -> None:
    if pick_list.status == PickListStatus.PAUSED:
        pick_list.status = PickListStatus.PICKING
        pick_list.paused_at = None
        events.record(session, "picklist.resumed", pick_list, actor_id=picker_id)


def _log(
    session: Session,
    pick_list: PickList,
    task: PickTask,
    kind: ScanKind,
    code: str,
    qty: int = 0,
    *,
    scan_id: str,
) -> PickScan:
    entry = PickScan(
        scan_id=scan_id,
        pick_list_id=pick_list.id,
        task_id=task.id,
        user_id=pick_list.picker_id,
        kind=kind,
        code=code[:200],
        qty=qty,
        accepted=True,
    )
    session.add(entry)
    return entry


# -- the steps -------------------------------------------------------------------------
def _is_location(code: str, task: PickTask) -> bool:
    return code.upper() == task.location.code.upper()


def _pick(
    session: Session,
    pick_list: PickList,
    task: PickTask,
    code: str,
    qty: int | None,
    scan_id: str,
) -> PickScan:
    product = task.product
    if not gs1.same_product(code, product.barcode or "") and code != product.sku:
        raise WrongProduct(scanned=code, expected=f"{product.name} ({product.sku})")
    parsed = gs1.parse(code)
    if parsed and parsed.lot and task.lot and parsed.lot != task.lot:
        raise WrongLot(scanned=parsed.lot, expected=task.lot)
    units = qty or (parsed.quantity if parsed and parsed.quantity else 1)
    if units > task.remaining:
        raise TooMany(left=task.remaining, qty=units)
    reservation = session.get(Reservation, task.reservation_id)
    order = task.order_line.order
    inventory.take_reserved(
        session,
        reservation,
        units,
        task.slot.tote,
        key=f"pick:{scan_id}",
        reason="pick",
        actor_id=pick_list.picker_id,
        reference=order.external_id,
    )
    task.picked += units
    events.record(
        session,
        "pick.confirmed",
        order,
        actor_id=pick_list.picker_id,
        sku=product.sku,
        qty=units,
        location=task.location.code,
        tote=task.slot.tote.code,
        pick_list=pick_list.id,
    )
    entry = _log(
        session, pick_list, task, ScanKind.PRODUCT, code, units, scan_id=scan_id
    )
    if task.remaining == 0:
        _complete(session, pick_list, task)
    _finish_if_done(session, pick_list, pick_list.picker_id)
    return entry


def _task_at_hand(session: Session, pick_list_id: int) -> PickTask | None:
    """The list's next open task (as `current_task`), with what a scan of it needs,
    without loading the rest of the list."""
    return session.scalars(
        sa.select(PickTask)
        .where(
            PickTask.pick_list_id == pick_list_id, PickTask.status == TaskStatus.OPEN
        )
        .order_by(PickTask.sequence)
        .limit(1)
        .options(
            joinedload(PickTask.location),
            joinedload(PickTask.product),
            joinedload(PickTask.slot).joinedload(PickSlot.tote),
            joinedload(PickTask.order_line).joinedload(OrderLine.order),
        )
    ).first()


def _complete(session: Session, pick_list: PickList, done: PickTask) -> None:
    """A task is done; the next one in the same bin needs no new bin scan."""
    done.status = TaskStatus.DONE
    following = _task_at_hand(session, pick_list.id)
    if following is not None and following.location_id == done.location_id:
        following.at_location = True


def _write_off(session, pick_list, task, missing, damaged, picker_id, scan_id):
    """The units that are not there (or broken) leave the bin in the ledger, and the
    bin goes on the list to count."""
    warehouse_id = pick_list.warehouse_id
    kind = LocationKind.SCRAP if damaged else LocationKind.INVENTORY_LOSS
    reservation = session.get(Reservation, task.reservation_id)
    inventory.take_reserved(
        session,
        reservation,
        missing,
        inventory.virtual_location(session, warehouse_id, kind),
        key=f"short:{scan_id}",
        reason="damage" if damaged else "short_pick",
        actor_id=picker_id,
        reference=task.order_line.order.external_id,
    )
    _report(
        session,
        pick_list,
        task,
        ExceptionKind.DAMAGED if damaged else ExceptionKind.COUNT,
        missing,
        picker_id,
    )


def _reallocate(session, pick_list, task, missing, picker_id) -> None:
    """Reserve the missing units elsewhere and add those bins to this list, in route
    order; what cannot be found anywhere makes the line short."""
    line = task.order_line
    found = allocation.reserve_elsewhere(
        session, line, missing, pick_list.warehouse_id, not_at=task.location_id
    )
    session.flush()
    for reservation in found:
        stock = reservation.stock
        pick_list.tasks.append(
            PickTask(
                slot=task.slot,
                order_line=line,
                reservation_id=reservation.id,
                location=stock.location,
                product_id=task.product_id,
                lot=stock.lot,
                qty=reservation.qty,
                sequence=0,
            )
        )
    still_missing = missing - sum(r.qty for r in found)
    if still_missing:
        _report(session, pick_list, task, ExceptionKind.SHORT, still_missing, picker_id)
    sequence_tasks(pick_list, packing_area(session, pick_list.warehouse_id))


def _report(session, pick_list, task, kind, qty, picker_id) -> None:
    session.add(
        PickException(
            warehouse_id=pick_list.warehouse_id,
            kind=kind,
            pick_list_id=pick_list.id,
            task_id=task.id,
            location_id=task.location_id,
            product_id=task.product_id,
            order_line_id=task.order_line_id,
            qty=qty,
            reported_by_id=picker_id,
        )
    )


def _finish_if_done(session: Session, pick_list: PickList, picker_id: int) -> None:
    """The last task done: the totes' units move to packing, shipments are picked."""
    still_open = session.scalar(
        sa.select(PickTask.id)
        .where(
            PickTask.pick_list_id == pick_list.id, PickTask.status == TaskStatus.OPEN
        )
        .limit(1)
    )
    if still_open is not None:
        return
    depot = packing_area(session, pick_list.warehouse_id)
    slots = session.scalars(  # each with its tote, shipment and order, in one go
        sa.select(PickSlot)
        .where(PickSlot.pick_list_id == pick_list.id)
        .order_by(PickSlot.number)
        .options(
            joinedload(PickSlot.tote),
            joinedload(PickSlot.shipment)
            .joinedload(Shipment.order)
            .selectinload(Order.shipments),
        )
    ).all()
    inventory.transfer_rows(
        session,
        [
            inventory.Transfer(
                product_id=task.product_id,
                qty=task.picked,
                source_id=slot.tote_id,
                destination_id=depot.id,
                lot=task.lot,
                key=f"to-packing:{task.id}",
                reference=slot.shipment.order.external_id,
            )
            for slot in slots
            for task in pick_list.tasks
            if task.slot_id == slot.id and task.picked
        ],
        reason="to_packing",
        actor_id=picker_id,
    )
    for slot in slots:
        if slot.shipment.status == S.PICKING:
            # what no bin had follows later or is cancelled; the rest goes to packing
            shorts.settle_picked(session, slot.shipment, picker_id, tote=slot.tote.code)
    pick_list.status = PickListStatus.DONE
    pick_list.finished_at = utcnow()
    events.record(session, "picklist.done", pick_list, actor_id=picker_id)
