"""Products, suppliers, locations, stock and adjustments through /api/v1."""

import pytest
import sqlalchemy as sa

from fulfil.extensions import db
from fulfil.models import Product, StockMove
from tests.conftest import order_payload, row_counts

PRODUCT = {
    "name": "Enamel mug, blue",
    "barcode": "4006381333931",
    "weight_g": 320,
    "length_mm": 90,
    "width_mm": 90,
    "height_mm": 100,
    "hs_code": "732393",
    "origin_country": "PL",
}


def test_a_product_is_created_then_updated(api):
    shop = api("products:write")

    created = shop.put("/api/v1/products/MUG-BLUE", json=PRODUCT)
    updated = shop.put("/api/v1/products/MUG-BLUE", json=PRODUCT | {"weight_g": 300})

    assert (created.status_code, updated.status_code) == (201, 200)
    assert updated.get_json()["weight_g"] == 300
    assert updated.get_json()["fulfilment"] == "in_house"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Product)) == 1


def test_products_without_barcodes_are_taken_and_picked_by_their_sku(
    api, warehouse, loc, make_user
):
    from fulfil.queries.orders import order_by_external_id
    from fulfil.services import picking
    from tests.picking_floor import order, pick_everything, release, stock

    shop = api("products:write")
    for sku in ("TEE-S", "TEE-M"):  # a shop's variants, no barcode in its export
        created = shop.put(f"/api/v1/products/{sku}", json={"name": f"Tee {sku}"})
        assert created.status_code == 201, created.get_json()
        assert created.get_json()["barcode"] is None
    product = db.session.scalar(sa.select(Product).where(Product.sku == "TEE-S"))
    stock(product, loc, {"A-01-1-A": 2})
    order("SHOP-TEE", {"TEE-S": 2})
    release(warehouse, order_by_external_id("SHOP-TEE"))
    picker = make_user("picker")
    pick_list = picking.claim_next(picker_id=picker.id, warehouse_id=warehouse.id)

    pick_everything(pick_list.id, picker.id)  # scans the SKU: there is no barcode

    db.session.expire_all()
    assert order_by_external_id("SHOP-TEE").status == "picked"


def test_bad_products_are_refused_with_the_field_and_nothing_stored(api):
    shop = api("products:write")
    before = row_counts()

    bad_barcode = shop.put(
        "/api/v1/products/MUG", json=PRODUCT | {"barcode": "4006381333932"}
    )
    bad_fields = shop.put(
        "/api/v1/products/MUG",
        json=PRODUCT
        | {"weight_g": -1, "origin_country": "ZZ", "fulfilment": "teleport"},
    )
    no_supplier = shop.put(
        "/api/v1/products/MUG", json=PRODUCT | {"fulfilment": "dropship"}
    )

    assert bad_barcode.status_code == 400
    assert bad_barcode.get_json()["errors"][0]["field"] == "barcode"
    assert bad_fields.status_code == 422
    assert {e["field"] for e in bad_fields.get_json()["errors"]} == {
        "weight_g",
        "origin_country",
        "fulfilment",
    }
    assert no_supplier.status_code == 400
    assert no_supplier.get_json()["errors"][0]["field"] == "supplier"
    assert row_counts() == before


def test_a_dropship_product_names_its_supplier(api):
    shop = api("products:write")

    supplier = shop.put(
        "/api/v1/suppliers/GARDENCO",
        json={"name": "Garden & Co", "email": "orders@garden.example"},
    )
    product = shop.put(
        "/api/v1/products/BENCH",
        json=PRODUCT | {"fulfilment": "dropship", "supplier": "GARDENCO"},
    )

    assert supplier.status_code == 201
    assert product.status_code == 201
    assert product.get_json()["supplier"] == "GARDENCO"


def test_the_layout_is_read_and_defined_through_the_api(api, warehouse):
    erp = api("layout:write")

    created = erp.put(
        "/api/v1/locations/b-02-03-a",
        json={
            "kind": "pick_face",
            "zone": "B",
            "aisle": "02",
            "bay": "03",
            "x": 12.5,
            "y": 4,
        },
    )
    moved = erp.put("/api/v1/locations/B-02-03-A", json={"kind": "reserve", "x": 13})
    listed = erp.get("/api/v1/locations").get_json()

    assert (created.status_code, moved.status_code) == (201, 200)
    assert created.get_json()["code"] == "B-02-03-A"
    entry = next(loc for loc in listed if loc["code"] == "B-02-03-A")
    assert (entry["kind"], entry["x"], entry["warehouse"]) == ("reserve", 13.0, "WH1")
    assert all(not loc["code"].startswith("@") for loc in listed)  # no virtual ones


def test_changing_the_layout_needs_its_scope_and_a_physical_kind(api, warehouse):
    reader = api("orders:read")
    erp = api("layout:write")

    assert reader.get("/api/v1/locations").status_code == 200
    assert (
        reader.put("/api/v1/locations/X-1", json={"kind": "reserve"}).status_code == 403
    )
    virtual = erp.put("/api/v1/locations/X-1", json={"kind": "scrap"})
    assert virtual.status_code == 422
    assert virtual.get_json()["errors"][0]["field"] == "kind"


def test_with_several_warehouses_a_request_must_name_one(api, warehouse):
    from fulfil.services import layout

    layout.create_warehouse(code="WH2", name="North")
    erp = api("layout:write")

    unnamed = erp.get("/api/v1/locations")
    named = erp.get("/api/v1/locations?warehouse=WH2")

    assert unnamed.status_code == 422
    assert unnamed.get_json()["errors"][0]["field"] == "warehouse"
    assert named.status_code == 200 and named.get_json() == []


def test_opening_stock_is_booked_once_per_idempotency_key(api, warehouse, make_product):
    make_product("SKU-0001")
    keeper = api("stock:write", "stock:read")
    body = {
        "sku": "SKU-0001",
        "location": "A-01-1-A",
        "quantity": 12,
        "reason": "opening",
    }
    key = {"Idempotency-Key": "opening-2026-11-26"}

    first = keeper.post("/api/v1/stock/adjustments", json=body, headers=key)
    replay = keeper.post("/api/v1/stock/adjustments", json=body, headers=key)
    conflict = keeper.post(
        "/api/v1/stock/adjustments", json=body | {"quantity": 13}, headers=key
    )
    keyless = keeper.post("/api/v1/stock/adjustments", json=body)

    assert (first.status_code, replay.status_code) == (201, 200)
    assert first.get_json()["id"] == replay.get_json()["id"]
    assert first.get_json()["from_location"] == "@INVENTORY_LOSS"
    assert conflict.status_code == 409
    assert keyless.status_code == 400
    assert db.session.scalar(sa.select(sa.func.count()).select_from(StockMove)) == 1
    stock = keeper.get("/api/v1/stock?sku=SKU-0001").get_json()
    assert stock["locations"] == [
        {
            "warehouse": "WH1",
            "location": "A-01-1-A",
            "lot": "",
            "expires_on": None,
            "on_hand": 12,
            "reserved": 0,
            "available": 12,
        }
    ]


def test_a_correction_cannot_take_more_than_is_there(api, warehouse, make_product):
    make_product("SKU-0001")
    keeper = api("stock:write")
    body = {
        "sku": "SKU-0001",
        "location": "A-01-1-A",
        "quantity": -3,
        "reason": "damage",
    }

    response = keeper.post(
        "/api/v1/stock/adjustments", json=body, headers={"Idempotency-Key": "k1"}
    )

    assert response.status_code == 422
    assert "Only 0" in response.get_json()["detail"]


def test_stock_for_an_unknown_sku_names_the_problem(api, warehouse):
    response = api("stock:read").get("/api/v1/stock?sku=NOPE")

    assert response.status_code == 422
    assert response.get_json()["errors"] == [
        {"field": "sku", "message": "no product with SKU NOPE"}
    ]


def test_a_mixed_order_splits_into_one_shipment_per_mode(
    api, warehouse, make_product, loc
):
    from fulfil.services import catalog, inventory

    catalog.upsert_supplier(code="GARDENCO", name="Garden & Co")
    make_product("SKU-0001")
    make_product("SOFA", fulfilment="3pl")
    make_product("BENCH", fulfilment="dropship", supplier="GARDENCO")
    make_product("EBOOK", fulfilment="digital", download_file="guide.pdf")
    inventory.adjust(
        product_id=db.session.scalar(
            sa.select(Product.id).where(Product.sku == "SKU-0001")
        ),
        location_id=loc("A-01-1-A"),
        qty_delta=1,
        reason="opening",
        key="o1",
    )
    lines = [
        {"sku": sku, "quantity": 1, "unit_price": "10.00"}
        for sku in ("SKU-0001", "SOFA", "BENCH", "EBOOK")
    ]

    order = api("orders:write").post("/api/v1/orders", json=order_payload(lines=lines))

    body = order.get_json()
    modes = {s["mode"]: s for s in body["shipments"]}
    assert {m: s["status"] for m, s in modes.items()} == {
        "in_house": "allocated",
        "3pl": "requested",
        "dropship": "requested",
        "digital": "delivered",
    }
    assert modes["dropship"]["supplier"] == "GARDENCO"
    assert body["status"] == "allocated"  # as far as its slowest shipment
    download = modes["digital"]["downloads"][0]
    assert download["url"].startswith("http://fulfil.test/download/")
    assert download["downloads_left"] == 5
    line_modes = {ln["sku"]: ln["allocation"]["state"] for ln in body["lines"]}
    assert line_modes == {
        "SKU-0001": "allocated",
        "SOFA": "not_stocked",
        "BENCH": "not_stocked",
        "EBOOK": "not_stocked",
    }


def test_a_digital_only_order_needs_no_address(api, warehouse, make_product):
    make_product("EBOOK", fulfilment="digital", download_file="guide.pdf")
    body = order_payload(
        lines=[{"sku": "EBOOK", "quantity": 1, "unit_price": "5.00"}],
        shipping_address=None,
    )

    response = api("orders:write").post("/api/v1/orders", json=body)

    assert response.status_code == 201
    assert response.get_json()["status"] == "delivered"


def test_a_3pl_reports_tracking_back(api, warehouse, make_product):
    make_product("SOFA", fulfilment="3pl")
    shop = api("orders:write", "orders:read")
    provider = api("shipments:write")
    order = shop.post(
        "/api/v1/orders",
        json=order_payload(lines=[{"sku": "SOFA", "quantity": 1, "unit_price": "499"}]),
    ).get_json()
    shipment_id = order["shipments"][0]["id"]
    report = {
        "status": "shipped",
        "carrier": "DHL Freight",
        "tracking_number": "JD0001",
    }

    shipped = provider.post(f"/api/v1/shipments/{shipment_id}/report", json=report)
    delivered = provider.post(
        f"/api/v1/shipments/{shipment_id}/report", json={"status": "delivered"}
    )

    assert shipped.status_code == 200
    assert shipped.get_json()["status"] == "shipped"
    seen = shop.get(f"/api/v1/orders/{order['external_id']}").get_json()
    assert seen["status"] == "delivered" == delivered.get_json()["status"]
    assert seen["shipments"][0]["tracking_number"] == "JD0001"
    assert "shipment.shipped" in [e["action"] for e in seen["timeline"]]


def test_the_cli_prints_a_working_token_on_its_last_line(runner, client, warehouse):
    result = runner.invoke(
        args=[
            "token",
            "create",
            "Shopify",
            "--scope",
            "orders:read",
            "--scope",
            "stock:read",
        ]
    )

    assert result.exit_code == 0, result.output
    secret = result.output.strip().splitlines()[-1]
    assert secret.startswith("ful_") and " " not in secret
    headers = {"Authorization": f"Bearer {secret}"}
    assert client.get("/api/v1/locations", headers=headers).status_code == 200
    assert (
        runner.invoke(args=["token", "create", "x", "--scope", "root"]).exit_code == 2
    )


def test_each_token_is_rate_limited_with_a_problem_answer(app, api, warehouse):
    app.config["API_RATE_LIMIT"] = "3 per minute"
    busy, other = api("orders:read"), api("orders:read")

    answers = [busy.get("/api/v1/locations").status_code for _ in range(4)]

    assert answers == [200, 200, 200, 429]
    limited = busy.get("/api/v1/locations")
    assert limited.mimetype == "application/problem+json"
    assert other.get("/api/v1/locations").status_code == 200  # its own budget


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"quantity": 2**31}, "quantity"),
        ({"quantity": 2**63}, "quantity"),
        ({"quantity": -(2**31)}, "quantity"),
        ({"quantity": 100_001}, "quantity"),
        ({"expires_on": "9999-12-31"}, "expires_on"),
        ({"expires_on": "0001-01-01"}, "expires_on"),
    ],
)
def test_adjustments_beyond_max_qty_or_the_calendar_book_nothing(
    api, warehouse, make_product, change, field
):
    make_product("SKU-0001", tracking="lot")
    keeper = api("stock:write")
    body = {"sku": "SKU-0001", "location": "A-01-1-A", "quantity": 5}
    body |= {"reason": "found", "lot": "L1"} | change
    before = row_counts()

    response = keeper.post(
        "/api/v1/stock/adjustments", json=body, headers={"Idempotency-Key": "k1"}
    )

    assert response.status_code == 422
    assert response.get_json()["errors"][0]["field"] == field
    assert row_counts() == before
