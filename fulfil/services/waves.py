"""Releasing allocated shipments as pick lists, and taking lists back.

A wave turns shipments into carts: urgent ones get a list each, the rest are batched
within the cart's capacity, orders whose bins lie close together on one cart
(fulfil.routing's batching), one tote per shipment. Each list's
tasks come from the shipment's reservations, in walking order from the packing area
and back: the shortest tour through the warehouse's aisles (fulfil.routing).
"""

from collections.abc import Iterable

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session, joinedload, selectinload

from fulfil.domain.states import ShipmentStatus
from fulfil.errors import (
    InvalidInput,
    ListClosed,
    NoPackingArea,
    NotFound,
    NotReleasable,
)
from fulfil.models import (
    FulfilmentMode,
    Location,
    LocationKind,
    OrderLine,
    PickException,
    PickList,
    PickListStatus,
    PickSlot,
    PickTask,
    Reservation,
    Shipment,
    Stock,
    TaskStatus,
    Warehouse,
)
from fulfil.models.picking import OPEN_LISTS
from fulfil.models.types import utcnow
from fulfil.routing import (
    Cart,
    Layout,
    Load,
    Stop,
    plan_batches,
    tour_length,
    walking_order,
)
from fulfil.services import events, fulfilment, unit_of_work

S = ShipmentStatus


def cart_from_config() -> Cart:
    config = current_app.config
    return Cart(
        totes=config["CART_TOTES"],
        volume_l=config["CART_VOLUME_L"],
        weight_kg=config["CART_WEIGHT_KG"],
    )


def release(
    *,
    warehouse_id: int,
    shipment_ids: Iterable[int],
    urgent_ids: Iterable[int] = (),
    actor_id: int | None = None,
) -> list[PickList]:
    """Make pick lists of these allocated shipments; all of them or none."""
    wanted = sorted(set(shipment_ids))
    urgent = set(urgent_ids) & set(wanted)
    if not wanted:
        raise InvalidInput(field=_l("orders"), problem=_l("choose at least one"))
    with unit_of_work() as session:
        depot = packing_area(session, warehouse_id)
        shipments = _releasable(session, warehouse_id, wanted)
        by_id = {s.id: s for s in shipments}
        cart = cart_from_config()
        groups = [[sid] for sid in wanted if sid in urgent]
        aisles = warehouse_layout(session, warehouse_id, depot)
        batched = [s for s in shipments if s.id not in urgent]
        groups += plan_batches(
            [_load(s) for s in batched],
            cart,
            {s.id: _stops_of_reservations(s) for s in batched},
            (depot.x, depot.y),
            layout=aisles,
        )
        totes = _free_totes(session, warehouse_id, len(wanted))
        lists = []
        for group in groups:
            members = [by_id[sid] for sid in group]
            pick_list = _make_list(session, members, totes, depot, actor_id, aisles)
            pick_list.urgent = group[0] in urgent
            lists.append(pick_list)
        return lists


def take_back(pick_list_id: int, *, actor_id: int | None = None) -> PickList:
    """A manager takes a list away from its picker: back to the queue for anyone."""
    with unit_of_work() as session:
        pick_list = _locked_list(session, pick_list_id)
        if pick_list.status not in OPEN_LISTS:
            raise ListClosed(id=pick_list.id, status=pick_list.status.value)
        pick_list.status = PickListStatus.RELEASED
        pick_list.picker_id = None
        pick_list.paused_at = None
        for task in pick_list.tasks:
            task.at_location = False
        events.record(session, "picklist.taken_back", pick_list, actor_id=actor_id)
        return pick_list


def packing_area(session: Session, warehouse_id: int) -> Location:
    """Where carts start and end: the warehouse's first packing location."""
    location = session.scalars(
        sa.select(Location)
        .where(
            Location.warehouse_id == warehouse_id,
            Location.kind == LocationKind.PACKING,
            Location.active.is_(True),
        )
        .order_by(Location.code)
        .limit(1)
    ).first()
    if location is None:
        code = session.get(Warehouse, warehouse_id).code
        raise NoPackingArea(code=code)
    return location


def sequence_tasks(
    pick_list: PickList, depot: Location, aisles: Layout | None = None
) -> None:
    """Number the open tasks in walking order, skipped ones last; plan the distance
    (metres along the aisles, from the packing area and back)."""
    if aisles is None:
        aisles = warehouse_layout(
            Session.object_session(pick_list), pick_list.warehouse_id, depot
        )
    open_tasks = [t for t in pick_list.tasks if t.status == TaskStatus.OPEN]
    ahead = [t for t in open_tasks if not t.skipped]
    later = [t for t in open_tasks if t.skipped]
    done = sum(1 for t in pick_list.tasks if t.status != TaskStatus.OPEN)
    position = done
    for group in (ahead, later):
        for index in walking_order(_stops(group), (depot.x, depot.y), aisles):
            position += 1
            group[index].sequence = position
    route = sorted(pick_list.tasks, key=lambda t: t.sequence)
    pick_list.planned_distance_m = round(
        tour_length(_stops(route), (depot.x, depot.y), aisles), 1
    )


def warehouse_layout(
    session: Session, warehouse_id: int, depot: Location
) -> Layout | None:
    """The aisle graph the warehouse's storage bins imply (None without any bins)."""
    bins = session.execute(
        sa.select(Location.x, Location.y, Location.aisle).where(
            Location.warehouse_id == warehouse_id,
            Location.kind.in_((LocationKind.PICK_FACE, LocationKind.RESERVE)),
            Location.active.is_(True),
        )
    ).all()
    if not bins:
        return None
    return Layout.infer([Stop(x, y, aisle) for x, y, aisle in bins], (depot.x, depot.y))


def _stops(tasks: list[PickTask]) -> list[Stop]:
    return [Stop(t.location.x, t.location.y, t.location.aisle) for t in tasks]


def _stops_of_reservations(shipment: Shipment) -> list[Stop]:
    return [
        Stop(r.stock.location.x, r.stock.location.y, r.stock.location.aisle)
        for line in shipment.lines
        for r in line.reservations
        if r.qty > 0
    ]


def _releasable(session: Session, warehouse_id: int, ids: list[int]) -> list[Shipment]:
    shipments = session.scalars(
        sa.select(Shipment)
        .where(Shipment.id.in_(ids))
        .options(
            # everything a task is made of, in a few queries rather than a few per task
            selectinload(Shipment.lines).options(
                joinedload(OrderLine.product),
                selectinload(OrderLine.reservations)
                .joinedload(Reservation.stock)
                .joinedload(Stock.location),
            ),
            joinedload(Shipment.order),
        )
        .order_by(Shipment.id)
        .with_for_update(of=Shipment)
    ).all()
    missing = sorted(set(ids) - {s.id for s in shipments})
    if missing:
        raise NotReleasable(order=f"#{missing[0]}", reason=_l("no such shipment"))
    for shipment in shipments:
        reason = None
        if shipment.mode != FulfilmentMode.IN_HOUSE:
            reason = _l("it is not picked here")
        elif shipment.warehouse_id != warehouse_id:
            reason = _l("it belongs to another warehouse")
        elif shipment.status != S.ALLOCATED:
            reason = _l("it is %(status)s, not allocated") % {
                "status": shipment.status.value
            }
        if reason:
            raise NotReleasable(order=shipment.order.external_id, reason=reason)
    return shipments


def _load(shipment: Shipment) -> Load:
    volume_mm3 = weight_g = 0
    for line in shipment.lines:
        product = line.product
        volume_mm3 += line.carried * (
            (product.length_mm or 0)
            * (product.width_mm or 0)
            * (product.height_mm or 0)
        )
        weight_g += line.carried * (product.weight_g or 0)
    return Load(
        key=shipment.id,
        volume_l=volume_mm3 / 1_000_000,
        weight_kg=weight_g / 1000,
        due=shipment.order.promised_ship_by,
    )


def _free_totes(session: Session, warehouse_id: int, count: int) -> list[Location]:
    """Empty totes not on an open list, making new ones (T-001, …) when short."""
    busy = (
        sa.select(PickSlot.tote_id)
        .join(PickList, PickSlot.pick_list_id == PickList.id)
        .join(Shipment, PickSlot.shipment_id == Shipment.id)
        .where(
            # on a cart, or at the pack bench with its order still in it
            sa.or_(PickList.status.in_(OPEN_LISTS), Shipment.status == S.PICKED)
        )
    )
    holding = sa.select(Stock.location_id).where(Stock.on_hand > 0)
    totes = list(
        session.scalars(
            sa.select(Location)
            .where(
                Location.warehouse_id == warehouse_id,
                Location.kind == LocationKind.TOTE,
                Location.active.is_(True),
                Location.id.not_in(busy),
                Location.id.not_in(holding),
            )
            .order_by(Location.code)
            .limit(count)
        )
    )
    existing = session.scalar(
        sa.select(sa.func.count(Location.id)).where(
            Location.warehouse_id == warehouse_id, Location.kind == LocationKind.TOTE
        )
    )
    while len(totes) < count:
        existing += 1
        tote = Location(
            warehouse_id=warehouse_id, code=f"T-{existing:03d}", kind=LocationKind.TOTE
        )
        session.add(tote)
        totes.append(tote)
    session.flush()
    return totes


def _make_list(
    session: Session,
    shipments: list[Shipment],
    totes: list[Location],
    depot: Location,
    actor_id: int | None,
    aisles: Layout | None,
) -> PickList:
    dues = [s.order.promised_ship_by for s in shipments if s.order.promised_ship_by]
    pick_list = PickList(
        warehouse_id=depot.warehouse_id,
        due=min(dues) if dues else None,
        released_by_id=actor_id,
    )
    session.add(pick_list)
    for number, shipment in enumerate(shipments, start=1):
        slot = PickSlot(number=number, shipment=shipment, tote=totes.pop(0))
        pick_list.slots.append(slot)
        for line in shipment.lines:
            for reservation in line.reservations:
                if reservation.qty > 0:
                    pick_list.tasks.append(_task(slot, line, reservation))
        fulfilment.set_status(session, shipment, S.PICKING, actor_id)
    sequence_tasks(pick_list, depot, aisles)
    session.flush()
    events.record(
        session,
        "picklist.released",
        pick_list,
        actor_id=actor_id,
        orders=[s.order.external_id for s in shipments],
        tasks=len(pick_list.tasks),
    )
    return pick_list


def _task(slot: PickSlot, line: OrderLine, reservation: Reservation) -> PickTask:
    stock = reservation.stock
    return PickTask(
        slot=slot,
        order_line=line,
        reservation_id=reservation.id,
        location=stock.location,
        product_id=line.product_id,
        lot=stock.lot,
        qty=reservation.qty,
        sequence=0,
    )


def _locked_list(session: Session, pick_list_id: int) -> PickList:
    pick_list = session.scalars(
        sa.select(PickList).where(PickList.id == pick_list_id).with_for_update()
    ).first()
    if pick_list is None:
        raise NotFound()
    return pick_list


def resolve_exception(exception_id: int, *, actor_id: int | None = None) -> None:
    """A manager has dealt with it (counted the bin, re-ordered, told the customer)."""
    with unit_of_work() as session:
        exception = session.get(PickException, exception_id)
        if exception is None:
            raise NotFound()
        if exception.resolved_at is None:
            exception.resolved_at = utcnow()
            exception.resolved_by_id = actor_id
