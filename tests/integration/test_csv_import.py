"""CSV import of products and orders: the service, the CLI and the manager's page."""

import io
from datetime import UTC, datetime
from decimal import Decimal

import pytest
import sqlalchemy as sa

from fulfil.domain.states import OrderStatus
from fulfil.extensions import db
from fulfil.models import Event, FulfilmentMode, Order, OrderLine, Product, Tracking
from fulfil.services import catalog, inventory
from fulfil.services.csv_import import CsvFileError, import_orders, import_products
from fulfil.web.manager import IMPORT_EXAMPLES
from tests.conftest import assert_ledger_balanced, row_counts

HEADER = (
    "external_id,placed_at,customer_name,customer_email,ship_line1,ship_postal_code,"
    "ship_city,ship_country,sku,quantity,unit_price"
)
ADDRESS = "Heidestraße 17,51147,Köln,DE"
PLACED = "2026-11-26T09:15:00+01:00"


def orders_csv(*rows: str, header: str = HEADER) -> bytes:
    return "\n".join([header, *rows, ""]).encode()


def line(external_id: str, sku: str, qty, price="9.90", name="Erika Mustermann"):
    return (
        f"{external_id},{PLACED},{name},erika@example.com,{ADDRESS},{sku},{qty},{price}"
    )


GOOD_FILE = orders_csv(
    line("CSV-1", "SKU-0001", 2),
    line("CSV-1", "SKU-0002", 1, "4.95"),
    line("CSV-2", "SKU-0001", 1),
)


@pytest.fixture
def shop(warehouse, make_product, loc):
    """SKU-0001 with 5 units on a pick face; SKU-0002 known but not in stock."""
    stocked = make_product("SKU-0001")
    make_product("SKU-0002")
    inventory.adjust(
        product_id=stocked.id,
        location_id=loc("A-01-1-A"),
        qty_delta=5,
        reason="opening",
        key="open-1",
    )
    return warehouse


def order(external_id: str) -> Order | None:
    return db.session.scalar(sa.select(Order).where(Order.external_id == external_id))


def count(model, *where) -> int:
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(model).where(*where)
    )


# -- orders ---------------------------------------------------------------------------


def test_a_valid_orders_file_takes_in_each_order_with_its_lines(shop):
    report = import_orders(GOOD_FILE)

    assert (report.rows, report.created, report.unchanged, report.rejected) == (
        3,
        2,
        0,
        0,
    )
    first, second = order("CSV-1"), order("CSV-2")
    assert [(ln.product.sku, ln.qty, ln.unit_price) for ln in first.lines] == [
        ("SKU-0001", 2, Decimal("9.90")),
        ("SKU-0002", 1, Decimal("4.95")),
    ]
    assert first.source == "csv" and first.ship_city == "Köln"
    assert first.ship_name == "Erika Mustermann"  # taken from customer_name
    assert second.status == OrderStatus.ALLOCATED  # stock was there: reserved at once
    assert first.status != OrderStatus.ALLOCATED  # SKU-0002 has none: backordered
    assert_ledger_balanced()


def test_one_bad_line_rejects_its_whole_order_and_the_others_still_go_in(shop):
    report = import_orders(
        orders_csv(
            line("CSV-1", "SKU-0001", 1),
            line("CSV-2", "SKU-0001", 1),
            line("CSV-2", "SKU-0002", 0),  # quantity must be positive
            line("CSV-2", "NO-SUCH-SKU", 1),
            line("CSV-3", "SKU-0002", 1),
        )
    )

    assert (report.created, report.rejected) == (2, 1)
    (rejection,) = report.rejections
    assert rejection.key == "CSV-2" and rejection.lines == [3, 4, 5]
    assert {(p.line, p.field) for p in rejection.problems} == {
        (4, "quantity"),
        (5, "sku"),
    }
    assert "NO-SUCH-SKU" in " ".join(p.message for p in rejection.problems)
    assert order("CSV-2") is None
    assert count(Order) == 2 and count(OrderLine) == 2  # nothing of CSV-2 is stored
    assert count(Event, Event.action == "order.received") == 2
    assert_ledger_balanced()


def test_a_rejected_order_leaves_no_trace_even_when_the_service_refuses_it(shop):
    before = row_counts()

    report = import_orders(
        orders_csv(line("CSV-9", "SKU-0001", 1), line("CSV-9", "GONE", 1))
    )

    assert report.rejected == 1 and report.created == 0
    assert row_counts() == before


def test_importing_the_same_file_again_changes_nothing(shop):
    import_orders(GOOD_FILE)
    before = row_counts()

    again = import_orders(GOOD_FILE)

    assert (again.created, again.unchanged, again.rejected) == (0, 2, 0)
    assert row_counts() == before
    assert_ledger_balanced()


def test_an_order_already_taken_in_with_other_content_is_a_conflict(shop):
    import_orders(GOOD_FILE)

    report = import_orders(orders_csv(line("CSV-2", "SKU-0001", 3)))

    (rejection,) = report.rejections
    assert rejection.problems[0].field == "external_id"
    assert "different content" in rejection.problems[0].message
    assert [ln.qty for ln in order("CSV-2").lines] == [1]


def test_the_rows_of_one_order_must_agree_on_its_details(shop):
    report = import_orders(
        orders_csv(
            line("CSV-1", "SKU-0001", 1),
            line("CSV-1", "SKU-0002", 1, name="Max Mustermann"),
            # details left empty on a later row are taken from the first
            "CSV-1,,,,,,,,SKU-0002,1,1.00",
        )
    )

    (rejection,) = report.rejections
    (problem,) = rejection.problems
    assert (problem.line, problem.field) == (3, "customer_name")
    assert "line 2" in problem.message
    assert order("CSV-1") is None


def test_a_german_excel_file_with_semicolons_and_decimal_commas_imports(shop):
    data = (
        "\ufeffexternal_id;placed_at;customer_name;ship_line1;ship_postal_code;"
        "ship_city;ship_country;sku;quantity;unit_price\r\n"
        "DE-1;26.11.2026 09:15;Max Muster;Hauptstr. 1;20095;Hamburg;DE;"
        "SKU-0001;2;2,55\r\n"
        "DE-1;;;;;;;SKU-0002;1;1.234,50\r\n"
        ";;;;;;;;;\r\n"
    ).encode()

    report = import_orders(data)

    assert (report.rows, report.created, report.rejected) == (2, 1, 0)
    taken = order("DE-1")
    assert [ln.unit_price for ln in taken.lines] == [
        Decimal("2.55"),
        Decimal("1234.50"),
    ]
    # no offset given: the warehouse's local time (Berlin, UTC+1 in November)
    placed = taken.placed_at.replace(tzinfo=taken.placed_at.tzinfo or UTC)
    assert placed == datetime(2026, 11, 26, 8, 15, tzinfo=UTC)


def test_a_digital_order_needs_no_shipping_address(shop, make_product):
    make_product("EGIFT-25", fulfilment=FulfilmentMode.DIGITAL)

    report = import_orders(
        orders_csv(
            "GIFT-1,2026-11-26T09:15:00Z,Jana Novak,jana@example.com,,,,,EGIFT-25,1,25",
            "BOX-1,2026-11-26T09:15:00Z,Jana Novak,jana@example.com,,,,,SKU-0001,1,2",
        )
    )

    assert report.created == 1
    (rejection,) = report.rejections
    assert rejection.key == "BOX-1"
    assert rejection.problems[0].field == "ship_*"


def test_a_file_with_the_wrong_header_is_refused_naming_the_missing_columns(shop):
    before = row_counts()

    with pytest.raises(CsvFileError) as refused:
        import_orders(b"order,sku,qty\nCSV-1,SKU-0001,1\n")

    message = str(refused.value)
    assert "external_id, placed_at, customer_name, quantity" in message
    assert "Unknown columns: order, qty" in message
    assert row_counts() == before


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty"),
        (b"sku;name\nA;Gr\xfcn\x81;1\n", "Line 2 is not text"),
        (b"PK\x03\x04\x14\x00\x06\x00", "Excel workbook"),
    ],
)
def test_a_file_that_is_not_csv_text_is_refused(app, data, reason):
    with pytest.raises(CsvFileError, match=reason):
        import_products(data)


def test_a_file_with_too_many_rows_is_refused_before_anything_is_stored(app, shop):
    app.config["IMPORT_MAX_ROWS"] = 2

    with pytest.raises(CsvFileError, match="more than 2 rows"):
        import_orders(GOOD_FILE)

    assert count(Order) == 0


# -- products -------------------------------------------------------------------------

PRODUCTS = (
    b"sku,name,barcode,weight_g,fulfilment,tracking,origin_country\n"
    b"MUG-1,Enamel mug,4262000700113,240,in_house,none,cn\n"
    b"HONEY-500,Organic honey 500 g,4262000700144,620,in_house,lot,DE\n"
)


def test_a_products_file_creates_then_updates_then_changes_nothing(app):
    created = import_products(PRODUCTS)
    updated = import_products(PRODUCTS.replace(b"Enamel mug,", b"Enamel mug green,"))
    again = import_products(PRODUCTS.replace(b"Enamel mug,", b"Enamel mug green,"))

    assert (created.created, created.updated, created.unchanged) == (2, 0, 0)
    assert (updated.created, updated.updated, updated.unchanged) == (0, 1, 1)
    assert (again.updated, again.unchanged, again.rejected) == (0, 2, 0)
    mug = db.session.scalar(sa.select(Product).where(Product.sku == "MUG-1"))
    assert (mug.name, mug.weight_g, mug.origin_country) == (
        "Enamel mug green",
        240,
        "CN",
    )
    honey = db.session.scalar(sa.select(Product).where(Product.sku == "HONEY-500"))
    assert honey.tracking == Tracking.LOT


def test_columns_left_out_of_a_products_file_keep_their_values(app):
    catalog.upsert_product(
        sku="MUG-1",
        name="Mug",
        barcode="4262000700113",
        weight_g=240,
        hs_code="732394",
        download_file="",
        active=False,
    )

    report = import_products(b"sku,name,barcode\nMUG-1,Enamel mug,4262000700113\n")

    assert report.updated == 1
    mug = db.session.scalar(sa.select(Product).where(Product.sku == "MUG-1"))
    assert (mug.name, mug.weight_g, mug.hs_code, mug.active) == (
        "Enamel mug",
        240,
        "732394",
        False,
    )


def test_each_bad_product_row_is_rejected_with_every_reason(app):
    report = import_products(
        b"sku;name;barcode;weight_g;fulfilment\n"
        b"OK-1;Fine;4262000700113;10;in_house\n"
        b"BAD 1;;4262000700120;heavy;by_pigeon\n"
        b"XL-1;Big;4,26200E+12;;\n"
        b"OK-1;Twice;4262000700137;;\n"
        b"DUP-1;Same code;4262000700113;;\n"
    )

    assert (report.rows, report.created, report.rejected) == (5, 1, 4)
    reasons = {r.lines[0]: {p.field for p in r.problems} for r in report.rejections}
    assert reasons == {
        3: {"sku", "name", "weight_g", "fulfilment"},
        4: {"barcode"},
        5: {"sku"},
        6: {"barcode"},
    }
    messages = {r.lines[0]: r.problems[0].message for r in report.rejections}
    assert "Excel" in messages[4] and "line 2" in messages[5]
    assert "already taken" in messages[6]
    assert count(Product) == 1


# -- the example files ----------------------------------------------------------------


def test_the_example_files_import_cleanly(shop, make_product):
    products = import_products((IMPORT_EXAMPLES / "import-products.csv").read_bytes())
    for sku in ("85123A", "47566", "22423", "HONEY-250", "23298"):
        make_product(sku, tracking="lot" if sku == "HONEY-250" else "none")
    make_product("EGIFT-25", fulfilment=FulfilmentMode.DIGITAL)

    orders = import_orders((IMPORT_EXAMPLES / "import-orders.csv").read_bytes())

    assert products.rejections == [] and products.created >= 3
    assert orders.rejections == [] and orders.created >= 3


# -- the command line -----------------------------------------------------------------


def test_the_cli_exits_0_when_everything_was_imported(runner, shop, tmp_path):
    path = tmp_path / "orders.csv"
    path.write_bytes(GOOD_FILE)

    result = runner.invoke(args=["import", "orders", str(path)])

    assert result.exit_code == 0, result.output
    assert (
        "3 rows read (Fulfil’s columns, UTF-8); orders: 2 new, 0 unchanged, 0 rejected"
        in result.output
    )


def test_the_cli_lists_each_rejection_and_exits_1(runner, shop, tmp_path):
    path = tmp_path / "orders.csv"
    path.write_bytes(
        orders_csv(line("CSV-1", "SKU-0001", 1), line("CSV-2", "SKU-0001", "two"))
    )

    result = runner.invoke(args=["import", "orders", str(path)])

    assert result.exit_code == 1
    assert "line 3 CSV-2: rejected: quantity: must be a whole number" in (result.output)
    assert "1 new, 0 unchanged, 1 rejected" in result.output
    assert order("CSV-1") is not None


def test_the_cli_exits_2_when_the_file_cannot_be_read(runner, app, tmp_path):
    path = tmp_path / "products.csv"
    path.write_bytes(b"sku,title\nA,B\n")

    wrong_header = runner.invoke(args=["import", "products", str(path)])
    missing = runner.invoke(args=["import", "products", str(tmp_path / "nope.csv")])

    assert wrong_header.exit_code == 2
    assert "lacks the columns: name." in wrong_header.output
    assert missing.exit_code == 2
    assert count(Product) == 0


# -- the manager's page ---------------------------------------------------------------


def upload(data: bytes, kind: str = "orders", name: str = "orders.csv") -> dict:
    return {"kind": kind, "file": (io.BytesIO(data), name)}


def test_the_import_page_needs_a_manager(client, login, post, shop):
    anonymous = client.get("/manage/import")
    login("picker")

    page = client.get("/manage/import")
    upload_attempt = post("/manage/import", upload(GOOD_FILE))

    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]
    assert page.status_code == upload_attempt.status_code == 403
    assert count(Order) == 0


def test_the_manager_home_links_to_the_import_page(client, login):
    login("manager")

    home = client.get("/manage/").get_data(as_text=True)
    page = client.get("/manage/import").get_data(as_text=True)

    assert 'href="/manage/import"' in home
    assert 'enctype="multipart/form-data"' in page and 'name="csrf_token"' in page
    assert "/manage/import/example-orders.csv" in page


def test_an_upload_without_the_csrf_token_is_refused(client, login, shop):
    login("manager")

    response = client.post("/manage/import", data=upload(GOOD_FILE))

    assert response.status_code == 400
    assert count(Order) == 0


def test_the_manager_uploads_a_file_and_sees_the_report(client, login, post, shop):
    manager = login("manager")
    data = orders_csv(line("CSV-1", "SKU-0001", 1), line("CSV-2", "NOPE", 1))

    response = post("/manage/import", upload(data))

    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Orders imported from orders.csv" in page
    assert "1 of 2 were rejected" in page
    assert "CSV-2" in page and "no product with SKU NOPE" in page
    received = db.session.scalar(
        sa.select(Event).where(
            Event.action == "order.received", Event.subject_id == order("CSV-1").id
        )
    )
    assert received.actor_id == manager.id


def test_the_report_comes_as_a_fragment_for_htmx_and_in_german(
    client, login, post, shop
):
    login("manager", language="de")
    data = orders_csv(line("CSV-1", "SKU-0001", 1), line("", "SKU-0001", 1))

    response = post(
        "/manage/import",
        upload(data, name="bestellungen.csv"),
        headers={"HX-Request": "true"},
    )

    fragment = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<html" not in fragment and 'id="import-report"' in fragment
    assert "HX-Request" in response.headers["Vary"]
    assert "bestellungen.csv" in fragment
    assert "external_id</span>: ist erforderlich" in fragment
    assert order("CSV-1") is not None


def test_validation_messages_in_the_german_report_are_german(client, login, post, shop):
    login("manager", language="de")
    data = orders_csv(line("CSV-1", "SKU-0001", "zwei"), line("CSV-2", "SKU-0001", 0))

    fragment = post(
        "/manage/import", upload(data), headers={"HX-Request": "true"}
    ).get_data(as_text=True)

    assert "quantity</span>: muss eine ganze Zahl sein" in fragment
    assert "quantity</span>: muss größer als 0 sein" in fragment
    assert "Input should" not in fragment and "Field required" not in fragment


def test_a_file_that_cannot_be_read_is_refused_on_the_page(client, login, post):
    login("manager")

    response = post("/manage/import", upload(b"sku\nA\n", kind="products"))
    nothing = post("/manage/import", {"kind": "orders"})

    assert response.status_code == 422
    assert "name, barcode" in response.get_data(as_text=True)
    assert nothing.status_code == 422
    assert "Choose a CSV file" in nothing.get_data(as_text=True)


def test_the_example_files_can_be_downloaded(client, login):
    login("manager")

    orders = client.get("/manage/import/example-orders.csv")
    products = client.get("/manage/import/example-products.csv")
    other = client.get("/manage/import/example-users.csv")

    with orders, products:
        assert orders.status_code == products.status_code == 200
        assert orders.mimetype == "text/csv"
        assert "attachment" in orders.headers["Content-Disposition"]
        assert orders.data.startswith(b"external_id,placed_at,")
        assert products.data.startswith(b"sku,name,barcode,")
    assert other.status_code == 404


def test_an_upload_over_the_size_limit_is_refused(app, client, login, post, shop):
    login("manager")
    app.config["MAX_CONTENT_LENGTH"] = 1024

    response = post("/manage/import", upload(GOOD_FILE + b"#" * 2048))

    assert response.status_code == 413
    assert "too large" in response.get_data(as_text=True)
    assert count(Order) == 0
