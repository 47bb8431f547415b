"""Products and orders from CSV files, for shops without an API integration.

Every row goes through the same door as an API request: products through `ProductIn`
and `catalog.upsert_product`, orders through `OrderIn` and `orders.receive_order`.
An import is many transactions, one per product row or per order: an order is stored
whole or not at all, and a rejected one does not stop the others. Because order
intake is idempotent by external id, importing the same file again changes nothing.
"""

import re
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l
from pydantic import TypeAdapter, ValidationError

from fulfil import validation
from fulfil.errors import FulfilError, InvalidRequest, OrderConflict
from fulfil.extensions import db
from fulfil.imports import shops, tables
from fulfil.imports.tables import MAX_ROWS, CsvFileError, Table, read_table
from fulfil.models import Job, Location, Product, User, Warehouse
from fulfil.queries.racks import LOCATION_COLUMNS
from fulfil.schemas import Code, LocationIn, OrderIn, ProductIn
from fulfil.services import catalog, jobs, layout, orders

__all__ = ["MAX_ROWS", "CsvFileError", "read_rows", "import_products", "import_orders"]

FULFIL = "fulfil"  # the report's format for a file in Fulfil's own columns
FORMAT_NAMES = {
    FULFIL: _l("Fulfil’s columns"),
    shops.SHOPIFY: _l("Shopify product export"),
    shops.WOOCOMMERCE: _l("WooCommerce product CSV"),
}
ENCODING_NAMES = {
    tables.UTF8: "UTF-8",
    tables.UTF16: "UTF-16",
    tables.CP1252: "Windows-1252",
    tables.XLSX: _l("Excel workbook (.xlsx)"),
}

PRODUCT_COLUMNS = (
    "sku",
    "name",
    "barcode",
    "weight_g",
    "length_mm",
    "width_mm",
    "height_mm",
    "fulfilment",
    "tracking",
    "hs_code",
    "origin_country",
    "supplier",
)
PRODUCT_REQUIRED = ("sku", "name")

LINE_COLUMNS = ("sku", "quantity", "unit_price")
ORDER_COLUMNS = (
    "external_id",
    "placed_at",
    "customer_name",
    "customer_email",
    "customer_phone",
    "ship_name",
    "ship_line1",
    "ship_line2",
    "ship_postal_code",
    "ship_city",
    "ship_country",
    "shipping_method",
    "pickup_point_id",
    "promised_ship_by",
    "warehouse",
    *LINE_COLUMNS,
    "appointment_start",
    "appointment_end",
)
ORDER_REQUIRED = ("external_id", "placed_at", "customer_name", "sku", "quantity")
ORDER_HEADER_COLUMNS = tuple(c for c in ORDER_COLUMNS if c not in LINE_COLUMNS)

# "1.234,56" or "9,90": a German decimal comma (with optional thousands points)
DECIMAL_COMMA = re.compile(r"^[+-]?(\d{1,3}(\.\d{3})+|\d*),\d+$")
# 4.00638E+12: what Excel makes of a barcode in a column formatted as a number
EXCEL_NUMBER = re.compile(r"^\d+([.,]\d+)?E\+?\d+$", re.IGNORECASE)
LOCAL_FORMATS = ("%d.%m.%Y %H:%M:%S", "%d.%m.%Y %H:%M", "%d.%m.%Y")
SKU = TypeAdapter(Code)


@dataclass
class Row:
    line: int  # where the row starts in the file (the header is line 1)
    cells: dict[str, str]
    overflow: bool = False  # more cells than the header has columns


@dataclass
class Problem:
    line: int | None  # the row it concerns, None for the whole order
    field: str  # the CSV column, "" when no single column is to blame
    message: str


@dataclass
class Rejection:
    lines: list[int]
    key: str  # the order's external_id or the product's SKU
    problems: list[Problem]

    @property
    def lines_label(self) -> str:
        return lines_label(self.lines)


@dataclass
class Skipped:
    """Rows that describe nothing Fulfil imports (a variable product's parent row)."""

    reason: str
    lines: list[int]

    @property
    def lines_label(self) -> str:
        return lines_label(self.lines)


def lines_label(lines: list[int], most: int = 12) -> str:
    """ "4", "4, 9", "4–6, 9" (a run of three or more lines), cut short after `most`
    parts: "2–4, 7, …"."""
    runs: list[list[int]] = []
    for n in sorted(set(lines)):
        if runs and n == runs[-1][-1] + 1:
            runs[-1].append(n)
        else:
            runs.append([n])
    parts: list[str] = []
    for run in runs:
        if len(run) > 2:
            parts.append(f"{run[0]}–{run[-1]}")
        else:
            parts += [str(n) for n in run]
    return ", ".join(parts[:most] + (["…"] if len(parts) > most else []))


@dataclass
class ImportReport:
    kind: str  # "products" or "orders"
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejections: list[Rejection] = field(default_factory=list)
    format: str = FULFIL  # FULFIL, shops.SHOPIFY or shops.WOOCOMMERCE
    encoding: str = ""  # how the file was read: tables.UTF8, CP1252, XLSX …
    skips: list[Skipped] = field(default_factory=list)

    @property
    def rejected(self) -> int:
        return len(self.rejections)

    @property
    def source(self) -> str:
        """ "Shopify product export, Windows-1252": how the file was understood."""
        return f"{FORMAT_NAMES[self.format]}, {ENCODING_NAMES[self.encoding]}"

    @property
    def skipped(self) -> int:
        return sum(len(s.lines) for s in self.skips)

    def skip(self, line: int, reason: str) -> None:
        for skipped in self.skips:
            if skipped.reason == reason:
                skipped.lines.append(line)
                return
        self.skips.append(Skipped(reason, [line]))

    def to_dict(self) -> dict:
        """Plain data (JSON) to keep the report of an import run as a job."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> "ImportReport":
        return cls(
            **{
                **data,
                "rejections": [
                    Rejection(
                        r["lines"], r["key"], [Problem(**p) for p in r["problems"]]
                    )
                    for r in data["rejections"]
                ],
                "skips": [Skipped(**s) for s in data["skips"]],
            }
        )

    @property
    def records(self) -> int:
        """Products or orders found in the file."""
        return self.created + self.updated + self.unchanged + self.rejected

    def reject(self, lines: list[int], key: str, problems: list[Problem]) -> None:
        self.rejections.append(Rejection(lines, key, problems))


# -- reading the file -----------------------------------------------------------------


def read_rows(
    data: bytes, columns: tuple[str, ...], required: tuple[str, ...]
) -> list[Row]:
    """The file's rows as cells by column; CsvFileError when it cannot be read at all.

    CSV (UTF-8 with or without BOM, or Windows-1252; comma, semicolon or tab between
    cells, whichever the header uses) or an .xlsx workbook's first sheet; blank rows
    are skipped. The header must name Fulfil's columns (`columns`, `required`).
    """
    return table_rows(read_table(data), columns, required)


def table_rows(
    table: Table, columns: tuple[str, ...], required: tuple[str, ...]
) -> list[Row]:
    """A table's rows by Fulfil's column names; CsvFileError for a wrong header."""
    header = _header(table.header, columns, required)
    rows = []
    for line, cells in table.rows:
        cells = cells + [""] * (len(header) - len(cells))
        named = dict(zip(header, cells, strict=False))
        rows.append(
            Row(
                line=line,
                cells={k: v for k, v in named.items() if k},
                # cells beyond the header, or under a column without a name
                overflow=any(cells[len(header) :])
                or any(v for k, v in zip(header, cells, strict=False) if not k),
            )
        )
    return rows


def _header(
    names: list[str], columns: tuple[str, ...], required: tuple[str, ...]
) -> list[str]:
    header = [name.strip().lower() for name in names]
    missing = [c for c in required if c not in header]
    unknown = [name for name in header if name and name not in columns]
    twice = sorted({name for name in header if name and header.count(name) > 1})
    problems = []
    if missing:
        problems.append(
            _l("The header lacks the columns: %(names)s.")
            % {"names": ", ".join(missing)}
        )
    if unknown:
        problems.append(
            _l("Unknown columns: %(names)s.") % {"names": ", ".join(unknown)}
        )
    if twice:
        problems.append(
            _l("Columns named twice: %(names)s.") % {"names": ", ".join(twice)}
        )
    if problems:
        problems.append(
            _l("The columns are: %(names)s.") % {"names": ", ".join(columns)}
        )
        raise CsvFileError(" ".join(str(p) for p in problems))
    return header


# -- products -------------------------------------------------------------------------


Progress = Callable[[int, int], None]  # (records done, records in the file)


def import_products(
    data: bytes, *, actor_id: int | None = None, progress: Progress | None = None
) -> ImportReport:
    """Create or update one product per row; a rejected row changes nothing.

    The file is in Fulfil's columns, or a Shopify or WooCommerce product export
    (recognised by its header; each variant is a product with its own SKU). A column
    left out of the file keeps each product's current value; an empty cell in a
    column that is there means "none" (or the default).
    """
    table = read_table(data)
    report = ImportReport("products", rows=len(table.rows), encoding=table.encoding)
    shop = shops.product_rows(table)
    if shop is None:
        rows = table_rows(table, PRODUCT_COLUMNS, PRODUCT_REQUIRED)
        given = set(rows[0].cells) if rows else set()
        found: list[list[Problem]] = [[] for _ in rows]
        sources: dict[str, str] = {}
    else:
        report.format, given, sources = shop.format, shop.given, shop.sources
        for line, reason in shop.skipped:
            report.skip(line, reason)
        rows = [Row(line=r.line, cells=r.cells) for r in shop.rows]
        found = [[Problem(r.line, f, m) for f, m in r.problems] for r in shop.rows]
    tick = _Ticker(progress, len(rows))
    first_line: dict[str, int] = {}
    for row, problems in zip(rows, found, strict=True):
        sku = row.cells["sku"]
        problems = _overflow(row) + problems
        if not any(p.field == "sku" for p in problems):
            try:
                SKU.validate_python(sku)
            except ValidationError as error:
                problems += [
                    Problem(row.line, "sku", validation.message(e))
                    for e in error.errors()
                ]
        if sku in first_line:
            problems.append(
                Problem(
                    row.line,
                    "sku",
                    str(
                        _l("already on line %(line)s of this file")
                        % {"line": first_line[sku]}
                    ),
                )
            )
        elif sku:
            first_line[sku] = row.line
        _import_product(row, given, report, problems, sources)
        tick()
    tick.done()
    return report


def _import_product(
    row: Row,
    given: set[str],
    report: ImportReport,
    problems: list[Problem],
    sources: dict[str, str],
) -> None:
    sku = row.cells["sku"]

    def reject(problems: list[Problem]) -> None:
        """Named by the file's own columns (a shop's export names them its way)."""
        named = [replace(p, field=sources.get(p.field, p.field)) for p in problems]
        report.reject([row.line], sku or row.cells.get("name", ""), named)

    product = None
    if not problems:  # the SKU is sound: this row may update the product
        product = db.session.scalar(sa.select(Product).where(Product.sku == sku))
    current = _product_fields(product) if product is not None else {}
    payload = {k: v for k, v in current.items() if k not in given}
    payload |= {
        column: value
        for column, value in row.cells.items()
        if column != "sku" and value != ""
    }
    data = None
    try:
        data = ProductIn.model_validate(payload)
    except ValidationError as error:
        problems += [
            Problem(row.line, _column(e["loc"]), validation.message(e))
            for e in error.errors()
        ]
    barcode = row.cells.get("barcode", "")
    if EXCEL_NUMBER.match(barcode):  # say why, rather than which pattern it breaks
        problems = [p for p in problems if p.field != "barcode"]
        problems.append(Problem(row.line, "barcode", _excel_hint(barcode)))
    if problems or data is None:
        reject(problems)
        return
    if data.model_dump() == current:
        report.unchanged += 1
        return
    try:
        catalog.upsert_product(
            sku=sku,
            **data.model_dump(exclude={"origin_country"}),
            origin_country=data.origin_country or "",
        )
    except FulfilError as refusal:
        reject(_refusal_problems(refusal, row.line))
        return
    if product is None:
        report.created += 1
    else:
        report.updated += 1


def _product_fields(product: Product) -> dict:
    """The product as ProductIn fields, to keep what the file does not mention."""
    return {
        "name": product.name,
        "barcode": product.barcode,
        "weight_g": product.weight_g,
        "length_mm": product.length_mm,
        "width_mm": product.width_mm,
        "height_mm": product.height_mm,
        "fulfilment": product.fulfilment,
        "tracking": product.tracking,
        "hs_code": product.hs_code,
        "origin_country": product.origin_country or None,
        "supplier": product.supplier.code if product.supplier else None,
        "download_file": product.download_file,
        "max_downloads": product.max_downloads,
        "active": product.active,
    }


def _excel_hint(value: str) -> str:
    return str(
        _l(
            "%(value)s looks like a number Excel shortened: format the column "
            "as text and export again"
        )
        % {"value": value}
    )


# -- orders ---------------------------------------------------------------------------


def import_orders(
    data: bytes, *, actor_id: int | None = None, progress: Progress | None = None
) -> ImportReport:
    """Take in one order per external_id, all or nothing each; safe to import twice.

    Rows with the same external_id are the lines of one order; its other columns may
    be filled on any of its rows but must not disagree.
    """
    table = read_table(data)
    rows = table_rows(table, ORDER_COLUMNS, ORDER_REQUIRED)
    report = ImportReport(kind="orders", rows=len(rows), encoding=table.encoding)
    groups: dict[str, list[Row]] = {}
    for row in rows:
        external_id = row.cells["external_id"]
        if not external_id:
            report.reject(
                [row.line],
                "",
                [Problem(row.line, "external_id", str(_l("is required")))],
            )
            continue
        groups.setdefault(external_id, []).append(row)
    known = _known_skus({row.cells["sku"] for row in rows})
    zones = _warehouse_zones()
    tick = _Ticker(progress, len(groups))
    for external_id, group in groups.items():
        tick()
        lines = [row.line for row in group]
        problems, request = _order_request(group, known, zones)
        if request is None:
            report.reject(lines, external_id, problems)
            continue
        try:
            _, created = orders.receive_order(request, source="csv", actor_id=actor_id)
        except FulfilError as refusal:
            report.reject(lines, external_id, _order_refusal(refusal, group))
            continue
        if created:
            report.created += 1
        else:
            report.unchanged += 1
    tick.done()
    report.rejections.sort(key=lambda rejection: min(rejection.lines))
    return report


def _order_request(
    group: list[Row], known: set[str], zones: dict[str | None, tzinfo]
) -> tuple[list[Problem], OrderIn | None]:
    """The group's rows as an OrderIn, or every problem found in them."""
    problems: list[Problem] = []
    for row in group:
        problems += _overflow(row)
    head: dict[str, str] = {}
    source: dict[str, int] = {}
    for row in group:
        for column in ORDER_HEADER_COLUMNS:
            value = row.cells.get(column, "")
            if not value:
                continue
            if column not in head:
                head[column], source[column] = value, row.line
            elif value != head[column]:
                message = _l("differs from line %(line)s of the same order") % {
                    "line": source[column]
                }
                problems.append(Problem(row.line, column, str(message)))
    zone = zones.get(head.get("warehouse", "").upper(), zones[None])
    payload = _order_payload(head, group, zone)
    request = None
    try:
        request = OrderIn.model_validate(payload)
    except ValidationError as error:
        problems += [
            _order_problem(e["loc"], validation.message(e), group)
            for e in error.errors()
        ]
    blamed = {(p.line, p.field) for p in problems}
    for row in group:
        sku = row.cells["sku"]
        if sku and sku not in known and (row.line, "sku") not in blamed:
            message = _l("no product with SKU %(sku)s") % {"sku": sku}
            problems.append(Problem(row.line, "sku", str(message)))
    return problems, None if problems else request


def _order_payload(head: dict[str, str], group: list[Row], zone: tzinfo) -> dict:
    def moment(column: str):
        return _moment(head[column], zone) if column in head else None

    payload: dict = {
        "external_id": head["external_id"],
        "customer": _filled(
            name=head.get("customer_name"),
            email=head.get("customer_email"),
            phone=head.get("customer_phone"),
        ),
        "placed_at": moment("placed_at"),
        "shipping_method": head.get("shipping_method"),
        "pickup_point_id": head.get("pickup_point_id"),
        "promised_ship_by": moment("promised_ship_by"),
        "warehouse": head.get("warehouse"),
        "lines": [
            _filled(
                sku=row.cells["sku"],
                quantity=row.cells["quantity"],
                unit_price=_decimal(row.cells.get("unit_price", "")),
            )
            for row in group
        ],
    }
    address = {
        part: head[f"ship_{part}"]
        for part in ("name", "line1", "line2", "postal_code", "city", "country")
        if f"ship_{part}" in head
    }
    if address:  # none at all: a digital order, or the service says it is missing
        address.setdefault("name", head.get("customer_name", ""))
        payload["shipping_address"] = address
    if "appointment_start" in head or "appointment_end" in head:
        payload["appointment"] = _filled(
            start=moment("appointment_start"), end=moment("appointment_end")
        )
    return {key: value for key, value in payload.items() if value is not None}


def _order_refusal(refusal: FulfilError, group: list[Row]) -> list[Problem]:
    if isinstance(refusal, InvalidRequest):
        return [
            _order_problem(_path(name), message, group)
            for name, message in refusal.problems
        ]
    if isinstance(refusal, OrderConflict):
        return [Problem(None, "external_id", str(refusal))]
    return _refusal_problems(refusal, None)


def _order_problem(loc: tuple, message: str, group: list[Row]) -> Problem:
    """Name the CSV row and column a pydantic or service location points at."""
    if loc and loc[0] == "lines":
        if len(loc) > 1 and isinstance(loc[1], int) and loc[1] < len(group):
            return Problem(group[loc[1]].line, _column(loc[2:]), message)
        return Problem(None, "sku", message)
    if loc and loc[0] == "customer":
        return Problem(None, f"customer_{_column(loc[1:])}", message)
    if loc and loc[0] == "shipping_address":
        return Problem(None, f"ship_{_column(loc[1:]) or '*'}", message)
    if loc and loc[0] == "appointment":
        return Problem(None, f"appointment_{_column(loc[1:]) or '*'}", message)
    return Problem(None, _column(loc), message)


def _path(name: str) -> tuple:
    """ "lines[2].sku" → ("lines", 2, "sku"), as pydantic writes locations."""
    return tuple(
        int(part) if part.isdigit() else part
        for part in re.split(r"[.\[\]]+", name)
        if part
    )


def _known_skus(skus: Iterable[str]) -> set[str]:
    wanted, known = sorted(s for s in skus if s), set()
    for start in range(0, len(wanted), 500):
        known.update(
            db.session.scalars(
                sa.select(Product.sku).where(
                    Product.sku.in_(wanted[start : start + 500])
                )
            )
        )
    return known


def _warehouse_zones() -> dict[str | None, tzinfo]:
    """Time zone by warehouse code; None: the first warehouse's (else UTC)."""
    zones: dict[str | None, tzinfo] = {}
    for code, name in db.session.execute(
        sa.select(Warehouse.code, Warehouse.timezone).order_by(Warehouse.id)
    ):
        try:
            zones[code] = ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            zones[code] = UTC
        zones.setdefault(None, zones[code])
    zones.setdefault(None, UTC)
    return zones


def _moment(text: str, zone: tzinfo) -> datetime | str:
    """ISO 8601 or 26.11.2026 09:15; without an offset, the warehouse's local time."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        for layout in LOCAL_FORMATS:
            try:
                moment = datetime.strptime(text, layout)
                break
            except ValueError:
                continue
        else:
            return text  # pydantic says what is wrong with it
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone)
    return moment.astimezone(UTC)  # SQLite would keep only the wall time


def _decimal(text: str) -> str:
    if DECIMAL_COMMA.match(text):
        return text.replace(".", "").replace(",", ".")
    return text


# -- locations ------------------------------------------------------------------------

LOCATION_REQUIRED = ("code", "kind")
ACTIVE_WORDS = {"yes": True, "true": True, "1": True, "no": False, "false": False}
ACTIVE_WORDS |= {"0": False, "ja": True, "nein": False}


def import_locations(
    data: bytes,
    *,
    actor_id: int | None = None,
    warehouse_id: int | None = None,
    progress: Progress | None = None,
) -> ImportReport:
    """Create or update one bin or area per row; a rejected row changes nothing, and
    importing the same file again changes nothing.

    A row without a warehouse goes to `warehouse_id`, else the importing person's
    warehouse, else the only one there is. A column left out keeps each location's
    current value; an empty cell means none (0 for x and y). A bin holding stock keeps
    its kind and stays active: such a row is rejected, saying so.
    """
    table = read_table(data)
    rows = table_rows(table, LOCATION_COLUMNS, LOCATION_REQUIRED)
    report = ImportReport(kind="locations", rows=len(rows), encoding=table.encoding)
    given = set(rows[0].cells) if rows else set()
    sites = dict(db.session.execute(sa.select(Warehouse.code, Warehouse.id)).all())
    default = warehouse_id or _default_warehouse(actor_id, sites)
    first_line: dict[tuple[int | None, str], int] = {}
    tick = _Ticker(progress, len(rows))
    for row in rows:
        tick()
        code = row.cells["code"].upper()
        problems = _overflow(row)
        named = row.cells.get("warehouse", "").upper()
        site = sites.get(named) if named else default
        if site is None:
            problems.append(Problem(row.line, "warehouse", _no_warehouse(named, sites)))
        if (site, code) in first_line:
            problems.append(
                Problem(
                    row.line,
                    "code",
                    str(
                        _l("already on line %(line)s of this file")
                        % {"line": first_line[(site, code)]}
                    ),
                )
            )
        else:
            first_line[(site, code)] = row.line
        _import_location(row, site, given, report, problems, actor_id)
    tick.done()
    return report


def _import_location(
    row: Row,
    site: int | None,
    given: set[str],
    report: ImportReport,
    problems: list[Problem],
    actor_id: int | None,
) -> None:
    code = row.cells["code"].upper()
    location = None
    if site is not None and code and not problems:
        location = db.session.scalar(
            sa.select(Location).where(
                Location.warehouse_id == site, Location.code == code
            )
        )
    current = _location_fields(location) if location is not None else {}
    payload = {k: v for k, v in current.items() if k not in given}
    payload |= {
        column: _decimal(value) if column in ("x", "y") else value
        for column, value in row.cells.items()
        if column not in ("code", "warehouse", "active") and value != ""
    }
    active = ACTIVE_WORDS.get(row.cells.get("active", "").lower())
    if row.cells.get("active") and active is None:
        problems.append(Problem(row.line, "active", str(_l("must be yes or no"))))
    data = None
    try:
        data = LocationIn.model_validate(payload)
    except ValidationError as error:
        problems += [
            Problem(row.line, _column(e["loc"]), validation.message(e))
            for e in error.errors()
        ]
    if problems or data is None:
        report.reject([row.line], code, problems)
        return
    wanted = data.model_dump(exclude={"warehouse"})
    if location is not None and wanted == current and active in (None, location.active):
        report.unchanged += 1
        return
    try:
        layout.define_location(
            warehouse_id=site, code=code, active=active, actor_id=actor_id, **wanted
        )
    except FulfilError as refusal:
        report.reject([row.line], code, _refusal_problems(refusal, row.line))
        return
    if location is None:
        report.created += 1
    else:
        report.updated += 1


def _location_fields(location: Location) -> dict:
    """The location as LocationIn fields, to keep what the file does not mention."""
    return {
        "kind": location.kind.value,
        "zone": location.zone,
        "aisle": location.aisle,
        "bay": location.bay,
        "level": location.level,
        "x": location.x,
        "y": location.y,
    }


def _default_warehouse(actor_id: int | None, sites: dict[str, int]) -> int | None:
    """The importing person's warehouse, else the only one there is."""
    if actor_id is not None:
        mine = db.session.scalar(
            sa.select(User.warehouse_id).where(User.id == actor_id)
        )
        if mine is not None:
            return mine
    return next(iter(sites.values())) if len(sites) == 1 else None


def _no_warehouse(named: str, sites: dict[str, int]) -> str:
    if named:
        return str(_l("no warehouse %(code)s") % {"code": named})
    if not sites:
        return str(_l("no warehouse is set up yet"))
    return str(_l("there are several warehouses: name one"))


# -- shared ---------------------------------------------------------------------------


class _Ticker:
    """Calls `progress(done, total)` now and then (at most once a second) and at the
    end: a job's progress bar moves without a write per row."""

    def __init__(self, progress: Progress | None, total: int, every_s: float = 1.0):
        self.progress, self.total, self.every_s = progress, total, every_s
        self.done_count, self.last = 0, time.monotonic()

    def __call__(self) -> None:
        self.done_count += 1
        if self.progress and time.monotonic() - self.last >= self.every_s:
            self.progress(self.done_count, self.total)
            self.last = time.monotonic()

    def done(self) -> None:
        if self.progress:
            self.progress(self.total, self.total)


def _filled(**values) -> dict:
    return {key: value for key, value in values.items() if value not in (None, "")}


def _overflow(row: Row) -> list[Problem]:
    if not row.overflow:
        return []
    return [Problem(row.line, "", str(_l("the row has cells under no named column")))]


def _column(loc: Iterable) -> str:
    return ".".join(str(part) for part in loc)


def _refusal_problems(refusal: FulfilError, line: int | None) -> list[Problem]:
    if isinstance(refusal, InvalidRequest):
        return [Problem(line, name, message) for name, message in refusal.problems]
    if "problem" in refusal.details:
        return [
            Problem(
                line, str(refusal.details["field"]), str(refusal.details["problem"])
            )
        ]
    return [Problem(line, str(refusal.details.get("field", "")), str(refusal))]


IMPORTERS: dict[str, Callable[..., ImportReport]] = {
    "products": import_products,
    "orders": import_orders,
    "locations": import_locations,
}


# -- big files: a job for the worker --------------------------------------------------

JOB_KIND = "import"


def start_import(
    kind: str, data: bytes, *, filename: str, actor_id: int | None, locale: str
) -> ImportReport | Job:
    """Import a small file at once (its report); queue a big one for the job worker
    (the job, whose page shows its progress and then the same report).

    A file that cannot be read at all is refused here either way (CsvFileError).
    """
    rows = len(read_table(data).rows)
    if rows <= current_app.config["IMPORT_INLINE_ROWS"]:
        return IMPORTERS[kind](data, actor_id=actor_id)
    directory = jobs.files_dir()
    directory.mkdir(parents=True, exist_ok=True)
    name = f"{uuid.uuid4().hex}.upload"
    (directory / name).write_bytes(data)
    try:
        return jobs.enqueue(
            kind=JOB_KIND,
            payload={"kind": kind, "filename": filename[:200], "locale": locale},
            file=name,
            total=rows,
            actor_id=actor_id,
        )
    except BaseException:
        jobs.remove_file(name)
        raise


def run_job(claim: jobs.Claim, progress: Progress) -> dict:
    """The worker's half: import the job's file; its report as plain data."""
    report = IMPORTERS[claim.payload["kind"]](
        claim.path.read_bytes(), actor_id=claim.created_by_id, progress=progress
    )
    return report.to_dict()
