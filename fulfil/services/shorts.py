"""Units found short are decided, never dropped.

When no bin has the units a picker (or the packer) found missing, the order's short
policy decides: `backorder` passes them on to a backorder shipment that waits for
stock and ships as a later parcel; `ship_partial_cancel_rest` cancels them. The shop
hears `order.line_short` with the decision. A manager may switch an order's policy
in one tap from the exceptions queue: what was decided and can still change,
changes with it.

Picking and packing call the two `settle_*` functions inside their own transaction;
`choose_policy` is the manager's door. A line's counters change by SQL increments
(`_add`): two transactions deciding about the same line at once never lose one's
units, and the row stays locked until the first commits.
"""

from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import Session

from fulfil.domain.lines import ShortPolicy
from fulfil.domain.states import ShipmentStatus
from fulfil.errors import InvalidInput, NotFound, OrderCancelled
from fulfil.models import (
    Event,
    ExceptionKind,
    Order,
    OrderLine,
    PickException,
    PickTask,
    Shipment,
)
from fulfil.services import allocation, events, fulfilment, unit_of_work
from fulfil.services.inventory import let_go

S = ShipmentStatus
# Not yet on a pick list: such a shipment can still be called back.
_NOT_STARTED = frozenset({S.PENDING, S.BACKORDERED, S.ALLOCATED})
SHOP_CANCELLED = "order.cancel_requested"  # the shop's word, kept even when moot


@dataclass(frozen=True)
class PolicyChange:
    """What a manager's choice did: units now cancelled, units that follow later,
    and units already on their way that the choice could no longer stop."""

    order: Order
    cancelled: int = 0
    following: int = 0
    under_way: int = 0


def policy(order: Order) -> ShortPolicy:
    """The order's own choice, else the shop's (SHORT_PICK_POLICY)."""
    return ShortPolicy(order.short_policy or current_app.config["SHORT_PICK_POLICY"])


def settle_picked(
    session: Session, shipment: Shipment, actor_id: int | None, **data
) -> None:
    """Its pick list is done: units no bin had follow later or are cancelled, and the
    shipment goes to packing. If nothing at all was found, it waits for stock as a
    whole (allocated at once if stock arrived meanwhile), or is cancelled."""
    picked = _picked(session, shipment)
    short = {
        line: line.carried - picked.get(line.id, 0)
        for line in shipment.lines
        if line.carried > picked.get(line.id, 0)
    }
    rule = policy(shipment.order)
    if not any(picked.values()):
        _announce(session, shipment, short, rule, actor_id)
        if rule == ShortPolicy.BACKORDER:
            fulfilment.set_status(session, shipment, S.BACKORDERED, actor_id, **data)
            if allocation.allocate_shipment(session, shipment):
                fulfilment.set_status(session, shipment, S.ALLOCATED, actor_id)
        else:
            for line, units in short.items():
                _add(session, line, cancelled=units)
            fulfilment.set_status(
                session, shipment, S.CANCELLED, actor_id, reason="short", **data
            )
        return
    if short:
        _decide(session, shipment, short, rule, actor_id)
    fulfilment.set_status(session, shipment, S.PICKED, actor_id, **data)


def settle_missing(
    session: Session, shipment: Shipment, short: dict, actor_id: int | None
) -> None:
    """The packer found units missing at the bench: {order line: units}."""
    _decide(session, shipment, short, policy(shipment.order), actor_id)


def choose_policy(order_id: int, choice: str, *, actor_id: int | None) -> PolicyChange:
    """A manager decides for one order what happens to its short units, now and
    later. Switching to cancel calls back what waits for stock or sits allocated
    (what is already on a pick list goes on and ships); switching to backorder lets
    the cancelled short units follow after all. Refused for an order the shop
    cancelled."""
    try:
        rule = ShortPolicy(choice)
    except ValueError:
        raise InvalidInput(field="policy", problem=choice[:40]) from None
    with unit_of_work() as session:
        order = session.scalars(
            sa.select(Order).where(Order.id == order_id).with_for_update()
        ).first()
        if order is None:
            raise NotFound()
        if order.short_policy == rule.value:
            return PolicyChange(order)
        if cancelled_by_shop(session, order):
            raise OrderCancelled(order=order.external_id)
        order.short_policy = rule.value
        events.record(
            session, "order.short_policy", order, actor_id=actor_id, policy=rule.value
        )
        if rule == ShortPolicy.SHIP_PARTIAL_CANCEL_REST:
            return _call_back(session, order, actor_id)
        return _let_cancelled_follow(session, order, actor_id)


def cancelled_by_shop(session: Session, order: Order) -> bool:
    """The shop asked to cancel the order (even if the short policy had cancelled it
    already), or an order cancelled before that was recorded: its cancelled
    shipments still carry their units (the short policy leaves none on a shipment it
    cancels)."""
    asked = session.scalar(
        sa.select(Event.id).where(
            Event.subject_type == Order.__tablename__,
            Event.subject_id == order.id,
            Event.action == SHOP_CANCELLED,
        )
    )
    return asked is not None or any(
        shipment.status == S.CANCELLED and any(line.carried for line in shipment.lines)
        for shipment in order.shipments
    )


# -- the decisions ---------------------------------------------------------------------


def _decide(session, shipment, short: dict, rule: ShortPolicy, actor_id) -> None:
    _announce(session, shipment, short, rule, actor_id)
    if rule == ShortPolicy.BACKORDER:
        _pass_on(session, shipment, short, actor_id)
    else:
        for line, units in short.items():
            _add(session, line, cancelled=units)


def _pass_on(session: Session, shipment: Shipment, short: dict, actor_id) -> Shipment:
    """Move short units to a backorder of `shipment` (its waiting one, locked, or a
    new one) and try to allocate them at once."""
    backorder = session.scalars(
        sa.select(Shipment)
        .where(Shipment.follows_id == shipment.id, Shipment.status == S.BACKORDERED)
        .with_for_update()
    ).first()
    new = backorder is None
    if new:
        backorder = Shipment(
            order=shipment.order,
            mode=shipment.mode,
            status=S.PENDING,
            warehouse_id=shipment.warehouse_id,
            follows=shipment,
        )
        session.add(backorder)
    for line, units in short.items():
        _add(session, line, passed_on=units)
        part = next((p for p in backorder.lines if p.split_from_id == line.id), None)
        if part is None:
            backorder.lines.append(
                OrderLine(
                    order=shipment.order,
                    product_id=line.product_id,
                    qty=units,
                    unit_price=line.unit_price,
                    split_from=line,
                )
            )
        else:
            _add(session, part, qty=units)
    session.flush()
    if new:
        fulfilment.start(session, backorder, actor_id)
    elif allocation.allocate_shipment(session, backorder):
        fulfilment.set_status(session, backorder, S.ALLOCATED, actor_id)
    return backorder


def _call_back(session: Session, order: Order, actor_id) -> PolicyChange:
    """Cancel the order's short units that have not started their way again: its
    backorders not on a pick list, and a shipment of which nothing was found that
    waits for stock. The shipment is cancelled before its reservations go, so the
    freed units cannot return to it."""
    cancelled = under_way = 0
    for shipment in order.shipments:
        if not _is_short(session, shipment):
            continue
        if shipment.status not in _NOT_STARTED:
            if shipment.follows_id and shipment.status in (
                S.PICKING,
                S.PICKED,
                S.PACKED,
            ):
                under_way += sum(line.carried for line in shipment.lines)
            continue
        dropped = {line: line.carried for line in shipment.lines if line.carried}
        _announce(
            session, shipment, dropped, ShortPolicy.SHIP_PARTIAL_CANCEL_REST, actor_id
        )
        for line, units in dropped.items():
            _add(session, line, cancelled=units)
        fulfilment.set_status(session, shipment, S.CANCELLED, actor_id, reason="short")
        session.flush()
        for line in dropped:
            for reservation in line.reservations:
                if reservation.qty:
                    let_go(session, reservation, reservation.qty)
        cancelled += sum(dropped.values())
    return PolicyChange(order, cancelled=cancelled, under_way=under_way)


def _let_cancelled_follow(session: Session, order: Order, actor_id) -> PolicyChange:
    by_shipment: dict[Shipment, dict[OrderLine, int]] = {}
    for line in order.lines:
        if line.cancelled:
            by_shipment.setdefault(line.shipment, {})[line] = line.cancelled
    following = 0
    for shipment, dropped in by_shipment.items():
        for line, units in dropped.items():
            _add(session, line, cancelled=-units)
        _announce(session, shipment, dropped, ShortPolicy.BACKORDER, actor_id)
        _pass_on(session, shipment, dropped, actor_id)
        following += sum(dropped.values())
    return PolicyChange(order, following=following)


def _is_short(session: Session, shipment: Shipment) -> bool:
    """A backorder, or a shipment with units reported short (it may wait for stock
    as a whole, nothing of it having been found)."""
    if shipment.follows_id is not None:
        return True
    return (
        session.scalar(
            sa.select(PickException.id)
            .where(
                PickException.order_line_id.in_([ln.id for ln in shipment.lines]),
                PickException.kind.in_(
                    (ExceptionKind.SHORT, ExceptionKind.MISSING_AT_PACKING)
                ),
            )
            .limit(1)
        )
        is not None
    )


def _add(session: Session, line: OrderLine, **units: int) -> None:
    """Add to a line's counters in the database itself (qty, cancelled, passed_on)."""
    session.flush()
    session.execute(
        sa.update(OrderLine)
        .where(OrderLine.id == line.id)
        .values({name: getattr(OrderLine, name) + n for name, n in units.items()})
    )
    session.expire(line, list(units))


def _announce(session, shipment, short: dict, rule: ShortPolicy, actor_id) -> None:
    """Tell the shop (webhook `order.line_short`) and the order's history."""
    decision = "backorder" if rule == ShortPolicy.BACKORDER else "cancel"
    for line, units in short.items():
        events.record(
            session,
            "order.line_short",
            shipment.order,
            actor_id=actor_id,
            sku=line.product.sku,
            qty=units,
            ordered=_root(line).qty,
            decision=decision,
            shipment=shipment.id,
        )


def _picked(session: Session, shipment: Shipment) -> dict[int, int]:
    rows = session.execute(
        sa.select(PickTask.order_line_id, sa.func.sum(PickTask.picked))
        .where(PickTask.order_line_id.in_([line.id for line in shipment.lines]))
        .group_by(PickTask.order_line_id)
    )
    return {line_id: int(units or 0) for line_id, units in rows}


def _root(line: OrderLine) -> OrderLine:
    while line.split_from is not None:
        line = line.split_from
    return line
