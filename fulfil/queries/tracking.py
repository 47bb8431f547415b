"""What the public tracking page shows: the steps so far, never more than needed."""

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from fulfil.domain.lines import LineQuantities
from fulfil.extensions import db
from fulfil.models import Event, Order, Parcel, ParcelStatus, Shipment
from fulfil.queries.lines import quantities
from fulfil.signing import sign_id, signed_id

PURPOSE = "tracking"
# The steps a customer follows, and the event that marks each one.
STEPS = (
    ("received", "order.received"),
    ("picked", "shipment.picked"),
    ("packed", "shipment.packed"),
    ("shipped", "shipment.shipped"),
    ("delivered", "shipment.delivered"),
)


def tracking_token(shipment_id: int) -> str:
    return sign_id(PURPOSE, shipment_id)


@dataclass(frozen=True)
class Tracking:
    shipment: Shipment
    order: Order
    steps: list[tuple[str, datetime | None]]  # step name, when it happened (or None)
    parcels: list[Parcel]
    masked_name: str
    # each product of the order: what is on its way, follows, or was cancelled
    lines: list[tuple[str, LineQuantities]] = ()

    @property
    def partial(self) -> bool:
        return any(q.state != "shipped" for _, q in self.lines) and any(
            q.shipped for _, q in self.lines
        )


def tracking_for(token: str) -> Tracking | None:
    shipment_id = signed_id(PURPOSE, token)
    shipment = db.session.get(Shipment, shipment_id) if shipment_id else None
    if shipment is None:
        return None
    order = shipment.order
    happened = dict(
        db.session.execute(
            sa.select(Event.action, sa.func.min(Event.at))
            .where(
                sa.or_(
                    sa.and_(
                        Event.subject_type == "orders", Event.subject_id == order.id
                    ),
                    sa.and_(
                        Event.subject_type == "shipments",
                        Event.subject_id == shipment.id,
                    ),
                )
            )
            .group_by(Event.action)
        ).all()
    )
    figures = quantities(order)
    parcels = db.session.scalars(
        sa.select(Parcel)
        .where(Parcel.shipment_id == shipment.id, Parcel.status != ParcelStatus.OPEN)
        .order_by(Parcel.number)
    ).all()
    return Tracking(
        shipment=shipment,
        order=order,
        steps=[(name, happened.get(action)) for name, action in STEPS],
        parcels=list(parcels),
        masked_name=mask(order.ship_name),
        lines=[(line.product.name, figures[line.id]) for line in order.ordered_lines],
    )


def mask(name: str) -> str:
    """ "Erika Mustermann" → "E. M.": enough to recognise, too little to read out."""
    return " ".join(f"{part[0]}." for part in name.split() if part) or "—"
