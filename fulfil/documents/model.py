"""What the documents are made from: plain, frozen values the caller fills in."""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal


@dataclass(frozen=True)
class Address:
    name: str
    line1: str
    line2: str
    postal_code: str
    city: str
    country: str  # ISO 3166-1 alpha-2


@dataclass(frozen=True)
class Line:
    sku: str
    name: str
    qty: int
    unit_price: Decimal
    hs_code: str = ""
    origin_country: str = ""  # ISO 3166-1 alpha-2
    weight_g: int = 0  # of one unit, as unit_price is
    lot: str = ""


@dataclass(frozen=True)
class Parcel:
    order_ref: str  # the shop's order number
    number: int  # parcel n of count
    count: int
    ship_from: Address
    ship_to: Address
    carrier: str  # e.g. "DHL"
    service: str  # e.g. "Paket", "Express"
    tracking_number: str
    tracking_url: str  # what the label's QR code encodes (our public tracking page)
    weight_g: int
    box: str  # box code, e.g. "M-30"
    lines: tuple[Line, ...]
    currency: str = "EUR"
    pickup_point_id: str = ""
    appointment: tuple[datetime, datetime] | None = None  # local times, start and end
    shipped_on: date | None = None


@dataclass(frozen=True)
class Slip:
    """A packing slip for one order."""

    order_ref: str
    placed_at: datetime  # printed as given: pass it in the shop's time zone
    ship_to: Address
    ship_from: Address
    shop_name: str
    lines: tuple[Line, ...]
    order_url: str  # the slip's QR code encodes order_url


@dataclass(frozen=True)
class ManifestEntry:
    tracking_number: str
    order_ref: str
    ship_to: Address
    weight_g: int  # of all its parcels together
    parcels: int = 1


@dataclass(frozen=True)
class Manifest:
    carrier: str
    number: str
    created_at: datetime  # printed as given: pass it in the warehouse's time zone
    ship_from: Address
    entries: tuple[ManifestEntry, ...]
