"""The inventory ledger (StockMove), its running balance (Stock) and reservations."""

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fulfil.extensions import db
from fulfil.models.catalog import Product
from fulfil.models.types import Timestamp, utcnow
from fulfil.models.warehouse import Location

# "No lot" is the empty string rather than NULL, so (product, location, lot) can be a
# plain unique key on both SQLite and PostgreSQL.
NO_LOT = ""


class Lot(db.Model):
    """A lot (batch) or serial number of a product, with its expiry for FEFO."""

    __tablename__ = "lots"
    __table_args__ = (sa.UniqueConstraint("product_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(sa.ForeignKey("products.id"))
    code: Mapped[str] = mapped_column(sa.String(64))
    expires_on: Mapped[date | None]
    created_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)


class StockMove(db.Model):
    """One row of the append-only inventory ledger. Never updated, never deleted."""

    __tablename__ = "stock_moves"
    __table_args__ = (
        sa.CheckConstraint("qty > 0", name="qty_positive"),
        sa.CheckConstraint("from_location_id <> to_location_id", name="distinct_ends"),
        sa.Index("ix_stock_moves_product_from", "product_id", "from_location_id"),
        sa.Index("ix_stock_moves_product_to", "product_id", "to_location_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(sa.String(100), unique=True)  # idempotency key
    product_id: Mapped[int] = mapped_column(sa.ForeignKey("products.id"))
    qty: Mapped[int]
    from_location_id: Mapped[int] = mapped_column(sa.ForeignKey("locations.id"))
    to_location_id: Mapped[int] = mapped_column(sa.ForeignKey("locations.id"))
    lot: Mapped[str] = mapped_column(sa.String(64), default=NO_LOT)
    reason: Mapped[str] = mapped_column(sa.String(32))
    reference: Mapped[str] = mapped_column(sa.String(100), default="")
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow, index=True)

    product: Mapped[Product] = relationship()
    from_location: Mapped[Location] = relationship(foreign_keys=[from_location_id])
    to_location: Mapped[Location] = relationship(foreign_keys=[to_location_id])
    actor = relationship("User")


class Stock(db.Model):
    """On hand and reserved per (product, location, lot): the ledger's running sum.

    Written only by services.inventory, in the same transaction as the move.
    """

    __tablename__ = "stock"
    __table_args__ = (
        sa.UniqueConstraint("product_id", "location_id", "lot"),
        sa.CheckConstraint("on_hand >= 0", name="on_hand_not_negative"),
        sa.CheckConstraint(
            "reserved >= 0 AND reserved <= on_hand", name="reserved_covered"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(sa.ForeignKey("products.id"), index=True)
    location_id: Mapped[int] = mapped_column(sa.ForeignKey("locations.id"), index=True)
    lot: Mapped[str] = mapped_column(sa.String(64), default=NO_LOT)
    on_hand: Mapped[int] = mapped_column(default=0)
    reserved: Mapped[int] = mapped_column(default=0)

    product: Mapped[Product] = relationship()
    location: Mapped[Location] = relationship()

    @property
    def available(self) -> int:
        return self.on_hand - self.reserved


class Reservation(db.Model):
    """Units at one (product, location, lot) held for a purpose (an order line)."""

    __tablename__ = "reservations"
    __table_args__ = (sa.CheckConstraint("qty >= 0", name="qty_not_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    stock_id: Mapped[int] = mapped_column(sa.ForeignKey("stock.id"), index=True)
    qty: Mapped[int]  # still held; 0 once fully released
    reference: Mapped[str] = mapped_column(sa.String(100), default="")
    order_line_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("order_lines.id"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)

    stock: Mapped[Stock] = relationship()
