"""Hostile input to every route of the app: never a 5xx, and a refusal writes nothing.

The routes come from the app's own URL map, so a new route is covered without
editing this file: its path arguments always, its form and query fields once FIELDS
names them (every request fails, naming the field, when a view reads one that FIELDS
lacks). Logged in as a user holding every role, in a small warehouse with something
at every stage, two tests run per route and database:

- the sweep: each path argument, field, query parameter and JSON value in turn gets
  each of the values the issue found answered with a 500, the rest of the request
  being valid;
- Hypothesis: random text, huge, negative and non-ASCII numbers, huge ids, NUL and
  over-long text in one or two places of an otherwise valid request.

Any 4xx must say why and leave the database as it was (every table's row count and
the ledger's sums). FUZZ_EXAMPLES=200 digs deeper, with fresh random cases each run;
the default run is derandomized so CI is reproducible.
"""

import csv
import io
import json
import os
import re
import uuid
from collections import defaultdict
from functools import cache
from urllib.parse import quote

import pytest
import sqlalchemy as sa
from flask import Request, has_request_context, request
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import ImmutableMultiDict

from fulfil import create_app
from fulfil.api.spec import OPERATIONS
from fulfil.extensions import db
from fulfil.models import (
    ApiToken,
    Box,
    Carrier,
    DigitalGrant,
    Location,
    Manifest,
    Order,
    Parcel,
    PickException,
    PickList,
    PickTask,
    Product,
    Shipment,
    Stock,
    StockMove,
    Warehouse,
    WebhookDelivery,
    WebhookSubscription,
)
from fulfil.queries.orders import order_by_external_id
from fulfil.queries.tracking import tracking_token
from fulfil.schemas import OrderIn
from fulfil.services import (
    catalog,
    csv_import,
    digital,
    layout,
    orders,
    packing,
    partners,
    picking,
    shipping,
    tokens,
    users,
    webhooks,
)
from tests.conftest import (
    PASSWORD,
    IsolatedClient,
    csrf_token,
    make_app,
    order_payload,
)
from tests.picking_floor import bench, lay_out, order, pick_everything, release, stock

# -- the routes -----------------------------------------------------------------------

_MAP_APP = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})
ROUTES = sorted(
    (rule.rule, method, rule.endpoint)
    for rule in _MAP_APP.url_map.iter_rules()
    if rule.endpoint != "static"
    for method in sorted(rule.methods - {"HEAD", "OPTIONS"})
)
ARGUMENT = re.compile(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>")

# A rack layout plan's fields (fulfil.domain.racks.RackPlan), as its forms send them.
PLAN_FIELDS = {
    "blocks": "plan_count",
    "aisles": "plan_count",
    "bays_per_side": "plan_count",
    "levels": "plan_count",
    "pick_levels": "plan_count",
    "bay_width": "plan_metres",
    "aisle_pitch": "plan_metres",
    "cross_aisle_width": "plan_metres",
    "receiving": "plan_count",
    "packing": "plan_count",
    "shipping": "plan_count",
}
# The product form (products.create adds the SKU).
PRODUCT_FIELDS = {
    "name": "text",
    "barcode": "new_barcode",
    "weight_g": "weight",
    "length_mm": "size",
    "width_mm": "size",
    "height_mm": "size",
    "fulfilment": "mode",
    "tracking": "tracking",
    "hs_code": "hs_code",
    "origin_country": "country",
    "supplier": "supplier",
    "download_file": "filename",
    "max_downloads": "qty",
    "active": "flag",
}
# The form and query fields each view reads, by the kind of value that is valid there
# (see valid_values); ids by what they name.
FIELDS: dict[str, dict[str, str]] = {
    "admin.create_user": {
        "username": "name",
        "password": "text",
        "roles": "roles",
        "warehouse": "warehouse",
    },
    "admin.set_user_warehouse": {"warehouse": "warehouse"},
    "admin.create_warehouse": {
        "code": "name",
        "name": "text",
        "address": "text",
        "timezone": "timezone",
        "cutoff_time": "time",
        "working_days": "weekdays",
    },
    "admin.change_warehouse": {
        "name": "text",
        "address": "text",
        "timezone": "timezone",
        "cutoff_time": "time",
        "working_days": "weekdays",
    },
    "admin.create_token": {"name": "name", "scopes": "scopes"},
    "admin.set_active": {"active": "flag"},
    "admin.set_roles": {"roles": "roles"},
    "admin.set_password": {"password": "text"},
    "admin.subscribe": {
        "url": "url",
        "events": "events",
        "all_events": "flag",
        "description": "text",
        "fulfilment": "mode",
    },
    "admin.webhook_deliveries": {"status": "delivery_status", "before": "delivery"},
    "admin.resend_delivery": {"status": "delivery_status"},
    "auth.login": {"next": "next"},
    "auth.password_login": {"username": "name", "password": "text", "next": "next"},
    "auth.badge_login": {"badge": "text", "next": "next"},
    "carriers.save_carrier": {
        "code": "name",
        "name": "text",
        "tracking_url": "carrier_url",
        "services": "text",
        "cutoff": "time",
        "own_delivery": "flag",
        "active": "flag",
    },
    "carriers.save_box": {
        "code": "name",
        "name": "text",
        "length": "size",
        "width": "size",
        "height": "size",
        "max_weight_g": "weight",
        "tare_g": "weight",
        "cost": "money",
        "active": "flag",
    },
    "documents.slip_pdf_file": {"size": "paper"},
    "layout.plan": PLAN_FIELDS,
    "layout.generate": PLAN_FIELDS,
    "layout.labels": PLAN_FIELDS,
    "layout.bins": {"q": "location", "kind": "bin_kind", "inactive": "flag"},
    "layout.bins_labels": {"q": "location", "kind": "bin_kind", "inactive": "flag"},
    "layout.save_bin": {
        "kind": "bin_kind",
        "zone": "name",
        "aisle": "name",
        "bay": "name",
        "level": "name",
        "x": "metres",
        "y": "metres",
    },
    "layout.set_active": {"active": "yes_no"},
    "main.set_language": {"language": "language", "next": "next"},
    "main.set_warehouse": {"warehouse": "warehouse", "next": "next"},
    "manager.product_stock": {"code": "barcode"},
    "manager.imports": {"kind": "import_kind"},
    "manager.import_file": {"kind": "import_kind", "file": "csv"},
    "packing.item": {"code": "barcode"},
    "packing.open_parcel": {"code": "order_code"},
    "packing.scan": {"code": "barcode", "qty": "qty", "scan_id": "scan_id"},
    "packing.take_out": {"product_id": "product", "qty": "qty", "scan_id": "scan_id"},
    "packing.customs_data": {"parcel": "parcel"},
    "packing.save_customs_data": {
        "hs_code": "hs_code",
        "origin_country": "country",
        "parcel": "parcel",
    },
    "packing.missing": {"product_id": "product", "qty": "qty", "scan_id": "scan_id"},
    "packing.weigh": {"box_id": "box", "weight_g": "weight", "confirm": "flag"},
    "packing.close": {
        "carrier_id": "carrier",
        "service": "text",
        "tracking_number": "name",
    },
    "packing.photo": {"photo": "image"},
    "picking.bin_contents": {"code": "location"},
    "products.home": {
        "q": "barcode",
        "page": "qty",
        "missing": "missing",
        "live": "flag",
    },
    "products.create": {"sku": "new_sku", **PRODUCT_FIELDS},
    "products.save": PRODUCT_FIELDS,
    "products.labels": {"count": "qty", "size": "label_size"},
    "picking.scan": {
        "code": "scan",
        "qty": "qty",
        "offline": "flag",
        "for_task": "task",
        "scan_id": "scan_id",
    },
    "picking.short": {"found": "qty", "damaged": "flag", "scan_id": "scan_id"},
    "picking.skip": {"scan_id": "scan_id"},
    "picking.undo": {"scan_id": "scan_id"},
    "receiving.home": {"location": "location"},
    "receiving.receive": {
        "code": "scan",
        "action": "receive_action",
        "expires_on": "date",
        "location": "location",
        "barcode": "barcode",
        "qty": "qty",
        "lot": "lot",
        "key": "scan_id",
        "reference": "text",
    },
    "service.home": {"q": "order_code"},
    "shipping.hand_over": {"carrier_id": "carrier", "parcel": "parcels"},
    "slotting.home": {"days": "qty", "limit": "qty"},
    "slotting.download": {"days": "qty", "limit": "qty"},
    "slotting.record": {
        "product": "product",
        "source": "location_id",
        "target": "location_id",
        "swap": "products",
        "key": "scan_id",
        "days": "qty",
        "limit": "qty",
    },
    "supplier.report": {
        "carrier": "name",
        "tracking_number": "name",
        "tracking_url": "url",
    },
    "trace.search": {"kind": "trace_kind", "q": "order_code"},
    "waves.home": {
        "ship_by": "date",
        "method": "method",
        "zone": "name",
        "tick": "tick",
    },
    "waves.count": {"lot": "lot", "counted_0": "qty", "scan_id": "scan_id"},
    "waves.short_policy": {"policy": "policy"},
    "waves.release": {"shipment": "shipments", "urgent": "shipments"},
}
# Read by every form through Flask-WTF, and by the asset route: not the view's own.
ALWAYS_READ = {"csrf_token", "v"}
# What an id in a path names, by the argument's name (any other: every id there is).
PATH_IDS = {
    "parcel_id": "parcel",
    "shipment_id": "shipment",
    "pick_list_id": "pick_list",
    "manifest_id": "manifest",
    "token_id": "api_token",
    "subscription_id": "subscription",
    "delivery_id": "delivery",
    "exception_id": "exception",
    "order_id": "order",
    "location_id": "location_id",
    "product_id": "product",
}
LISTS = {"parcels", "shipments", "products", "roles", "scopes", "events", "weekdays"}
FILES = {"csv", "image"}

# A refusal that is kept on purpose, by endpoint: the tables it may add rows to.
RECORDED_REFUSALS = {
    # a wrong scan is refused and counted (pick accuracy); offline ones go to the
    # manager's exceptions queue
    "picking.scan": {"pick_scans", "pick_exceptions"},
    "picking.short": {"pick_scans", "pick_exceptions"},
    "picking.skip": {"pick_scans", "pick_exceptions"},
    "picking.undo": {"pick_scans", "pick_exceptions"},
}

# Valid bodies for every API operation that takes one; a test checks none is missing.
API_BODIES = {
    "api.create_order": order_payload(
        "SO/2026/0001",
        promised_ship_by="2026-11-27T16:00:00+01:00",
        lines=[{"sku": "MUG", "quantity": 1, "unit_price": "9.90"}],
    ),
    "api.put_product": {"name": "Fuzzed product", "barcode": "FUZZ-1", "weight_g": 9},
    "api.put_location": {
        "kind": "pick_face",
        "zone": "Z",
        "x": 1.5,
        "y": 2,
        "warehouse": "WH1",  # the API and the admin page may have added others
    },
    "api.put_warehouse": {
        "name": "Fuzz site",
        "timezone": "Europe/Berlin",
        "address": "Am Lager 1",
        "cutoff_time": "15:00",
        "working_days": [1, 2, 3, 4, 5],
    },
    "api.put_supplier": {"name": "Fuzz supplier", "email": "fuzz@example.com"},
    "api.add_licence_keys": {"keys": ["KEY-1", "KEY-2"]},
    "api.report": {"status": "shipped", "carrier": "DHL", "tracking_number": "JJD1"},
    "api.post_adjustment": {
        "sku": "MUG",
        "location": "A-01-1-A",
        "quantity": 2,
        "reason": "found",
        "expires_on": "2027-01-31",
        "warehouse": "WH1",
    },
}

# -- hostile values -------------------------------------------------------------------

HOSTILE_TEXT = [
    "",
    " ",
    "0",
    "-1",
    "+5",
    " 7 ",
    "12.5",
    "1e9",
    "NaN",
    "inf",
    "0x10",
    "2147483647",
    "2147483648",
    "4294967296",
    "9223372036854775808",
    "1" + "0" * 40,
    "²",
    "١٢",
    "１２",
    "৪",
    "\x00",
    "A-01\x00",
    "javascript:alert(1)",
    "0001-01-01",
    "9999-12-31",
    "0000-00-00",
    "x" * 5_000,
    "9" * 300,
    "%",
    "%00",
    "SO/2026/0001",
    "#1?x=%2F",
    "..",
    "\u202e",
    "\ufeff12",
    "<script>",
    "'; DROP TABLE users; --",
]
HOSTILE = st.one_of(
    st.sampled_from(HOSTILE_TEXT),
    st.text(max_size=40),
    st.integers().map(str),
)
HOSTILE_JSON = st.one_of(
    st.sampled_from(
        [
            None,
            True,
            0,
            -1,
            2**31,
            -(2**31) - 1,
            2**63,
            10**30,
            0.5,
            1e308,
            [],
            {},
            "0001-01-01T00:00:00+14:00",
            "9999-12-31T23:59:59-14:00",
            "0001-01-01",
            "9999-12-31",
            "javascript:alert(1)",
        ]
    ),
    st.sampled_from(HOSTILE_TEXT),
    st.text(max_size=40),
    st.integers(),
)


def choices(world: dict) -> dict[str, list]:
    """What each kind of field holds when it is right, in the test's warehouse: the
    first is what the sweep sends, any of them what the random requests send."""
    ids = {kind: [str(i) for i in found] for kind, found in world["ids"].items()}
    return {
        **ids,
        **world["codes"],
        "parcels": [ids["parcel"][:1], ids["parcel"], []],
        "shipments": [ids["shipment"][-1:], ids["shipment"][:2], []],
        "products": [[], ids["product"][:1]],
        "scan": world["codes"]["location"] + world["codes"]["barcode"],
        "qty": ["1", "2", "0", "3"],
        "size": ["250", "50", "500"],
        "weight": ["430", "0", "2000"],
        "money": ["0.70", "1,20", "0"],
        "time": ["16:00", "", "7:5"],
        "timezone": ["Europe/Berlin", "UTC", "Mars/Olympus"],
        "weekdays": [["1", "2", "3", "4", "5"], [], ["6", "7"], ["0"]],
        "date": ["2026-12-01", ""],
        "name": ["Z1", "FUZZ", "anna"],
        "lot": ["", "L-2026-07"],
        "text": ["Paket", "Delivery note 4711", ""],
        "url": ["https://example.com/t/1", ""],
        "carrier_url": ["https://example.com/t/{tracking}", ""],
        "flag": ["yes", "1", "no", ""],
        "scan_id": ["fuzz-scan-0001", "fuzz-scan-0002"],
        "next": ["/pick/", "/manage/"],
        "roles": [["picker"], ["packer", "manager"], []],
        "scopes": [["orders:read"], list(tokens.SCOPES)[:2], []],
        "events": [["*"], list(webhooks.EVENT_TYPES)[:2], []],
        "mode": ["", "in_house", "3pl", "dropship", "digital"],
        "delivery_status": ["", "pending", "failed", "delivered"],
        "language": ["de", "en", "en_US"],
        "policy": ["backorder", "ship_partial_cancel_rest"],
        "tick": ["all", ""],
        "receive_action": ["book", "scan", ""],
        "hs_code": ["691200", "6912 00 23", "69"],
        "country": ["CN", "de", "XX"],
        "paper": ["A4", "a5"],
        "import_kind": ["orders", "products", "locations"],
        "plan_count": ["2", "1", "3"],
        "plan_metres": ["1.2", "3", "2,5"],
        "metres": ["3,5", "2", "-1.25"],
        "bin_kind": ["reserve", "pick_face", "packing", ""],
        "yes_no": ["no", "yes"],
        "new_sku": ["NEW-1", "MUG", "NEW/2"],
        "new_barcode": ["", "4012345000016", "NEW-CODE-1"],
        "tracking": ["none", "lot", "serial"],
        "supplier": ["", "ACME"],
        "filename": ["", "a.pdf"],
        "missing": ["", "barcode"],
        "label_size": ["50x30", "a4"],
        "trace_kind": ["order", "parcel", "product", "lot"],
        "method": ["", "express", "standard"],
        "csv": [("orders.csv", CSV)],
        "image": [("photo.png", PNG)],
    }


def valid_values(world: dict) -> dict[str, st.SearchStrategy]:
    strategies = {
        kind: st.sampled_from(found) if found else st.just("1")
        for kind, found in choices(world).items()
    }
    strategies["scan_id"] = st.uuids().map(lambda u: u.hex)  # new scans, mostly
    strategies["csv"] = st.one_of(strategies["csv"], csv_files())
    return strategies


PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000100ffff03000006000557bfabd4"
    "0000000049454e44ae426082"
)


CSV = (
    "external_id,placed_at,customer_name,sku,quantity,ship_name,ship_line1,ship_city,"
    "ship_country\nCSV/7 #8,2026-11-26T09:15:00+01:00,Erika,MUG,1,Erika,Heidestr. 17,"
    "Köln,DE\n"
).encode()


@st.composite
def csv_files(draw) -> tuple[str, bytes]:
    """An import file: the real header of one kind, one row with hostile cells."""
    columns = draw(
        st.sampled_from([csv_import.ORDER_COLUMNS, csv_import.PRODUCT_COLUMNS])
    )
    good = {
        "external_id": "CSV/1 #2",
        "placed_at": "2026-11-26T09:15:00+01:00",
        "customer_name": "Erika",
        "sku": "MUG",
        "quantity": "1",
        "name": "Mug",
        "barcode": "MUG-1",
        "ship_name": "Erika",
        "ship_line1": "Heidestraße 17",
        "ship_city": "Köln",
        "ship_country": "DE",
    }
    row = [draw(st.one_of(st.just(good.get(name, "")), HOSTILE)) for name in columns]
    text = io.StringIO()
    csv.writer(text).writerow(columns)
    csv.writer(text).writerow(row)
    return ("fuzz.csv", text.getvalue().encode("utf-8", "surrogatepass"))


# -- watching what views read ---------------------------------------------------------

READ: dict[str, set[str]] = defaultdict(set)


class RecordingDict(ImmutableMultiDict):
    """Form, query and file fields that remember which names the view asked for."""

    def _note(self, key):
        if has_request_context() and request.endpoint:
            READ[request.endpoint].add(key)

    def get(self, key, default=None, type=None):
        self._note(key)
        return super().get(key, default, type)

    def getlist(self, key, type=None):
        self._note(key)
        return super().getlist(key, type)

    def __getitem__(self, key):
        self._note(key)
        return super().__getitem__(key)

    def __contains__(self, key):
        self._note(key)
        return super().__contains__(key)


class RecordingRequest(Request):
    parameter_storage_class = RecordingDict


# -- the world ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def world(database_url, tmp_path_factory):
    """A small warehouse with something at every stage: stock, a pick list in hand, a
    parcel on the bench, a closed and a handed-over parcel, 3PL, dropship and digital
    shipments, an API token and a webhook delivery; a client logged in as a user
    holding every role."""
    downloads = tmp_path_factory.mktemp("downloads")
    (downloads / "a.pdf").write_bytes(b"%PDF-1.4 fuzz")
    # rate limits high enough never to answer for the fuzzer (RATELIMIT_ENABLED would
    # switch the one shared limiter off for every later app of the session)
    many = "1000000 per minute"
    app = make_app(
        database_url,
        LOGIN_RATE_LIMIT=many,
        PUBLIC_RATE_LIMIT=many,
        API_RATE_LIMIT=many,
        DIGITAL_FILES_DIR=downloads,
    )
    app.request_class = RecordingRequest
    app.test_client_class = IsolatedClient
    with app.app_context():
        try:
            yield _build(app)
        finally:
            db.session.remove()
            with db.engine.begin() as conn:
                for table in reversed(db.metadata.sorted_tables):
                    conn.execute(table.delete())
            db.engine.dispose()


def _build(app) -> dict:
    site = layout.create_warehouse(
        code="WH1", name="Fuzz site", timezone="Europe/Berlin"
    )
    for code, kind, x in [
        ("RECV-01", "receiving", 0),
        ("A-01-1-A", "pick_face", 3),
        ("PACK-01", "packing", 1),
    ]:
        layout.define_location(warehouse_id=site.id, code=code, kind=kind, x=x, y=2)
    lay_out(site)
    setup = bench(site)
    user = users.create_user(
        username="fuzz",
        password=PASSWORD,
        roles=["admin", "manager", "picker", "packer", "receiver", "customer_service"],
        warehouse_id=site.id,
    )
    users.create_user(username="anna", password=PASSWORD, roles=["picker"])
    webhooks.subscribe("https://shop.example/hooks", ["*"], actor_id=user.id)
    catalog.upsert_supplier(code="ACME", name="Acme", email="po@acme.example")
    for sku, barcode, fields in [
        ("MUG", "4006381333931", {"weight_g": 300}),
        ("WINE", "WINE-1", {"tracking": "lot"}),
        ("SOFA", "SOFA-1", {"fulfilment": "3pl"}),
        ("BENCH", "BENCH-1", {"fulfilment": "dropship", "supplier": "ACME"}),
        ("EBOOK", "EBOOK-1", {"fulfilment": "digital", "download_file": "a.pdf"}),
    ]:
        catalog.upsert_product(sku=sku, name=sku.title(), barcode=barcode, **fields)
    stock(
        db.session.scalar(sa.select(Product).where(Product.sku == "MUG")),
        _loc,
        {"A-01-1-A": 40, "B-02-1-A": 10},
    )
    numbers = ["SO/2026/0001", "A #1?x=%", "Bestellung 7 ä", "/lead//slash/"]
    for external_id in numbers:
        order(external_id, {"MUG": 1})
    orders.receive_order(
        OrderIn.model_validate(
            order_payload(
                "MIXED",
                lines=[
                    {"sku": sku, "quantity": 1, "unit_price": "1.00"}
                    for sku in ("SOFA", "BENCH", "EBOOK")
                ],
            )
        )
    )
    first, second, third, _ = (order_by_external_id(n) for n in numbers)
    release(site, first, second)
    claimed = picking.claim_next(picker_id=user.id, warehouse_id=site.id)
    pick_everything(claimed.id, user.id)
    # one parcel handed over on a manifest, one open on the bench, one list in hand
    parcel = packing.open_shipment(
        code=first.external_id, warehouse_id=site.id, packer_id=user.id
    )
    packing.scan_item(parcel.id, code="MUG", packer_id=user.id, scan_id="fuzz-pack-1")
    packing.weigh(parcel.id, box_id=setup["boxes"]["S"].id, weight_g=430)
    dhl = setup["carriers"]["DHL"].id
    packing.close_parcel(
        parcel.id, carrier_id=dhl, tracking_number="JJD0001", packer_id=user.id
    )
    shipping.hand_over(warehouse_id=site.id, carrier_id=dhl, actor_id=user.id)
    packing.open_shipment(
        code=second.external_id, warehouse_id=site.id, packer_id=user.id
    )
    release(site, third)
    picking.claim_next(picker_id=user.id, warehouse_id=site.id)
    _, secret = tokens.create_token(name="fuzz", scopes=list(tokens.SCOPES))
    tokens.create_token(name="another shop", scopes=["orders:read"])

    def ids(model, *where) -> list[int]:
        return sorted(db.session.scalars(sa.select(model.id).where(*where)))

    grant = db.session.scalars(sa.select(DigitalGrant)).first()
    dropship = ids(Shipment, Shipment.mode == "dropship")[0]
    client = app.test_client()
    response = client.post(
        "/login",
        data={
            "username": "fuzz",
            "password": PASSWORD,
            "csrf_token": csrf_token(client),
        },
    )
    assert response.status_code == 303
    return {
        "app": app,
        "client": client,
        "csrf": csrf_token(client),
        "bearer": secret,
        "ids": {
            "parcel": ids(Parcel),
            "shipment": ids(Shipment),
            "pick_list": ids(PickList),
            "manifest": ids(Manifest),
            "api_token": ids(ApiToken, ApiToken.name != "fuzz"),
            "subscription": ids(WebhookSubscription),
            "delivery": ids(WebhookDelivery),
            "exception": ids(PickException),
            "order": ids(Order),
            "product": ids(Product),
            "box": ids(Box),
            "carrier": ids(Carrier),
            "task": ids(PickTask),
            "warehouse": ids(Warehouse),
            "location_id": ids(Location),
        },
        "codes": {
            "location": ["A-01-1-A", "B-02-1-A", "RECV-01", "PACK-01"],
            "barcode": ["MUG", "4006381333931", "WINE-1", "SOFA-1"],
            "order_code": [*numbers, "MIXED", "JJD0001"],
        },
        "path": {
            "external_id": [*numbers, "MIXED"],
            "token": [
                tracking_token(first.shipments[0].id),
                partners.supplier_token(dropship),
                digital.download_token(grant),
            ],
            "username": ["anna", "fuzz"],
            "warehouse": ["WH1"],
            "sku": ["MUG", "EBOOK", "NEW-1"],
            "code": ["ACME", "B-09", "A-01-1-A"],
            "kind": ["orders", "products", "locations"],
            "filename": ["css/app.css"],
        },
    }


def _loc(code: str) -> int:
    return db.session.scalar(sa.select(Location.id).where(Location.code == code))


# -- the fingerprint of the database --------------------------------------------------


@cache
def _fingerprint_query():
    counts = [
        sa.select(sa.func.count()).select_from(table).label(table.name)
        for table in db.metadata.sorted_tables
    ]
    sums = [
        sa.select(sa.func.coalesce(sa.func.sum(column), 0)).label(name)
        for name, column in (
            ("ledger", StockMove.qty),
            ("on_hand", Stock.on_hand),
            ("reserved", Stock.reserved),
        )
    ]
    return sa.select(*counts, *sums)


def fingerprint() -> dict:
    """Every table's row count, the ledger's sum and the stock's: one round trip."""
    row = db.session.execute(_fingerprint_query()).one()
    db.session.rollback()
    return row._asdict()


def changed(before: dict, after: dict) -> set[str]:
    return {name for name in before if before[name] != after[name]}


# -- building one request -------------------------------------------------------------


IDS_BEYOND = ["2147483648", "9223372036854775808", "0", "١٢"]


def path_value(draw, world: dict, converter: str | None, name: str) -> str:
    if converter in ("int", "id"):
        found = world["ids"].get(PATH_IDS.get(name), [])
        if name not in PATH_IDS:
            found = sorted({i for f in world["ids"].values() for i in f})
        good = st.sampled_from([str(i) for i in found] or ["1"])
        hostile = st.one_of(st.sampled_from(IDS_BEYOND), HOSTILE.filter(bool))
    else:
        good = st.sampled_from(world["path"].get(name, ["fuzz"]))
        hostile = HOSTILE.filter(bool)
    return draw(st.one_of(good, hostile))


def url_for_rule(rule: str, value_of) -> str:
    """The rule's path with each argument given by value_of(converter, name),
    percent-encoded as any client would."""
    return ARGUMENT.sub(
        lambda m: quote(str(value_of(m.group(1), m.group(2))), safe=""), rule
    )


def form_fields(draw, world: dict, endpoint: str) -> dict:
    """The view's fields, valid but for one or two hostile ones (or none); now and
    then one is left out."""
    fields = FIELDS.get(endpoint, {})
    valid = valid_values(world)
    names = sorted(fields)
    hostile = draw(st.sets(st.sampled_from(names), max_size=2)) if names else set()
    left_out = draw(st.sets(st.sampled_from(names), max_size=1)) if names else set()
    values = {}
    for name, kind in fields.items():
        if name in left_out - hostile:
            continue
        if name not in hostile:
            values[name] = draw(valid[kind])
        elif kind in FILES:
            values[name] = draw(st.tuples(HOSTILE, HOSTILE.map(str.encode)))
        else:
            values[name] = draw(
                st.lists(HOSTILE, max_size=3) if kind in LISTS else HOSTILE
            )
    return values


def api_body(draw, endpoint: str):
    body = json.loads(json.dumps(API_BODIES[endpoint]))
    leaves = list(_leaves(body, ()))
    model = operations()[endpoint].request
    tops = [(name,) for name in model.model_fields]
    where = draw(st.sampled_from([None, *leaves, *tops]))
    if where is None:
        return body
    target = body
    for part in where[:-1]:
        target = target[part]
    target[where[-1]] = draw(HOSTILE_JSON)
    return body


def _leaves(value, path):
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _leaves(item, (*path, key))
    elif isinstance(value, list):
        for number, item in enumerate(value):
            yield from _leaves(item, (*path, number))
    else:
        yield path


@cache
def operations() -> dict:
    """The API's operations by the endpoint that serves each."""
    endpoints = {
        (
            method,
            ARGUMENT.sub(lambda m: "{" + m.group(2) + "}", rule.rule),
        ): rule.endpoint
        for rule in _MAP_APP.url_map.iter_rules()
        for method in rule.methods
    }
    return {endpoints[(op.method.upper(), op.path)]: op for op in OPERATIONS}


# -- sending one request, and what must hold of its answer ----------------------------


def send(
    world: dict,
    method: str,
    endpoint: str,
    *,
    url: str,
    fields: dict | None = None,
    body=None,
    query: dict | None = None,
    htmx: bool = False,
) -> None:
    """Send it as a browser or a shop would; no 5xx, and a 4xx that says why and has
    changed nothing (but what RECORDED_REFUSALS allows)."""
    client = world["client"]
    if endpoint.startswith("auth.") or endpoint == "main.set_language":
        client = world["app"].test_client()  # logging in or out: not the fuzzer's
    headers, kwargs = {"HX-Request": "true"} if htmx else {}, {}
    if endpoint.startswith("api."):
        headers["Authorization"] = f"Bearer {world['bearer']}"
        headers["Idempotency-Key"] = "fuzz-key"
        if body is not None:
            kwargs["json"] = body
        kwargs["query_string"] = query or {}
    elif method == "GET":
        kwargs["query_string"] = fields or {}
    else:
        token = world["csrf"] if client is world["client"] else csrf_token(client)
        kwargs["data"] = {"csrf_token": token}
        for name, value in (fields or {}).items():
            is_file = FIELDS[endpoint][name] in FILES
            kwargs["data"][name] = (
                (io.BytesIO(value[1]), value[0] or "x") if is_file else value
            )
    before = world.get("last") or fingerprint()
    READ.pop(endpoint, None)

    response = client.open(url, method=method, headers=headers, **kwargs)
    text = response.get_data().decode("utf-8", "replace")
    response.close()  # a file sent (a PDF, a CSV) is closed with its response

    shown = f"{method} {url} {fields or body or query or ''}"[:600]
    assert response.status_code < 500, (
        f"{shown} → {response.status_code}\n{text[:2000]}"
    )
    world["last"] = after = fingerprint()
    if 400 <= response.status_code < 500:
        assert text.strip(), f"{shown}: a {response.status_code} that says nothing"
        written = changed(before, after) - RECORDED_REFUSALS.get(endpoint, set())
        assert not written, (
            f"{shown} was refused ({response.status_code}) but changed {written}"
        )
    unfuzzed = READ.get(endpoint, set()) - set(FIELDS.get(endpoint, {})) - ALWAYS_READ
    unfuzzed -= {p["name"] for p in api_query(endpoint)}
    assert not unfuzzed, f"{endpoint} reads {sorted(unfuzzed)}: add them to FIELDS"


def api_query(endpoint: str) -> list[dict]:
    op = operations().get(endpoint)
    return op.query if op else []


# -- the tests ------------------------------------------------------------------------

# The values the issue found answered with a 500: beyond the database's integers
# (64-bit, so 32-bit too), digits that are not ASCII, NUL, text longer than any column.
SWEEP = ["9223372036854775808", "²", "١٢", "\x00", "x" * 5_000]
# ... and in a JSON body also dates at the calendar's edges, where arithmetic overflows
JSON_SWEEP = [*SWEEP, "0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00"]
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "20"))
ROUTE_IDS = [f"{m} {r}" for r, m, _ in ROUTES]


@pytest.mark.parametrize(("rule", "method", "endpoint"), ROUTES, ids=ROUTE_IDS)
def test_each_known_bad_value_in_each_place_is_refused_or_harmless(
    world, rule, method, endpoint
):
    """Every path argument and every field, one at a time, gets each SWEEP value;
    the rest of the request is valid."""
    ok = choices(world)
    arguments = [(m.group(1), m.group(2)) for m in ARGUMENT.finditer(rule)]

    def good(converter, name):
        if converter in ("int", "id"):
            found = world["ids"].get(PATH_IDS.get(name), []) or [1]
            return found[0]
        return world["path"].get(name, ["fuzz"])[0]

    def fields() -> dict:  # valid, with a new scan id: nothing is a replay
        return {
            name: uuid.uuid4().hex if kind == "scan_id" else ok[kind][0]
            for name, kind in FIELDS.get(endpoint, {}).items()
        }

    body = API_BODIES.get(endpoint)
    query = {p["name"]: "MUG" for p in api_query(endpoint)}
    for value in SWEEP:
        for _, target in arguments:
            url = url_for_rule(
                rule, lambda c, n, v=value, t=target: v if n == t else good(c, n)
            )
            send(
                world,
                method,
                endpoint,
                url=url,
                fields=fields(),
                body=body,
                query=query,
            )
        url = url_for_rule(rule, good)
        for name, kind in FIELDS.get(endpoint, {}).items():
            if kind in FILES:
                hostile = (value, value.encode())
            else:
                hostile = [value] if kind in LISTS else value
            send(
                world,
                method,
                endpoint,
                url=url,
                fields=fields() | {name: hostile},
            )
        for name in query:
            send(
                world,
                method,
                endpoint,
                url=url,
                body=body,
                query=query | {name: value},
            )
    url = url_for_rule(rule, good)
    for value in JSON_SWEEP if body else ():
        for path in _leaves(body, ()):
            send(
                world,
                method,
                endpoint,
                url=url,
                body=_with(body, path, value),
                query=query,
            )


def _with(body, path: tuple, value):
    changed_body = json.loads(json.dumps(body))
    target = changed_body
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = (
        int(value)
        if value.lstrip("-").isascii() and value.lstrip("-").isdigit()
        else value
    )
    return changed_body


@pytest.mark.parametrize(("rule", "method", "endpoint"), ROUTES, ids=ROUTE_IDS)
@settings(
    max_examples=EXAMPLES,
    derandomize=not os.environ.get("FUZZ_EXAMPLES"),
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_no_input_gets_a_5xx_and_a_refusal_writes_nothing(
    world, rule, method, endpoint, data
):
    url = url_for_rule(rule, lambda c, n: path_value(data.draw, world, c, n))
    send(
        world,
        method,
        endpoint,
        url=url,
        fields=form_fields(data.draw, world, endpoint),
        body=api_body(data.draw, endpoint) if endpoint in API_BODIES else None,
        query={
            p["name"]: data.draw(st.one_of(st.just("MUG"), HOSTILE))
            for p in api_query(endpoint)
        },
        htmx=data.draw(st.booleans()),
    )


def test_every_api_body_is_fuzzed():
    takes_body = {endpoint for endpoint, op in operations().items() if op.request}
    assert takes_body == set(API_BODIES)
