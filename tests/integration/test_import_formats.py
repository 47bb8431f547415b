"""Files as shops and spreadsheets really write them: Shopify's and WooCommerce's
product exports, German Excel's Windows-1252 CSV, UTF-16 text and .xlsx workbooks.

The sample files in tests/data/imports were written for these tests from the
platforms' public column documentation (see the README there)."""

import io
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
import sqlalchemy as sa

from fulfil.extensions import db
from fulfil.imports.tables import CP1252, UTF8, UTF16, XLSX
from fulfil.models import FulfilmentMode, Order, Product
from fulfil.services.csv_import import CsvFileError, import_orders, import_products
from tests.conftest import row_counts

FILES = Path(__file__).parents[1] / "data" / "imports"


def product(sku: str) -> Product | None:
    return db.session.scalar(sa.select(Product).where(Product.sku == sku))


def measures(sku: str) -> tuple:
    p = product(sku)
    return (p.weight_g, p.length_mm, p.width_mm, p.height_mm)


def reasons(report) -> dict[int, dict[str, str]]:
    """Each rejected line's problems by the file's column."""
    return {
        r.lines[0]: {p.field: p.message for p in r.problems} for r in report.rejections
    }


# -- Shopify --------------------------------------------------------------------------


def test_a_shopify_export_imports_each_variant_as_a_product(app):
    report = import_products((FILES / "shopify-products.csv").read_bytes())

    assert (report.format, report.encoding) == ("shopify", UTF8)
    assert (report.rows, report.created, report.rejected, report.skipped) == (
        9,
        5,
        2,
        2,
    )
    assert product("BECHER-ROT-300").name == "Emaille-Becher – Rot / 300 ml"
    # the variant's row leaves the product's title empty: taken from its first row
    assert product("BECHER-BLAU-300").name == "Emaille-Becher – Blau / 300 ml"
    assert product("BECHER-ROT-500").barcode == "4260123450021"
    assert product("BECHER-BLAU-300").barcode is None  # optional: scanned by its SKU
    # "Default Title" is Shopify's name for a product without options
    assert product("FILTER-4").name == "Kaffeefilter Größe 4"
    # Variant Grams is grams, whatever unit the shop displays (kg on this row)
    assert product("FILTER-4").weight_g == 85
    assert product("BECHER-ROT-500").weight_g == 310
    gift = product("GIFT-25")  # requires no shipping: a gift card
    assert gift.fulfilment == FulfilmentMode.DIGITAL and gift.weight_g is None
    assert product("BECHER-ROT-300").fulfilment == FulfilmentMode.IN_HOUSE


def test_shopify_rows_without_a_variant_are_skipped_and_bad_ones_reported(app):
    report = import_products((FILES / "shopify-products.csv").read_bytes())

    (images,) = report.skips
    assert images.lines == [5, 6] and "image" in images.reason
    assert set(reasons(report)) == {9, 10}
    assert "SKU" in reasons(report)[9]["Variant SKU"]  # the Teekanne has none
    assert reasons(report)[10] == {"Variant Grams": "is not a number"}
    assert [r.key for r in report.rejections] == ["Teekanne aus Glas", "MILCH-1"]
    assert product("MILCH-1") is None


def test_importing_a_shopify_export_again_changes_nothing(app):
    import_products((FILES / "shopify-products.csv").read_bytes())
    before = row_counts()

    again = import_products((FILES / "shopify-products.csv").read_bytes())

    assert (again.created, again.updated, again.unchanged) == (0, 0, 5)
    assert row_counts() == before


def test_shopify_exports_with_the_2024_column_names_are_recognised(app):
    data = (
        b"Title,URL handle,Description,Option1 name,Option1 value,SKU,Barcode,"
        b"Weight value (grams),Weight unit for display,Requires shipping,Status\n"
        b"Leinenbeutel,leinenbeutel,,Farbe,Natur,BEUTEL-NATUR,4260123450014,"
        b"120,g,TRUE,active\n"
        b",leinenbeutel,,,Schwarz,BEUTEL-SCHWARZ,,125,g,TRUE,\n"
    )

    report = import_products(data)

    assert (report.format, report.created, report.rejected) == ("shopify", 2, 0)
    assert product("BEUTEL-SCHWARZ").name == "Leinenbeutel – Schwarz"
    assert product("BEUTEL-NATUR").weight_g == 120


def test_a_shopify_export_without_skus_is_refused_whole(app):
    with pytest.raises(CsvFileError, match="no SKU column"):
        import_products(b"Handle,Title,Variant Price\nmug,Mug,9.90\n")


def test_a_shopify_export_keeps_what_it_does_not_mention(app):
    import_products(b"sku,name,hs_code,length_mm\nFILTER-4,Filter,482369,250\n")

    import_products((FILES / "shopify-products.csv").read_bytes())

    filter_ = product("FILTER-4")
    assert (filter_.name, filter_.hs_code, filter_.length_mm) == (
        "Kaffeefilter Größe 4",
        "482369",
        250,
    )


# -- WooCommerce ----------------------------------------------------------------------


def test_a_woocommerce_export_imports_simple_products_and_variations(app):
    report = import_products((FILES / "woocommerce-products.csv").read_bytes())

    assert report.format == "woocommerce"
    assert (report.rows, report.created, report.rejected, report.skipped) == (
        11,
        5,
        2,
        4,
    )
    # a variation leaving weight and size empty has its variable product's
    assert measures("HEMD-S") == (250, 300, 250, 30)
    assert measures("HEMD-M") == (270, 310, 260, 30)  # its own; parent as id:10
    assert product("HEMD-S").name == "Leinenhemd - S"
    assert product("HEMD-S").barcode == "4260123450045"
    # a decimal comma, and the barcode from a GTIN plugin's meta column
    assert measures("HONIG-500") == (620, 80, 80, 120)
    assert product("HONIG-500").barcode == "4260123450069"
    assert measures("SCHUERZE-ROT") == (200, 700, 600, 10)
    assert product("REZEPTE-PDF").fulfilment == FulfilmentMode.DIGITAL  # virtual


def test_woocommerce_rows_that_are_no_product_are_skipped_with_the_reason(app):
    report = import_products((FILES / "woocommerce-products.csv").read_bytes())

    skipped = {s.reason.split(":")[0]: s.lines for s in report.skips}
    assert skipped == {
        "a variable product": [2, 10],  # with an SKU or without
        "a grouped product": [8],
        "an external product, sold by another shop": [9],
    }
    assert product("HEMD") is None and product("FRUEHSTUECK") is None
    assert set(reasons(report)) == {5, 12}
    assert "SKU" in reasons(report)[5] and "give it one" in reasons(report)[5]["SKU"]
    assert reasons(report)[12] == {"Weight (kg)": "is not a number"}


def test_woocommerce_units_are_converted_to_grams_and_millimetres(app):
    data = (
        b"ID,Type,SKU,Name,Weight (lbs),Length (in),Width (in),Height (in),Parent\n"
        b"1,simple,KETTLE,Kettle,2.2,10,8,1.5,\n"
        b"2,simple,SPOON,Spoon,,,,,\n"
    )

    report = import_products(data)

    assert report.created == 2
    assert measures("KETTLE") == (998, 254, 203, 38)
    assert measures("SPOON") == (None, None, None, None)


def test_a_woocommerce_column_in_an_unknown_unit_is_refused(app):
    with pytest.raises(CsvFileError, match="Weight \\(stone\\).*stone"):
        import_products(b"ID,Type,SKU,Name,Weight (stone)\n1,simple,A,B,1\n")
    assert product("A") is None


def test_a_variation_without_an_sku_is_reported_not_given_its_parents(app):
    data = b"ID,Type,SKU,Name,Parent\n5,variable,CAP,Cap,\n6,variation,,Cap - Red,CAP\n"

    report = import_products(data)

    assert report.created == 0 and report.rejections[0].lines == [3]
    assert report.rejections[0].key == "Cap - Red"


# -- encodings ------------------------------------------------------------------------


def test_a_windows_1252_file_from_german_excel_imports_with_its_umlauts(app):
    report = import_products((FILES / "produkte-excel-windows-1252.csv").read_bytes())

    assert (report.encoding, report.created, report.rejected) == (CP1252, 3, 1)
    assert product("KAFFEE-MUEHLE").name == "Kaffeemühle „Größe 2“ – Buche"
    assert product("ZUCKER-DOSE").name == "Zuckerdose für 5 €"
    assert measures("KAFFEE-MUEHLE") == (1250, 180, 120, 220)
    assert report.rejections[0].lines == [5]
    assert report.rejections[0].problems[0].field == "sku"


def test_a_windows_1252_orders_file_imports_with_decimal_commas(
    app, warehouse, make_product
):
    make_product("KAFFEE-MUEHLE")
    data = (
        "external_id;placed_at;customer_name;ship_line1;ship_postal_code;ship_city;"
        "ship_country;sku;quantity;unit_price\r\n"
        "W-1;26.11.2026 09:15;Jörg Müller;Königstraße 5;50667;Köln;DE;"
        "KAFFEE-MUEHLE;1;49,90\r\n"
    ).encode("cp1252")

    report = import_orders(data)

    assert (report.encoding, report.created) == (CP1252, 1)
    order = db.session.scalar(sa.select(Order).where(Order.external_id == "W-1"))
    assert (order.customer_name, order.ship_line1, order.ship_city) == (
        "Jörg Müller",
        "Königstraße 5",
        "Köln",
    )
    assert order.lines[0].unit_price == Decimal("49.90")


def test_excel_unicode_text_in_utf_16_imports(app):
    data = "sku\tname\nTEE-1\tGrüner Tee\n".encode("utf-16")

    report = import_products(data)

    assert (report.encoding, report.created) == (UTF16, 1)
    assert product("TEE-1").name == "Grüner Tee"


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        # UTF-8 but for one Latin-1 byte: Windows-1252 would garble every umlaut
        (
            "sku,name\nA-1,Grüner Tee\nA-2,Süßholz\n".encode() + b"A-3,Gr\xfcn\n",
            "Line 4",
        ),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "NUL"),
        (b"%PDF-1.7\n\x01\x02\x03\x04", "Line 2 is not text"),
        (b"sku,name\nA,\x81\n", "Line 2 is not text"),  # a byte cp1252 leaves unused
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00\x00", "old Excel workbook"),
        (b"PK\x03\x04\x14\x00\x06\x00broken", "cannot be read as an Excel workbook"),
    ],
    ids=["mixed-utf8", "png", "pdf", "undefined-cp1252", "xls", "broken-zip"],
)
def test_files_that_are_not_text_or_a_workbook_are_refused(app, data, reason):
    before = row_counts()

    with pytest.raises(CsvFileError, match=reason):
        import_products(data)

    assert row_counts() == before


# -- Excel workbooks ------------------------------------------------------------------


def workbook(*rows: list) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_an_xlsx_workbook_imports_numbers_as_excel_stores_them(app):
    data = workbook(
        ["sku", "name", "barcode", "weight_g"],
        ["MUG-1", "Becher", 4006381333931, 240],  # a number-formatted barcode column
        ["MUG-2", "Tasse", 4260123450014.0, 310.0],
        [None, None, None, None],  # a blank row: skipped, and lines still count
        ["MUG 3", "Kanne", None, 900],
    )

    report = import_products(data)

    assert (report.encoding, report.created, report.rejected) == (XLSX, 2, 1)
    assert product("MUG-1").barcode == "4006381333931"  # not 4.00638E+12
    assert product("MUG-2").barcode == "4260123450014"
    assert product("MUG-2").weight_g == 310
    assert report.rejections[0].lines == [5]  # the sheet's row number


def test_an_xlsx_orders_workbook_takes_dates_and_prices_as_cells(
    app, warehouse, make_product
):
    make_product("MUG-1")
    data = workbook(
        ["external_id", "placed_at", "customer_name", "ship_line1", "ship_city",
         "ship_postal_code", "ship_country", "sku", "quantity", "unit_price"],
        ["X-1", datetime(2026, 11, 26, 9, 15), "Erika Mustermann", "Heidestraße 17",
         "Köln", 51147, "DE", "MUG-1", 2, 9.9],
    )  # fmt: skip

    report = import_orders(data)

    assert (report.created, report.rejected) == (1, 0), report.rejections
    order = db.session.scalar(sa.select(Order).where(Order.external_id == "X-1"))
    placed = order.placed_at.replace(tzinfo=order.placed_at.tzinfo or UTC)
    assert placed == datetime(2026, 11, 26, 8, 15, tzinfo=UTC)  # Berlin time
    assert order.ship_postal_code == "51147"
    assert order.lines[0].unit_price == Decimal("9.90")


def test_a_shopify_export_saved_as_xlsx_is_recognised(app):
    data = workbook(
        ["Handle", "Title", "Option1 Name", "Option1 Value", "Variant SKU",
         "Variant Grams", "Variant Barcode"],
        ["tee", "Grüner Tee", "Gewicht", "100 g", "TEE-100", 110, 4260123450014],
        ["tee", None, None, "250 g", "TEE-250", 270, None],
    )  # fmt: skip

    report = import_products(data)

    assert (report.format, report.encoding, report.created) == ("shopify", XLSX, 2)
    assert product("TEE-250").name == "Grüner Tee – 250 g"
    assert product("TEE-100").barcode == "4260123450014"


def test_an_empty_workbook_is_refused(app):
    with pytest.raises(CsvFileError, match="empty"):
        import_products(workbook())


# -- the command line -----------------------------------------------------------------


def test_the_cli_imports_a_shopify_export_and_says_what_it_skipped(runner, app):
    result = runner.invoke(
        args=["import", "products", str(FILES / "shopify-products.csv")]
    )

    assert result.exit_code == 1  # two rows were rejected, the rest went in
    assert "lines 5, 6: skipped: a further image of the product above" in result.output
    assert "line 10 MILCH-1: rejected: Variant Grams: is not a number" in result.output
    assert "9 rows read (Shopify product export, UTF-8); products: 5 new" in (
        result.output
    )
    assert "2 rows skipped" in result.output
    assert product("BECHER-ROT-300") is not None


def test_the_cli_imports_a_workbook(runner, app, tmp_path):
    path = tmp_path / "produkte.xlsx"
    path.write_bytes(workbook(["sku", "name"], ["TEE-1", "Grüner Tee"]))

    result = runner.invoke(args=["import", "products", str(path)])

    assert result.exit_code == 0, result.output
    assert "(Fulfil’s columns, Excel workbook (.xlsx)); products: 1 new" in (
        result.output
    )
