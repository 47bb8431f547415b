"""Pick lists: what a picker walks, in which order, into which tote, and every scan."""

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fulfil.extensions import db
from fulfil.models.catalog import Product
from fulfil.models.orders import OrderLine, Shipment
from fulfil.models.types import Timestamp, enum_column, utcnow
from fulfil.models.warehouse import Location


class PickListStatus(StrEnum):
    RELEASED = "released"  # waiting for a picker
    PICKING = "picking"
    PAUSED = "paused"
    DONE = "done"  # totes are at the packing area
    CANCELLED = "cancelled"  # taken back by a manager before anything was picked


OPEN_LISTS = frozenset(
    {PickListStatus.RELEASED, PickListStatus.PICKING, PickListStatus.PAUSED}
)


class PickList(db.Model):
    """One walk with one cart: a single urgent order or a batch, one tote per order."""

    __tablename__ = "pick_lists"

    id: Mapped[int] = mapped_column(primary_key=True)
    warehouse_id: Mapped[int] = mapped_column(
        sa.ForeignKey("warehouses.id"), index=True
    )
    status: Mapped[PickListStatus] = mapped_column(
        enum_column(PickListStatus), default=PickListStatus.RELEASED, index=True
    )
    urgent: Mapped[bool] = mapped_column(default=False)
    # the earliest promise on the list: the most urgent list is claimed first
    due: Mapped[datetime | None] = mapped_column(Timestamp)
    picker_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    released_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)
    claimed_at: Mapped[datetime | None] = mapped_column(Timestamp)
    paused_at: Mapped[datetime | None] = mapped_column(Timestamp)
    finished_at: Mapped[datetime | None] = mapped_column(Timestamp)
    planned_distance_m: Mapped[float] = mapped_column(default=0.0)

    picker = relationship("User", foreign_keys=[picker_id])
    slots: Mapped[list["PickSlot"]] = relationship(
        back_populates="pick_list", order_by="PickSlot.number"
    )
    tasks: Mapped[list["PickTask"]] = relationship(
        back_populates="pick_list", order_by="PickTask.sequence"
    )


class PickSlot(db.Model):
    """A numbered tote on the cart, holding one shipment's units."""

    __tablename__ = "pick_slots"
    __table_args__ = (sa.UniqueConstraint("pick_list_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    pick_list_id: Mapped[int] = mapped_column(
        sa.ForeignKey("pick_lists.id"), index=True
    )
    number: Mapped[int]
    shipment_id: Mapped[int] = mapped_column(sa.ForeignKey("shipments.id"), index=True)
    tote_id: Mapped[int] = mapped_column(sa.ForeignKey("locations.id"), index=True)

    pick_list: Mapped[PickList] = relationship(back_populates="slots")
    shipment: Mapped[Shipment] = relationship()
    tote: Mapped[Location] = relationship()


class TaskStatus(StrEnum):
    OPEN = "open"
    DONE = "done"  # every unit picked, or the rest found short and handled
    CANCELLED = "cancelled"  # its shipment was cancelled


class PickTask(db.Model):
    """Take `qty` of a product (and lot) from one bin into one tote."""

    __tablename__ = "pick_tasks"
    __table_args__ = (
        sa.CheckConstraint("qty > 0", name="qty_positive"),
        sa.CheckConstraint("picked >= 0 AND picked + short <= qty", name="within_qty"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    pick_list_id: Mapped[int] = mapped_column(
        sa.ForeignKey("pick_lists.id"), index=True
    )
    slot_id: Mapped[int] = mapped_column(sa.ForeignKey("pick_slots.id"))
    order_line_id: Mapped[int] = mapped_column(sa.ForeignKey("order_lines.id"))
    reservation_id: Mapped[int] = mapped_column(sa.ForeignKey("reservations.id"))
    location_id: Mapped[int] = mapped_column(sa.ForeignKey("locations.id"))
    product_id: Mapped[int] = mapped_column(sa.ForeignKey("products.id"))
    lot: Mapped[str] = mapped_column(sa.String(64), default="")
    qty: Mapped[int]
    picked: Mapped[int] = mapped_column(default=0)
    short: Mapped[int] = mapped_column(default=0)  # not there; re-allocated or reported
    sequence: Mapped[int]  # walking order; skipped tasks come after the rest
    skipped: Mapped[bool] = mapped_column(default=False)
    at_location: Mapped[bool] = mapped_column(default=False)  # bin label scanned
    status: Mapped[TaskStatus] = mapped_column(
        enum_column(TaskStatus), default=TaskStatus.OPEN
    )

    pick_list: Mapped[PickList] = relationship(back_populates="tasks")
    slot: Mapped[PickSlot] = relationship()
    order_line: Mapped[OrderLine] = relationship()
    location: Mapped[Location] = relationship()
    product: Mapped[Product] = relationship()

    def __init__(self, **fields):
        # A new task is read (sequenced, counted) before it is flushed: its counters
        # must hold their starting values from the start, not only once inserted.
        for name, value in (
            ("picked", 0),
            ("short", 0),
            ("skipped", False),
            ("at_location", False),
            ("status", TaskStatus.OPEN),
        ):
            fields.setdefault(name, value)
        super().__init__(**fields)

    @property
    def remaining(self) -> int:
        return self.qty - self.picked - self.short


class ScanKind(StrEnum):
    LOCATION = "location"
    PRODUCT = "product"
    SHORT = "short"
    SKIP = "skip"
    UNDO = "undo"


class PickScan(db.Model):
    """Every scan and picker action, accepted or refused, under the device's own id.

    The id makes a scan apply once however often it arrives; refused scans are kept
    too (they changed nothing, and they count as wrong scans caught).
    """

    __tablename__ = "pick_scans"

    id: Mapped[int] = mapped_column(primary_key=True)
    scan_id: Mapped[str] = mapped_column(sa.String(64), unique=True)
    pick_list_id: Mapped[int] = mapped_column(
        sa.ForeignKey("pick_lists.id"), index=True
    )
    task_id: Mapped[int | None] = mapped_column(sa.ForeignKey("pick_tasks.id"))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    kind: Mapped[ScanKind] = mapped_column(enum_column(ScanKind))
    code: Mapped[str] = mapped_column(sa.String(200), default="")
    qty: Mapped[int] = mapped_column(default=0)
    accepted: Mapped[bool]
    message: Mapped[str] = mapped_column(sa.String(300), default="")
    reverses_id: Mapped[int | None] = mapped_column(sa.ForeignKey("pick_scans.id"))
    undone: Mapped[bool] = mapped_column(default=False)
    at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow, index=True)

    task: Mapped[PickTask | None] = relationship()


class ExceptionKind(StrEnum):
    SHORT = "short"  # units missing and no other stock: the line is short
    DAMAGED = "damaged"  # units found damaged and written off
    COUNT = "count"  # a bin to count: it held fewer units than the books said
    REFUSED_SCAN = "refused_scan"  # a scan made offline that the server refused
    MISSING_AT_PACKING = "missing_at_packing"  # the packer found a unit missing


class PickException(db.Model):
    """Something on the floor a manager must look at."""

    __tablename__ = "pick_exceptions"
    # allocation asks, for every bin it might draw on, whether it waits for a count
    __table_args__ = (
        sa.Index("ix_pick_exceptions_place", "location_id", "product_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    warehouse_id: Mapped[int] = mapped_column(
        sa.ForeignKey("warehouses.id"), index=True
    )
    kind: Mapped[ExceptionKind] = mapped_column(enum_column(ExceptionKind))
    pick_list_id: Mapped[int | None] = mapped_column(sa.ForeignKey("pick_lists.id"))
    task_id: Mapped[int | None] = mapped_column(sa.ForeignKey("pick_tasks.id"))
    location_id: Mapped[int | None] = mapped_column(sa.ForeignKey("locations.id"))
    product_id: Mapped[int | None] = mapped_column(sa.ForeignKey("products.id"))
    order_line_id: Mapped[int | None] = mapped_column(sa.ForeignKey("order_lines.id"))
    qty: Mapped[int] = mapped_column(default=0)
    note: Mapped[str] = mapped_column(sa.String(300), default="")
    reported_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow, index=True)
    resolved_at: Mapped[datetime | None] = mapped_column(Timestamp)
    resolved_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    location: Mapped[Location | None] = relationship()
    product: Mapped[Product | None] = relationship()
    order_line: Mapped[OrderLine | None] = relationship()
    reported_by = relationship("User", foreign_keys=[reported_by_id])
