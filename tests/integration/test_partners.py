"""3PL and dropship: the 3PL's CSV and its reports through the API, the supplier's
signed page and purchase order, the manager's overview, and e-mailed POs."""

import base64
import csv
import io
import json
import re
import zlib
from datetime import timedelta

import pytest
import sqlalchemy as sa

from fulfil.extensions import db
from fulfil.models import Event, Shipment, WebhookDelivery, WebhookSubscription
from fulfil.models.types import utcnow
from fulfil.services import catalog, inventory, partners, unit_of_work
from tests.conftest import order_payload

ORDERS = "/api/v1/orders"


@pytest.fixture
def catalogue(app, warehouse, make_product, loc):
    """SKU-0001 in house (3 in stock), SOFA by the 3PL, BENCH and LANTERN shipped by
    the supplier GARDENCO."""
    catalog.upsert_supplier(
        code="GARDENCO", name="Garden & Co", email="orders@garden.example"
    )
    mug = make_product("SKU-0001", name="Enamel mug")
    make_product("SOFA", name="Three-seat sofa", fulfilment="3pl")
    make_product(
        "BENCH", name="Teak garden bench", fulfilment="dropship", supplier="GARDENCO"
    )
    make_product(
        "LANTERN", name="Garden lantern", fulfilment="dropship", supplier="GARDENCO"
    )
    inventory.adjust(
        product_id=mug.id,
        location_id=loc("A-01-1-A"),
        qty_delta=3,
        reason="opening",
        key="open-mug",
    )


@pytest.fixture
def shop(api, catalogue):
    return api("orders:write", "orders:read")


def place(shop, external_id: str, *lines: tuple[str, int], **fields) -> dict:
    body = order_payload(
        external_id,
        lines=[
            {"sku": sku, "quantity": qty, "unit_price": "10.00"} for sku, qty in lines
        ],
        **fields,
    )
    response = shop.post(ORDERS, json=body)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def shipment_of(order: dict, mode: str) -> dict:
    return next(s for s in order["shipments"] if s["mode"] == mode)


def supplier_path(shipment_id: int) -> str:
    return f"/supplier/{partners.supplier_token(shipment_id)}"


def pdf_text(pdf: bytes) -> str:
    """The text drawn on the pages (reportlab compresses and ASCII85-encodes them)."""
    texts = []
    for stream in re.findall(rb"stream\r?\n(.*?)\s*endstream", pdf, re.S):
        try:
            texts.append(zlib.decompress(base64.a85decode(stream, adobe=True)))
        except (ValueError, zlib.error):
            texts.append(stream)
    return b"\n".join(texts).decode("latin-1")


def csv_rows(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text)))


# -- splitting ------------------------------------------------------------------------


def test_a_mixed_order_splits_into_a_shipment_per_mode_each_with_its_status(shop):
    order = place(
        shop, "SHOP-1001", ("SKU-0001", 1), ("SOFA", 1), ("BENCH", 1), ("LANTERN", 2)
    )

    statuses = sorted((s["mode"], s["status"]) for s in order["shipments"])
    assert statuses == [
        ("3pl", "requested"),
        ("dropship", "requested"),
        ("in_house", "allocated"),
    ]
    dropship = shipment_of(order, "dropship")
    assert dropship["supplier"] == "GARDENCO"
    assert {
        ln["sku"] for ln in order["lines"] if ln["shipment_id"] == dropship["id"]
    } == {
        "BENCH",
        "LANTERN",
    }
    assert order["status"] == "allocated"


# -- 3PL: the CSV hand-over -----------------------------------------------------------


def test_the_3pl_csv_holds_each_requested_line_with_its_ship_to_address(
    shop, runner, tmp_path
):
    order = place(shop, "SHOP-1001", ("SKU-0001", 1), ("SOFA", 2))
    place(shop, "SHOP-1002", ("BENCH", 1))  # dropship: not the 3PL's
    out = tmp_path / "3pl.csv"

    result = runner.invoke(args=["shipments", "export-3pl", "--output", str(out)])

    assert result.exit_code == 0, result.output
    rows = csv_rows(out.read_text(encoding="utf-8"))
    assert len(rows) == 1
    row = rows[0]
    assert row["shipment_id"] == str(shipment_of(order, "3pl")["id"])
    assert (row["order"], row["sku"], row["name"], row["quantity"]) == (
        "SHOP-1001",
        "SOFA",
        "Three-seat sofa",
        "2",
    )
    assert (row["ship_name"], row["ship_line1"], row["ship_city"]) == (
        "Erika Mustermann",
        "Heidestraße 17",
        "Köln",
    )
    assert (row["ship_postal_code"], row["ship_country"]) == ("51147", "DE")


def test_exported_shipments_are_left_out_of_the_next_export_unless_asked_for(
    shop, runner
):
    place(shop, "SHOP-1001", ("SOFA", 1))

    first = runner.invoke(args=["shipments", "export-3pl", "--mark-exported"])
    place(shop, "SHOP-1002", ("SOFA", 1))
    second = runner.invoke(args=["shipments", "export-3pl", "--mark-exported"])
    third = runner.invoke(args=["shipments", "export-3pl"])
    everything = runner.invoke(args=["shipments", "export-3pl", "--all"])

    assert [r["order"] for r in csv_rows(first.stdout)] == ["SHOP-1001"]
    assert [r["order"] for r in csv_rows(second.stdout)] == ["SHOP-1002"]
    assert csv_rows(third.stdout) == []
    assert [r["order"] for r in csv_rows(everything.stdout)] == [
        "SHOP-1001",
        "SHOP-1002",
    ]
    assert "Exported 1 shipments and marked them exported." in first.stderr


def test_the_provider_reports_shipped_then_delivered_and_the_order_follows(shop, api):
    order = place(shop, "SHOP-1001", ("SOFA", 1), ("BENCH", 1))
    sofa = shipment_of(order, "3pl")["id"]
    provider = api("shipments:write")

    shipped = provider.post(
        f"/api/v1/shipments/{sofa}/report",
        json={
            "status": "shipped",
            "carrier": "DHL Freight",
            "tracking_number": "JD014600003",
            "tracking_url": "https://track.example/JD014600003",
        },
    )
    mid = shop.get(f"{ORDERS}/SHOP-1001").get_json()
    provider.post(f"/api/v1/shipments/{sofa}/report", json={"status": "delivered"})
    after = shop.get(f"{ORDERS}/SHOP-1001").get_json()

    assert shipped.status_code == 200
    assert shipment_of(mid, "3pl")["status"] == "shipped"
    assert shipment_of(mid, "3pl")["tracking_number"] == "JD014600003"
    assert mid["status"] == "allocated"  # the bench has not left the supplier yet
    assert shipment_of(after, "3pl")["status"] == "delivered"
    assert after["status"] == "allocated"


def test_reports_are_refused_for_our_own_parcels_and_cancelled_shipments(shop, api):
    order = place(shop, "SHOP-1001", ("SKU-0001", 1), ("SOFA", 1))
    place(shop, "SHOP-1002", ("SOFA", 1))
    cancelled = shop.post(f"{ORDERS}/SHOP-1002/cancel").get_json()
    provider = api("shipments:write")
    shipped = {"status": "shipped", "tracking_number": "X1"}

    own = provider.post(
        f"/api/v1/shipments/{shipment_of(order, 'in_house')['id']}/report",
        json=shipped,
    )
    gone = provider.post(
        f"/api/v1/shipments/{cancelled['shipments'][0]['id']}/report", json=shipped
    )
    unknown = provider.post("/api/v1/shipments/999999/report", json=shipped)
    wrong = provider.post(
        f"/api/v1/shipments/{shipment_of(order, '3pl')['id']}/report",
        json={"status": "lost"},
    )
    no_scope = shop.post(
        f"/api/v1/shipments/{shipment_of(order, '3pl')['id']}/report", json=shipped
    )

    assert (own.status_code, gone.status_code, unknown.status_code) == (409, 409, 404)
    assert (wrong.status_code, no_scope.status_code) == (422, 403)
    assert shop.get(f"{ORDERS}/SHOP-1002").get_json()["status"] == "cancelled"


@pytest.mark.parametrize(
    "link", ["javascript:alert(1)", "data:text/html,x", "https://", "ftp://x.example/1"]
)
def test_a_provider_cannot_store_a_tracking_link_that_is_no_web_address(
    shop, api, client, login, link
):
    order = place(shop, "SHOP-1001", ("SOFA", 1))
    sofa = shipment_of(order, "3pl")["id"]

    response = api("shipments:write").post(
        f"/api/v1/shipments/{sofa}/report",
        json={"status": "shipped", "tracking_number": "JD1", "tracking_url": link},
    )

    assert response.status_code == 422
    assert response.get_json()["errors"][0]["field"] == "tracking_url"
    seen = shop.get(f"{ORDERS}/SHOP-1001").get_json()
    assert shipment_of(seen, "3pl")["status"] == "requested"


def test_customer_service_sees_a_stored_link_only_when_it_is_a_web_address(
    shop, client, login
):
    """Links stored before the rule above are shown as text, never as a link."""
    order = place(shop, "SHOP-1001", ("SOFA", 1))
    with unit_of_work() as session:
        shipment = session.get(Shipment, shipment_of(order, "3pl")["id"])
        shipment.tracking_number, shipment.tracking_url = "JD1", "javascript:alert(1)"
    login("customer_service")

    page = client.get(f"/service/orders/{order['id']}").get_data(as_text=True)

    assert "JD1" in page
    assert "javascript:" not in page


# -- dropship: the supplier's page ----------------------------------------------------


def test_the_supplier_sees_the_purchase_order_without_an_account(shop, client):
    order = place(shop, "SHOP-1001", ("BENCH", 1), ("LANTERN", 2))
    shipment_id = shipment_of(order, "dropship")["id"]

    page = client.get(supplier_path(shipment_id))

    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert f"Purchase order {shipment_id}" in html
    assert "SHOP-1001" in html and "Heidestraße 17" in html and "51147 Köln" in html
    assert "Teak garden bench" in html and "LANTERN" in html
    assert 'name="tracking_number"' in html and 'name="csrf_token"' in html
    assert "no-store" in page.headers["Cache-Control"]
    assert "noindex" in page.headers["X-Robots-Tag"]


def test_the_supplier_enters_tracking_and_the_shop_sees_it(shop, client, post):
    order = place(shop, "SHOP-1001", ("SKU-0001", 1), ("BENCH", 1))
    shipment_id = shipment_of(order, "dropship")["id"]

    response = post(
        supplier_path(shipment_id),
        {
            "carrier": "DPD",
            "tracking_number": " 01234567890123 ",
            "tracking_url": "https://tracking.dpd.example/01234567890123",
        },
    )
    page = client.get(supplier_path(shipment_id)).get_data(as_text=True)

    assert response.status_code == 303
    seen = shop.get(f"{ORDERS}/SHOP-1001").get_json()
    bench = shipment_of(seen, "dropship")
    assert (bench["status"], bench["carrier"], bench["tracking_number"]) == (
        "shipped",
        "DPD",
        "01234567890123",
    )
    assert bench["tracking_url"] == "https://tracking.dpd.example/01234567890123"
    assert seen["status"] == "allocated"  # the mug is still in our warehouse
    assert "01234567890123" in page and 'name="tracking_number"' not in page


def test_a_dropship_only_order_is_shipped_when_the_supplier_says_so(shop, client, post):
    order = place(shop, "SHOP-1001", ("BENCH", 1))
    shipment_id = shipment_of(order, "dropship")["id"]

    post(supplier_path(shipment_id), {"carrier": "GLS", "tracking_number": "GLS-1"})
    again = post(
        supplier_path(shipment_id), {"carrier": "GLS", "tracking_number": "GLS-2"}
    )

    seen = shop.get(f"{ORDERS}/SHOP-1001").get_json()
    assert seen["status"] == "shipped"
    assert again.status_code == 303
    assert shipment_of(seen, "dropship")["tracking_number"] == "GLS-1"  # first stands


def test_htmx_answers_the_supplier_form_with_the_fragment(shop, client, post):
    order = place(shop, "SHOP-1001", ("BENCH", 1))
    shipment_id = shipment_of(order, "dropship")["id"]

    response = post(
        supplier_path(shipment_id),
        {"carrier": "UPS", "tracking_number": "1Z999"},
        headers={"HX-Request": "true"},
    )

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<html" not in html and 'id="supplier-order"' in html
    assert "Thank you!" in html and "1Z999" in html
    assert "HX-Request" in response.headers["Vary"]
    fragment = client.get(supplier_path(shipment_id), headers={"HX-Request": "true"})
    assert fragment.get_data(as_text=True).lstrip().startswith("<section")


def test_the_supplier_form_needs_a_tracking_number_and_a_web_link(shop, post):
    order = place(shop, "SHOP-1001", ("BENCH", 1))
    path = supplier_path(shipment_of(order, "dropship")["id"])

    empty = post(path, {"carrier": "DHL", "tracking_number": "  "})
    script = post(
        path,
        {"tracking_number": "1", "tracking_url": "javascript:alert(1)"},
        headers={"HX-Request": "true"},
    )

    assert empty.status_code == 422
    assert 'aria-invalid="true"' in empty.get_data(as_text=True)
    assert script.status_code == 422
    assert "must be a web address" in script.get_data(as_text=True)
    seen = shop.get(f"{ORDERS}/SHOP-1001").get_json()
    assert shipment_of(seen, "dropship")["status"] == "requested"


def test_the_supplier_form_is_refused_without_its_csrf_token(shop, client):
    order = place(shop, "SHOP-1001", ("BENCH", 1))
    path = supplier_path(shipment_of(order, "dropship")["id"])

    response = client.post(path, data={"tracking_number": "X"})

    assert response.status_code == 400
    seen = shop.get(f"{ORDERS}/SHOP-1001").get_json()
    assert shipment_of(seen, "dropship")["status"] == "requested"


def test_a_tampered_or_foreign_link_finds_nothing(shop, client, post):
    order = place(shop, "SHOP-1001", ("SOFA", 1), ("BENCH", 1))
    bench = shipment_of(order, "dropship")["id"]
    token = partners.supplier_token(bench)
    tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    other_salt = base64.urlsafe_b64encode(b"x").decode()
    three_pl = partners.supplier_token(shipment_of(order, "3pl")["id"])

    for bad in (tampered, other_salt, three_pl, partners.supplier_token(999999)):
        assert client.get(f"/supplier/{bad}").status_code == 404
        assert client.get(f"/supplier/{bad}/purchase-order.pdf").status_code == 404
    assert post(f"/supplier/{tampered}", {"tracking_number": "X"}).status_code == 404
    assert shipment_of(shop.get(f"{ORDERS}/SHOP-1001").get_json(), "dropship")[
        "status"
    ] == ("requested")


def test_the_link_closes_some_time_after_the_shipment_left(shop, client, post, app):
    order = place(shop, "SHOP-1001", ("BENCH", 1))
    shipment_id = shipment_of(order, "dropship")["id"]
    path = supplier_path(shipment_id)
    post(path, {"carrier": "GLS", "tracking_number": "GLS-1"})
    days = app.config["SUPPLIER_LINK_DAYS"]
    with unit_of_work():
        db.session.get(Shipment, shipment_id).shipped_at = utcnow() - timedelta(
            days=days + 1
        )

    page = client.get(path)

    assert page.status_code == 410
    assert "This link has expired" in page.get_data(as_text=True)
    assert client.get(f"{path}/purchase-order.pdf").status_code == 410


def test_a_cancelled_order_tells_the_supplier_not_to_ship(shop, client, post):
    order = place(shop, "SHOP-1001", ("BENCH", 1))
    path = supplier_path(shipment_of(order, "dropship")["id"])
    shop.post(f"{ORDERS}/SHOP-1001/cancel")

    page = client.get(path)
    tried = post(path, {"carrier": "DHL", "tracking_number": "X"})

    assert page.status_code == 200
    assert "This order was cancelled. Please do not ship it." in page.get_data(
        as_text=True
    )
    assert 'name="tracking_number"' not in page.get_data(as_text=True)
    assert tried.status_code == 409
    assert "please do not ship it" in tried.get_data(as_text=True)
    seen = shop.get(f"{ORDERS}/SHOP-1001").get_json()
    assert seen["status"] == "cancelled"
    assert shipment_of(seen, "dropship")["tracking_number"] == ""


def test_the_supplier_page_speaks_german(shop, client):
    order = place(shop, "SHOP-1001", ("BENCH", 1))

    page = client.get(
        supplier_path(shipment_of(order, "dropship")["id"]),
        headers={"Accept-Language": "de-DE,de;q=0.9"},
    )

    assert 'lang="de"' in page.get_data(as_text=True)


# -- the purchase order PDF -----------------------------------------------------------


def test_the_purchase_order_pdf_names_order_supplier_address_and_lines(shop, client):
    order = place(shop, "SHOP-1001", ("BENCH", 1), ("LANTERN", 2))
    shipment_id = shipment_of(order, "dropship")["id"]

    response = client.get(f"{supplier_path(shipment_id)}/purchase-order.pdf")

    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF")
    text = pdf_text(response.data)
    assert f"Purchase order {shipment_id}" in text
    for expected in ("SHOP-1001", "Garden & Co", "Erika Mustermann", "51147 K"):
        assert expected in text
    assert "BENCH" in text and "LANTERN" in text and "Garden lantern" in text
    assert partners.supplier_url(shipment_id) in text  # also in the QR code


# -- the manager's overview -----------------------------------------------------------


def test_the_partner_page_lists_open_shipments_with_links_and_pdfs(shop, client, login):
    order = place(shop, "SHOP-1001", ("SOFA", 1), ("BENCH", 1))
    bench = shipment_of(order, "dropship")["id"]
    login("manager")

    page = client.get("/manage/partners/")
    fragment = client.get("/manage/partners/", headers={"HX-Request": "true"})
    pdf = client.get(f"/manage/partners/shipments/{bench}/purchase-order.pdf")

    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "SHOP-1001" in html and "Garden &amp; Co" in html
    assert partners.supplier_url(bench) in html
    assert "Not exported yet" in html
    assert fragment.status_code == 200
    assert "<html" not in fragment.get_data(as_text=True)
    assert 'id="partner-shipments"' in fragment.get_data(as_text=True)
    assert pdf.data.startswith(b"%PDF")


def test_the_partner_pages_are_for_managers_only(client, login, catalogue):
    anonymous = client.get("/manage/partners/")
    login("picker")
    picker = client.get("/manage/partners/")
    csv_file = client.get("/manage/partners/3pl.csv")

    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]
    assert picker.status_code == 403 and csv_file.status_code == 403


def test_the_manager_downloads_the_3pl_csv_and_marks_it_handed_over(
    shop, client, login, post
):
    place(shop, "SHOP-1001", ("SOFA", 1))
    login("manager")

    everything = client.get("/manage/partners/3pl.csv")
    handed_over = post("/manage/partners/3pl.csv")
    nothing_new = post("/manage/partners/3pl.csv")
    still_all = client.get("/manage/partners/3pl.csv")

    assert everything.mimetype == "text/csv"
    assert "attachment" in everything.headers["Content-Disposition"]
    assert [r["order"] for r in csv_rows(everything.get_data(as_text=True))] == [
        "SHOP-1001"
    ]
    assert len(csv_rows(handed_over.get_data(as_text=True))) == 1
    assert csv_rows(nothing_new.get_data(as_text=True)) == []
    assert len(csv_rows(still_all.get_data(as_text=True))) == 1
    assert "Exported" in client.get("/manage/partners/").get_data(as_text=True)
    assert client.post("/manage/partners/3pl.csv").status_code == 400  # no CSRF


# -- suppliers by webhook and by e-mail -----------------------------------------------


def test_a_supplier_with_a_webhook_hears_of_its_purchase_orders_with_the_link(shop):
    catalog.upsert_supplier(
        code="GARDENCO",
        name="Garden & Co",
        webhook_url="https://garden.example/hooks/fulfil",
    )

    order = place(shop, "SHOP-1001", ("SOFA", 1), ("BENCH", 1))

    subscription = db.session.scalar(sa.select(WebhookSubscription))
    assert subscription.url == "https://garden.example/hooks/fulfil"
    assert subscription.fulfilment == "dropship"
    deliveries = db.session.scalars(
        sa.select(WebhookDelivery).where(
            WebhookDelivery.subscription_id == subscription.id
        )
    ).all()
    assert [d.event_type for d in deliveries] == ["shipment.requested"]
    body = json.loads(deliveries[0].payload)
    bench = shipment_of(order, "dropship")["id"]
    assert body["data"]["shipment"]["id"] == bench
    assert body["data"]["event"]["supplier_url"] == partners.supplier_url(bench)


def test_clearing_the_webhook_url_stops_the_supplier_subscription(catalogue):
    catalog.upsert_supplier(
        code="GARDENCO", name="Garden & Co", webhook_url="https://garden.example/h"
    )
    catalog.upsert_supplier(
        code="GARDENCO", name="Garden & Co", webhook_url="https://garden.example/v2"
    )
    subscriptions = db.session.scalars(sa.select(WebhookSubscription)).all()
    assert [(s.url, s.active) for s in subscriptions] == [
        ("https://garden.example/v2", True)
    ]

    catalog.upsert_supplier(code="GARDENCO", name="Garden & Co")

    assert db.session.scalar(sa.select(WebhookSubscription)).active is False


class FakeSMTP:
    """Stands in for smtplib.SMTP: keeps what would have been sent."""

    sent: list = []

    def __init__(self, host, port, timeout=None):
        self.host, self.port = host, port

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def starttls(self):
        pass

    def login(self, user, password):
        pass

    def send_message(self, message):
        FakeSMTP.sent.append(message)


@pytest.fixture
def mailbox(app, monkeypatch):
    FakeSMTP.sent = []
    monkeypatch.setattr("fulfil.services.partners.smtplib.SMTP", FakeSMTP)
    app.config.update(MAIL_SERVER="smtp.example", MAIL_FROM="ops@shop.example")
    return FakeSMTP.sent


def test_the_manager_e_mails_a_purchase_order_with_pdf_and_link(
    shop, client, login, post, mailbox
):
    order = place(shop, "SHOP-1001", ("BENCH", 1))
    shipment_id = shipment_of(order, "dropship")["id"]
    login("manager")

    response = post(
        f"/manage/partners/shipments/{shipment_id}/email",
        headers={"HX-Request": "true"},
    )

    assert response.status_code == 200
    assert "sent to orders@garden.example" in response.get_data(as_text=True)
    (message,) = mailbox
    assert message["To"] == "orders@garden.example"
    assert "SHOP-1001" in message["Subject"]
    assert partners.supplier_url(shipment_id) in message.get_body().get_content()
    (attachment,) = list(message.iter_attachments())
    assert attachment.get_content().startswith(b"%PDF")
    assert "E-mailed" in client.get("/manage/partners/").get_data(as_text=True)


def test_the_cli_e_mails_each_purchase_order_once(shop, runner, mailbox):
    place(shop, "SHOP-1001", ("BENCH", 1))
    place(shop, "SHOP-1002", ("LANTERN", 1))

    first = runner.invoke(args=["shipments", "send-purchase-orders"])
    second = runner.invoke(args=["shipments", "send-purchase-orders"])

    assert first.exit_code == 0, first.output
    assert "Sent 2 purchase orders." in first.output
    assert "Sent 0 purchase orders." in second.output
    assert len(mailbox) == 2
    sent = db.session.scalar(
        sa.select(sa.func.count(Event.id)).where(Event.action == "shipment.po_sent")
    )
    assert sent == 2


def test_without_a_mail_server_nothing_is_sent_and_the_page_says_so(
    shop, runner, client, login
):
    place(shop, "SHOP-1001", ("BENCH", 1))

    result = runner.invoke(args=["shipments", "send-purchase-orders"])
    login("manager")
    page = client.get("/manage/partners/").get_data(as_text=True)

    assert result.exit_code == 1
    assert "MAIL_SERVER" in result.output
    assert "E-mail is not set up" in page


def test_the_cli_prints_a_supplier_link_that_opens_the_page(shop, runner, client):
    order = place(shop, "SHOP-1001", ("BENCH", 1))
    shipment_id = shipment_of(order, "dropship")["id"]

    result = runner.invoke(args=["shipments", "supplier-link", str(shipment_id)])
    missing = runner.invoke(args=["shipments", "supplier-link", "999999"])

    url = result.output.strip()
    assert url == partners.supplier_url(shipment_id)
    assert client.get(url).status_code == 200
    assert missing.exit_code == 1


def test_a_plain_form_e_mail_request_redirects_and_says_what_happened(
    shop, client, login, post
):
    order = place(shop, "SHOP-1001", ("BENCH", 1))
    login("manager")

    response = post(
        f"/manage/partners/shipments/{shipment_of(order, 'dropship')['id']}/email"
    )
    page = client.get("/manage/partners/").get_data(as_text=True)

    assert response.status_code == 303
    assert "E-mail is not set up: set MAIL_SERVER" in page
