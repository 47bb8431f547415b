"""Shipments in the hands of 3PLs and suppliers, and the licence key pools."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from fulfil.domain.states import ShipmentStatus
from fulfil.extensions import db
from fulfil.models import (
    DigitalGrant,
    Event,
    FulfilmentMode,
    LicenceKey,
    OrderLine,
    Product,
    Shipment,
    Supplier,
)

S = ShipmentStatus
EXPORTED = "shipment.exported"  # a 3PL shipment went out in a CSV hand-over
PO_SENT = "shipment.po_sent"  # a dropship purchase order was e-mailed
OPEN = (S.PENDING, S.REQUESTED, S.SHIPPED)  # not yet delivered, not cancelled


def _with_details(query: sa.Select) -> sa.Select:
    return query.options(
        selectinload(Shipment.lines).joinedload(OrderLine.product),
        selectinload(Shipment.order),
        selectinload(Shipment.supplier),
    )


def requested_3pl_select(include_exported: bool = False) -> sa.Select:
    """3PL shipments waiting for the provider, oldest first; exported ones only if
    asked for."""
    query = sa.select(Shipment).where(
        Shipment.mode == FulfilmentMode.THIRD_PARTY,
        Shipment.status == S.REQUESTED,
    )
    if not include_exported:
        query = query.where(Shipment.id.not_in(_marked(EXPORTED)))
    return _with_details(query.order_by(Shipment.id))


def requested_3pl(include_exported: bool = False) -> list[Shipment]:
    return list(db.session.scalars(requested_3pl_select(include_exported)))


def open_partner_shipments(mode: FulfilmentMode, limit: int = 200) -> list[Shipment]:
    """A mode's shipments not yet delivered nor cancelled, oldest first."""
    return list(
        db.session.scalars(
            _with_details(
                sa.select(Shipment)
                .where(Shipment.mode == mode, Shipment.status.in_(OPEN))
                .order_by(Shipment.id)
                .limit(limit)
            )
        )
    )


def unsent_purchase_orders() -> list[Shipment]:
    """Requested dropship shipments whose supplier has an e-mail address and has not
    been sent the purchase order yet."""
    return list(
        db.session.scalars(
            _with_details(
                sa.select(Shipment)
                .join(Shipment.supplier)
                .where(
                    Shipment.mode == FulfilmentMode.DROPSHIP,
                    Shipment.status == S.REQUESTED,
                    Shipment.id.not_in(_marked(PO_SENT)),
                    Supplier.email != "",
                )
                .order_by(Shipment.id)
            )
        )
    )


def marks(shipment_ids: list[int], action: str) -> dict[int, datetime]:
    """When each shipment was last exported (or its PO sent), by shipment id."""
    if not shipment_ids:
        return {}
    rows = db.session.execute(
        sa.select(Event.subject_id, sa.func.max(Event.at))
        .where(
            Event.subject_type == Shipment.__tablename__,
            Event.action == action,
            Event.subject_id.in_(shipment_ids),
        )
        .group_by(Event.subject_id)
    )
    return {shipment_id: at for shipment_id, at in rows}


def supplier_shipment(shipment_id: int) -> Shipment | None:
    """A dropship shipment with its lines, order and supplier; None for other modes."""
    return db.session.scalar(
        _with_details(
            sa.select(Shipment).where(
                Shipment.id == shipment_id,
                Shipment.mode == FulfilmentMode.DROPSHIP,
            )
        )
    )


def licence_pool(product_id: int) -> tuple[int, int]:
    """(free, issued) licence keys of one product."""
    free, issued = db.session.execute(
        sa.select(
            sa.func.count().filter(LicenceKey.order_line_id.is_(None)),
            sa.func.count().filter(LicenceKey.order_line_id.is_not(None)),
        ).where(LicenceKey.product_id == product_id)
    ).one()
    return free, issued


def licence_pools() -> list[dict]:
    """Each digital product sold by licence key: free and issued keys, and how many
    digital shipments wait for one."""
    products = db.session.scalars(
        sa.select(Product)
        .where(
            Product.fulfilment == FulfilmentMode.DIGITAL, Product.download_file == ""
        )
        .order_by(Product.sku)
    ).all()
    pools = []
    for product in products:
        free, issued = licence_pool(product.id)
        waiting = db.session.scalar(
            sa.select(sa.func.count(Shipment.id)).where(
                Shipment.mode == FulfilmentMode.DIGITAL,
                Shipment.status == S.BACKORDERED,
                Shipment.lines.any(OrderLine.product_id == product.id),
            )
        )
        pools.append(
            {"product": product, "free": free, "issued": issued, "waiting": waiting}
        )
    return pools


def _marked(action: str) -> sa.Select:
    return sa.select(Event.subject_id).where(
        Event.subject_type == Shipment.__tablename__, Event.action == action
    )


def download_grant(grant_id: int) -> DigitalGrant | None:
    """A download allowance with its product, for the download link."""
    return db.session.scalar(
        sa.select(DigitalGrant)
        .where(DigitalGrant.id == grant_id)
        .options(joinedload(DigitalGrant.line).joinedload(OrderLine.product))
    )


def licence_pool_by_sku(sku: str) -> tuple[int, int] | None:
    """(free, issued) licence keys of the product with this SKU; None if unknown."""
    product_id = db.session.scalar(sa.select(Product.id).where(Product.sku == sku))
    return None if product_id is None else licence_pool(product_id)
