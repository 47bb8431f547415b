"""Order intake, cancellation, and what 3PLs and suppliers report back.

An order arrives once: its external id is unique, and the same request again returns
the first result (the stored SHA-256 of the request tells a replay from a conflict).
On intake the lines split into one shipment per fulfilment mode (and per supplier for
dropship); in-house lines reserve stock at once, the rest is backordered.
"""

import hashlib
from collections import defaultdict

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from fulfil.domain.promise import promised_ship_by
from fulfil.domain.states import CANCELLABLE, ShipmentStatus
from fulfil.errors import (
    InvalidRequest,
    InvalidTransition,
    NotCancellable,
    NotFound,
    OrderConflict,
)
from fulfil.models import (
    FulfilmentMode,
    Order,
    OrderLine,
    Parcel,
    ParcelStatus,
    Product,
    Shipment,
    Warehouse,
)
from fulfil.queries.orders import order_by_external_id
from fulfil.schemas import OrderIn, ShipmentReport
from fulfil.services import (
    allocation,
    events,
    fulfilment,
    picking,
    replay_safe,
    unit_of_work,
)
from fulfil.services.inventory import let_go

S = ShipmentStatus


def request_digest(request: OrderIn) -> str:
    return hashlib.sha256(request.model_dump_json().encode()).hexdigest()


@replay_safe
def receive_order(
    request: OrderIn, *, source: str = "api", actor_id: int | None = None
) -> tuple[Order, bool]:
    """Take an order in, all or nothing. Returns (order, True if new)."""
    digest = request_digest(request)
    with unit_of_work() as session:
        earlier = session.scalar(
            sa.select(Order).where(Order.external_id == request.external_id)
        )
        if earlier is not None:
            if earlier.request_hash != digest:
                raise OrderConflict(external_id=request.external_id)
            return earlier, False
        products, warehouse = _check(session, request)
        in_house = [
            line
            for line in request.lines
            if products[line.sku].fulfilment == FulfilmentMode.IN_HOUSE
        ]
        if warehouse is None:
            warehouse = _route(session, products, in_house)
        order = _new_order(request, digest, source, warehouse)
        for line in request.lines:
            order.lines.append(
                OrderLine(
                    product=products[line.sku],
                    qty=line.quantity,
                    unit_price=line.unit_price,
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
        return order, True


def cancel_order(
    external_id: str, *, reason: str = "", actor_id: int | None = None
) -> Order:
    """Cancel every shipment and free every reservation; refused once packing began."""
    with unit_of_work() as session:
        order = order_by_external_id(external_id)
        if all(s.status == S.CANCELLED for s in order.shipments):
            return order  # already cancelled: saying it again changes nothing
        packing_began = set(
            session.scalars(
                sa.select(Parcel.shipment_id).where(
                    Parcel.shipment_id.in_([s.id for s in order.shipments])
                )
            )
        )
        for shipment in order.shipments:
            if shipment.id in packing_began and shipment.status != S.CANCELLED:
                raise NotCancellable(
                    external_id=external_id,
                    reason=_l("shipment %(id)s is being packed") % {"id": shipment.id},
                )
            if shipment.status not in CANCELLABLE and shipment.status != S.CANCELLED:
                raise NotCancellable(
                    external_id=external_id,
                    reason=_l("shipment %(id)s is already %(status)s")
                    % {"id": shipment.id, "status": shipment.status.value},
                )
        for shipment in order.shipments:
            on_a_list = shipment.status == S.PICKING
            if shipment.status != S.CANCELLED:
                fulfilment.set_status(
                    session, shipment, S.CANCELLED, actor_id, reason=reason
                )
            if on_a_list:
                picking.drop_shipment(session, shipment.id, actor_id)
        for line in order.lines:
            for reservation in line.reservations:
                if reservation.qty:
                    let_go(session, reservation, reservation.qty)
        return order


def report_shipment(
    shipment_id: int, report: ShipmentReport, *, actor_id: int | None = None
) -> Shipment:
    """A 3PL or supplier says a shipment left (with tracking) or arrived."""
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
    """Every problem the catalogue and layout find in the request, all at once."""
    skus = {line.sku for line in request.lines}
    products = {
        p.sku: p
        for p in session.scalars(sa.select(Product).where(Product.sku.in_(skus)))
    }
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
    physical = any(p.is_physical for p in products.values())
    if physical and request.shipping_address is None:
        problems.append(("shipping_address", _l("is required for physical goods")))
    warehouse = None
    if request.warehouse:
        warehouse = session.scalar(
            sa.select(Warehouse).where(Warehouse.code == request.warehouse.upper())
        )
        if warehouse is None:
            problems.append(
                ("warehouse", _l("no warehouse %(code)s") % {"code": request.warehouse})
            )
    elif physical and not session.scalar(sa.select(Warehouse.id).limit(1)):
        problems.append(("warehouse", _l("no warehouse is set up yet")))
    if problems:
        raise InvalidRequest(problems)
    return products, warehouse


def _route(session: Session, products: dict, in_house_lines) -> Warehouse | None:
    """The warehouse that can serve most in-house units (the first one on ties)."""
    warehouses = session.scalars(sa.select(Warehouse).order_by(Warehouse.id)).all()
    if not warehouses:
        return None
    need: dict[int, int] = defaultdict(int)
    for line in in_house_lines:
        need[products[line.sku].id] += line.quantity
    if not need or len(warehouses) == 1:
        return warehouses[0]
    available = allocation.available_by_warehouse(session, set(need))

    def served(warehouse: Warehouse) -> int:
        stock = available.get(warehouse.id, {})
        return sum(min(stock.get(pid, 0), units) for pid, units in need.items())

    return max(warehouses, key=lambda w: (served(w), -w.id))


def _new_order(request: OrderIn, digest: str, source: str, warehouse) -> Order:
    config = current_app.config
    promise = request.promised_ship_by or promised_ship_by(
        request.placed_at,
        cutoff=config["CUTOFF_TIME"],
        working_days=config["WORKING_DAYS"],
        holidays=config["HOLIDAYS"],
        timezone=warehouse.timezone if warehouse else "UTC",
    )
    address = request.shipping_address
    return Order(
        external_id=request.external_id,
        request_hash=digest,
        source=source,
        warehouse=warehouse,
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
                warehouse_id=order.warehouse.id
                if order.warehouse and mode == FulfilmentMode.IN_HOUSE
                else None,
            )
            order.shipments.append(groups[key])
        groups[key].lines.append(line)
