"""Handing parcels to carriers (the manifest), and delivery as carriers report it."""

from datetime import time
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from fulfil.domain.states import ShipmentStatus
from fulfil.errors import (
    InvalidInput,
    InvalidRequest,
    NotFound,
    NotPacked,
    PackRefused,
)
from fulfil.limits import is_web_address
from fulfil.models import (
    Box,
    Carrier,
    LocationKind,
    Manifest,
    Parcel,
    ParcelStatus,
    Shipment,
)
from fulfil.models.types import utcnow
from fulfil.services import events, fulfilment, inventory, unit_of_work

S = ShipmentStatus


def define_box(
    *,
    code: str,
    name: str = "",
    inner_mm: tuple[int, int, int],
    max_weight_g: int,
    tare_g: int = 0,
    cost: Decimal = Decimal("0"),
    active: bool = True,
) -> Box:
    """Create or update a carton of the box catalogue."""
    code = code.strip().upper()
    problems = []
    if not code or len(code) > 32:
        problems.append(("code", _l("use 1 to 32 characters")))
    if any(not 0 < side <= 5000 for side in inner_mm):
        problems.append(("inner_mm", _l("each side 1 to 5000 mm")))
    if not 0 < max_weight_g <= 1_000_000 or not 0 <= tare_g < max_weight_g:
        problems.append(("max_weight_g", _l("more than the box's own weight")))
    if cost < 0:
        problems.append(("cost", _l("cannot be negative")))
    if problems:
        raise InvalidRequest(problems)
    with unit_of_work() as session:
        box = session.scalars(sa.select(Box).where(Box.code == code)).first()
        if box is None:
            box = Box(code=code)
            session.add(box)
        box.name = name.strip() or code
        box.length_mm, box.width_mm, box.height_mm = inner_mm
        box.max_weight_g, box.tare_g, box.cost, box.active = (
            max_weight_g,
            tare_g,
            cost,
            active,
        )
        return box


def define_carrier(
    *,
    code: str,
    name: str,
    tracking_url: str = "",
    services: str = "",
    cutoff: time | None = None,
    own_delivery: bool = False,
    active: bool = True,
) -> Carrier:
    """Create or update a carrier; its tracking link has {tracking} where the number
    goes."""
    code = code.strip().upper()
    problems = []
    if not code or len(code) > 32:
        problems.append(("code", _l("use 1 to 32 characters")))
    if not name.strip():
        problems.append(("name", _l("is required")))
    tracking_url = tracking_url.strip()
    if tracking_url and (
        "{tracking}" not in tracking_url
        or not tracking_url.startswith("https://")
        or not is_web_address(tracking_url.replace("{tracking}", "0"))
    ):
        problems.append(
            ("tracking_url", _l("an https:// address with {tracking} in it"))
        )
    if problems:
        raise InvalidRequest(problems)
    with unit_of_work() as session:
        carrier = session.scalars(
            sa.select(Carrier).where(Carrier.code == code)
        ).first()
        if carrier is None:
            carrier = Carrier(code=code)
            session.add(carrier)
        carrier.name = name.strip()
        carrier.tracking_url = tracking_url.strip()
        carrier.services = services.strip()
        carrier.cutoff = cutoff
        carrier.own_delivery = own_delivery
        carrier.active = active
        return carrier


def ready_parcels(session: Session, warehouse_id: int, carrier_id: int) -> list[Parcel]:
    """Packed parcels of a carrier on the dock, not yet on a manifest."""
    return list(
        session.scalars(
            sa.select(Parcel)
            .join(Shipment, Parcel.shipment_id == Shipment.id)
            .where(
                Shipment.warehouse_id == warehouse_id,
                Parcel.carrier_id == carrier_id,
                Parcel.status == ParcelStatus.PACKED,
                Parcel.manifest_id.is_(None),
                Shipment.status != S.CANCELLED,
            )
            .order_by(Parcel.id)
            .with_for_update(of=Parcel)
        )
    )


def hand_over(
    *,
    warehouse_id: int,
    carrier_id: int,
    parcel_ids: list[int] | None = None,
    actor_id: int | None = None,
) -> Manifest:
    """The driver takes the parcels: one manifest, each parcel shipped, its units
    leave for the customer in the ledger, the shop hears `shipment.shipped`."""
    with unit_of_work() as session:
        carrier = session.get(Carrier, carrier_id)
        if carrier is None:
            raise NotFound()
        parcels = ready_parcels(session, warehouse_id, carrier_id)
        if parcel_ids is not None:
            chosen = set(parcel_ids)
            _refuse_unready(session, chosen - {p.id for p in parcels})
            parcels = [p for p in parcels if p.id in chosen]
        if not parcels:
            raise PackRefused(
                _l("No packed parcels for %(carrier)s are waiting.")
                % {"carrier": carrier.name}
            )
        manifest = Manifest(
            warehouse_id=warehouse_id, carrier=carrier, created_by_id=actor_id
        )
        session.add(manifest)
        session.flush()
        customer = inventory.virtual_location(
            session, warehouse_id, LocationKind.CUSTOMER
        )
        dock = inventory.first_location(session, warehouse_id, LocationKind.SHIPPING)
        for parcel in parcels:
            _ship(session, parcel, manifest, dock, customer, actor_id)
        events.record(
            session,
            "manifest.handed_over",
            manifest,
            actor_id=actor_id,
            carrier=carrier.name,
            parcels=len(parcels),
        )
        return manifest


def confirm_delivered(tracking_number: str, *, actor_id: int | None = None) -> Parcel:
    """A carrier (or the API) says a parcel arrived; the shipment is delivered when
    all its parcels are."""
    tracking_number = (tracking_number or "").strip().upper()
    with unit_of_work() as session:
        parcel = session.scalars(
            sa.select(Parcel).where(Parcel.tracking_number == tracking_number)
        ).first()
        if parcel is None:
            raise NotFound()
        if parcel.status == ParcelStatus.DELIVERED:
            return parcel
        if parcel.status != ParcelStatus.SHIPPED:
            raise NotPacked(tracking=tracking_number)
        mark_delivered(session, parcel, actor_id)
        return parcel


def mark_delivered(session: Session, parcel: Parcel, actor_id: int | None) -> None:
    parcel.status = ParcelStatus.DELIVERED
    parcel.delivered_at = utcnow()
    shipment = parcel.shipment
    siblings = session.scalars(
        sa.select(Parcel).where(Parcel.shipment_id == shipment.id)
    ).all()
    if shipment.status == S.SHIPPED and all(
        p.status == ParcelStatus.DELIVERED for p in siblings
    ):
        fulfilment.set_status(session, shipment, S.DELIVERED, actor_id)


def _refuse_unready(session: Session, ids: set[int]) -> None:
    for parcel_id in sorted(ids):
        parcel = session.get(Parcel, parcel_id)
        if parcel is None:
            raise InvalidInput(field=_l("parcel"), problem=_l("does not exist"))
        raise NotPacked(tracking=parcel.tracking_number or f"#{parcel.id}")


def _ship(session, parcel: Parcel, manifest: Manifest, dock, customer, actor_id):
    reference = parcel.shipment.order.external_id
    for item in parcel.items:
        inventory.transfer(
            session,
            product=item.product,
            qty=item.qty,
            source=dock,
            destination=customer,
            lot=item.lot,
            reason="shipped",
            key=f"shipped:{parcel.id}:{item.id}",
            actor_id=actor_id,
            reference=reference,
        )
    parcel.status = ParcelStatus.SHIPPED
    parcel.manifest = manifest
    parcel.shipped_at = utcnow()
    shipment = parcel.shipment
    parcels = session.scalars(
        sa.select(Parcel).where(Parcel.shipment_id == shipment.id)
    ).all()
    if shipment.status == S.PACKED and all(
        p.status == ParcelStatus.SHIPPED for p in parcels
    ):
        fulfilment.set_status(
            session,
            shipment,
            S.SHIPPED,
            actor_id,
            carrier=parcel.carrier.name,
            tracking_number=parcel.tracking_number,
            tracking_numbers=[p.tracking_number for p in parcels],
        )
