from datetime import time
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fulfil.extensions import db
from fulfil.models.types import enum_column


class LocationKind(StrEnum):
    PICK_FACE = "pick_face"
    RESERVE = "reserve"
    RECEIVING = "receiving"
    PACKING = "packing"
    SHIPPING = "shipping"
    TOTE = "tote"  # a container on a picking cart: units ride in it to packing
    # Virtual: where units come from and go to outside the building. They hold no
    # stock; they exist so that every stock move has both a source and a destination.
    SUPPLIER = "supplier"
    CUSTOMER = "customer"
    SCRAP = "scrap"
    INVENTORY_LOSS = "inventory_loss"

    @property
    def is_virtual(self) -> bool:
        return self in VIRTUAL_KINDS

    @property
    def takes_deliveries(self) -> bool:
        return self in RECEIVABLE_KINDS


VIRTUAL_KINDS = frozenset(
    {
        LocationKind.SUPPLIER,
        LocationKind.CUSTOMER,
        LocationKind.SCRAP,
        LocationKind.INVENTORY_LOSS,
    }
)
# Where stock is stored: allocation reserves from these, pickers take from them.
STORAGE_KINDS = frozenset({LocationKind.PICK_FACE, LocationKind.RESERVE})
# Where goods-in may book a delivery: into storage, or onto the receiving area to be
# put away later. Never the packing area, the shipping dock, a tote or a virtual one.
RECEIVABLE_KINDS = STORAGE_KINDS | {LocationKind.RECEIVING}


class Warehouse(db.Model):
    __tablename__ = "warehouses"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(16), unique=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    address: Mapped[str] = mapped_column(sa.Text, default="")
    timezone: Mapped[str] = mapped_column(sa.String(64), default="UTC")
    # Its own daily cut-off (a wall time in its zone) and the ISO weekdays it ships
    # on, as digits ("12345"); None is the configuration's CUTOFF_TIME, WORKING_DAYS.
    cutoff_time: Mapped[time | None] = mapped_column(sa.Time)
    working_days: Mapped[str | None] = mapped_column(sa.String(7))

    locations: Mapped[list["Location"]] = relationship(back_populates="warehouse")

    def __repr__(self) -> str:
        return f"<Warehouse {self.code}>"


class Location(db.Model):
    __tablename__ = "locations"
    __table_args__ = (sa.UniqueConstraint("warehouse_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    warehouse_id: Mapped[int] = mapped_column(
        sa.ForeignKey("warehouses.id"), index=True
    )
    code: Mapped[str] = mapped_column(sa.String(32))  # also the content of its label
    kind: Mapped[LocationKind] = mapped_column(enum_column(LocationKind))
    zone: Mapped[str] = mapped_column(sa.String(16), default="")
    aisle: Mapped[str] = mapped_column(sa.String(8), default="")
    bay: Mapped[str] = mapped_column(sa.String(8), default="")
    level: Mapped[str] = mapped_column(sa.String(8), default="")
    # Metres from the warehouse origin; walking distances are computed from these.
    x: Mapped[float] = mapped_column(default=0.0)
    y: Mapped[float] = mapped_column(default=0.0)
    active: Mapped[bool] = mapped_column(default=True)

    warehouse: Mapped[Warehouse] = relationship(back_populates="locations")

    @property
    def is_virtual(self) -> bool:
        return self.kind.is_virtual

    def __repr__(self) -> str:
        return f"<Location {self.code}>"
