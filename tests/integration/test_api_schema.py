"""Schemathesis against /api/v1/openapi.json: no 5xx, and every response conforms to
the description (status codes, content types, headers, bodies), for valid and invalid
requests alike."""

import contextvars
import os
import re

import pytest
import schemathesis
from flask import has_app_context
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig

from fulfil import create_app
from fulfil.api.requests import NUL
from fulfil.extensions import db
from fulfil.services import catalog, inventory, tokens
from tests.conftest import order_payload

# A request that fits the description may still be refused, naming the field, for what
# JSON Schema cannot say: it names a SKU, warehouse, location or supplier that does
# not exist (or a dropship product has no supplier), a GTIN's check digit is wrong, a
# country code is unassigned, an e-mail domain is reserved (.invalid, .test, ...),
# physical goods come without an address, a time zone is not in the server's zone
# database, a delivery slot ends before it starts, a date lies outside the years the
# description names (1970 to 2999), a web address has no host, or text holds NUL; or
# the state of the stock refuses it (422 naming no field). Nothing else: any other
# refusal means the description promises more than the API takes.
SEMANTIC = re.compile(
    r"^((lines\[\d+\]\.)?sku|warehouse|location|supplier|barcode|origin_country"
    r"|shipping_address(\.country)?|appointment(\.start|\.end)?|(customer\.)?email"
    r"|placed_at|promised_ship_by|expires_on|tracking_url|webhook_url|timezone)$"
)

CONFIG = SchemathesisConfig.from_str(
    """
[generation]
# valid requests, and invalid ones (each must be refused with a 4xx)
mode = "all"

[checks.positive_data_acceptance]
# 400 and 422 only as SEMANTIC allows, checked in the test
expected-statuses = ["2xx", "400", "401", "403", "404", "409", "422", "429"]

[checks.negative_data_rejection]
# 413: a body over API_MAX_BODY is refused before it is read
expected-statuses = [
  "400", "401", "403", "404", "405", "409", "413", "415", "422", "429"
]

[[operations]]
# POST …/orders/A/cancel cancels order A; GET on that path reads an order whose own
# number is "A/cancel" (order numbers may hold slashes), so its Allow names GET too
include-path-regex = "/cancel$"
checks.allow_header_conformance.enabled = false
"""
)


class CurrentApp:
    """The WSGI app schemathesis calls: the running test's app, each request in its
    own context (its own app context and session), as in production."""

    def __init__(self, app):
        self.app, self.secret = app, ""

    def __call__(self, environ, start_response):
        if has_app_context():
            db.session.rollback()  # end the test's read transaction: SQLite would lock
        return contextvars.Context().run(self.app, environ, start_response)


# The description is read as a client reads it, from the app (serving it needs no
# database); during a test, every call and every probe goes to that test's app.
CURRENT = CurrentApp(create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"}))
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", CURRENT, config=CONFIG)


@schema.auth(refresh_interval=None)  # a new token per test: never cached
class BearerToken:
    """The test's token with every scope; schemathesis also tries without it."""

    def get(self, case, context):
        return CURRENT.secret

    def set(self, case, secret, context):
        case.headers = {**(case.headers or {}), "Authorization": f"Bearer {secret}"}


@pytest.fixture
def api_app(app, warehouse, loc, make_product):
    """The test's app, over a warehouse with stock so that valid requests can
    succeed, with a token holding every scope."""
    for number in range(1, 4):
        product = make_product(sku=f"SKU-{number:04d}")
        inventory.receive(
            product_id=product.id,
            location_id=loc("A-01-1-A"),
            qty=50,
            key=f"opening-{number}",
        )
    catalog.upsert_supplier(code="ACME", name="Acme dropship")
    _, CURRENT.secret = tokens.create_token(
        name="schemathesis", scopes=list(tokens.SCOPES)
    )
    CURRENT.app = app
    return app


@schema.parametrize()
@settings(
    # a few seconds per operation; API_SCHEMA_EXAMPLES=500 digs deeper, with fresh
    # random cases each run; the default run is derandomized so CI is reproducible
    max_examples=int(os.environ.get("API_SCHEMA_EXAMPLES", "25")),
    derandomize=not os.environ.get("API_SCHEMA_EXAMPLES"),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_the_api_answers_as_described_and_never_with_a_5xx(case, api_app):
    # the WSGI client does not undo Content-Encoding, as an HTTP client would
    case.headers = {**(case.headers or {}), "Accept-Encoding": "identity"}
    response = case.call_and_validate()

    assert response.status_code < 500
    if case.meta.generation.mode.is_positive and response.status_code in (400, 422):
        problems = response.json()["errors"]
        if response.status_code == 400 or problems:
            assert problems and all(
                SEMANTIC.match(item["field"]) or item["message"] == NUL
                for item in problems
            ), f"a request that fits the description was refused: {response.text}"


def test_answers_about_real_data_match_the_description(api_app):
    """What random requests seldom reach: orders in every fulfilment mode, their
    timeline, downloads and licence keys, replays, reports, cancellation."""
    client = api_app.test_client()
    auth = {"Authorization": f"Bearer {CURRENT.secret}"}

    def call(method: str, template: str, url: str, status: int, **kwargs):
        headers = auth | kwargs.pop("headers", {})
        response = client.open(url, method=method, headers=headers, **kwargs)
        assert response.status_code == status, response.get_data(as_text=True)
        operation = schema[template][method]
        assert str(status) in operation.definition.raw["responses"]
        operation.validate_response(response)
        return response.get_json()

    products = "/api/v1/products/{sku}"
    call(
        "PUT",
        "/api/v1/suppliers/{code}",
        "/api/v1/suppliers/DROPCO",
        201,
        json={"name": "Drop Co", "email": "orders@dropco.example.com"},
    )
    for sku, fields in {
        "DROP-1": {"fulfilment": "dropship", "supplier": "DROPCO"},
        "TPL-1": {"fulfilment": "3pl", "weight_g": 300, "origin_country": "de"},
        "EBOOK-1": {"fulfilment": "digital", "download_file": "guide.pdf"},
        "GAME-1": {"fulfilment": "digital"},
    }.items():
        body = {"name": f"Product {sku}", "barcode": sku} | fields
        call("PUT", products, f"/api/v1/products/{sku}", 201, json=body)
    call(
        "PUT",
        products,
        "/api/v1/products/TPL-1",
        200,
        json={"name": "Renamed", "barcode": "TPL-1", "fulfilment": "3pl"},
    )
    call("GET", products, "/api/v1/products/DROP-1", 200)
    call(
        "POST",
        "/api/v1/products/{sku}/licence-keys",
        "/api/v1/products/GAME-1/licence-keys",
        200,
        json={"keys": ["KEY-1", "KEY-2"]},
    )
    call(
        "PUT",
        "/api/v1/locations/{code}",
        "/api/v1/locations/b-01",
        201,
        json={"kind": "pick_face", "zone": "B", "x": 12.5, "y": 3},
    )
    call("GET", "/api/v1/locations", "/api/v1/locations", 200)
    adjustment = {
        "sku": "SKU-0001",
        "location": "B-01",
        "quantity": 5,
        "reason": "found",
    }
    key = {"Idempotency-Key": "count-1"}
    call(
        "POST",
        "/api/v1/stock/adjustments",
        "/api/v1/stock/adjustments",
        201,
        json=adjustment,
        headers=key,
    )
    call(
        "POST",
        "/api/v1/stock/adjustments",
        "/api/v1/stock/adjustments",
        200,
        json=adjustment,
        headers=key,
    )
    call("GET", "/api/v1/stock", "/api/v1/stock?sku=SKU-0001", 200)

    lines = [
        {"sku": sku, "quantity": qty, "unit_price": "4.50"}
        for sku, qty in [
            ("SKU-0001", 60),
            ("DROP-1", 1),
            ("TPL-1", 1),
            ("EBOOK-1", 1),
            ("GAME-1", 1),
        ]
    ]
    mixed = order_payload("MIXED-1", lines=lines, shipping_method="express")
    created = call("POST", "/api/v1/orders", "/api/v1/orders", 201, json=mixed)
    call("POST", "/api/v1/orders", "/api/v1/orders", 200, json=mixed)
    timeline = call(
        "GET", "/api/v1/orders/{external_id}", "/api/v1/orders/MIXED-1", 200
    )
    assert {s["mode"] for s in created["shipments"]} == {
        "in_house",
        "dropship",
        "3pl",
        "digital",
    }
    assert timeline["timeline"]
    dropship = next(s for s in created["shipments"] if s["mode"] == "dropship")
    report = "/api/v1/shipments/{shipment_id}/report"
    call(
        "POST",
        report,
        f"/api/v1/shipments/{dropship['id']}/report",
        200,
        json={"status": "shipped", "carrier": "DHL", "tracking_number": "JJD01"},
    )
    call(
        "POST",
        report,
        f"/api/v1/shipments/{dropship['id']}/report",
        200,
        json={"status": "delivered"},
    )

    call(
        "POST",
        "/api/v1/orders",
        "/api/v1/orders",
        201,
        json=order_payload(
            "PICKUP-1",
            shipping_method="pickup_point",
            pickup_point_id="DHL-PACKSTATION-101",
        ),
    )
    cancel = "/api/v1/orders/{external_id}/cancel"
    call("POST", cancel, "/api/v1/orders/PICKUP-1/cancel", 200)
    call("POST", cancel, "/api/v1/orders/PICKUP-1/cancel", 200)

    # and refusals, as problem details
    call("GET", "/api/v1/orders/{external_id}", "/api/v1/orders/NOPE", 404)
    call(
        "POST",
        "/api/v1/orders",
        "/api/v1/orders",
        409,
        json=mixed | {"shipping_method": "standard"},
    )
    call(
        "POST",
        "/api/v1/orders",
        "/api/v1/orders",
        422,
        json=order_payload("BAD-1", lines=[{"sku": "NOPE", "quantity": 0}]),
    )
    call(
        "GET",
        "/api/v1/stock",
        "/api/v1/stock?sku=SKU-0001",
        401,
        headers={"Authorization": "Bearer wrong"},
    )

    # a second warehouse, put twice, then refused for its zone; all of them listed
    site = {"name": "Vienna", "timezone": "Europe/Vienna", "working_days": [1, 2, 3]}
    for status in (201, 200):
        call(
            "PUT",
            "/api/v1/warehouses/{code}",
            "/api/v1/warehouses/VIE",
            status,
            json=site,
        )
    call(
        "PUT",
        "/api/v1/warehouses/{code}",
        "/api/v1/warehouses/VIE",
        422,
        json=site | {"timezone": "Europe/Wien"},
    )
    listed = call("GET", "/api/v1/warehouses", "/api/v1/warehouses", 200)
    assert [w["code"] for w in listed] == ["VIE", "WH1"]
