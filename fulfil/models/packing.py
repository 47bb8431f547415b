"""Packing and shipping: boxes, carriers, parcels and what is in them, manifests."""

from datetime import datetime, time
from decimal import Decimal
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fulfil.extensions import db
from fulfil.models.catalog import Product
from fulfil.models.orders import Shipment
from fulfil.models.types import Timestamp, enum_column, utcnow


class Box(db.Model):
    """A carton in the box catalogue: inner size, what it carries, what it costs."""

    __tablename__ = "boxes"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(32), unique=True)
    name: Mapped[str] = mapped_column(sa.String(100), default="")
    length_mm: Mapped[int]
    width_mm: Mapped[int]
    height_mm: Mapped[int]
    max_weight_g: Mapped[int]
    tare_g: Mapped[int] = mapped_column(default=0)
    cost: Mapped[Decimal] = mapped_column(sa.Numeric(10, 2), default=Decimal("0"))
    active: Mapped[bool] = mapped_column(default=True)


class Carrier(db.Model):
    """A parcel service we hand parcels to (or our own delivery, which numbers its
    own parcels)."""

    __tablename__ = "carriers"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(32), unique=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    # e.g. https://www.dhl.de/de/privatkunden/pakete-empfangen/verfolgen.html?piececode={tracking}
    tracking_url: Mapped[str] = mapped_column(sa.String(500), default="")
    services: Mapped[str] = mapped_column(
        sa.String(300), default=""
    )  # "Paket, Express"
    cutoff: Mapped[time | None]
    own_delivery: Mapped[bool] = mapped_column(default=False)
    active: Mapped[bool] = mapped_column(default=True)

    @property
    def service_names(self) -> list[str]:
        return [s.strip() for s in self.services.split(",") if s.strip()]

    def tracking_link(self, number: str) -> str:
        return self.tracking_url.replace("{tracking}", number) if number else ""


class ParcelStatus(StrEnum):
    OPEN = "open"  # being filled at the bench
    PACKED = "packed"  # closed, labelled, on the shipping dock
    SHIPPED = "shipped"  # handed to the carrier on a manifest
    DELIVERED = "delivered"


class Parcel(db.Model):
    __tablename__ = "parcels"
    __table_args__ = (sa.UniqueConstraint("shipment_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    shipment_id: Mapped[int] = mapped_column(sa.ForeignKey("shipments.id"), index=True)
    number: Mapped[int]  # 1, 2, … within the shipment
    status: Mapped[ParcelStatus] = mapped_column(
        enum_column(ParcelStatus), default=ParcelStatus.OPEN, index=True
    )
    box_id: Mapped[int | None] = mapped_column(sa.ForeignKey("boxes.id"))
    weight_g: Mapped[int | None]
    expected_weight_g: Mapped[int | None]
    weight_confirmed: Mapped[bool] = mapped_column(default=False)  # despite the gap
    carrier_id: Mapped[int | None] = mapped_column(sa.ForeignKey("carriers.id"))
    service: Mapped[str] = mapped_column(sa.String(64), default="")
    tracking_number: Mapped[str] = mapped_column(sa.String(64), default="", index=True)
    photo: Mapped[str] = mapped_column(sa.String(200), default="")  # file name
    packed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)
    packed_at: Mapped[datetime | None] = mapped_column(Timestamp)
    manifest_id: Mapped[int | None] = mapped_column(sa.ForeignKey("manifests.id"))
    shipped_at: Mapped[datetime | None] = mapped_column(Timestamp)
    delivered_at: Mapped[datetime | None] = mapped_column(Timestamp)

    shipment: Mapped[Shipment] = relationship()
    box: Mapped[Box | None] = relationship()
    carrier: Mapped[Carrier | None] = relationship()
    packed_by = relationship("User")
    manifest = relationship("Manifest", back_populates="parcels")
    items: Mapped[list["ParcelItem"]] = relationship(
        back_populates="parcel", order_by="ParcelItem.id"
    )

    @property
    def units(self) -> int:
        return sum(item.qty for item in self.items)


class ParcelItem(db.Model):
    __tablename__ = "parcel_items"
    __table_args__ = (
        sa.UniqueConstraint("parcel_id", "product_id", "lot"),
        sa.CheckConstraint("qty > 0", name="qty_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    parcel_id: Mapped[int] = mapped_column(sa.ForeignKey("parcels.id"), index=True)
    product_id: Mapped[int] = mapped_column(sa.ForeignKey("products.id"))
    lot: Mapped[str] = mapped_column(sa.String(64), default="")
    qty: Mapped[int]

    parcel: Mapped[Parcel] = relationship(back_populates="items")
    product: Mapped[Product] = relationship()


class Manifest(db.Model):
    """The end-of-day hand-over list for one carrier: its parcels leave together."""

    __tablename__ = "manifests"

    id: Mapped[int] = mapped_column(primary_key=True)
    warehouse_id: Mapped[int] = mapped_column(sa.ForeignKey("warehouses.id"))
    carrier_id: Mapped[int] = mapped_column(sa.ForeignKey("carriers.id"))
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow, index=True)

    carrier: Mapped[Carrier] = relationship()
    parcels: Mapped[list[Parcel]] = relationship(
        back_populates="manifest", order_by="Parcel.id"
    )

    @property
    def number(self) -> str:
        return f"M-{self.created_at:%Y%m%d}-{self.id:04d}"
