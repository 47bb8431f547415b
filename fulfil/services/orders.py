"""Order intake, cancellation, and what 3PLs and suppliers report back.

An order arrives once: its external id is unique, and the same request again returns
the first result (the stored SHA-256 of the request tells a replay from a conflict).
On intake the lines split into one shipment per fulfilment mode (and per supplier for
dropship); in-house lines reserve stock at once, the rest is backordered. The usual
order, every line in-house, is written as rows in a handful of statements (see "an
order we pick ourselves" below); the others as objects, each shipment started by
fulfilment.start.
"""

import hashlib
from collections import defaultdict, deque
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from fulfil.direct import Direct
from fulfil.domain.promise import promised_ship_by, site_rules
from fulfil.domain.states import CANCELLABLE, OrderStatus, ShipmentStatus, order_status
from fulfil.errors import (
    InvalidInput,
    InvalidRequest,
    InvalidTransition,
    NotCancellable,
    NotFound,
    OrderConflict,
)
from fulfil.extensions import db
from fulfil.limits import is_web_address
from fulfil.models import (
    FulfilmentMode,
    Order,
    OrderLine,
    Parcel,
    ParcelStatus,
    Product,
    Shipment,
    ShippingMethod,
    Warehouse,
)
from fulfil.queries.orders import order_by_external_id
from fulfil.schemas import OrderIn, ShipmentReport
from fulfil.services import (
    allocation,
    events,
    fulfilment,
    inventory,
    picking,
    replay_safe,
    shorts,
    unit_of_work,
    webhooks,
)
from fulfil.services.inventory import let_go

S = ShipmentStatus


def request_digest(request: OrderIn) -> str:
    return hashlib.sha256(request.model_dump_json().encode()).hexdigest()


@dataclass(frozen=True)
class Intake:
    """What taking an order in did. A new order whose every line we pick ourselves
    comes with `written`, the order as stored, so its answer needs no reading back."""

    order_id: int
    created: bool
    written: "WrittenOrder | None" = None

    @property
    def order(self) -> Order:
        return db.session.get(Order, self.order_id)


def receive_order(
    request: OrderIn, *, source: str = "api", actor_id: int | None = None
) -> tuple[Order, bool]:
    """Take an order in, all or nothing. Returns (order, True if new)."""
    intake = take_order(request, source=source, actor_id=actor_id)
    return intake.order, intake.created


@replay_safe
def take_order(
    request: OrderIn, *, source: str = "api", actor_id: int | None = None
) -> Intake:
    """Take an order in, all or nothing; the same request again is the first
    result, the same external id with another request a conflict."""
    digest = request_digest(request)
    with unit_of_work() as session:
        earlier = _EARLIER.first(
            session.connection(), {"external_id": request.external_id}
        )
        if earlier is not None:
            if earlier.request_hash != digest:
                raise OrderConflict(external_id=request.external_id)
            return Intake(earlier.id, created=False)
        products, warehouse, warehouses = _check(session, request)
        in_house = [
            line
            for line in request.lines
            if products[line.sku].fulfilment == FulfilmentMode.IN_HOUSE
        ]
        if warehouse is None:
            warehouse = _route(session, products, in_house, warehouses)
        values = _order_values(request, digest, source, warehouse)
        if len(in_house) == len(request.lines):  # the usual order: one shipment
            written = _take_in_house(session, request, values, products, warehouse)
            _record_intake(session, written, source, actor_id)
            return Intake(written.id, created=True, written=written)
        order = _take_in_objects(session, request, values, products, source, actor_id)
        return Intake(order.id, created=True)


def cancel_order(
    external_id: str, *, reason: str = "", actor_id: int | None = None
) -> Order:
    """Cancel every shipment and free every reservation; refused once packing began.
    An order partly shipped whose rest waits in backorders (units found short) has
    those backorders cancelled: the rest of it will not come."""
    with unit_of_work() as session:
        order = order_by_external_id(external_id)
        if not shorts.cancelled_by_shop(session, order):
            # kept even when the order is cancelled already (its short units were):
            # no manager's choice may bring it back now
            events.record(
                session,
                "order.cancel_requested",  # shorts.SHOP_CANCELLED
                order,
                actor_id=actor_id,
                reason=reason,
            )
        live = [s for s in order.shipments if s.status != S.CANCELLED]
        if not live:
            return order  # already cancelled: saying it again changes nothing
        packing_began = set(
            session.scalars(
                sa.select(Parcel.shipment_id).where(
                    Parcel.shipment_id.in_([s.id for s in live])
                )
            )
        )
        stuck = [
            s for s in live if s.id in packing_began or s.status not in CANCELLABLE
        ]
        going = [s for s in live if s not in stuck]
        if stuck and (not going or any(s.follows_id is None for s in going)):
            raise NotCancellable(external_id=external_id, reason=_too_late(stuck[0]))
        for shipment in going:
            on_a_list = shipment.status == S.PICKING
            fulfilment.set_status(
                session, shipment, S.CANCELLED, actor_id, reason=reason
            )
            if on_a_list:
                picking.drop_shipment(session, shipment.id, actor_id)
        session.flush()
        for shipment in going:
            for line in shipment.lines:
                for reservation in line.reservations:
                    if reservation.qty:
                        let_go(session, reservation, reservation.qty)
        return order


def _too_late(shipment: Shipment) -> str:
    if shipment.status in CANCELLABLE:
        return _l("shipment %(id)s is being packed") % {"id": shipment.id}
    return _l("shipment %(id)s is already %(status)s") % {
        "id": shipment.id,
        "status": shipment.status.value,
    }


def report_shipment(
    shipment_id: int, report: ShipmentReport, *, actor_id: int | None = None
) -> Shipment:
    """A 3PL or supplier says a shipment left (with tracking) or arrived. Its
    tracking link is shown to customer service as a link: http(s) only."""
    if report.tracking_url and not is_web_address(report.tracking_url):
        raise InvalidInput(
            field="tracking_url", problem=_l("must be a web address (https://…)")
        )
    with unit_of_work() as session:
        shipment = session.get(Shipment, shipment_id)
        if shipment is None:
            raise NotFound()
        target = S(report.status)
        if shipment.status == target:
            return shipment  # reported twice
        if target == S.SHIPPED and shipment.mode == FulfilmentMode.IN_HOUSE:
            # our own parcels are shipped from the packing bench, not the API
            raise InvalidTransition(
                object=f"Shipment {shipment.id}", current=shipment.status, target=target
            )
        if target == S.SHIPPED or shipment.status == S.REQUESTED:
            _mark_shipped(session, shipment, report, actor_id)
        if target == S.DELIVERED and shipment.mode == FulfilmentMode.IN_HOUSE:
            _deliver_parcels(session, shipment, actor_id)
        elif target == S.DELIVERED:
            fulfilment.set_status(session, shipment, S.DELIVERED, actor_id)
        return shipment


def _deliver_parcels(session: Session, shipment: Shipment, actor_id) -> None:
    """Our own parcels: each one handed over is delivered, then the shipment is."""
    from fulfil.services import shipping

    if shipment.status != S.SHIPPED:
        raise InvalidTransition(
            object=f"Shipment {shipment.id}",
            current=shipment.status,
            target=S.DELIVERED,
        )
    for parcel in session.scalars(
        sa.select(Parcel).where(
            Parcel.shipment_id == shipment.id, Parcel.status == ParcelStatus.SHIPPED
        )
    ):
        shipping.mark_delivered(session, parcel, actor_id)


def _mark_shipped(session: Session, shipment, report: ShipmentReport, actor_id):
    shipment.carrier = report.carrier or shipment.carrier
    shipment.tracking_number = report.tracking_number or shipment.tracking_number
    shipment.tracking_url = report.tracking_url or shipment.tracking_url
    fulfilment.set_status(
        session,
        shipment,
        S.SHIPPED,
        actor_id,
        carrier=shipment.carrier,
        tracking_number=shipment.tracking_number,
    )


# -- intake steps ---------------------------------------------------------------------


def _check(session: Session, request: OrderIn):
    """Every problem the catalogue and layout find in the request, all at once.
    Returns the products by SKU and the warehouse named (as plain rows), and every
    warehouse."""
    connection = session.connection()
    skus = list({line.sku for line in request.lines})
    products = {p.sku: p for p in connection.execute(_PRODUCTS, {"skus": skus})}
    problems = []
    for number, line in enumerate(request.lines):
        product = products.get(line.sku)
        field = f"lines[{number}].sku"
        if product is None:
            problems.append(
                (field, _l("no product with SKU %(sku)s") % {"sku": line.sku})
            )
        elif not product.active:
            problems.append(
                (field, _l("%(sku)s is no longer sold") % {"sku": line.sku})
            )
        elif product.fulfilment == FulfilmentMode.DROPSHIP and not product.supplier_id:
            problems.append(
                (
                    field,
                    _l("%(sku)s is dropshipped but has no supplier")
                    % {"sku": line.sku},
                )
            )
    physical = any(p.fulfilment != FulfilmentMode.DIGITAL for p in products.values())
    if physical and request.shipping_address is None:
        problems.append(("shipping_address", _l("is required for physical goods")))
    warehouses = _WAREHOUSES.all(connection, {})
    warehouse = None
    if request.warehouse:
        code = request.warehouse.upper()
        warehouse = next((w for w in warehouses if w.code == code), None)
        if warehouse is None:
            problems.append(
                ("warehouse", _l("no warehouse %(code)s") % {"code": request.warehouse})
            )
    elif physical and not warehouses:
        problems.append(("warehouse", _l("no warehouse is set up yet")))
    if problems:
        raise InvalidRequest(problems)
    return products, warehouse, warehouses


def _route(session: Session, products: dict, in_house_lines, warehouses):
    """The warehouse that can serve most in-house units (the first one on ties)."""
    if not warehouses:
        return None
    need: dict[int, int] = defaultdict(int)
    for line in in_house_lines:
        need[products[line.sku].id] += line.quantity
    if not need or len(warehouses) == 1:
        return warehouses[0]
    available = allocation.available_by_warehouse(session, set(need))

    def served(warehouse) -> int:
        stock = available.get(warehouse.id, {})
        return sum(min(stock.get(pid, 0), units) for pid, units in need.items())

    return max(warehouses, key=lambda w: (served(w), -w.id))


def _promise(placed_at: datetime, warehouse) -> datetime:
    """The ship-by time by the warehouse's cut-off and working days (each the
    configuration's where it has none), in its zone."""
    config = current_app.config
    cutoff, working_days = site_rules(
        warehouse.cutoff_time if warehouse else None,
        warehouse.working_days if warehouse else None,
        default_cutoff=config["CUTOFF_TIME"],
        default_days=config["WORKING_DAYS"],
    )
    return promised_ship_by(
        placed_at,
        cutoff=cutoff,
        working_days=working_days,
        holidays=config["HOLIDAYS"],
        timezone=warehouse.timezone if warehouse else "UTC",
    )


def _order_values(request: OrderIn, digest: str, source: str, warehouse) -> dict:
    """The order's columns."""
    promise = request.promised_ship_by or _promise(request.placed_at, warehouse)
    address = request.shipping_address
    return dict(
        external_id=request.external_id,
        request_hash=digest,
        source=source,
        warehouse_id=warehouse.id if warehouse else None,
        placed_at=request.placed_at,
        promised_ship_by=promise,
        customer_name=request.customer.name,
        customer_email=request.customer.email or "",
        customer_phone=request.customer.phone,
        ship_name=address.name if address else "",
        ship_line1=address.line1 if address else "",
        ship_line2=address.line2 if address else "",
        ship_postal_code=address.postal_code if address else "",
        ship_city=address.city if address else "",
        ship_country=address.country if address else "",
        shipping_method=request.shipping_method,
        pickup_point_id=request.pickup_point_id or "",
        appointment_start=request.appointment.start if request.appointment else None,
        appointment_end=request.appointment.end if request.appointment else None,
    )


def _take_in_objects(
    session: Session, request: OrderIn, values: dict, products: dict, source, actor_id
) -> Order:
    """An order with lines of several fulfilment modes: each mode's shipment starts
    its own way (fulfilment.start)."""
    objects = {
        p.sku: p
        for p in session.scalars(
            sa.select(Product).where(Product.id.in_([p.id for p in products.values()]))
        )
    }
    order = Order(**values)
    for line in request.lines:
        order.lines.append(
            OrderLine(
                product=objects[line.sku], qty=line.quantity, unit_price=line.unit_price
            )
        )
    _split_into_shipments(order)
    session.add(order)
    events.record(
        session,
        "order.received",
        order,
        actor_id=actor_id,
        external_id=order.external_id,
        source=source,
    )
    for shipment in order.shipments:
        fulfilment.start(session, shipment, actor_id)
    return order


def _split_into_shipments(order: Order) -> None:
    """One shipment per fulfilment mode, and per supplier for dropship."""
    groups: dict[tuple, Shipment] = {}
    for line in order.lines:
        product = line.product
        mode = product.fulfilment
        supplier_id = product.supplier_id if mode == FulfilmentMode.DROPSHIP else None
        key = (mode, supplier_id)
        if key not in groups:
            groups[key] = Shipment(
                mode=mode,
                supplier_id=supplier_id,
                warehouse_id=order.warehouse_id
                if mode == FulfilmentMode.IN_HOUSE
                else None,
            )
            order.shipments.append(groups[key])
        groups[key].lines.append(line)


# -- an order we pick ourselves, written as rows --------------------------------------
#
# Most orders are this one: every line in-house, so one shipment whose lines reserve
# stock at once. It is what fulfilment.start and allocation.allocate_shipment do for
# objects, written as a handful of statements instead (the lines all at once, no
# INSERT … RETURNING per line and event), and it keeps what it wrote to answer with.


@dataclass
class WrittenShipment:
    """A shipment as stored, with what the API shows of it."""

    id: int
    mode: FulfilmentMode
    status: ShipmentStatus
    warehouse_id: int | None
    lines: list["WrittenLine"] = field(default_factory=list)
    supplier = follows_id = None
    carrier = tracking_number = tracking_url = ""
    shipped_at = delivered_at = None


@dataclass
class WrittenLine:
    """An order line as stored: its product (id, sku, name, fulfilment) and the
    units reserved for it."""

    id: int
    product: object
    qty: int
    unit_price: Decimal
    shipment: WrittenShipment
    reserved: int
    grants = ()
    split_from_id = None
    cancelled = passed_on = 0

    @property
    def shipment_id(self) -> int:
        return self.shipment.id

    @property
    def carried(self) -> int:
        return self.qty


@dataclass
class WrittenOrder:
    """An order as stored, with the same attributes as the Order it now is."""

    id: int
    external_id: str
    status: OrderStatus
    warehouse: object  # (id, code, timezone)
    placed_at: datetime
    promised_ship_by: datetime
    customer_name: str
    customer_email: str
    customer_phone: str
    ship_name: str
    ship_line1: str
    ship_line2: str
    ship_postal_code: str
    ship_city: str
    ship_country: str
    shipping_method: ShippingMethod
    pickup_point_id: str
    appointment_start: datetime | None
    appointment_end: datetime | None
    source: str
    lines: list[WrittenLine] = field(default_factory=list)
    shipments: list[WrittenShipment] = field(default_factory=list)
    short_policy = None

    shipping_address = Order.shipping_address  # the same address, the same shape
    ordered_lines = Order.ordered_lines


def _take_in_house(
    session: Session, request: OrderIn, values: dict, products: dict, warehouse
) -> WrittenOrder:
    """Store an order whose lines are all in-house, reserving at once what its
    warehouse has (allocation.draw_for_new_lines locks those rows), backordering the
    rest."""
    wanted = [(products[line.sku].id, line.quantity) for line in request.lines]
    draws = allocation.draw_for_new_lines(session, warehouse.id, wanted)
    complete = all(
        sum(units for _, units in draw) == qty
        for draw, (_, qty) in zip(draws, wanted, strict=True)
    )
    shipment_status = S.ALLOCATED if complete else S.BACKORDERED
    status = order_status([shipment_status])
    connection = session.connection()
    order_id = _NEW_ORDER.first(connection, values | {"status": status}).id
    shipment = WrittenShipment(
        id=0,
        mode=FulfilmentMode.IN_HOUSE,
        status=shipment_status,
        warehouse_id=warehouse.id,
    )
    shipment.id = _NEW_SHIPMENT.first(
        connection,
        {
            "order_id": order_id,
            "mode": shipment.mode,
            "status": shipment.status,
            "warehouse_id": shipment.warehouse_id,
        },
    ).id
    stored = connection.execute(
        _NEW_LINES,
        [
            {
                "order_id": order_id,
                "shipment_id": shipment.id,
                "product_id": product_id,
                "qty": qty,
                "unit_price": line.unit_price,
            }
            for line, (product_id, qty) in zip(request.lines, wanted, strict=True)
        ],
    ).all()
    # Which id each line got, matched by content: RETURNING in one statement for all
    # the rows (as both databases do it) promises no order. Lines alike in product
    # and units are alike in what they reserve too, so their order among themselves
    # does not matter.
    waiting: dict[tuple, deque] = defaultdict(deque)
    for number, key in enumerate(wanted):
        waiting[key].append(number)
    by_id = {p.id: p for p in products.values()}
    written = WrittenOrder(
        id=order_id,
        status=status,
        warehouse=warehouse,
        **{k: v for k, v in values.items() if k not in _NOT_SHOWN},
    )
    holds = []
    for row in sorted(stored, key=lambda row: row.id):  # as order_out lists them
        number = waiting[(row.product_id, row.qty)].popleft()
        draw = draws[number]
        holds += [
            (stock_id, units, written.external_id, row.id) for stock_id, units in draw
        ]
        line = WrittenLine(
            id=row.id,
            product=by_id[row.product_id],
            qty=row.qty,
            unit_price=row.unit_price,
            shipment=shipment,
            reserved=sum(units for _, units in draw),
        )
        written.lines.append(line)
        shipment.lines.append(line)
    written.shipments.append(shipment)
    if holds:
        inventory.hold_rows(session, holds)
    _as_read_back(written)
    return written


def _as_read_back(written: WrittenOrder) -> None:
    """Moments in UTC, as the database gives them back."""
    for name in (
        "placed_at",
        "promised_ship_by",
        "appointment_start",
        "appointment_end",
    ):
        moment = getattr(written, name)
        if moment is not None:
            setattr(written, name, moment.astimezone(UTC))


def _record_intake(
    session: Session, written: WrittenOrder, source: str, actor_id: int | None
) -> None:
    """The events (and webhooks) fulfilment.start would record for these rows."""
    external_id = written.external_id
    shipment = written.shipments[0]
    entries = [
        events.Entry(
            "order.received",
            Order.__tablename__,
            written.id,
            {"external_id": external_id, "source": source},
            webhooks.order_described(
                written.id, external_id, OrderStatus.RECEIVED.value
            ),
        ),
        events.Entry(
            f"shipment.{shipment.status.value}",
            Shipment.__tablename__,
            shipment.id,
            {"order": external_id, "mode": shipment.mode.value},
            webhooks.shipment_described(
                shipment_id=shipment.id,
                external_id=external_id,
                mode=shipment.mode.value,
                status=shipment.status.value,
                supplier=None,
                carrier="",
                tracking_number="",
                tracking_url="",
                lines=[
                    {
                        "sku": ln.product.sku,
                        "name": ln.product.name,
                        "quantity": ln.qty,
                        "shipped": 0,
                    }
                    for ln in shipment.lines
                ],
                shipping_address=written.shipping_address,
            ),
            mode=shipment.mode.value,
        ),
        events.Entry(
            f"order.{written.status.value}",
            Order.__tablename__,
            written.id,
            {"external_id": external_id},
            webhooks.order_described(written.id, external_id, written.status.value),
        ),
    ]
    events.record_all(session, entries, actor_id=actor_id)


_NOT_SHOWN = frozenset({"request_hash", "warehouse_id"})
_orders, _lines = Order.__table__, OrderLine.__table__
# Every order runs these (on the driver's cursor: fulfil.direct).
_EARLIER = Direct(
    sa.select(_orders.c.id, _orders.c.request_hash).where(
        _orders.c.external_id == sa.bindparam("external_id")
    )
)
_products = Product.__table__
_PRODUCTS = sa.select(
    _products.c.id,
    _products.c.sku,
    _products.c.name,
    _products.c.fulfilment,
    _products.c.supplier_id,
    _products.c.active,
).where(_products.c.sku.in_(sa.bindparam("skus", expanding=True)))
_warehouses = Warehouse.__table__
_WAREHOUSES = Direct(
    sa.select(
        _warehouses.c.id,
        _warehouses.c.code,
        _warehouses.c.timezone,
        _warehouses.c.cutoff_time,
        _warehouses.c.working_days,
    ).order_by(_warehouses.c.id)
)
_NEW_ORDER = Direct(sa.insert(_orders).returning(_orders.c.id))
_NEW_SHIPMENT = Direct(sa.insert(Shipment.__table__).returning(Shipment.__table__.c.id))
_NEW_LINES = sa.insert(_lines).returning(
    _lines.c.id, _lines.c.product_id, _lines.c.qty, _lines.c.unit_price
)
