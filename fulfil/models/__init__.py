"""Declarative models by area. Importing this package registers every table."""

from fulfil.models.catalog import FulfilmentMode, Product, Tracking
from fulfil.models.events import Event
from fulfil.models.inventory import Lot, Reservation, Stock, StockMove
from fulfil.models.orders import Order, OrderLine
from fulfil.models.users import User, UserRole
from fulfil.models.warehouse import Location, LocationKind, Warehouse

__all__ = [
    "Event",
    "FulfilmentMode",
    "Location",
    "LocationKind",
    "Lot",
    "Order",
    "OrderLine",
    "Product",
    "Reservation",
    "Stock",
    "StockMove",
    "Tracking",
    "User",
    "UserRole",
    "Warehouse",
]
