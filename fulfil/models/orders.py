from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fulfil.domain.states import ORDER_TRANSITIONS, OrderStatus, can_transition
from fulfil.errors import InvalidTransition
from fulfil.extensions import db
from fulfil.models.catalog import Product
from fulfil.models.types import Timestamp, enum_column, utcnow


class Order(db.Model):
    __tablename__ = "orders"

    id: Mapped[int] = mapped_column(primary_key=True)
    external_id: Mapped[str] = mapped_column(sa.String(64), unique=True)
    warehouse_id: Mapped[int | None] = mapped_column(sa.ForeignKey("warehouses.id"))
    status: Mapped[OrderStatus] = mapped_column(
        enum_column(OrderStatus), default=OrderStatus.RECEIVED, index=True
    )
    placed_at: Mapped[datetime] = mapped_column(Timestamp)
    promised_ship_by: Mapped[datetime | None] = mapped_column(Timestamp)
    customer_name: Mapped[str] = mapped_column(sa.String(120), default="")
    customer_email: Mapped[str] = mapped_column(sa.String(254), default="")
    customer_phone: Mapped[str] = mapped_column(sa.String(40), default="")
    ship_name: Mapped[str] = mapped_column(sa.String(120), default="")
    ship_line1: Mapped[str] = mapped_column(sa.String(200), default="")
    ship_line2: Mapped[str] = mapped_column(sa.String(200), default="")
    ship_postal_code: Mapped[str] = mapped_column(sa.String(20), default="")
    ship_city: Mapped[str] = mapped_column(sa.String(100), default="")
    ship_country: Mapped[str] = mapped_column(sa.String(2), default="")
    shipping_method: Mapped[str] = mapped_column(sa.String(20), default="standard")
    created_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)

    lines: Mapped[list["OrderLine"]] = relationship(
        back_populates="order", cascade="all, delete-orphan", order_by="OrderLine.id"
    )
    warehouse = relationship("Warehouse")

    def transition_to(self, target: OrderStatus) -> None:
        """Move to `target` if the order state table allows it. Services only."""
        if not can_transition(ORDER_TRANSITIONS, self.status, target):
            raise InvalidTransition(
                object=f"Order {self.external_id}", current=self.status, target=target
            )
        self.status = target

    @property
    def units(self) -> int:
        return sum(line.qty for line in self.lines)


class OrderLine(db.Model):
    __tablename__ = "order_lines"
    __table_args__ = (sa.CheckConstraint("qty > 0", name="qty_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(sa.ForeignKey("orders.id"), index=True)
    product_id: Mapped[int] = mapped_column(sa.ForeignKey("products.id"))
    qty: Mapped[int]
    unit_price: Mapped[Decimal] = mapped_column(sa.Numeric(12, 2), default=Decimal("0"))

    order: Mapped[Order] = relationship(back_populates="lines")
    product: Mapped[Product] = relationship()
