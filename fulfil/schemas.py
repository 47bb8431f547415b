"""The shapes of what shops send and get back: pydantic models.

One definition serves three purposes: it validates requests (every problem at once,
each with its field), it shapes responses, and it is the JSON Schema published in
/api/v1/openapi.json, so the description cannot drift from what the API does.
"""

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

import pycountry
from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    EmailStr,
    Field,
    StringConstraints,
    WithJsonSchema,
    model_validator,
)
from pydantic_core import PydanticCustomError

from fulfil.domain.barcodes import CODE128
from fulfil.models import FulfilmentMode, LocationKind, ShippingMethod, Tracking
from fulfil.models.warehouse import VIRTUAL_KINDS


def _country(code: str) -> str:
    code = code.upper()
    if pycountry.countries.get(alpha_2=code) is None:
        raise PydanticCustomError(  # its own type: fulfil.validation words it
            "country_code",
            "'{code}' is not an ISO 3166-1 alpha-2 country code",
            {"code": code},
        )
    return code


Text = Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)]
# Required text: after stripping, something must be left (said as a pattern too).
# Python's str.strip() also removes the separators U+001C–U+001F, which regex \s
# (Unicode White_Space) does not count as space, so they are named as well.
NOT_BLANK = r"[^\s\x1c-\x1f]"
Name = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True, min_length=1, max_length=120, pattern=NOT_BLANK
    ),
]
Code = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True, min_length=1, max_length=64, pattern=r"^\S+$"
    ),
]
Country = Annotated[
    str,
    StringConstraints(pattern=r"^[A-Za-z]{2}$"),
    AfterValidator(_country),
    Field(description="ISO 3166-1 alpha-2, e.g. DE", examples=["DE"]),
]
# Cents at most, as a JSON number or a string (pydantic's own schema says neither).
Money = Annotated[
    Decimal,
    Field(ge=0, max_digits=12, decimal_places=2),
    WithJsonSchema(
        {
            "anyOf": [
                {
                    "type": "number",
                    "minimum": 0,
                    "maximum": 9_999_999_999.99,
                    "multipleOf": 0.01,
                },
                {"type": "string", "pattern": r"^\d{1,10}(\.\d{1,2})?$"},
            ],
            "examples": ["9.90"],
        }
    ),
]
PhysicalKind = Literal[tuple(k.value for k in LocationKind if k not in VIRTUAL_KINDS)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


# -- requests -------------------------------------------------------------------------


class CustomerIn(Strict):
    name: Name
    email: EmailStr | None = None
    phone: Annotated[str, StringConstraints(strip_whitespace=True, max_length=40)] = ""


class AddressIn(Strict):
    name: Name
    line1: Annotated[
        str,
        StringConstraints(
            strip_whitespace=True, min_length=1, max_length=200, pattern=NOT_BLANK
        ),
    ]
    line2: Text = ""
    postal_code: Annotated[
        str, StringConstraints(strip_whitespace=True, max_length=20)
    ] = ""
    city: Annotated[
        str,
        StringConstraints(
            strip_whitespace=True, min_length=1, max_length=100, pattern=NOT_BLANK
        ),
    ]
    country: Country


class Slot(Strict):
    start: AwareDatetime
    end: AwareDatetime

    @model_validator(mode="after")
    def _ordered(self):
        if self.end <= self.start:
            raise PydanticCustomError("slot_order", "the slot must end after it starts")
        return self


class LineIn(Strict):
    sku: Code
    quantity: int = Field(gt=0, le=100_000)
    unit_price: Money = Decimal("0")


def _method_is(method: str) -> dict:
    return {
        "required": ["shipping_method"],
        "properties": {"shipping_method": {"const": method}},
    }


class OrderIn(Strict):
    # What _method_details checks, said in the published JSON Schema too.
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "allOf": [
                {
                    "if": _method_is("pickup_point"),
                    "then": {
                        "required": ["pickup_point_id"],
                        "properties": {
                            "pickup_point_id": {"type": "string", "minLength": 1}
                        },
                    },
                },
                {
                    "if": _method_is("appointment"),
                    "then": {
                        "required": ["appointment"],
                        "properties": {"appointment": {"type": "object"}},
                    },
                },
            ]
        },
    )

    external_id: Code = Field(description="The shop's order number; unique.")
    placed_at: AwareDatetime
    customer: CustomerIn
    shipping_address: AddressIn | None = Field(
        default=None, description="Required unless every line is digital."
    )
    shipping_method: ShippingMethod = ShippingMethod.STANDARD
    pickup_point_id: Annotated[str, StringConstraints(max_length=64)] | None = None
    appointment: Slot | None = Field(
        default=None, description="The delivery slot, for shipping_method appointment."
    )
    promised_ship_by: AwareDatetime | None = Field(
        default=None,
        description="Computed from the daily cut-off and working days when left out.",
    )
    warehouse: Code | None = Field(
        default=None, description="A warehouse code; chosen by stock when left out."
    )
    lines: list[LineIn] = Field(min_length=1, max_length=500)

    @model_validator(mode="after")
    def _method_details(self):
        if (
            self.shipping_method == ShippingMethod.PICKUP_POINT
            and not self.pickup_point_id
        ):
            raise PydanticCustomError(
                "pickup_point_required",
                "pickup_point_id is required for shipping_method pickup_point",
            )
        if (
            self.shipping_method == ShippingMethod.APPOINTMENT
            and self.appointment is None
        ):
            raise PydanticCustomError(
                "appointment_required",
                "appointment is required for shipping_method appointment",
            )
        return self


class ProductIn(Strict):
    name: Annotated[
        str,
        StringConstraints(
            strip_whitespace=True, min_length=1, max_length=255, pattern=NOT_BLANK
        ),
    ]
    barcode: Annotated[
        str,
        StringConstraints(
            strip_whitespace=True, min_length=1, max_length=48, pattern=CODE128.pattern
        ),
    ]
    weight_g: int | None = Field(default=None, ge=0, le=1_000_000)
    length_mm: int | None = Field(default=None, ge=0, le=100_000)
    width_mm: int | None = Field(default=None, ge=0, le=100_000)
    height_mm: int | None = Field(default=None, ge=0, le=100_000)
    fulfilment: FulfilmentMode = FulfilmentMode.IN_HOUSE
    tracking: Tracking = Tracking.NONE
    hs_code: Annotated[str, StringConstraints(pattern=r"^\d{0,10}$")] = ""
    origin_country: Country | None = None
    supplier: Code | None = Field(
        default=None, description="Supplier code, for dropship."
    )
    download_file: Annotated[
        str, StringConstraints(max_length=200, pattern=r"^([^./][^/]*)?$")
    ] = Field(default="", description="A plain file name.")
    max_downloads: int = Field(default=5, ge=1, le=1000)
    active: bool = True


class LocationIn(Strict):
    kind: PhysicalKind  # type: ignore[valid-type]
    zone: Annotated[str, StringConstraints(max_length=16)] = ""
    aisle: Annotated[str, StringConstraints(max_length=8)] = ""
    bay: Annotated[str, StringConstraints(max_length=8)] = ""
    level: Annotated[str, StringConstraints(max_length=8)] = ""
    x: float = Field(default=0.0, ge=-100_000, le=100_000)
    y: float = Field(default=0.0, ge=-100_000, le=100_000)
    warehouse: Code | None = None


class AdjustmentIn(Strict):
    sku: Code
    location: Code
    quantity: int = Field(
        description="Units to add (positive) or remove (negative).",
        json_schema_extra={"not": {"const": 0}},
    )
    reason: Literal[
        "opening", "count", "found", "correction", "damage", "scrap", "expired"
    ]
    lot: Annotated[str, StringConstraints(strip_whitespace=True, max_length=64)] = ""
    expires_on: date | None = None
    reference: Text = ""
    warehouse: Code | None = None

    @model_validator(mode="after")
    def _not_zero(self):
        if self.quantity == 0:
            raise PydanticCustomError("quantity_zero", "quantity must not be 0")
        return self


class ShipmentReport(Strict):
    """A 3PL or supplier reports what happened to a shipment."""

    status: Literal["shipped", "delivered"]
    carrier: Annotated[str, StringConstraints(strip_whitespace=True, max_length=64)] = (
        ""
    )
    tracking_number: Annotated[
        str, StringConstraints(strip_whitespace=True, max_length=64)
    ] = ""
    tracking_url: Annotated[str, StringConstraints(max_length=500)] = ""


# -- responses ------------------------------------------------------------------------


class SlotOut(BaseModel):
    start: datetime
    end: datetime


class AllocationOut(BaseModel):
    state: Literal["allocated", "partial", "backordered", "not_stocked", "cancelled"]
    allocated: int
    backordered: int


class QuantitiesOut(BaseModel):
    """What became of a line's units. ordered = shipped + cancelled + the units
    still on their way (allocated, backordered, picked or packed, not yet shipped);
    short counts units found missing, which were then backordered or cancelled."""

    ordered: int
    allocated: int
    picked: int
    packed: int
    shipped: int
    short: int
    backordered: int
    cancelled: int


LineState = Literal[
    "allocated",
    "backordered",
    "partially_backordered",
    "requested",
    "picking",
    "picked",
    "packed",
    "partially_shipped",
    "shipped",
    "cancelled",
]


class LineOut(BaseModel):
    sku: str
    name: str
    quantity: int
    unit_price: Decimal
    fulfilment: FulfilmentMode
    shipment_id: int | None
    state: LineState
    quantities: QuantitiesOut
    allocation: AllocationOut


class DownloadOut(BaseModel):
    sku: str
    url: str
    expires_at: datetime | None
    downloads_left: int


class LicenceKeyOut(BaseModel):
    sku: str
    key: str


class ShipmentLineOut(BaseModel):
    sku: str
    quantity: int  # units of the line this shipment carries
    shipped: int


class ShipmentOut(BaseModel):
    id: int
    mode: FulfilmentMode
    status: str
    # a backorder: carries units found short in this earlier shipment
    follows: int | None = None
    lines: list[ShipmentLineOut] = []
    warehouse: str | None
    supplier: str | None
    carrier: str
    tracking_number: str
    tracking_url: str
    shipped_at: datetime | None
    delivered_at: datetime | None
    downloads: list[DownloadOut] = []
    licence_keys: list[LicenceKeyOut] = []


class EventOut(BaseModel):
    at: datetime
    action: str
    actor: str | None
    data: dict


class OrderOut(BaseModel):
    id: int
    external_id: str
    status: str
    warehouse: str | None
    placed_at: datetime
    promised_ship_by: datetime | None
    customer: dict
    shipping_address: dict | None
    shipping_method: ShippingMethod
    pickup_point_id: str | None
    appointment: SlotOut | None
    # what happens to units found short: "backorder" or "ship_partial_cancel_rest"
    short_policy: str
    lines: list[LineOut]
    shipments: list[ShipmentOut]
    timeline: list[EventOut] | None = None


class ProductOut(BaseModel):
    sku: str
    name: str
    barcode: str
    weight_g: int | None
    length_mm: int | None
    width_mm: int | None
    height_mm: int | None
    fulfilment: FulfilmentMode
    tracking: Tracking
    hs_code: str
    origin_country: str | None
    supplier: str | None
    download_file: str
    max_downloads: int
    active: bool


class LocationOut(BaseModel):
    warehouse: str
    code: str
    kind: str
    zone: str
    aisle: str
    bay: str
    level: str
    x: float
    y: float
    active: bool


class StockRowOut(BaseModel):
    warehouse: str
    location: str
    lot: str
    expires_on: date | None
    on_hand: int
    reserved: int
    available: int


class StockOut(BaseModel):
    sku: str
    on_hand: int
    reserved: int
    available: int
    locations: list[StockRowOut]


class MoveOut(BaseModel):
    id: int
    sku: str
    quantity: int
    from_location: str
    to_location: str
    lot: str
    reason: str
    at: datetime


class ProblemItem(BaseModel):
    field: str
    message: str


class Problem(BaseModel):
    """RFC 9457 problem details, with every problem found."""

    type: str
    title: str
    status: int
    detail: str
    errors: list[ProblemItem] = []


class SupplierIn(Strict):
    name: Name
    email: EmailStr | Literal[""] = ""
    webhook_url: Annotated[
        str, StringConstraints(max_length=500, pattern=r"^(https?://.*)?$")
    ] = ""


class SupplierOut(BaseModel):
    code: str
    name: str
    email: str
    webhook_url: str
