"""POST/GET/cancel /api/v1/orders, request by request, as a shop sees it."""

import json
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from fulfil.domain.states import OrderStatus, ShipmentStatus
from fulfil.extensions import db
from fulfil.models import Event, LocationKind, Order, Reservation, Stock
from fulfil.schemas import OrderIn
from fulfil.services import fulfilment, inventory, layout, orders, unit_of_work
from tests.conftest import assert_ledger_balanced, order_payload, row_counts

ORDERS = "/api/v1/orders"


def stock_up(product, location_id, qty, key, **kw):
    inventory.adjust(
        product_id=product.id,
        location_id=location_id,
        qty_delta=qty,
        reason="opening",
        key=key,
        **kw,
    )


def reserved_at(product, location_id) -> int:
    return db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(Stock.reserved), 0)).where(
            Stock.product_id == product.id, Stock.location_id == location_id
        )
    )


@pytest.fixture
def shop(api, warehouse, make_product, loc):
    """A token for the shop, and SKU-0001 with 5 units on a pick face."""
    product = make_product("SKU-0001")
    stock_up(product, loc("A-01-1-A"), 5, "open-1")
    return api("orders:write", "orders:read", "stock:read")


def test_an_order_is_taken_in_and_its_stock_reserved_at_once(shop, loc):
    response = shop.post(ORDERS, json=order_payload(lines=[line("SKU-0001", 2)]))

    assert response.status_code == 201
    order = response.get_json()
    assert order["status"] == "allocated"
    assert order["lines"][0]["allocation"] == {
        "state": "allocated",
        "allocated": 2,
        "backordered": 0,
    }
    assert [(s["mode"], s["status"]) for s in order["shipments"]] == [
        ("in_house", "allocated")
    ]
    assert response.headers["Location"] == f"{ORDERS}/SHOP-1001"
    stock = shop.get("/api/v1/stock?sku=SKU-0001").get_json()
    assert (stock["on_hand"], stock["reserved"], stock["available"]) == (5, 2, 3)


def test_the_same_order_sent_again_is_returned_not_repeated(shop):
    first = shop.post(ORDERS, json=order_payload())
    before = row_counts()

    again = shop.post(ORDERS, json=order_payload())

    assert again.status_code == 200
    assert again.get_json()["id"] == first.get_json()["id"]
    assert row_counts() == before


def test_the_same_external_id_with_other_content_is_a_conflict(shop):
    shop.post(ORDERS, json=order_payload())
    before = row_counts()

    response = shop.post(ORDERS, json=order_payload(lines=[line("SKU-0001", 3)]))

    assert response.status_code == 409
    assert response.mimetype == "application/problem+json"
    assert "SHOP-1001" in response.get_json()["detail"]
    assert row_counts() == before


def line(sku, quantity, price="4.50"):
    return {"sku": sku, "quantity": quantity, "unit_price": price}


@pytest.mark.parametrize(
    ("change", "fields"),
    [
        (
            {"lines": [line("NOPE-1", 1), line("SKU-0001", 0)]},
            {"lines[0].sku", "lines[1].quantity"},
        ),
        ({"shipping_address": None}, {"shipping_address"}),
        (
            {
                "shipping_address": order_payload()["shipping_address"]
                | {"country": "XX"}
            },
            {"shipping_address.country"},
        ),
        ({"shipping_method": "pickup_point"}, {"body"}),
        ({"lines": []}, {"lines"}),
        ({"placed_at": "yesterday"}, {"placed_at"}),
        ({"warehouse": "NOWHERE"}, {"warehouse"}),
        ({"customer": {"name": "", "email": "not-an-address"}}, None),
    ],
    ids=[
        "unknown-sku-and-zero-quantity",
        "no-address-for-physical-goods",
        "unknown-country",
        "pickup-point-without-id",
        "no-lines",
        "bad-date",
        "unknown-warehouse",
        "bad-customer",
    ],
)
def test_bad_orders_are_refused_with_every_problem_and_nothing_stored(
    shop, change, fields
):
    before = row_counts()

    response = shop.post(ORDERS, json=order_payload(**change))

    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    problem = response.get_json()
    reported = {item["field"] for item in problem["errors"]}
    if fields is None:
        assert {"customer.name", "customer.email"} <= reported
    else:
        assert fields <= reported, problem
    assert all(item["message"] for item in problem["errors"])
    assert row_counts() == before


def test_malformed_json_wrong_type_and_oversized_bodies_are_refused(shop, app):
    before = row_counts()

    broken = shop.post(
        ORDERS, data="{not json", headers={"Content-Type": "application/json"}
    )
    as_form = shop.post(ORDERS, data="a=1", content_type="text/plain")
    app.config["API_MAX_BODY"] = 1000
    huge = order_payload(lines=[line("SKU-0001", 1)] * 40)
    too_big = shop.post(ORDERS, json=huge)

    assert (broken.status_code, as_form.status_code, too_big.status_code) == (
        400,
        415,
        413,
    )
    for response in (broken, as_form, too_big):
        assert response.mimetype == "application/problem+json"
        assert response.get_json()["detail"]
    assert row_counts() == before


def test_tokens_are_required_and_scopes_are_checked(client, api, warehouse):
    reader = api("orders:read")

    anonymous = client.post(ORDERS, json=order_payload())
    wrong = client.post(
        ORDERS, json=order_payload(), headers={"Authorization": "Bearer ful_nope"}
    )
    no_scope = reader.post(ORDERS, json=order_payload())

    assert anonymous.status_code == 401
    assert anonymous.headers["WWW-Authenticate"].startswith("Bearer")
    assert wrong.status_code == 401
    assert no_scope.status_code == 403
    assert "orders:write" in no_scope.get_json()["detail"]


def test_a_revoked_token_no_longer_works(client, warehouse):
    from fulfil.services import tokens

    token, secret = tokens.create_token(name="old shop", scopes=["orders:read"])
    headers = {"Authorization": f"Bearer {secret}"}
    assert client.get("/api/v1/locations", headers=headers).status_code == 200

    tokens.revoke_token(token.id)

    assert client.get("/api/v1/locations", headers=headers).status_code == 401


def test_a_token_records_when_it_was_last_used(client, warehouse):
    from fulfil.models import ApiToken
    from fulfil.services import tokens

    token, secret = tokens.create_token(name="shop", scopes=["orders:read"])
    assert token.last_used_at is None

    client.get("/api/v1/locations", headers={"Authorization": f"Bearer {secret}"})

    db.session.expire_all()
    assert db.session.get(ApiToken, token.id).last_used_at is not None


def test_what_cannot_be_reserved_is_backordered_and_allocated_when_stock_arrives(
    shop, loc, make_product
):
    product = db.session.scalar(sa.select(Stock.product_id).limit(1))
    response = shop.post(ORDERS, json=order_payload(lines=[line("SKU-0001", 8)]))
    order = response.get_json()
    assert order["status"] == "backordered"
    assert order["lines"][0]["allocation"] == {
        "state": "partial",
        "allocated": 5,
        "backordered": 3,
    }

    from fulfil.models import Product

    stock_up(db.session.get(Product, product), loc("A-01-3-C"), 3, "delivery-1")

    after = shop.get(f"{ORDERS}/SHOP-1001").get_json()
    assert after["status"] == "allocated"
    assert after["lines"][0]["allocation"]["allocated"] == 8
    assert [e["action"] for e in after["timeline"]] == [
        "order.received",
        "shipment.backordered",
        "order.backordered",
        "shipment.allocated",
        "order.allocated",
    ]


def test_backorders_are_served_oldest_promise_first(shop, loc, make_product):
    late = order_payload(
        "LATE", lines=[line("SKU-0001", 5)], promised_ship_by="2026-12-10T12:00:00Z"
    )
    early = order_payload(
        "EARLY", lines=[line("SKU-0001", 5)], promised_ship_by="2026-12-01T12:00:00Z"
    )
    taken = order_payload("FIRST", lines=[line("SKU-0001", 5)])
    for body in (taken, late, early):
        shop.post(ORDERS, json=body)

    product = db.session.scalar(sa.select(Stock).limit(1)).product
    stock_up(product, loc("A-01-2-A"), 5, "delivery-2")

    status = {
        ext: shop.get(f"{ORDERS}/{ext}").get_json()["status"]
        for ext in ("FIRST", "EARLY", "LATE")
    }
    assert status == {"FIRST": "allocated", "EARLY": "allocated", "LATE": "backordered"}


def test_pick_faces_are_reserved_before_reserve_locations(
    api, warehouse, make_product, loc
):
    product = make_product("SKU-0001")
    stock_up(product, loc("A-01-3-C"), 10, "reserve-1")  # reserve location
    stock_up(product, loc("A-01-2-A"), 2, "face-1")  # pick face

    api("orders:write").post(ORDERS, json=order_payload(lines=[line("SKU-0001", 3)]))

    assert reserved_at(product, loc("A-01-2-A")) == 2
    assert reserved_at(product, loc("A-01-3-C")) == 1


def test_lots_are_reserved_first_expiry_first_out_and_expired_lots_never(
    api, warehouse, make_product, loc
):
    honey = make_product("SKU-0001", tracking="lot")
    soon, later = date.today() + timedelta(days=20), date.today() + timedelta(days=200)
    stock_up(honey, loc("A-01-1-A"), 5, "lot-late", lot="L-LATE", expires_on=later)
    stock_up(honey, loc("A-01-2-A"), 5, "lot-soon", lot="L-SOON", expires_on=soon)
    stock_up(
        honey,
        loc("A-01-3-C"),
        5,
        "lot-old",
        lot="L-OLD",
        expires_on=date.today() - timedelta(days=1),
    )

    api("orders:write").post(ORDERS, json=order_payload(lines=[line("SKU-0001", 7)]))

    held = dict(
        db.session.execute(
            sa.select(Stock.lot, Stock.reserved).where(Stock.product_id == honey.id)
        ).all()
    )
    assert held == {"L-SOON": 5, "L-LATE": 2, "L-OLD": 0}


def test_cancelling_frees_every_reservation_and_saying_it_twice_is_harmless(shop, loc):
    shop.post(ORDERS, json=order_payload(lines=[line("SKU-0001", 4)]))
    product = db.session.scalar(sa.select(Stock).limit(1)).product

    cancelled = shop.post(f"{ORDERS}/SHOP-1001/cancel")
    again = shop.post(f"{ORDERS}/SHOP-1001/cancel")

    assert cancelled.status_code == again.status_code == 200
    assert cancelled.get_json()["status"] == "cancelled"
    assert cancelled.get_json()["lines"][0]["allocation"]["state"] == "cancelled"
    assert reserved_at(product, loc("A-01-1-A")) == 0
    assert db.session.scalar(sa.select(sa.func.sum(Reservation.qty))) == 0
    events = [
        e["action"] for e in shop.get(f"{ORDERS}/SHOP-1001").get_json()["timeline"]
    ]
    assert events.count("order.cancelled") == 1


def test_an_order_cannot_be_cancelled_once_packing_started(shop):
    shop.post(ORDERS, json=order_payload())
    with unit_of_work() as session:
        shipment = session.scalar(sa.select(Order)).shipments[0]
        fulfilment.set_status(session, shipment, ShipmentStatus.PICKING)
        fulfilment.set_status(session, shipment, ShipmentStatus.PICKED)
        fulfilment.set_status(session, shipment, ShipmentStatus.PACKED)

    response = shop.post(f"{ORDERS}/SHOP-1001/cancel")

    assert response.status_code == 409
    assert "packed" in response.get_json()["detail"]
    assert shop.get(f"{ORDERS}/SHOP-1001").get_json()["status"] == "packed"


def test_unknown_orders_are_404_problems(shop):
    response = shop.get(f"{ORDERS}/NOPE")
    cancel = shop.post(f"{ORDERS}/NOPE/cancel")

    assert response.status_code == cancel.status_code == 404
    assert response.mimetype == "application/problem+json"


def test_the_promise_comes_from_the_cutoff_when_the_shop_sends_none(shop):
    # Thursday 26 November 2026, 09:15 in Berlin: before the 14:00 cut-off
    order = shop.post(ORDERS, json=order_payload()).get_json()

    assert order["promised_ship_by"] in (
        "2026-11-26T13:00:00Z",
        "2026-11-26T13:00:00+00:00",
    )
    # 09:15 in Berlin is 08:15 UTC, on SQLite as on PostgreSQL
    assert order["placed_at"] in ("2026-11-26T08:15:00Z", "2026-11-26T08:15:00+00:00")


def test_the_shops_promise_is_kept(shop):
    body = order_payload(promised_ship_by="2026-11-28T10:00:00+00:00")

    order = shop.post(ORDERS, json=body).get_json()

    assert order["promised_ship_by"].startswith("2026-11-28T10:00:00")


def test_orders_go_to_the_warehouse_that_has_the_stock(api, warehouse, make_product):
    second = layout.create_warehouse(code="WH2", name="North", timezone="Europe/Berlin")
    bin_ = layout.define_location(
        warehouse_id=second.id, code="B-01-1-A", kind=LocationKind.PICK_FACE
    )
    product = make_product("SKU-0001")
    stock_up(product, bin_.id, 4, "wh2-open")
    shop = api("orders:write")

    routed = shop.post(ORDERS, json=order_payload("R1", lines=[line("SKU-0001", 3)]))
    named = shop.post(ORDERS, json=order_payload("R2", warehouse="WH1"))

    assert routed.get_json()["warehouse"] == "WH2"
    assert routed.get_json()["status"] == "allocated"
    assert named.get_json()["warehouse"] == "WH1"
    assert named.get_json()["status"] == "backordered"


def test_delivery_details_are_kept(shop):
    body = order_payload(
        shipping_method="appointment",
        appointment={"start": "2026-12-02T08:00:00Z", "end": "2026-12-02T12:00:00Z"},
    )
    pickup = order_payload(
        "SHOP-1002",
        shipping_method="pickup_point",
        pickup_point_id="DHL-PACKSTATION-112",
    )

    first = shop.post(ORDERS, json=body).get_json()
    second = shop.post(ORDERS, json=pickup).get_json()

    assert first["appointment"]["start"].startswith("2026-12-02T08:00:00")
    assert second["pickup_point_id"] == "DHL-PACKSTATION-112"
    assert second["shipping_address"]["country"] == "DE"


@pytest.mark.parametrize(
    "change",
    [
        {},
        {
            "placed_at": "2026-11-26T23:59:59.123456-05:00",
            "promised_ship_by": "2026-11-30T10:00:00+09:00",
            "customer": {"name": "  Kim  ", "phone": "+49 221 1234"},
            "shipping_address": order_payload()["shipping_address"]
            | {"line2": "Hinterhaus", "country": "de"},
        },
        {
            "shipping_method": "appointment",
            "appointment": {
                "start": "2026-12-02T08:00:00+01:00",
                "end": "2026-12-02T12:00:00+01:00",
            },
        },
        {"shipping_method": "pickup_point", "pickup_point_id": "DHL-112"},
        {
            "lines": [
                line("SKU-0002", 3, "1"),
                line("SKU-0001", 2, "9.9"),
                {"sku": "SKU-0002", "quantity": 3},
                line("SKU-0001", 4, "0.05"),
                line("SKU-0003", 1, 12),
            ]
        },
        {"lines": [line("SKU-0002", 2), line("SKU-0003", 1), line("SKU-DL", 1)]},
    ],
    ids=["plain", "offsets-and-details", "appointment", "pickup", "many", "mixed"],
)
def test_the_answer_to_a_new_order_is_what_reading_it_back_shows(
    shop, loc, make_product, change
):
    stock_up(make_product("SKU-0002"), loc("A-01-2-A"), 4, "open-2")
    make_product("SKU-0003")  # none in stock: backordered
    make_product("SKU-DL", fulfilment="digital", download_file="guide.pdf")

    taken = shop.post(ORDERS, json=order_payload(**change))

    assert taken.status_code == 201, taken.get_data(as_text=True)
    stored = shop.get(f"{ORDERS}/SHOP-1001").get_json()
    assert stored.pop("timeline")
    assert without_link_times(taken.get_json()) == without_link_times(
        stored | {"timeline": None}
    )


def without_link_times(order: dict) -> dict:
    """The order with its download links left out: they are signed at the moment
    they are shown."""
    for shipment in order["shipments"]:
        for download in shipment["downloads"]:
            assert download.pop("url").startswith("http")
    return order


def test_lines_alike_reserve_one_after_the_other_and_the_rest_waits(shop, loc):
    body = order_payload(lines=[line("SKU-0001", 3), line("SKU-0001", 3)])

    order = shop.post(ORDERS, json=body).get_json()

    assert [ln["allocation"] for ln in order["lines"]] == [
        {"state": "allocated", "allocated": 3, "backordered": 0},
        {"state": "partial", "allocated": 2, "backordered": 1},
    ]
    assert order["status"] == "backordered"
    product = db.session.scalar(sa.select(Stock).limit(1)).product
    assert reserved_at(product, loc("A-01-1-A")) == 5
    held = db.session.execute(
        sa.select(Reservation.order_line_id, Reservation.qty).order_by(
            Reservation.order_line_id
        )
    ).all()
    assert [qty for _, qty in held] == [3, 2]
    assert_ledger_balanced()


def test_a_new_orders_timeline_says_what_happened_in_order(shop):
    shop.post(ORDERS, json=order_payload(lines=[line("SKU-0001", 9)]))

    timeline = shop.get(f"{ORDERS}/SHOP-1001").get_json()["timeline"]

    assert [(e["action"], e["data"]) for e in timeline] == [
        ("order.received", {"external_id": "SHOP-1001", "source": "api:test shop"}),
        ("shipment.backordered", {"order": "SHOP-1001", "mode": "in_house"}),
        ("order.backordered", {"external_id": "SHOP-1001"}),
    ]
    assert all(e["actor"] is None for e in timeline)


def test_orders_taken_in_within_one_larger_change_reserve_each_unit_once(
    app, shop, loc, make_product
):
    make_product("SKU-DL", fulfilment="digital", download_file="guide.pdf")
    product = db.session.scalar(sa.select(Stock).limit(1)).product
    in_house = OrderIn.model_validate(order_payload("ONE", lines=[line("SKU-0001", 2)]))
    mixed = OrderIn.model_validate(
        order_payload("TWO", lines=[line("SKU-0001", 3), line("SKU-DL", 1)])
    )
    db.session.rollback()

    with unit_of_work() as session:
        stock = session.scalar(sa.select(Stock).where(Stock.product_id == product.id))
        assert stock.reserved == 0  # loaded before either order reserves from it
        first, _ = orders.receive_order(in_house)  # rows written directly
        second, _ = orders.receive_order(mixed)  # objects: it builds on `stock`

    assert (first.status, second.status) == (OrderStatus.ALLOCATED,) * 2
    assert reserved_at(product, loc("A-01-1-A")) == 5
    assert db.session.scalar(sa.select(sa.func.sum(Reservation.qty))) == 5
    assert_ledger_balanced()


@pytest.mark.parametrize("mixed", [False, True], ids=["in-house", "mixed"])
def test_a_shop_whose_token_has_a_long_name_can_send_orders(
    shop, client, make_product, mixed
):
    from fulfil.services import tokens

    make_product("SKU-3PL", fulfilment="3pl")
    name = "shopify-integration-production-" + "x" * 49  # 80: the longest allowed
    _, secret = tokens.create_token(name=name, scopes=["orders:write"])
    lines = [line("SKU-0001", 1)] + ([line("SKU-3PL", 1)] if mixed else [])

    response = client.post(
        ORDERS,
        json=order_payload(lines=lines),
        headers={"Authorization": f"Bearer {secret}"},
    )

    assert response.status_code == 201, response.get_data(as_text=True)
    order = db.session.scalar(sa.select(Order))
    assert order.source == f"api:{name}"  # kept whole, not cut to fit
    received = db.session.scalar(
        sa.select(Event.data).where(Event.action == "order.received")
    )
    assert received["source"] == f"api:{name}"  # the event keeps it whole


def test_the_openapi_description_lists_every_operation(client):
    spec = client.get("/api/v1/openapi.json").get_json()

    assert spec["openapi"].startswith("3.1")
    assert {"post", "get"} <= set(spec["paths"]["/api/v1/orders"]) | {"get"}
    assert "post" in spec["paths"]["/api/v1/orders/{external_id}/cancel"]
    order_in = spec["components"]["schemas"]["OrderIn"]
    assert {"external_id", "placed_at", "lines"} <= set(order_in["required"])
    json.dumps(spec)  # serialisable as a whole


# -- order numbers as shops write them ------------------------------------------------

SHOP_NUMBERS = [
    "SO/2026/0001",
    "#1001",
    "A?b=c&d",
    "100%",
    "Bestellung 7",
    "Ü-Straße/12 ½",
    "/leading",
    "a//b/",
    "x/cancel",
]


@pytest.mark.parametrize("number", SHOP_NUMBERS)
def test_any_printable_order_number_is_taken_read_and_cancelled(shop, number):
    created = shop.post(ORDERS, json=order_payload(number))
    location = created.headers["Location"]
    read = shop.get(location)
    cancelled = shop.post(f"{location}/cancel")

    assert created.status_code == 201, created.get_json()
    assert (read.status_code, read.get_json()["external_id"]) == (200, number)
    assert cancelled.status_code == 200, cancelled.get_json()
    assert cancelled.get_json()["external_id"] == number
    assert cancelled.get_json()["status"] == "cancelled"


def test_the_location_header_is_percent_encoded(shop):
    response = shop.post(ORDERS, json=order_payload("SO/26 #7?x=1%"))

    assert response.headers["Location"] == "/api/v1/orders/SO%2F26%20%237%3Fx%3D1%25"


def test_order_numbers_that_are_blank_or_hold_control_characters_are_refused(shop):
    before = row_counts()

    answers = [
        shop.post(ORDERS, json=order_payload(number))
        for number in ("   ", "SO\n1", "SO\x7f1", "A\u2028B", "x" * 65)
    ]

    assert [a.status_code for a in answers] == [422] * 5
    assert all(a.get_json()["errors"][0]["field"] == "external_id" for a in answers)
    assert row_counts() == before


def test_null_for_an_optional_field_means_not_given(shop):
    body = order_payload(
        "SHOPIFY-1",
        promised_ship_by=None,
        warehouse=None,
        pickup_point_id=None,
        appointment=None,
    )
    body["customer"] |= {"phone": None, "email": None}
    body["shipping_address"] |= {"line2": None, "postal_code": None}
    body["lines"][0]["unit_price"] = None

    response = shop.post(ORDERS, json=body)

    assert response.status_code == 201, response.get_json()
    order = response.get_json()
    assert order["customer"]["phone"] == ""
    assert order["shipping_address"]["line2"] == ""
    assert order["promised_ship_by"] is not None  # computed, as when left out


def test_null_for_a_required_field_is_refused(shop):
    body = order_payload("SHOPIFY-2", placed_at=None)
    body["customer"]["name"] = None

    response = shop.post(ORDERS, json=body)

    assert response.status_code == 422
    assert {e["field"] for e in response.get_json()["errors"]} == {
        "placed_at",
        "customer.name",
    }


def test_the_description_says_optional_fields_may_be_null(client):
    schemas = client.get("/api/v1/openapi.json").get_json()["components"]["schemas"]

    phone = schemas["CustomerIn"]["properties"]["phone"]
    name = schemas["CustomerIn"]["properties"]["name"]
    assert {"type": "null"} in phone["anyOf"]
    assert "anyOf" not in name


# -- numbers and dates within bounds -------------------------------------------------


@pytest.mark.parametrize("quantity", [100_001, 2**31, 2**63, 10**30])
def test_a_line_of_more_than_max_qty_units_is_refused(shop, quantity):
    before = row_counts()

    response = shop.post(ORDERS, json=order_payload(lines=[line("SKU-0001", quantity)]))

    assert response.status_code == 422
    assert response.get_json()["errors"][0]["field"] == "lines[0].quantity"
    assert row_counts() == before


def test_max_qty_is_a_setting_and_the_description_follows_it(shop, app, client):
    app.config["MAX_QTY"] = 6

    refused = shop.post(ORDERS, json=order_payload("A-7", lines=[line("SKU-0001", 7)]))
    taken = shop.post(ORDERS, json=order_payload("A-6", lines=[line("SKU-0001", 6)]))
    described = client.get("/api/v1/openapi.json").get_json()

    assert (refused.status_code, taken.status_code) == (422, 201)
    line_in = described["components"]["schemas"]["LineIn"]["properties"]
    assert line_in["quantity"]["maximum"] == 6


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("placed_at", "0001-01-01T00:00:00+14:00"),
        ("placed_at", "9999-12-31T23:59:59-14:00"),
        ("placed_at", "1969-12-31T12:00:00Z"),
        ("promised_ship_by", "9999-12-31T00:00:00Z"),
    ],
)
def test_dates_at_the_calendars_edges_are_refused(shop, field, value):
    before = row_counts()

    response = shop.post(ORDERS, json=order_payload(**{field: value}))

    assert response.status_code == 422
    assert response.get_json()["errors"][0]["field"] == field
    assert row_counts() == before
