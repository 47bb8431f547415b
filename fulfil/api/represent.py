"""Models as the API shows them (the shapes are in fulfil.schemas)."""

import sqlalchemy as sa
from flask import current_app, url_for
from sqlalchemy.orm import joinedload, selectinload

from fulfil.domain.lines import LineQuantities
from fulfil.domain.promise import stored_weekdays
from fulfil.domain.states import ShipmentStatus
from fulfil.extensions import db
from fulfil.models import (
    DigitalGrant,
    FulfilmentMode,
    Location,
    Order,
    OrderLine,
    Product,
    Shipment,
    Warehouse,
)
from fulfil.queries import lines
from fulfil.queries.orders import order_timeline
from fulfil.schemas import (
    AllocationOut,
    DownloadOut,
    EventOut,
    LicenceKeyOut,
    LineOut,
    LocationOut,
    OrderOut,
    ProductOut,
    QuantitiesOut,
    ShipmentLineOut,
    ShipmentOut,
    SlotOut,
    WarehouseOut,
)
from fulfil.services.digital import download_token
from fulfil.services.orders import WrittenOrder

_GONE = (ShipmentStatus.SHIPPED, ShipmentStatus.DELIVERED)
# Everything order_out reads, in a few queries rather than a few per line (after a
# commit every attribute would otherwise be loaded again, one by one).
ORDER_DETAILS = (
    joinedload(Order.warehouse),
    selectinload(Order.lines).options(
        joinedload(OrderLine.product),
        selectinload(OrderLine.reservations),
        selectinload(OrderLine.grants).joinedload(DigitalGrant.licence_key),
    ),
    selectinload(Order.shipments).options(
        selectinload(Shipment.lines), joinedload(Shipment.supplier)
    ),
)


def order_out(order: Order, *, with_timeline: bool = False) -> OrderOut:
    order_id = sa.inspect(order).identity[0]  # no refresh just to read the id
    order = db.session.scalars(
        sa.select(Order).where(Order.id == order_id).options(*ORDER_DETAILS)
    ).one()
    events = None
    if with_timeline:
        events = [
            EventOut(
                at=e.at,
                action=e.action,
                actor=e.actor.username if e.actor else None,
                data=e.data,
            )
            for e in order_timeline(order)
        ]
    return _order(order, events)


def written_out(order: WrittenOrder) -> OrderOut:
    """A new order as taking it in wrote it (services.orders.take_order), shown as
    order_out would show it read back."""
    return _order(order, None)


def _order(order: Order | WrittenOrder, events: list[EventOut] | None) -> OrderOut:
    known = (
        lines.facts(list(order.lines), list(order.shipments))
        if isinstance(order, Order)
        else lines.Facts.none()  # just taken in: nothing happened to it yet
    )
    figures = lines.quantities(order, known)
    return OrderOut(
        id=order.id,
        external_id=order.external_id,
        status=order.status.value,
        warehouse=order.warehouse.code if order.warehouse else None,
        placed_at=order.placed_at,
        promised_ship_by=order.promised_ship_by,
        customer={
            "name": order.customer_name,
            "email": order.customer_email or None,
            "phone": order.customer_phone,
        },
        shipping_address=order.shipping_address if order.ship_line1 else None,
        shipping_method=order.shipping_method,
        pickup_point_id=order.pickup_point_id or None,
        appointment=SlotOut(start=order.appointment_start, end=order.appointment_end)
        if order.appointment_start and order.appointment_end
        else None,
        short_policy=order.short_policy or current_app.config["SHORT_PICK_POLICY"],
        lines=[_line(line, figures[line.id]) for line in order.ordered_lines],
        shipments=[_shipment(s, order, known) for s in order.shipments],
        timeline=events,
    )


def _line(line: OrderLine, figures: LineQuantities) -> LineOut:
    return LineOut(
        sku=line.product.sku,
        name=line.product.name,
        quantity=line.qty,
        unit_price=line.unit_price,
        fulfilment=line.product.fulfilment,
        shipment_id=line.shipment_id,
        state=figures.state,
        quantities=QuantitiesOut(
            ordered=figures.ordered,
            allocated=figures.allocated,
            picked=figures.picked,
            packed=figures.packed,
            shipped=figures.shipped,
            short=figures.short,
            backordered=figures.backordered,
            cancelled=figures.cancelled,
        ),
        allocation=_allocation(line, figures),
    )


def _allocation(line: OrderLine, figures: LineQuantities) -> AllocationOut:
    """The line's stock as before packing: units held for it (reserved, or picked or
    beyond) and units waiting for stock."""
    live = figures.ordered - figures.cancelled
    if live == 0:
        return AllocationOut(state="cancelled", allocated=0, backordered=0)
    if line.product.fulfilment != FulfilmentMode.IN_HOUSE:
        return AllocationOut(state="not_stocked", allocated=0, backordered=0)
    waiting = figures.backordered
    state = "backordered" if waiting == live else "partial" if waiting else "allocated"
    return AllocationOut(state=state, allocated=live - waiting, backordered=waiting)


def _shipment(shipment: Shipment, order: Order, known: lines.Facts) -> ShipmentOut:
    downloads, keys = [], []
    for line in shipment.lines:
        for grant in line.grants:
            if grant.licence_key is not None:
                keys.append(
                    LicenceKeyOut(sku=line.product.sku, key=grant.licence_key.key)
                )
            else:
                downloads.append(
                    DownloadOut(
                        sku=line.product.sku,
                        url=url_for(
                            "downloads.fetch",
                            token=download_token(grant),
                            _external=True,
                        ),
                        expires_at=grant.expires_at,
                        downloads_left=max(grant.max_downloads - grant.downloads, 0),
                    )
                )
    return ShipmentOut(
        id=shipment.id,
        mode=shipment.mode,
        status=shipment.status.value,
        follows=shipment.follows_id,
        lines=[
            ShipmentLineOut(
                sku=line.product.sku,
                quantity=line.carried,
                shipped=known.shipped.get(line.id, 0)
                if line.product.fulfilment == FulfilmentMode.IN_HOUSE
                else line.carried * (shipment.status in _GONE),
            )
            for line in shipment.lines
        ],
        warehouse=order.warehouse.code
        if shipment.warehouse_id and order.warehouse
        else None,
        supplier=shipment.supplier.code if shipment.supplier else None,
        carrier=shipment.carrier,
        tracking_number=shipment.tracking_number,
        tracking_url=shipment.tracking_url,
        shipped_at=shipment.shipped_at,
        delivered_at=shipment.delivered_at,
        downloads=downloads,
        licence_keys=keys,
    )


def product_out(product: Product) -> ProductOut:
    return ProductOut(
        sku=product.sku,
        name=product.name,
        barcode=product.barcode,
        weight_g=product.weight_g,
        length_mm=product.length_mm,
        width_mm=product.width_mm,
        height_mm=product.height_mm,
        fulfilment=product.fulfilment,
        tracking=product.tracking,
        hs_code=product.hs_code,
        origin_country=product.origin_country or None,
        supplier=product.supplier.code if product.supplier else None,
        download_file=product.download_file,
        max_downloads=product.max_downloads,
        active=product.active,
    )


def location_out(location: Location) -> LocationOut:
    return LocationOut(
        warehouse=location.warehouse.code,
        code=location.code,
        kind=location.kind.value,
        zone=location.zone,
        aisle=location.aisle,
        bay=location.bay,
        level=location.level,
        x=location.x,
        y=location.y,
        active=location.active,
    )


def warehouse_out(warehouse: Warehouse) -> WarehouseOut:
    cutoff = warehouse.cutoff_time
    days = stored_weekdays(warehouse.working_days)
    return WarehouseOut(
        code=warehouse.code,
        name=warehouse.name,
        address=warehouse.address,
        timezone=warehouse.timezone,
        cutoff_time=None if cutoff is None else f"{cutoff:%H:%M}",
        working_days=None if days is None else sorted(days),
    )
