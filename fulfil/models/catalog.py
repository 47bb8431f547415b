from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fulfil.extensions import db
from fulfil.models.types import Timestamp, enum_column


class FulfilmentMode(StrEnum):
    IN_HOUSE = "in_house"
    THIRD_PARTY = "3pl"
    DROPSHIP = "dropship"
    DIGITAL = "digital"


class Tracking(StrEnum):
    NONE = "none"
    LOT = "lot"
    SERIAL = "serial"


class Supplier(db.Model):
    """A supplier; for dropship products, the one who ships to the customer."""

    __tablename__ = "suppliers"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(32), unique=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    email: Mapped[str] = mapped_column(sa.String(254), default="")
    webhook_url: Mapped[str] = mapped_column(sa.String(500), default="")
    active: Mapped[bool] = mapped_column(default=True)


class Product(db.Model):
    __tablename__ = "products"

    id: Mapped[int] = mapped_column(primary_key=True)
    sku: Mapped[str] = mapped_column(sa.String(64), unique=True)
    name: Mapped[str] = mapped_column(sa.String(255))
    # optional: a product without one is scanned by its SKU (on a label Fulfil prints)
    barcode: Mapped[str | None] = mapped_column(sa.String(48), unique=True)
    weight_g: Mapped[int | None]
    length_mm: Mapped[int | None]
    width_mm: Mapped[int | None]
    height_mm: Mapped[int | None]
    fulfilment: Mapped[FulfilmentMode] = mapped_column(
        enum_column(FulfilmentMode), default=FulfilmentMode.IN_HOUSE
    )
    tracking: Mapped[Tracking] = mapped_column(
        enum_column(Tracking), default=Tracking.NONE
    )
    hs_code: Mapped[str] = mapped_column(sa.String(16), default="")
    origin_country: Mapped[str] = mapped_column(sa.String(2), default="")
    supplier_id: Mapped[int | None] = mapped_column(sa.ForeignKey("suppliers.id"))
    # Digital products: a file to download (in DIGITAL_FILES_DIR), or licence keys.
    download_file: Mapped[str] = mapped_column(sa.String(200), default="")
    max_downloads: Mapped[int] = mapped_column(default=5)
    active: Mapped[bool] = mapped_column(default=True)

    supplier: Mapped[Supplier | None] = relationship()

    @property
    def is_physical(self) -> bool:
        return self.fulfilment != FulfilmentMode.DIGITAL

    def __repr__(self) -> str:
        return f"<Product {self.sku}>"


class LicenceKey(db.Model):
    """One key of a digital product's pool; issued once, to one order line."""

    __tablename__ = "licence_keys"
    __table_args__ = (sa.UniqueConstraint("product_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(sa.ForeignKey("products.id"), index=True)
    key: Mapped[str] = mapped_column(sa.String(200))
    order_line_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("order_lines.id"), index=True
    )
    issued_at: Mapped[datetime | None] = mapped_column(Timestamp)
