"""Build the demo site from the shipped sample of real orders, through the services.

Everything is deterministic: the same sample gives the same layout, products,
barcodes, stock and orders (only badge tokens and timestamps differ). See
data/ATTRIBUTION.md for where the orders come from.
"""

import csv
import hashlib
import re
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from fulfil.domain.barcodes import make_ean13
from fulfil.domain.roles import Role
from fulfil.extensions import db
from fulfil.models import FulfilmentMode, LocationKind, PickList, Tracking, Warehouse
from fulfil.schemas import OrderIn, ShipmentReport
from fulfil.services import (
    catalog,
    digital,
    inventory,
    layout,
    orders,
    picking,
    shipping,
    users,
    waves,
)

SAMPLE = Path(__file__).parent / "data" / "online_retail_sample.csv"
WAREHOUSE_CODE = "WH1"
WAREHOUSE_ADDRESS = "Fulfil Demo GmbH\nHafenlogistikweg 7\n21129 Hamburg\nGermany"

# Layout, in metres from the front-left corner (the dock wall is y = 0). Two blocks of
# six shelving aisles, block A next to the packing area, block B behind a 3 m cross
# aisle. Bays are 1.2 m wide, odd numbers on the left of the aisle and even on the
# right; a bin's x is its aisle's centre line, where the picker stands to reach it.
BLOCKS = {"A": 6.0, "B": 16.2}  # block letter -> y where its aisles start
AISLES, BAYS, BAY_WIDTH, AISLE_PITCH, FIRST_AISLE_X = 6, 12, 1.2, 3.0, 4.0
PICK_LEVELS, RESERVE_LEVEL = ("A", "B"), "C"
AREAS = [  # code, kind, x, y
    ("RECV-01", LocationKind.RECEIVING, 1.5, 2.0),
    ("RECV-02", LocationKind.RECEIVING, 4.5, 2.0),
    ("PACK-01", LocationKind.PACKING, 9.5, 2.0),
    ("PACK-02", LocationKind.PACKING, 11.5, 2.0),
    ("PACK-03", LocationKind.PACKING, 13.5, 2.0),
    ("SHIP-01", LocationKind.SHIPPING, 18.0, 1.5),
    ("SHIP-02", LocationKind.SHIPPING, 21.0, 1.5),
]
PACKING_POINT = (11.5, 2.0)
FAST_MOVERS_WITH_RESERVE = 30
CASE = 6  # stock arrives in cases of this many units

USERS = [  # username, role, language (None: follow the device)
    ("admin", Role.ADMIN, "en"),
    ("manager", Role.MANAGER, "de"),
    ("receiver", Role.RECEIVER, "de"),
    ("picker", Role.PICKER, None),
    ("packer", Role.PACKER, "de"),
    ("service", Role.CUSTOMER_SERVICE, "en"),
]

# The countries in the sample, as ISO 3166-1 alpha-2, with a few plausible places.
COUNTRIES = {
    "United Kingdom": "GB",
    "EIRE": "IE",
    "France": "FR",
    "Germany": "DE",
    "Belgium": "BE",
    "Netherlands": "NL",
    "Denmark": "DK",
    "Bahrain": "BH",
}
PLACES = {  # country -> [(postal code, city)], streets, number before the street?
    "GB": (
        [
            ("M1 4BT", "Manchester"),
            ("LS1 5DL", "Leeds"),
            ("BS1 6QF", "Bristol"),
            ("B2 4QA", "Birmingham"),
            ("NG1 5FW", "Nottingham"),
            ("EH1 1YZ", "Edinburgh"),
            ("BN1 1EE", "Brighton"),
            ("NR2 1SH", "Norwich"),
            ("YO1 7HH", "York"),
            ("SE1 9SG", "London"),
            ("N1 9GU", "London"),
            ("CF10 1EP", "Cardiff"),
        ],
        ["High Street", "Station Road", "Church Lane", "Mill Road", "Park Avenue"],
        True,
    ),
    "IE": ([("D02 X285", "Dublin"), ("T12 R2NC", "Cork")], ["Main Street"], True),
    "FR": ([("75011", "Paris"), ("69002", "Lyon")], ["rue de la République"], True),
    "DE": ([("20095", "Hamburg"), ("50667", "Köln")], ["Hauptstraße"], False),
    "BE": ([("1000", "Bruxelles"), ("2000", "Antwerpen")], ["Rue Neuve"], False),
    "NL": ([("1012 AB", "Amsterdam"), ("3511 AA", "Utrecht")], ["Kerkstraat"], False),
    "DK": ([("1050", "København K"), ("8000", "Aarhus C")], ["Vestergade"], False),
    "BH": ([("317", "Manama")], ["Road 1702"], True),
}

# Customs tariff (HS) heading and origin by a word of the product name; first match.
HS_BY_WORD = [
    ({"DOORMAT"}, "570500", "CN"),
    ({"CANDLE", "CANDLES"}, "340600", "CN"),
    ({"CARD", "CARDS"}, "490900", "GB"),
    ({"WRAP", "DOILEY", "DOILIES", "CASES", "NAPKINS"}, "482390", "GB"),
    (
        {"MUG", "MUGS", "CUP", "CUPS", "TEACUP", "BOWL", "PLATE", "TEAPOT", "JUG"},
        "691200",
        "CN",
    ),
    ({"GLASS", "JAR", "T-LIGHT"}, "701399", "CN"),
    ({"CLOCK"}, "910521", "CN"),
    ({"BUNTING", "APRON", "TOWEL", "TOWELS"}, "630790", "IN"),
    ({"CUSHION"}, "940490", "IN"),
    ({"UMBRELLA"}, "660199", "CN"),
    ({"LIGHTS", "LAMP"}, "940549", "CN"),
    ({"SIGN"}, "831000", "CN"),
    ({"TIN", "TINS"}, "732399", "CN"),
    ({"BAG", "BAGS", "PURSE"}, "420292", "CN"),
    ({"WOODEN"}, "442090", "CN"),
]

HONEY, GIFT_CARD = "HONEY-250", "EGIFT-25"
# Beyond the warehouse: a supplier who ships its own goods (dropship), furniture a 3PL
# stores and ships, a PDF guide to download, and licence keys for the gift card.
SUPPLIER = ("GARDENCO", "Garden & Co. Versand", "orders@gardenco.example")
BENCH, SOFA, GUIDE = "GARDEN-BENCH", "SOFA-3S", "GUIDE-HOME"
GUIDE_FILE = "home-styling-guide.pdf"
GIFT_KEYS = 20
MIXED_ORDERS = [  # external id, lines (sku, qty), 3PL tracking to report back
    ("DEMO-MIX-1", [(HONEY, 1), (BENCH, 1), (GUIDE, 1)], None),
    ("DEMO-MIX-2", [(SOFA, 1), (GIFT_CARD, 1), (HONEY, 2)], None),
    ("DEMO-MIX-3", [(SOFA, 1), (BENCH, 2)], ("DHL Freight", "JJD0099012345")),
    ("DEMO-MIX-4", [(GIFT_CARD, 2), (GUIDE, 1)], None),
]
HONEY_LOTS = [  # lot, units, days to expiry from the build date, units to reserve
    ("H24-117", 48, 75, 0),
    ("H24-162", 72, 240, 36),
]


class DemoExists(RuntimeError):
    """The database already holds a warehouse; the demo needs an empty one."""


@dataclass
class DemoSummary:
    """What was built, and the logins and badge tokens to try it with."""

    warehouse: str
    locations: int
    products: int
    orders: int
    units: int
    credentials: list[tuple[str, str, str]] = field(default_factory=list)
    badges: dict[str, str] = field(default_factory=dict)
    pdf_path: Path | None = None


@dataclass
class _Invoice:
    number: str
    placed_at: datetime
    customer_id: str
    country: str
    lines: dict[str, list] = field(default_factory=dict)  # sku -> [qty, unit price]


def build_demo(pdf_path: Path | None = None, today: date | None = None) -> DemoSummary:
    """Build the demo warehouse, users, products, stock and orders into an empty DB."""
    if db.session.scalar(sa.select(sa.func.count(Warehouse.id))):
        raise DemoExists(
            "This database already has a warehouse; build the demo into a fresh one."
        )
    today = today or date.today()
    invoices, names = _read_sample()
    _bring_forward(invoices, today)
    warehouse = layout.create_warehouse(
        code=WAREHOUSE_CODE,
        name="Fulfil Demo Warehouse",
        address=WAREHOUSE_ADDRESS,
        timezone="Europe/Berlin",
    )
    warehouse_id = warehouse.id
    summary = DemoSummary(
        warehouse=WAREHOUSE_CODE, locations=0, products=0, orders=0, units=0
    )
    actors = _users(warehouse_id, summary)
    locations, pick_faces = _locations(warehouse_id, summary)
    products = _products(invoices, names, summary)
    _stock(
        invoices, products, locations, pick_faces, actors["receiver"], today, summary
    )
    for invoice in invoices:
        _order(invoice, WAREHOUSE_CODE)
    summary.orders = len(invoices)
    _shipping_setup()
    _first_wave(warehouse_id, actors["manager"])
    _pick_one_list(warehouse_id, actors["picker"])
    _beyond_the_warehouse(today, summary)
    if pdf_path is not None:
        from fulfil.labels import demo_sheet_pdf
        from fulfil.queries.layout import physical_locations

        badges = [
            (username, [role], summary.badges[username])
            for username, _, role in summary.credentials
        ]
        demo_sheet_pdf(physical_locations(warehouse_id), badges, path=pdf_path)
        summary.pdf_path = pdf_path
    return summary


# The box catalogue: inner size in mm, maximum weight, own weight (g), cost.
BOXES = [
    ("S", "Small", (250, 175, 100), 5000, 150, "0.45"),
    ("M", "Medium", (350, 250, 150), 15000, 300, "0.70"),
    ("L", "Large", (450, 350, 250), 25000, 550, "1.20"),
    ("XL", "Extra large", (600, 400, 400), 31500, 900, "1.90"),
]
CARRIERS = [  # code, name, tracking link, services, cut-off, own delivery
    (
        "DHL",
        "DHL",
        "https://www.dhl.de/de/privatkunden/pakete-empfangen/verfolgen.html"
        "?piececode={tracking}",
        "Paket, Express",
        time(16, 0),
        False,
    ),
    (
        "DPD",
        "DPD",
        "https://tracking.dpd.de/status/de_DE/parcel/{tracking}",
        "Classic, Predict",
        time(17, 0),
        False,
    ),
    ("OWN", "Own delivery", "", "Bulky goods", None, True),
]


def _shipping_setup() -> None:
    for code, name, inner, max_weight, tare, cost in BOXES:
        shipping.define_box(
            code=code,
            name=name,
            inner_mm=inner,
            max_weight_g=max_weight,
            tare_g=tare,
            cost=Decimal(cost),
        )
    for code, name, link, services, cutoff, own in CARRIERS:
        shipping.define_carrier(
            code=code,
            name=name,
            tracking_url=link,
            services=services,
            cutoff=cutoff,
            own_delivery=own,
        )


def _first_wave(warehouse_id: int, manager_id: int, orders_on_it: int = 12) -> None:
    """Release the most urgent orders, so the picker can start at once; the rest wait
    on the manager's wave screen."""
    from fulfil.queries.picking import WaveFilter, wave_candidates

    chosen = [s.id for s in wave_candidates(warehouse_id, WaveFilter())][:orders_on_it]
    waves.release(warehouse_id=warehouse_id, shipment_ids=chosen, actor_id=manager_id)


def _pick_one_list(warehouse_id: int, picker_id: int) -> None:
    """The picker has already finished one list: its totes wait for the packer."""
    pick_list = picking.claim_next(picker_id=picker_id, warehouse_id=warehouse_id)
    while (task := picking.current_task(pick_list)) is not None:
        where, what, units = task.location.code, task.product.barcode, task.remaining
        for code, qty in ((where, None), (what, units)):
            picking.scan(
                pick_list.id,
                picker_id=picker_id,
                scan_id=f"demo-{uuid.uuid4().hex}",
                code=code,
                qty=qty,
            )
        db.session.expire_all()
        pick_list = db.session.get(PickList, pick_list.id)


def _read_sample() -> tuple[list[_Invoice], dict[str, str]]:
    """The sample's invoices in order, duplicate SKUs merged, and each SKU's name."""
    invoices: dict[str, _Invoice] = {}
    names: dict[str, str] = {}
    london = ZoneInfo("Europe/London")
    with SAMPLE.open(encoding="utf-8", newline="") as file:
        for row in csv.DictReader(file):
            number, sku = row["InvoiceNo"], row["StockCode"]
            names.setdefault(sku, row["Description"].strip())
            invoice = invoices.get(number)
            if invoice is None:
                local = datetime.strptime(row["InvoiceDate"], "%Y-%m-%d %H:%M:%S")
                invoice = invoices[number] = _Invoice(
                    number=number,
                    placed_at=local.replace(tzinfo=london).astimezone(UTC),
                    customer_id=row["CustomerID"],
                    country=COUNTRIES[row["Country"]],
                )
            line = invoice.lines.setdefault(sku, [0, Decimal(row["UnitPrice"])])
            line[0] += int(row["Quantity"])
    return list(invoices.values()), names


def _bring_forward(invoices: list[_Invoice], today: date) -> None:
    """The sample's orders are from May 2011: moved so that its last day is yesterday,
    the wave screen shows a morning's mix of late orders and orders on time."""
    shift = today - timedelta(days=1) - max(i.placed_at for i in invoices).date()
    for invoice in invoices:
        invoice.placed_at += shift


def _users(warehouse_id: int, summary: DemoSummary) -> dict[str, int]:
    ids = {}
    for username, role, language in USERS:
        password = f"demo-{username}"
        user = users.create_user(
            username=username,
            password=password,
            roles=[role],
            language=language,
            warehouse_id=warehouse_id,
            actor_id=ids.get("admin"),
        )
        ids[username] = user.id
        summary.badges[username] = users.issue_badge(
            username=username, actor_id=ids["admin"]
        )
        summary.credentials.append((username, password, role.value))
    return ids


def _locations(warehouse_id: int, summary: DemoSummary) -> tuple[dict, list[dict]]:
    """Define every area and bin; return ids by code and pick faces, nearest first."""
    ids, pick_faces = {}, []
    for code, kind, x, y in AREAS:
        ids[code] = layout.define_location(
            warehouse_id=warehouse_id, code=code, kind=kind, zone="FRONT", x=x, y=y
        ).id
    for block, y0 in BLOCKS.items():
        for aisle in range(1, AISLES + 1):
            x = FIRST_AISLE_X + (aisle - 1) * AISLE_PITCH
            for bay in range(1, BAYS + 1):
                y = round(y0 + ((bay - 1) // 2 + 0.5) * BAY_WIDTH, 2)
                for level in (*PICK_LEVELS, RESERVE_LEVEL):
                    code = f"{block}-{aisle:02d}-{bay:02d}-{level}"
                    reserve = level == RESERVE_LEVEL
                    kind = LocationKind.RESERVE if reserve else LocationKind.PICK_FACE
                    ids[code] = layout.define_location(
                        warehouse_id=warehouse_id,
                        code=code,
                        kind=kind,
                        zone=block,
                        aisle=f"{aisle:02d}",
                        bay=f"{bay:02d}",
                        level=level,
                        x=x,
                        y=y,
                    ).id
                    if not reserve:
                        distance = abs(x - PACKING_POINT[0]) + y - PACKING_POINT[1]
                        pick_faces.append(
                            {
                                "code": code,
                                "reserve": code[:-1] + RESERVE_LEVEL,
                                # Waist height (B) is the golden zone: first choice.
                                "rank": (distance, level != "B", code),
                            }
                        )
    summary.locations = len(ids)
    return ids, sorted(pick_faces, key=lambda face: face["rank"])


def _products(
    invoices: list[_Invoice], names: dict[str, str], summary: DemoSummary
) -> dict[str, int]:
    """One product per SKU in the sample, plus two extras; return stocked SKU -> id."""
    prices = {}
    for invoice in invoices:
        for sku, (_, price) in invoice.lines.items():
            prices.setdefault(sku, price)
    ids = {}
    for number, sku in enumerate(sorted(names), start=1):
        weight, dimensions = _weight_and_size(sku, prices[sku])
        hs_code, origin = _customs(names[sku])
        product = catalog.upsert_product(
            sku=sku,
            name=names[sku],
            barcode=make_ean13("400", number),
            weight_g=weight,
            length_mm=dimensions[0],
            width_mm=dimensions[1],
            height_mm=dimensions[2],
            hs_code=hs_code,
            origin_country=origin,
        )
        ids[sku] = product.id
    honey = catalog.upsert_product(
        sku=HONEY,
        name="Organic honey 250 g",
        barcode=make_ean13("400", len(names) + 1),
        weight_g=340,
        length_mm=70,
        width_mm=70,
        height_mm=90,
        tracking=Tracking.LOT,
        hs_code="040900",
        origin_country="DE",
    )
    ids[HONEY] = honey.id
    catalog.upsert_product(
        sku=GIFT_CARD,
        name="E-gift card £25",
        barcode=make_ean13("400", len(names) + 2),
        fulfilment=FulfilmentMode.DIGITAL,
    )
    summary.products = len(ids) + 1  # and the gift card, which has no stock
    return ids


def _stock(
    invoices: list[_Invoice],
    products: dict[str, int],
    locations: dict[str, int],
    pick_faces: list[dict],
    actor_id: int,
    today: date,
    summary: DemoSummary,
) -> None:
    """Receive opening stock at goods-in, then put it away to pick faces and reserve."""
    lines, demand = Counter(), Counter()
    for invoice in invoices:
        for sku, (qty, _) in invoice.lines.items():
            lines[sku] += 1
            demand[sku] += qty
    # Fast movers (most order lines) get the pick faces nearest to packing; when there
    # are more SKUs than pick faces, the slowest share the farthest bins two by two.
    ranked = sorted(products, key=lambda sku: (-lines[sku], -demand[sku], sku))
    single = len(pick_faces) - max(0, len(ranked) - len(pick_faces))
    slots = pick_faces[:single] + [face for face in pick_faces[single:] for _ in "ab"]
    docks = [locations[code] for code, kind, _, _ in AREAS if kind == "receiving"]
    for rank, (sku, face) in enumerate(zip(ranked, slots, strict=False)):
        put = {
            "product_id": products[sku],
            "dock_id": docks[rank % len(docks)],
            "face_id": locations[face["code"]],
            "reserve_id": locations[face["reserve"]],
            "actor_id": actor_id,
            "reference": f"ASN-DEMO-{rank // 50 + 1:02d}",
        }
        if sku == HONEY:  # two lots, the sooner-expiring one all in the pick face
            for lot, qty, days, to_reserve in HONEY_LOTS:
                _receive_and_put_away(
                    **put,
                    qty=qty,
                    to_reserve=to_reserve,
                    key=f"{sku}-{lot}",
                    lot=lot,
                    expires_on=today + timedelta(days=days),
                )
                summary.units += qty
            continue
        factor = 2 + int(_unit(sku, "stock") * 3)  # 2, 3 or 4 times the demand
        qty = max(CASE, _cases(demand[sku] * factor))
        to_reserve = 0
        if rank < FAST_MOVERS_WITH_RESERVE:  # a case or so of demand on the shelf
            to_reserve = qty - max(CASE, _cases(demand[sku]))
        _receive_and_put_away(**put, qty=qty, to_reserve=to_reserve, key=sku)
        summary.units += qty


def _beyond_the_warehouse(today: date, summary: DemoSummary) -> None:
    """A dropship supplier, a 3PL product, a download and licence keys, and a few
    orders that mix them with warehouse goods, so that they split into shipments."""
    from flask import current_app

    code, name, email = SUPPLIER
    catalog.upsert_supplier(code=code, name=name, email=email)
    first = 9000  # barcodes after the sample's
    catalog.upsert_product(
        sku=BENCH,
        name="Teak garden bench, 150 cm",
        barcode=make_ean13("400", first + 1),
        weight_g=24000,
        fulfilment=FulfilmentMode.DROPSHIP,
        supplier=code,
        hs_code="940169",
        origin_country="ID",
    )
    catalog.upsert_product(
        sku=SOFA,
        name="Three-seat sofa, linen, sand",
        barcode=make_ean13("400", first + 2),
        weight_g=58000,
        length_mm=2100,
        width_mm=900,
        height_mm=850,
        fulfilment=FulfilmentMode.THIRD_PARTY,
        hs_code="940161",
        origin_country="PL",
    )
    catalog.upsert_product(
        sku=GUIDE,
        name="Home styling guide (PDF)",
        barcode=make_ean13("400", first + 3),
        fulfilment=FulfilmentMode.DIGITAL,
        download_file=GUIDE_FILE,
        max_downloads=5,
    )
    summary.products += 3
    _styling_guide(Path(current_app.config["DIGITAL_FILES_DIR"]) / GUIDE_FILE)
    digital.add_licence_keys(
        sku=GIFT_CARD, keys=[_gift_key(n) for n in range(GIFT_KEYS)]
    )
    placed = datetime.combine(today, datetime.min.time(), tzinfo=UTC)
    for number, (external_id, lines, tracking) in enumerate(MIXED_ORDERS):
        customer = f"Demo customer {number + 1}"
        postal_code, city = PLACES["DE"][0][number % 2]
        order, _ = orders.receive_order(
            OrderIn(
                external_id=external_id,
                placed_at=placed + timedelta(hours=7, minutes=15 * number),
                warehouse=WAREHOUSE_CODE,
                lines=[
                    {"sku": sku, "quantity": qty, "unit_price": Decimal("0")}
                    for sku, qty in lines
                ],
                customer={"name": customer, "email": f"mix{number + 1}@example.com"},
                shipping_address={
                    "name": customer,
                    "line1": f"Hauptstraße {10 + number}",
                    "postal_code": postal_code,
                    "city": city,
                    "country": "DE",
                },
            ),
            source="demo",
        )
        if tracking:  # the 3PL has already reported this one
            carrier, tracking_number = tracking
            third_party = next(
                s for s in order.shipments if s.mode == FulfilmentMode.THIRD_PARTY
            )
            orders.report_shipment(
                third_party.id,
                ShipmentReport(
                    status="shipped", carrier=carrier, tracking_number=tracking_number
                ),
            )
    summary.orders += len(MIXED_ORDERS)


def _gift_key(number: int) -> str:
    """A stable, realistic-looking gift card code: GIFT-XXXX-XXXX-XXXX."""
    digest = hashlib.sha256(f"gift-card:{number}".encode()).hexdigest().upper()
    return "GIFT-" + "-".join(digest[i : i + 4] for i in (0, 4, 8))


def _styling_guide(path: Path) -> None:
    """A small, always identical PDF for the download product."""
    from reportlab.lib.pagesizes import A5
    from reportlab.lib.units import mm
    from reportlab.pdfgen.canvas import Canvas

    path.parent.mkdir(parents=True, exist_ok=True)
    canvas = Canvas(str(path), pagesize=A5, invariant=1, pageCompression=1)
    canvas.setTitle("Home styling guide")
    canvas.setAuthor("Fulfil demo shop")
    width, height = A5
    tips = [
        "1. Start with one colour you love and two that calm it down.",
        "2. Light from three heights: ceiling, table and floor.",
        "3. Group small things in odd numbers: three candles, five mugs.",
        "4. A runner or rug anchors a room; let it show under the furniture.",
        "5. Bring the garden in: herbs on the sill, a bench by the door.",
    ]
    canvas.setFont("Helvetica-Bold", 20)
    canvas.drawString(15 * mm, height - 25 * mm, "Home styling guide")
    canvas.setFont("Helvetica", 10)
    canvas.drawString(15 * mm, height - 33 * mm, "Five ideas for a warmer home")
    for number, tip in enumerate(tips):
        canvas.drawString(15 * mm, height - (50 + 9 * number) * mm, tip)
    canvas.setFont("Helvetica-Oblique", 8)
    canvas.drawString(15 * mm, 12 * mm, "A download from the Fulfil demo shop.")
    canvas.showPage()
    canvas.save()


def _cases(units: int) -> int:
    """Units rounded up to whole cases."""
    return -(-units // CASE) * CASE


def _receive_and_put_away(
    *,
    product_id: int,
    dock_id: int,
    face_id: int,
    reserve_id: int,
    actor_id: int,
    reference: str,
    qty: int,
    to_reserve: int,
    key: str,
    lot: str = "",
    expires_on: date | None = None,
) -> None:
    inventory.receive(
        product_id=product_id,
        location_id=dock_id,
        qty=qty,
        key=f"demo-receive-{key}",
        actor_id=actor_id,
        lot=lot,
        expires_on=expires_on,
        reference=reference,
    )
    puts = [(face_id, qty - to_reserve, "putaway")]
    if to_reserve > 0:
        puts.append((reserve_id, to_reserve, "putaway-reserve"))
    for location_id, units, name in puts:
        inventory.move(
            product_id=product_id,
            from_location_id=dock_id,
            to_location_id=location_id,
            qty=units,
            key=f"demo-{name}-{key}",
            actor_id=actor_id,
            lot=lot,
            reason="putaway",
            reference=reference,
        )


def _order(invoice: _Invoice, warehouse_code: str) -> None:
    who = invoice.customer_id or f"guest-{invoice.number}"
    name = f"Customer {invoice.customer_id}" if invoice.customer_id else "Guest"
    postal_codes_and_cities, streets, number_first = PLACES[invoice.country]
    postal_code, city = _pick(postal_codes_and_cities, who, "city")
    street, number = _pick(streets, who, "street"), 1 + int(_unit(who, "number") * 120)
    request = OrderIn(
        external_id=f"UK-{invoice.number}",
        placed_at=invoice.placed_at,
        warehouse=warehouse_code,
        lines=[
            {"sku": sku, "quantity": qty, "unit_price": price}
            for sku, (qty, price) in invoice.lines.items()
        ],
        customer={
            "name": name,
            "email": f"{who.replace('guest-', 'guest')}@example.com",
        },
        shipping_address={
            "name": name,
            "line1": f"{number} {street}" if number_first else f"{street} {number}",
            "postal_code": postal_code,
            "city": city,
            "country": invoice.country,
        },
    )
    orders.receive_order(request, source="demo")


# -- deterministic "randomness" and lookups -------------------------------------------


def _unit(seed: str, purpose: str) -> float:
    """A stable number in [0, 1) for this seed and purpose."""
    digest = hashlib.sha256(f"{purpose}:{seed}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def _pick(choices: list, seed: str, purpose: str):
    return choices[int(_unit(seed, purpose) * len(choices))]


def _weight_and_size(sku: str, price: Decimal) -> tuple[int, tuple[int, int, int]]:
    """Plausible gift-ware weight (50-2000 g) and box (mm), heavier when dearer."""
    jitter = 0.7 + 0.6 * _unit(sku, "weight")
    weight = int(min(2000, max(50, 90 * float(price) ** 0.85 * jitter)))
    density = 0.15 + 0.3 * _unit(sku, "density")  # g/cm3: boxed, padded gift-ware
    depth, height = 0.5 + 0.5 * _unit(sku, "depth"), 0.2 + 0.6 * _unit(sku, "height")
    length_cm = (weight / density / (depth * height)) ** (1 / 3)
    size = [max(10, round(length_cm * ratio * 2) * 5) for ratio in (1, depth, height)]
    return weight, (size[0], size[1], size[2])


def _customs(name: str) -> tuple[str, str]:
    words = set(re.findall(r"[A-Z][A-Z-]*", name.upper()))
    for keywords, hs_code, origin in HS_BY_WORD:
        if words & keywords:
            return hs_code, origin
    return "", ""
