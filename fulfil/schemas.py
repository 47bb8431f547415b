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
    GetCoreSchemaHandler,
    GetJsonSchemaHandler,
    StringConstraints,
    WithJsonSchema,
    model_validator,
)
from pydantic_core import PydanticCustomError, core_schema

from fulfil.domain.barcodes import CODE128
from fulfil.limits import (
    EARLIEST,
    LATEST,
    MAX_METRES,
    MAX_URL,
    is_web_address,
    max_qty,
    within_calendar,
)
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
# A shop's own order number, as the shop writes it: any printable text (slashes, #, ?,
# %, spaces, non-ASCII), not blank. Spelt out, as regex dialects disagree on \s:
# PRINTABLE leaves out control characters and line separators, SOLID also spaces.
PRINTABLE = r"[^\x00-\x1f\x7f-\x9f\u2028\u2029]"
SOLID = r"[^\x00-\x20\x7f-\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]"
EXTERNAL_ID_PATTERN = rf"^{PRINTABLE}*{SOLID}{PRINTABLE}*$"
ExternalId = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True, min_length=1, max_length=64, pattern=EXTERNAL_ID_PATTERN
    ),
]
# An order number in a URL, as stored: no space at either end.
EXTERNAL_ID_PATH = {
    "type": "string",
    "maxLength": 64,
    "pattern": rf"^{SOLID}({PRINTABLE}*{SOLID})?$",
}
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


def _in_calendar(value):
    if not within_calendar(value):
        raise ValueError(f"must lie between {EARLIEST} and {LATEST}")
    return value


_CALENDAR = f"Between {EARLIEST} and {LATEST}."
Moment = Annotated[
    AwareDatetime, AfterValidator(_in_calendar), Field(description=_CALENDAR)
]
Day = Annotated[date, AfterValidator(_in_calendar), Field(description=_CALENDAR)]


class UpToMaxQty:
    """Units, at most MAX_QTY (either way when `signed`): checked, and published as
    the JSON Schema's bound, with the running app's setting."""

    def __init__(self, *, signed: bool = False) -> None:
        self.signed = signed

    def __get_pydantic_core_schema__(self, source, handler: GetCoreSchemaHandler):
        return core_schema.no_info_after_validator_function(
            self._check, handler(source)
        )

    def __get_pydantic_json_schema__(self, schema, handler: GetJsonSchemaHandler):
        described = handler(schema)
        described["maximum"] = max_qty()
        if self.signed:
            described["minimum"] = -max_qty()
        return described

    def _check(self, value: int) -> int:
        if abs(value) > max_qty():
            raise ValueError(f"must be at most {max_qty()} units (MAX_QTY)")
        return value


Quantity = Annotated[int, Field(gt=0), UpToMaxQty()]
QuantityChange = Annotated[int, UpToMaxQty(signed=True)]


def _web_address(url: str) -> str:
    if url and not is_web_address(url):
        raise ValueError("must be an http(s) address")
    return url


# Stored and shown as a link: http(s) only, never javascript: or data:.
WebAddress = Annotated[
    str,
    StringConstraints(strip_whitespace=True, max_length=MAX_URL),
    AfterValidator(_web_address),
    WithJsonSchema(
        {"type": "string", "maxLength": MAX_URL, "pattern": r"^(https?://\S+)?$"}
    ),
]
PhysicalKind = Literal[tuple(k.value for k in LocationKind if k not in VIRTUAL_KINDS)]


class Strict(BaseModel):
    """A request: no unknown fields. Null for an optional field means "not given"
    (as shops send it: `"phone": null`): the published schema says so, and the API
    drops such nulls before validating (fulfil.api.requests.body)."""

    model_config = ConfigDict(extra="forbid")

    @classmethod
    def __get_pydantic_json_schema__(cls, schema, handler: GetJsonSchemaHandler):
        described = handler(schema)
        properties = handler.resolve_ref_schema(described).get("properties", {})
        for name, field in cls.model_fields.items():
            if not field.is_required() and name in properties:
                properties[name] = _or_null(properties[name])
        return described


def _or_null(prop: dict) -> dict:
    if prop.get("type") == "null" or {"type": "null"} in prop.get("anyOf", ()):
        return prop
    notes = {
        k: prop[k] for k in ("title", "description", "default", "examples") if k in prop
    }
    rest = {k: v for k, v in prop.items() if k not in notes}
    if list(rest) == ["anyOf"]:
        return {"anyOf": [*rest["anyOf"], {"type": "null"}], **notes}
    return {"anyOf": [rest, {"type": "null"}], **notes}


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
    start: Moment
    end: Moment

    @model_validator(mode="after")
    def _ordered(self):
        if self.end <= self.start:
            raise PydanticCustomError("slot_order", "the slot must end after it starts")
        return self


class LineIn(Strict):
    sku: Code
    quantity: Quantity
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

    external_id: ExternalId = Field(
        description="The shop's order number, as the shop writes it; unique."
    )
    placed_at: Moment
    customer: CustomerIn
    shipping_address: AddressIn | None = Field(
        default=None, description="Required unless every line is digital."
    )
    shipping_method: ShippingMethod = ShippingMethod.STANDARD
    pickup_point_id: Annotated[str, StringConstraints(max_length=64)] | None = None
    appointment: Slot | None = Field(
        default=None, description="The delivery slot, for shipping_method appointment."
    )
    promised_ship_by: Moment | None = Field(
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
    # optional: without one the product is scanned by its SKU
    barcode: (
        Annotated[
            str,
            StringConstraints(
                strip_whitespace=True,
                min_length=1,
                max_length=48,
                pattern=CODE128.pattern,
            ),
        ]
        | None
    ) = None
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
    x: float = Field(default=0.0, ge=-MAX_METRES, le=MAX_METRES)
    y: float = Field(default=0.0, ge=-MAX_METRES, le=MAX_METRES)
    warehouse: Code | None = None


def _each_once(days: list[int]) -> list[int]:
    if len(set(days)) != len(days):
        raise ValueError("names a day twice")
    return days


# IANA names (Europe/Berlin, America/Argentina/Buenos_Aires, UTC, Etc/GMT+1); whether
# the zone exists is checked against the server's zone database.
TimeZone = Annotated[
    str,
    StringConstraints(
        min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_+-]+(/[A-Za-z0-9_+-]+)*$"
    ),
    Field(description="An IANA time zone.", examples=["Europe/Berlin"]),
]
ClockTime = Annotated[
    str,
    StringConstraints(pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$"),
    Field(description="HH:MM, a wall time.", examples=["14:00"]),
]
Weekdays = Annotated[
    list[Annotated[int, Field(ge=1, le=7)]],
    Field(min_length=1, max_length=7, json_schema_extra={"uniqueItems": True}),
    AfterValidator(_each_once),
]


class WarehouseIn(Strict):
    name: Name
    timezone: TimeZone
    address: Annotated[
        str, StringConstraints(strip_whitespace=True, max_length=500)
    ] = ""
    cutoff_time: ClockTime | None = Field(
        default=None,
        description="The daily cut-off in the warehouse's zone: orders placed before "
        "it on a working day ship that day. Left out or null: the configuration's "
        "CUTOFF_TIME.",
    )
    working_days: Weekdays | None = Field(
        default=None,
        description="ISO weekdays that ship, 1 (Monday) to 7 (Sunday). Left out or "
        "null: the configuration's WORKING_DAYS.",
    )


class WarehouseOut(BaseModel):
    code: str
    name: str
    address: str
    timezone: str
    cutoff_time: str | None = Field(
        description="HH:MM; null when the configuration's CUTOFF_TIME applies."
    )
    working_days: list[int] | None = Field(
        description="ISO weekdays; null when the configuration's WORKING_DAYS apply."
    )


class AdjustmentIn(Strict):
    sku: Code
    location: Code
    quantity: QuantityChange = Field(
        description="Units to add (positive) or remove (negative).",
        json_schema_extra={"not": {"const": 0}},
    )
    reason: Literal[
        "opening", "count", "found", "correction", "damage", "scrap", "expired"
    ]
    lot: Annotated[str, StringConstraints(strip_whitespace=True, max_length=64)] = ""
    expires_on: Day | None = None
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
    tracking_url: WebAddress = ""


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
    barcode: str | None
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
    webhook_url: WebAddress = ""


class SupplierOut(BaseModel):
    code: str
    name: str
    email: str
    webhook_url: str
