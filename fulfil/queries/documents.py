"""The document values (fulfil.documents.model) filled from the database."""

from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app

from fulfil.documents import model as doc
from fulfil.extensions import db
from fulfil.models import Manifest, Order, Parcel, Shipment, Warehouse
from fulfil.queries.tracking import tracking_token
from fulfil.services.partners import public_url


def tracking_url(shipment_id: int) -> str:
    return public_url("tracking.page", token=tracking_token(shipment_id))


def ship_from(warehouse: Warehouse) -> doc.Address:
    """The sender block from the warehouse's address (name, street, "code city")."""
    lines = [line.strip() for line in warehouse.address.splitlines() if line.strip()]
    name = lines[0] if lines else warehouse.name
    street = lines[1] if len(lines) > 1 else ""
    postal_code, _, city = (lines[2] if len(lines) > 2 else "").partition(" ")
    return doc.Address(
        name=name,
        line1=street,
        line2="",
        postal_code=postal_code,
        city=city,
        country=current_app.config["SHIP_FROM_COUNTRY"],
    )


def ship_to(order: Order) -> doc.Address:
    return doc.Address(
        name=order.ship_name,
        line1=order.ship_line1,
        line2=order.ship_line2 or "",
        postal_code=order.ship_postal_code,
        city=order.ship_city,
        country=order.ship_country,
    )


def parcel_document(parcel: Parcel) -> doc.Parcel:
    shipment = parcel.shipment
    order = shipment.order
    prices = {line.product_id: line.unit_price for line in shipment.lines}
    timezone = ZoneInfo(order.warehouse.timezone if order.warehouse else "UTC")
    count = db.session.scalar(
        sa.select(sa.func.count(Parcel.id)).where(Parcel.shipment_id == shipment.id)
    )
    appointment = None
    if order.appointment_start and order.appointment_end:
        appointment = (
            order.appointment_start.astimezone(timezone),
            order.appointment_end.astimezone(timezone),
        )
    return doc.Parcel(
        order_ref=order.external_id,
        number=parcel.number,
        count=count,
        ship_from=ship_from(order.warehouse),
        ship_to=ship_to(order),
        carrier=parcel.carrier.name if parcel.carrier else "",
        service=parcel.service,
        tracking_number=parcel.tracking_number,
        tracking_url=tracking_url(shipment.id),
        weight_g=parcel.weight_g or 0,
        box=parcel.box.code if parcel.box else "",
        lines=tuple(
            doc.Line(
                sku=item.product.sku,
                name=item.product.name,
                qty=item.qty,
                unit_price=prices.get(item.product_id, 0),
                hs_code=item.product.hs_code or "",
                origin_country=item.product.origin_country or "",
                weight_g=item.product.weight_g or 0,
                lot=item.lot,
            )
            for item in parcel.items
        ),
        pickup_point_id=order.pickup_point_id or "",
        appointment=appointment,
        shipped_on=parcel.packed_at.astimezone(timezone).date()
        if parcel.packed_at
        else None,
    )


def slip_document(shipment: Shipment) -> doc.Slip:
    order = shipment.order
    timezone = ZoneInfo(order.warehouse.timezone if order.warehouse else "UTC")
    return doc.Slip(
        order_ref=order.external_id,
        placed_at=order.placed_at.astimezone(timezone),
        ship_to=ship_to(order),
        ship_from=ship_from(order.warehouse),
        shop_name=current_app.config["SHOP_NAME"],
        lines=tuple(
            doc.Line(
                sku=line.product.sku,
                name=line.product.name,
                qty=line.carried,
                unit_price=line.unit_price,
            )
            for line in shipment.lines
            if line.carried
        ),
        order_url=tracking_url(shipment.id),
    )


def manifest_document(manifest: Manifest) -> doc.Manifest:
    warehouse = db.session.get(Warehouse, manifest.warehouse_id)
    return doc.Manifest(
        carrier=manifest.carrier.name,
        number=manifest.number,
        created_at=manifest.created_at.astimezone(ZoneInfo(warehouse.timezone)),
        ship_from=ship_from(warehouse),
        entries=tuple(
            doc.ManifestEntry(
                tracking_number=parcel.tracking_number,
                order_ref=parcel.shipment.order.external_id,
                ship_to=ship_to(parcel.shipment.order),
                weight_g=parcel.weight_g or 0,
            )
            for parcel in manifest.parcels
        ),
    )
