"""Digital goods: licence keys from a pool (never twice, backordered when it runs dry)
and signed download links that count downloads, stop when used up or expired."""

import threading
from datetime import timedelta

import pytest
import sqlalchemy as sa

from fulfil.extensions import db
from fulfil.models import DigitalGrant, LicenceKey, Shipment
from fulfil.models.types import utcnow
from fulfil.schemas import OrderIn
from fulfil.services import digital, inventory, orders, unit_of_work
from tests.conftest import order_payload

ORDERS = "/api/v1/orders"
KEYS = "/api/v1/products/EGIFT-25/licence-keys"
GUIDE = b"%PDF-1.4\n% the styling guide\n"


@pytest.fixture
def files(app, tmp_path):
    """DIGITAL_FILES_DIR with the guide in it."""
    app.config["DIGITAL_FILES_DIR"] = str(tmp_path)
    (tmp_path / "guide.pdf").write_bytes(GUIDE)
    return tmp_path


@pytest.fixture
def shop(api, warehouse, make_product, files):
    """GUIDE (a download, twice per copy) and EGIFT-25 (a licence key)."""
    make_product(
        "GUIDE",
        name="Styling guide (PDF)",
        fulfilment="digital",
        download_file="guide.pdf",
        max_downloads=2,
    )
    make_product("EGIFT-25", name="E-gift card 25", fulfilment="digital")
    return api("orders:write", "orders:read")


def buy(shop, external_id: str, *lines: tuple[str, int], **fields) -> dict:
    body = order_payload(
        external_id,
        lines=[
            {"sku": sku, "quantity": qty, "unit_price": "25.00"} for sku, qty in lines
        ],
        **({"shipping_address": None} | fields),
    )
    response = shop.post(ORDERS, json=body)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def digital_shipment(order: dict) -> dict:
    return next(s for s in order["shipments"] if s["mode"] == "digital")


def download_path(order: dict) -> str:
    url = digital_shipment(order)["downloads"][0]["url"]
    return url.removeprefix("http://fulfil.test")


def fetch(client, path: str, method: str = "GET"):
    """Download as a browser does: read the body, then let go of the file."""
    response = client.open(path, method=method)
    response.get_data()
    response.close()
    return response


def downloads_left(shop, external_id: str) -> int:
    order = shop.get(f"{ORDERS}/{external_id}").get_json()
    return digital_shipment(order)["downloads"][0]["downloads_left"]


# -- downloads ------------------------------------------------------------------------


def test_a_download_link_counts_and_stops_when_used_up(shop, client):
    order = buy(shop, "SHOP-1001", ("GUIDE", 1))
    path = download_path(order)

    first = fetch(client, path)
    left_after_one = downloads_left(shop, "SHOP-1001")
    second = fetch(client, path)
    third = fetch(client, path)

    assert order["status"] == "delivered"
    assert digital_shipment(order)["downloads"][0]["downloads_left"] == 2
    assert (first.status_code, second.status_code) == (200, 200)
    assert first.data == GUIDE
    assert "attachment" in first.headers["Content-Disposition"]
    assert left_after_one == 1
    assert third.status_code == 410
    assert "used 2 times" in third.get_data(as_text=True)
    assert downloads_left(shop, "SHOP-1001") == 0


def test_two_copies_may_be_downloaded_twice_as_often(shop):
    order = buy(shop, "SHOP-1001", ("GUIDE", 2))

    assert digital_shipment(order)["downloads"][0]["downloads_left"] == 4


def test_an_expired_link_is_refused_with_a_page_that_says_so(shop, client):
    order = buy(shop, "SHOP-1001", ("GUIDE", 1))
    expires = digital_shipment(order)["downloads"][0]["expires_at"]
    with unit_of_work():
        grant = db.session.scalar(sa.select(DigitalGrant))
        grant.expires_at = utcnow() - timedelta(minutes=1)

    response = client.get(download_path(order))

    assert expires is not None
    assert response.status_code == 410
    page = response.get_data(as_text=True)
    assert "This download link has expired." in page
    assert "ask the shop" in page
    assert downloads_left(shop, "SHOP-1001") == 2  # not counted


def test_a_tampered_download_link_finds_nothing(shop, client):
    order = buy(shop, "SHOP-1001", ("GUIDE", 1))
    path = download_path(order)
    tampered = path[:-3] + ("xyz" if not path.endswith("xyz") else "abc")

    assert client.get(tampered).status_code == 404
    assert client.get("/download/not-a-token").status_code == 404
    assert downloads_left(shop, "SHOP-1001") == 2


def test_a_licence_key_grant_is_no_download(shop, client):
    digital.add_licence_keys(sku="EGIFT-25", keys=["GIFT-AAAA"])
    buy(shop, "SHOP-1001", ("EGIFT-25", 1))
    grant = db.session.scalar(sa.select(DigitalGrant))

    assert client.get(f"/download/{digital.download_token(grant)}").status_code == 404


def test_a_head_request_does_not_use_up_the_link(shop, client):
    order = buy(shop, "SHOP-1001", ("GUIDE", 1))

    response = fetch(client, download_path(order), "HEAD")

    assert response.status_code == 200
    assert response.headers["Content-Length"] == str(len(GUIDE))
    assert downloads_left(shop, "SHOP-1001") == 2


def test_a_missing_file_is_not_counted(shop, client, files):
    order = buy(shop, "SHOP-1001", ("GUIDE", 1))
    (files / "guide.pdf").unlink()

    response = client.get(download_path(order))

    assert response.status_code == 503
    assert "not available right now" in response.get_data(as_text=True)
    assert downloads_left(shop, "SHOP-1001") == 2


# -- licence keys ---------------------------------------------------------------------


def test_licence_keys_are_added_through_the_api_and_repeats_skipped(shop, api):
    erp = api("products:write")

    first = erp.post(KEYS, json={"keys": ["GIFT-0001", "GIFT-0002", "GIFT-0001"]})
    second = erp.post(KEYS, json={"keys": [" GIFT-0002 ", "GIFT-0003"]})
    stock = erp.get(KEYS)

    assert first.status_code == 200
    assert first.get_json() == {
        "sku": "EGIFT-25",
        "added": 2,
        "available": 2,
        "issued": 0,
    }
    assert (second.get_json()["added"], second.get_json()["available"]) == (1, 3)
    assert stock.get_json()["available"] == 3


def test_bad_licence_key_requests_are_refused_and_nothing_is_added(
    shop, api, make_product
):
    make_product("MUG")
    erp = api("products:write")

    not_digital = erp.post("/api/v1/products/MUG/licence-keys", json={"keys": ["K-1"]})
    unknown = erp.post("/api/v1/products/NOPE/licence-keys", json={"keys": ["K-1"]})
    control = erp.post(KEYS, json={"keys": ["K-1", "K-\x002"]})
    empty = erp.post(KEYS, json={"keys": []})
    no_scope = shop.post(KEYS, json={"keys": ["K-1"]})

    assert not_digital.status_code == 400
    assert not_digital.get_json()["errors"][0]["field"] == "sku"
    assert unknown.status_code == 404
    assert (control.status_code, empty.status_code) == (422, 422)
    assert no_scope.status_code == 403
    assert db.session.scalar(sa.select(sa.func.count(LicenceKey.id))) == 0


def test_two_orders_get_different_keys(shop, api):
    api("products:write").post(KEYS, json={"keys": ["GIFT-0001", "GIFT-0002"]})

    first = buy(shop, "SHOP-1001", ("EGIFT-25", 1))
    second = buy(shop, "SHOP-1002", ("EGIFT-25", 1))

    keys = [digital_shipment(o)["licence_keys"] for o in (first, second)]
    assert [o["status"] for o in (first, second)] == ["delivered", "delivered"]
    assert {k[0]["key"] for k in keys} == {"GIFT-0001", "GIFT-0002"}
    assert api("products:write").get(KEYS).get_json()["available"] == 0


def test_an_empty_pool_backorders_the_key_until_keys_are_added(shop, api):
    erp = api("products:write")
    erp.post(KEYS, json={"keys": ["GIFT-0001"]})

    order = buy(shop, "SHOP-1001", ("EGIFT-25", 2))
    erp.post(KEYS, json={"keys": ["GIFT-0002"]})
    delivered = shop.get(f"{ORDERS}/SHOP-1001").get_json()

    assert digital_shipment(order)["status"] == "backordered"
    assert order["status"] == "backordered"
    assert [k["key"] for k in digital_shipment(order)["licence_keys"]] == ["GIFT-0001"]
    assert digital_shipment(delivered)["status"] == "delivered"
    assert delivered["status"] == "delivered"
    assert sorted(k["key"] for k in digital_shipment(delivered)["licence_keys"]) == [
        "GIFT-0001",
        "GIFT-0002",
    ]


def test_a_mixed_order_waits_for_its_key_and_then_for_the_warehouse(
    shop, api, make_product, loc
):
    mug = make_product("MUG")
    inventory.adjust(
        product_id=mug.id,
        location_id=loc("A-01-1-A"),
        qty_delta=1,
        reason="opening",
        key="open-mug",
    )

    order = buy(
        shop,
        "SHOP-1001",
        ("MUG", 1),
        ("EGIFT-25", 1),
        shipping_address=order_payload()["shipping_address"],
    )
    api("products:write").post(KEYS, json={"keys": ["GIFT-0001"]})
    after = shop.get(f"{ORDERS}/SHOP-1001").get_json()

    assert sorted((s["mode"], s["status"]) for s in order["shipments"]) == [
        ("digital", "backordered"),
        ("in_house", "allocated"),
    ]
    assert order["status"] == "backordered"
    assert digital_shipment(after)["status"] == "delivered"
    assert after["status"] == "allocated"


def test_the_cli_adds_keys_from_a_file_and_tells_the_stock(shop, runner, tmp_path):
    keys = tmp_path / "keys.txt"
    keys.write_text("GIFT-0001\nGIFT-0002\n\nGIFT-0001\n", encoding="utf-8")

    added = runner.invoke(args=["licence", "add", "EGIFT-25", str(keys)])
    stdin = runner.invoke(args=["licence", "add", "EGIFT-25", "-"], input="GIFT-0003\n")
    stock = runner.invoke(args=["licence", "stock", "EGIFT-25"])
    unknown = runner.invoke(args=["licence", "add", "NOPE", str(keys)])
    no_stock = runner.invoke(args=["licence", "stock", "NOPE"])

    assert added.exit_code == 0, added.output
    assert "Added 2 keys to EGIFT-25 (1 already known or repeated)" in added.output
    assert stdin.exit_code == 0 and "Added 1 keys" in stdin.output
    assert stock.output.strip() == "EGIFT-25: 3 free, 0 issued."
    assert unknown.exit_code == 1 and "NOPE" in unknown.output
    assert no_stock.exit_code == 1


# -- concurrency (PostgreSQL: row locks) ----------------------------------------------


def _at_once(app, count: int, work) -> list[Exception]:
    """Run work(n) for n in range(count) in threads released together."""
    barrier, errors = threading.Barrier(count), []

    def run(n: int) -> None:
        with app.app_context():
            try:
                barrier.wait()
                work(n)
            except Exception as error:  # reported by the test
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


def _order(n: int) -> OrderIn:
    return OrderIn.model_validate(
        order_payload(
            f"RACE-{n}",
            shipping_address=None,
            lines=[{"sku": "EGIFT-25", "quantity": 1, "unit_price": "25.00"}],
        )
    )


def _issued() -> list[tuple[str, int]]:
    rows = db.session.execute(
        sa.select(LicenceKey.key, LicenceKey.order_line_id).where(
            LicenceKey.order_line_id.is_not(None)
        )
    )
    return [(key, line) for key, line in rows]


@pytest.mark.postgres
def test_orders_arriving_at_once_never_share_a_key(app, shop):
    digital.add_licence_keys(sku="EGIFT-25", keys=[f"GIFT-{n:04d}" for n in range(5)])

    errors = _at_once(app, 8, lambda n: orders.receive_order(_order(n)))

    db.session.rollback()
    assert errors == []
    issued = _issued()
    assert len(issued) == 5
    assert len({line for _, line in issued}) == 5  # one key per line
    statuses = db.session.scalars(sa.select(Shipment.status)).all()
    assert sorted(s.value for s in statuses) == ["backordered"] * 3 + ["delivered"] * 5


@pytest.mark.postgres
def test_keys_arriving_at_once_fill_each_waiting_order_once(app, shop):
    for n in range(3):
        orders.receive_order(_order(n))

    errors = _at_once(
        app,
        2,
        lambda n: digital.add_licence_keys(
            sku="EGIFT-25", keys=[f"BATCH{n}-{k}" for k in range(3)]
        ),
    )

    db.session.rollback()
    assert errors == []
    issued = _issued()
    assert len(issued) == 3 and len({line for _, line in issued}) == 3
    assert db.session.scalar(sa.select(sa.func.count(DigitalGrant.id))) == 3
    statuses = db.session.scalars(sa.select(Shipment.status)).all()
    assert [s.value for s in statuses] == ["delivered"] * 3
