"""Declarative models by area. Importing this package registers every table."""

from fulfil.models.catalog import (
    FulfilmentMode,
    LicenceKey,
    Product,
    Supplier,
    Tracking,
)
from fulfil.models.events import Event
from fulfil.models.integration import ApiToken, WebhookDelivery, WebhookSubscription
from fulfil.models.inventory import Lot, Reservation, Stock, StockMove
from fulfil.models.jobs import Job, JobStatus
from fulfil.models.orders import (
    DigitalGrant,
    Order,
    OrderLine,
    Shipment,
    ShippingMethod,
)
from fulfil.models.packing import (
    Box,
    Carrier,
    Manifest,
    Parcel,
    ParcelItem,
    ParcelStatus,
)
from fulfil.models.picking import (
    ExceptionKind,
    PickException,
    PickList,
    PickListStatus,
    PickScan,
    PickSlot,
    PickTask,
    ScanKind,
    TaskStatus,
)
from fulfil.models.users import User, UserRole
from fulfil.models.warehouse import Location, LocationKind, Warehouse

__all__ = [
    "ApiToken",
    "Box",
    "Carrier",
    "DigitalGrant",
    "Event",
    "ExceptionKind",
    "FulfilmentMode",
    "Job",
    "JobStatus",
    "LicenceKey",
    "Location",
    "LocationKind",
    "Lot",
    "Manifest",
    "Order",
    "OrderLine",
    "Parcel",
    "ParcelItem",
    "ParcelStatus",
    "PickException",
    "PickList",
    "PickListStatus",
    "PickScan",
    "PickSlot",
    "PickTask",
    "Product",
    "Reservation",
    "ScanKind",
    "Shipment",
    "ShippingMethod",
    "Stock",
    "StockMove",
    "Supplier",
    "TaskStatus",
    "Tracking",
    "User",
    "UserRole",
    "Warehouse",
    "WebhookDelivery",
    "WebhookSubscription",
]
