from datetime import datetime
from decimal import Decimal
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fulfil.domain.states import (
    SHIPMENT_TRANSITIONS,
    OrderStatus,
    ShipmentStatus,
    can_transition,
)
from fulfil.errors import InvalidTransition
from fulfil.extensions import db
from fulfil.models.catalog import FulfilmentMode, LicenceKey, Product, Supplier
from fulfil.models.types import Timestamp, enum_column, utcnow


class ShippingMethod(StrEnum):
    STANDARD = "standard"
    EXPRESS = "express"
    PICKUP_POINT = "pickup_point"
    APPOINTMENT = "appointment"


class Order(db.Model):
    __tablename__ = "orders"

    id: Mapped[int] = mapped_column(primary_key=True)
    external_id: Mapped[str] = mapped_column(sa.String(64), unique=True)
    # SHA-256 of the request as received: the same body again is a replay.
    request_hash: Mapped[str] = mapped_column(sa.String(64), default="")
    # where it came from: "api:" and the token's name (up to 80), "csv", "demo"
    source: Mapped[str] = mapped_column(sa.String(100), default="api")
    warehouse_id: Mapped[int | None] = mapped_column(sa.ForeignKey("warehouses.id"))
    status: Mapped[OrderStatus] = mapped_column(
        enum_column(OrderStatus), default=OrderStatus.RECEIVED, index=True
    )
    placed_at: Mapped[datetime] = mapped_column(Timestamp)
    promised_ship_by: Mapped[datetime | None] = mapped_column(Timestamp, index=True)
    customer_name: Mapped[str] = mapped_column(sa.String(120), default="")
    customer_email: Mapped[str] = mapped_column(sa.String(254), default="")
    customer_phone: Mapped[str] = mapped_column(sa.String(40), default="")
    ship_name: Mapped[str] = mapped_column(sa.String(120), default="")
    ship_line1: Mapped[str] = mapped_column(sa.String(200), default="")
    ship_line2: Mapped[str] = mapped_column(sa.String(200), default="")
    ship_postal_code: Mapped[str] = mapped_column(sa.String(20), default="")
    ship_city: Mapped[str] = mapped_column(sa.String(100), default="")
    ship_country: Mapped[str] = mapped_column(sa.String(2), default="")
    shipping_method: Mapped[ShippingMethod] = mapped_column(
        enum_column(ShippingMethod), default=ShippingMethod.STANDARD
    )
    pickup_point_id: Mapped[str] = mapped_column(sa.String(64), default="")
    # what happens to units found short here: None follows SHORT_PICK_POLICY; a
    # manager may choose "backorder" or "ship_partial_cancel_rest" for this order
    short_policy: Mapped[str | None] = mapped_column(sa.String(32))
    appointment_start: Mapped[datetime | None] = mapped_column(Timestamp)
    appointment_end: Mapped[datetime | None] = mapped_column(Timestamp)
    created_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)

    lines: Mapped[list["OrderLine"]] = relationship(
        back_populates="order", cascade="all, delete-orphan", order_by="OrderLine.id"
    )
    shipments: Mapped[list["Shipment"]] = relationship(
        back_populates="order", cascade="all, delete-orphan", order_by="Shipment.id"
    )
    warehouse = relationship("Warehouse")

    @property
    def ordered_lines(self) -> list["OrderLine"]:
        """The lines as the shop ordered them, without the backorder lines split off
        them (those carry some of their units in a later shipment)."""
        return [line for line in self.lines if line.split_from_id is None]

    @property
    def timezone(self) -> str:
        """The zone its warehouse keeps: its times are shown in it where the reader
        has no warehouse of their own (the tracking and supplier pages)."""
        return self.warehouse.timezone if self.warehouse else "UTC"

    @property
    def units(self) -> int:
        return sum(line.qty for line in self.ordered_lines)

    @property
    def shipping_address(self) -> dict:
        """The ship-to address in the shape the API takes and gives."""
        return {
            "name": self.ship_name,
            "line1": self.ship_line1,
            "line2": self.ship_line2,
            "postal_code": self.ship_postal_code,
            "city": self.ship_city,
            "country": self.ship_country,
        }


class Shipment(db.Model):
    """The part of an order fulfilled one way: by us, a 3PL, a supplier, digitally."""

    __tablename__ = "shipments"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(sa.ForeignKey("orders.id"), index=True)
    mode: Mapped[FulfilmentMode] = mapped_column(enum_column(FulfilmentMode))
    status: Mapped[ShipmentStatus] = mapped_column(
        enum_column(ShipmentStatus), default=ShipmentStatus.PENDING, index=True
    )
    warehouse_id: Mapped[int | None] = mapped_column(sa.ForeignKey("warehouses.id"))
    supplier_id: Mapped[int | None] = mapped_column(sa.ForeignKey("suppliers.id"))
    # a backorder: carries units found short in this earlier shipment
    follows_id: Mapped[int | None] = mapped_column(sa.ForeignKey("shipments.id"))
    carrier: Mapped[str] = mapped_column(sa.String(64), default="")
    tracking_number: Mapped[str] = mapped_column(sa.String(64), default="")
    tracking_url: Mapped[str] = mapped_column(sa.String(500), default="")
    created_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)
    shipped_at: Mapped[datetime | None] = mapped_column(Timestamp)
    delivered_at: Mapped[datetime | None] = mapped_column(Timestamp)

    order: Mapped[Order] = relationship(back_populates="shipments")
    lines: Mapped[list["OrderLine"]] = relationship(
        back_populates="shipment", order_by="OrderLine.id"
    )
    supplier: Mapped[Supplier | None] = relationship()
    follows: Mapped["Shipment | None"] = relationship(remote_side=[id])

    def transition_to(self, target: ShipmentStatus) -> None:
        """Move to `target` if the shipment state table allows it. Services only."""
        if not can_transition(SHIPMENT_TRANSITIONS, self.status, target):
            raise InvalidTransition(
                object=f"Shipment {self.id}", current=self.status, target=target
            )
        self.status = target


class OrderLine(db.Model):
    """Units of a product an order wants, carried by one shipment.

    A line found short whose missing units are backordered passes them on to a line
    of a later shipment (`split_from`): `qty` stays what it was, `passed_on` counts
    what went on, `cancelled` what will not ship at all. What the line's own shipment
    carries is the rest (`carried`). The order's lines as the shop sent them are the
    ones split from nothing (Order.ordered_lines)."""

    __tablename__ = "order_lines"
    __table_args__ = (
        sa.CheckConstraint("qty > 0", name="qty_positive"),
        sa.CheckConstraint(
            "cancelled >= 0 AND passed_on >= 0 AND cancelled + passed_on <= qty",
            name="within_qty",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(sa.ForeignKey("orders.id"), index=True)
    shipment_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("shipments.id"), index=True
    )
    product_id: Mapped[int] = mapped_column(sa.ForeignKey("products.id"), index=True)
    qty: Mapped[int]
    unit_price: Mapped[Decimal] = mapped_column(sa.Numeric(12, 2), default=Decimal("0"))
    split_from_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("order_lines.id"), index=True
    )
    cancelled: Mapped[int] = mapped_column(default=0, server_default="0")
    passed_on: Mapped[int] = mapped_column(default=0, server_default="0")

    order: Mapped[Order] = relationship(back_populates="lines")
    shipment: Mapped[Shipment | None] = relationship(back_populates="lines")
    product: Mapped[Product] = relationship()
    reservations = relationship("Reservation", order_by="Reservation.id")
    grants: Mapped[list["DigitalGrant"]] = relationship(back_populates="line")
    split_from: Mapped["OrderLine | None"] = relationship(remote_side=[id])

    @property
    def reserved(self) -> int:
        return sum(r.qty for r in self.reservations)

    @property
    def carried(self) -> int:
        """Units this line's shipment is to deliver."""
        return self.qty - (self.cancelled or 0) - (self.passed_on or 0)


class DigitalGrant(db.Model):
    """A digital line's delivery: a download allowance or one licence key."""

    __tablename__ = "digital_grants"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_line_id: Mapped[int] = mapped_column(
        sa.ForeignKey("order_lines.id"), index=True
    )
    licence_key_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("licence_keys.id"), unique=True
    )
    downloads: Mapped[int] = mapped_column(default=0)
    max_downloads: Mapped[int] = mapped_column(default=0)
    expires_at: Mapped[datetime | None] = mapped_column(Timestamp)
    created_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)

    line: Mapped[OrderLine] = relationship(back_populates="grants")
    licence_key: Mapped[LicenceKey | None] = relationship()
