"""Units found short are decided, never dropped.

When no bin has the units a picker (or the packer) found missing, the order's short
policy decides: `backorder` passes them on to a backorder shipment that waits for
stock and ships as a later parcel; `ship_partial_cancel_rest` cancels them. The shop
hears `order.line_short` with the decision. A manager may switch an order's policy
in one tap from the exceptions queue: what was decided and can still change,
changes with it.

Picking and packing call the two `settle_*` functions inside their own transaction;
`choose_policy` is the manager's door.
"""

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import Session

from fulfil.domain.lines import ShortPolicy
from fulfil.domain.states import ShipmentStatus
from fulfil.errors import InvalidInput, NotFound, OrderCancelled
from fulfil.models import Order, OrderLine, PickTask, Shipment
from fulfil.services import allocation, events, fulfilment, unit_of_work
from fulfil.services.inventory import let_go

S = ShipmentStatus
# A backorder not yet on a pick list can still be called back.
_NOT_STARTED = frozenset({S.PENDING, S.BACKORDERED, S.ALLOCATED})


def policy(order: Order) -> ShortPolicy:
    """The order's own choice, else the shop's (SHORT_PICK_POLICY)."""
    return ShortPolicy(order.short_policy or current_app.config["SHORT_PICK_POLICY"])


def settle_picked(
    session: Session, shipment: Shipment, actor_id: int | None, **data
) -> None:
    """Its pick list is done: units no bin had follow later or are cancelled, and the
    shipment goes to packing (back to waiting for stock if nothing at all was found,
    and the policy is to backorder)."""
    picked = _picked(session, shipment)
    short = {
        line: line.carried - picked.get(line.id, 0)
        for line in shipment.lines
        if line.carried > picked.get(line.id, 0)
    }
    rule = policy(shipment.order)
    if not any(picked.values()):
        # nothing of it was found: it waits as a whole, or it is cancelled as a whole
        _announce(session, shipment, short, rule, actor_id)
        if rule == ShortPolicy.BACKORDER:
            fulfilment.set_status(session, shipment, S.BACKORDERED, actor_id, **data)
        else:
            for line, units in short.items():
                line.cancelled += units
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


def choose_policy(order_id: int, choice: str, *, actor_id: int | None) -> Order:
    """A manager decides for one order what happens to its short units, now and
    later. Switching to cancel calls back backorders not yet on a pick list;
    switching to backorder lets cancelled short units follow after all."""
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
            return order
        if _cancelled_by_shop(order):
            raise OrderCancelled(order=order.external_id)
        order.short_policy = rule.value
        events.record(
            session, "order.short_policy", order, actor_id=actor_id, policy=rule.value
        )
        if rule == ShortPolicy.SHIP_PARTIAL_CANCEL_REST:
            _call_back_backorders(session, order, actor_id)
        else:
            _let_cancelled_follow(session, order, actor_id)
        return order


# -- the decisions ---------------------------------------------------------------------


def _decide(session, shipment, short: dict, rule: ShortPolicy, actor_id) -> None:
    _announce(session, shipment, short, rule, actor_id)
    if rule == ShortPolicy.BACKORDER:
        _pass_on(session, shipment, short, actor_id)
    else:
        for line, units in short.items():
            line.cancelled += units


def _pass_on(session: Session, shipment: Shipment, short: dict, actor_id) -> Shipment:
    """Move short units to a backorder of `shipment` (its waiting one, or a new one)
    and try to allocate them at once."""
    backorder = session.scalars(
        sa.select(Shipment).where(
            Shipment.follows_id == shipment.id, Shipment.status == S.BACKORDERED
        )
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
        line.passed_on += units
        part = next((p for p in backorder.lines if p.split_from_id == line.id), None)
        if part is None:
            part = OrderLine(
                order=shipment.order,
                product_id=line.product_id,
                qty=units,
                unit_price=line.unit_price,
                split_from=line,
            )
            backorder.lines.append(part)
        else:
            part.qty += units
    session.flush()
    if new:
        fulfilment.start(session, backorder, actor_id)
    elif allocation.allocate_shipment(session, backorder):
        fulfilment.set_status(session, backorder, S.ALLOCATED, actor_id)
    return backorder


def _call_back_backorders(session: Session, order: Order, actor_id) -> None:
    for backorder in order.shipments:
        if backorder.follows_id is None or backorder.status not in _NOT_STARTED:
            continue
        dropped = {line: line.carried for line in backorder.lines if line.carried}
        _announce(
            session, backorder, dropped, ShortPolicy.SHIP_PARTIAL_CANCEL_REST, actor_id
        )
        for line, units in dropped.items():
            for reservation in line.reservations:
                if reservation.qty:
                    let_go(session, reservation, reservation.qty)
            line.cancelled += units
        fulfilment.set_status(session, backorder, S.CANCELLED, actor_id, reason="short")


def _let_cancelled_follow(session: Session, order: Order, actor_id) -> None:
    by_shipment: dict[Shipment, dict[OrderLine, int]] = {}
    for line in order.lines:
        if line.cancelled:
            by_shipment.setdefault(line.shipment, {})[line] = line.cancelled
    for shipment, dropped in by_shipment.items():
        for line, units in dropped.items():
            line.cancelled -= units
        _announce(session, shipment, dropped, ShortPolicy.BACKORDER, actor_id)
        _pass_on(session, shipment, dropped, actor_id)


def _cancelled_by_shop(order: Order) -> bool:
    """A shipment cancelled by the short policy carries nothing any more (its units
    count as cancelled on its lines); one the shop cancelled still carries them."""
    return any(
        shipment.status == S.CANCELLED and any(line.carried for line in shipment.lines)
        for shipment in order.shipments
    )


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
