"""What the pack bench shows: the parcel, what the order still expects, the choices."""

from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app

from fulfil.documents.customs import needs_customs
from fulfil.errors import NotFound
from fulfil.extensions import db
from fulfil.models import (
    Box,
    Carrier,
    Manifest,
    Parcel,
    ParcelStatus,
    Product,
    Shipment,
)
from fulfil.queries import lines
from fulfil.services import packing


@dataclass(frozen=True)
class ExpectedRow:
    product: Product
    picked: int
    in_parcels: int
    remaining: int
    ordered: int = 0  # what the shipment's lines asked for
    follows: int = 0  # found short: on a backorder that ships later
    cancelled: int = 0  # found short: not shipped at all

    @property
    def short(self) -> int:
        return self.follows + self.cancelled


@dataclass(frozen=True)
class BenchView:
    parcel: Parcel
    shipment: Shipment
    rows: list[ExpectedRow]
    suggested: Box | None
    boxes: list[Box]
    carriers: list[Carrier]
    weight_off: bool
    customs: bool
    parcels: list[Parcel]
    # leaving the EU: products still without an HS code or a country of origin
    customs_missing: list[Product] = ()

    @property
    def left(self) -> int:
        return sum(row.remaining for row in self.rows)


def bench_view(parcel_id: int) -> BenchView:
    parcel = db.session.get(Parcel, parcel_id)
    if parcel is None:
        raise NotFound()
    shipment = parcel.shipment
    session = db.session()
    picked = packing.picked(session, shipment)
    remaining = packing.remaining(session, shipment)
    in_parcels: dict[int, int] = {}
    parcels = db.session.scalars(
        sa.select(Parcel)
        .where(Parcel.shipment_id == shipment.id)
        .order_by(Parcel.number)
    ).all()
    for each in parcels:
        for item in each.items:
            in_parcels[item.product_id] = in_parcels.get(item.product_id, 0) + item.qty
    products = {line.product_id: line.product for line in shipment.lines}
    asked: dict[int, list] = {}
    for line in shipment.lines:
        asked.setdefault(line.product_id, []).append(line)
    outcomes = lines.short_outcomes(shipment.order)
    rows = [
        ExpectedRow(
            products[pid],
            units,
            in_parcels.get(pid, 0),
            remaining.get(pid, 0),
            ordered=sum(line.qty for line in asked[pid]),
            follows=sum(outcomes[line.id].follows for line in asked[pid]),
            cancelled=sum(outcomes[line.id].cancelled for line in asked[pid]),
        )
        for pid, units in sorted(picked.items(), key=lambda kv: products[kv[0]].sku)
        if units
    ]
    customs = needs_customs(
        current_app.config["SHIP_FROM_COUNTRY"], shipment.order.ship_country or ""
    )
    return BenchView(
        parcel=parcel,
        shipment=shipment,
        rows=rows,
        suggested=packing.suggest_box(session, parcel) if parcel.items else None,
        boxes=list(
            db.session.scalars(
                sa.select(Box).where(Box.active.is_(True)).order_by(Box.cost, Box.code)
            )
        ),
        carriers=active_carriers(),
        weight_off=packing.weight_is_off(parcel),
        customs=customs,
        parcels=list(parcels),
        customs_missing=packing.customs_data_missing(row.product for row in rows)
        if customs
        else [],
    )


def active_carriers() -> list[Carrier]:
    return list(
        db.session.scalars(
            sa.select(Carrier).where(Carrier.active.is_(True)).order_by(Carrier.name)
        )
    )


def parcel(parcel_id: int) -> Parcel:
    found = db.session.get(Parcel, parcel_id)
    if found is None:
        raise NotFound()
    return found


def shipment(shipment_id: int) -> Shipment:
    found = db.session.get(Shipment, shipment_id)
    if found is None:
        raise NotFound()
    return found


@dataclass(frozen=True)
class DockRow:
    carrier: Carrier
    parcels: list[Parcel]


def dock(warehouse_id: int) -> list[DockRow]:
    """Packed parcels waiting on the dock, per carrier."""
    waiting = db.session.scalars(
        sa.select(Parcel)
        .join(Shipment, Parcel.shipment_id == Shipment.id)
        .where(
            Shipment.warehouse_id == warehouse_id,
            Parcel.status == ParcelStatus.PACKED,
            Parcel.manifest_id.is_(None),
        )
        .order_by(Parcel.id)
    ).all()
    by_carrier: dict[int, list[Parcel]] = {}
    for each in waiting:
        by_carrier.setdefault(each.carrier_id, []).append(each)
    return [
        DockRow(carrier, by_carrier.get(carrier.id, []))
        for carrier in active_carriers()
    ]


def manifests(warehouse_id: int, limit: int = 30) -> list[Manifest]:
    return list(
        db.session.scalars(
            sa.select(Manifest)
            .where(Manifest.warehouse_id == warehouse_id)
            .order_by(Manifest.id.desc())
            .limit(limit)
        )
    )


def manifest(manifest_id: int) -> Manifest:
    found = db.session.get(Manifest, manifest_id)
    if found is None:
        raise NotFound()
    return found
