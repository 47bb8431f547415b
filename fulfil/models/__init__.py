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
from fulfil.models.orders import (
    DigitalGrant,
    Order,
    OrderLine,
    Shipment,
    ShippingMethod,
)
from fulfil.models.users import User, UserRole
from fulfil.models.warehouse import Location, LocationKind, Warehouse

__all__ = [
    "ApiToken",
    "DigitalGrant",
    "Event",
    "FulfilmentMode",
    "LicenceKey",
    "Location",
    "LocationKind",
    "Lot",
    "Order",
    "OrderLine",
    "Product",
    "Reservation",
    "Shipment",
    "ShippingMethod",
    "Stock",
    "StockMove",
    "Supplier",
    "Tracking",
    "User",
    "UserRole",
    "Warehouse",
    "WebhookDelivery",
    "WebhookSubscription",
]
