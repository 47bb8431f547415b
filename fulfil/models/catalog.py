from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from fulfil.extensions import db
from fulfil.models.types import enum_column


class FulfilmentMode(StrEnum):
    IN_HOUSE = "in_house"
    THIRD_PARTY = "3pl"
    DROPSHIP = "dropship"
    DIGITAL = "digital"


class Tracking(StrEnum):
    NONE = "none"
    LOT = "lot"
    SERIAL = "serial"


class Product(db.Model):
    __tablename__ = "products"

    id: Mapped[int] = mapped_column(primary_key=True)
    sku: Mapped[str] = mapped_column(sa.String(64), unique=True)
    name: Mapped[str] = mapped_column(sa.String(255))
    barcode: Mapped[str] = mapped_column(sa.String(48), unique=True)
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
    active: Mapped[bool] = mapped_column(default=True)

    def __repr__(self) -> str:
        return f"<Product {self.sku}>"
