"""Traceability: every event and stock move behind an order, a parcel, a product or a
lot, with who, when and where, as one timeline."""

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from fulfil.extensions import db
from fulfil.history import event_sentence
from fulfil.models import Event, Order, Parcel, Product, Shipment, StockMove

KINDS = ("order", "parcel", "product", "lot")
LIMIT = 500


@dataclass(frozen=True)
class Entry:
    at: datetime
    what: str  # an event's action or a move's reason
    text: str  # an event told as a sentence in the reader's language; "" for a move
    who: str
    where: str  # "A-01-1-A → T-004" for moves
    detail: str
    is_move: bool


def trace(kind: str, value: str) -> list[Entry] | None:
    """The timeline, oldest first; None if nothing of that kind has that name."""
    value = value.strip()
    if kind not in KINDS or not value:
        return None
    return {"order": _order, "parcel": _parcel, "product": _product, "lot": _lot}[kind](
        value
    )


def _order(external_id: str) -> list[Entry] | None:
    order = db.session.scalars(
        sa.select(Order).where(Order.external_id == external_id)
    ).first()
    if order is None:
        return None
    shipment_ids = [s.id for s in order.shipments]
    events = _events(
        sa.or_(
            sa.and_(Event.subject_type == "orders", Event.subject_id == order.id),
            sa.and_(
                Event.subject_type == "shipments", Event.subject_id.in_(shipment_ids)
            ),
        )
    )
    return _timeline(events, _moves(StockMove.reference == external_id))


def _parcel(tracking_number: str) -> list[Entry] | None:
    parcel = db.session.scalars(
        sa.select(Parcel).where(Parcel.tracking_number == tracking_number.upper())
    ).first()
    if parcel is None:
        return None
    keys = sa.or_(
        StockMove.key.like(f"packed:{parcel.id}:%"),
        StockMove.key.like(f"shipped:{parcel.id}:%"),
    )
    shipment: Shipment = parcel.shipment
    events = _events(
        sa.or_(
            sa.and_(Event.subject_type == "shipments", Event.subject_id == shipment.id),
            sa.and_(
                Event.subject_type == "orders",
                Event.subject_id == shipment.order_id,
                Event.action.like("parcel.%"),
            ),
        )
    )
    return _timeline(events, _moves(keys))


def _product(code: str) -> list[Entry] | None:
    product = db.session.scalars(
        sa.select(Product).where(sa.or_(Product.sku == code, Product.barcode == code))
    ).first()
    if product is None:
        return None
    return _timeline([], _moves(StockMove.product_id == product.id))


def _lot(lot: str) -> list[Entry] | None:
    moves = _moves(StockMove.lot == lot)
    return _timeline([], moves) if moves else None


def _events(condition) -> list[Event]:
    return list(
        db.session.scalars(
            sa.select(Event)
            .where(condition)
            .options(joinedload(Event.actor))
            .order_by(Event.at.desc(), Event.id.desc())
            .limit(LIMIT)
        )
    )


def _moves(condition) -> list[StockMove]:
    return list(
        db.session.scalars(
            sa.select(StockMove)
            .where(condition)
            .options(
                joinedload(StockMove.actor),
                joinedload(StockMove.product),
                joinedload(StockMove.from_location),
                joinedload(StockMove.to_location),
            )
            .order_by(StockMove.at.desc(), StockMove.id.desc())
            .limit(LIMIT)
        )
    )


def _timeline(events: list[Event], moves: list[StockMove]) -> list[Entry]:
    entries = [
        Entry(
            at=e.at,
            what=e.action,
            text=event_sentence(e),
            who=e.actor.username if e.actor else "",
            where="",
            detail="",
            is_move=False,
        )
        for e in events
    ] + [
        Entry(
            at=m.at,
            what=m.reason,
            text="",
            who=m.actor.username if m.actor else "",
            where=f"{m.from_location.code} → {m.to_location.code}",
            detail=f"{m.qty} × {m.product.sku}"
            + (f" · {m.lot}" if m.lot else "")
            + (f" · {m.reference}" if m.reference else ""),
            is_move=True,
        )
        for m in moves
    ]
    return sorted(entries, key=lambda entry: entry.at)
