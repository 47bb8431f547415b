"""The manager's products page: find by typing or scanning, create and edit every
field, refusals named in the reader's language that store nothing, GTINs under the
shop's company prefix, and labels whose printed barcodes scan at the pick and pack
screens."""

import re

import pypdfium2 as pdfium
import pytest
import sqlalchemy as sa
import zxingcpp

from fulfil.config import ConfigError, load_config
from fulfil.domain.barcodes import is_valid_gtin, make_ean13
from fulfil.extensions import db
from fulfil.models import Event, Product
from fulfil.services import catalog, picking
from tests.conftest import csrf_token, row_counts
from tests.integration.test_allocation_race import at_once
from tests.picking_floor import bench, lay_out, order, release, scan_id, stock

PREFIX = "4012345"


@pytest.fixture
def manager(login):
    return login("manager")


def product(sku: str) -> Product:
    db.session.expire_all()
    return db.session.scalar(sa.select(Product).where(Product.sku == sku))


def form(**fields) -> dict:
    """The product form as a browser sends it, every field filled."""
    return {
        "name": "Enamel mug, blue",
        "barcode": "",
        "weight_g": "350",
        "length_mm": "120",
        "width_mm": "100",
        "height_mm": "95",
        "fulfilment": "in_house",
        "tracking": "lot",
        "hs_code": "6912 00 23",
        "origin_country": "CN",
        "supplier": "ACME",
        "download_file": "",
        "max_downloads": "5",
        "active": "yes",
        **fields,
    }


def decoded(pdf: bytes) -> list[list[str]]:
    """The barcodes a scanner reads off each page of a PDF, page by page: the whole
    page of a label printer's roll, each label's cell of an A4 sheet."""
    from fulfil.labels import LABEL_H, LABEL_LEFT, LABEL_PITCH_X, LABEL_TOP, LABEL_W

    scale = 300 / 72  # a 300 dpi print
    pages = []
    for page in pdfium.PdfDocument(pdf):
        image = page.render(scale=scale).to_pil()
        if page.get_width() < 300:  # one label
            pages.append([code.text for code in zxingcpp.read_barcodes(image)])
            continue
        codes = []
        for row in range(8):
            for column in range(3):
                left = (LABEL_LEFT + column * LABEL_PITCH_X) * scale
                top = (LABEL_TOP + row * LABEL_H) * scale
                cell = image.crop(
                    (left, top, left + LABEL_W * scale, top + LABEL_H * scale)
                )
                codes += [code.text for code in zxingcpp.read_barcodes(cell)]
        pages.append(codes)
    return pages


# -- finding ---------------------------------------------------------------------------


def test_products_are_found_by_sku_name_or_a_scanned_barcode(
    client, make_product, manager
):
    make_product("MUG-BLUE", name="Enamel mug, blue", barcode="4006381333931")
    make_product("MUG-RED", name="Enamel mug, red", barcode=None)
    make_product("PLATE", name="Dinner plate")

    by_sku = client.get("/manage/products/?q=mug&live=1").get_data(as_text=True)
    by_name = client.get("/manage/products/?q=PLATE&live=1").get_data(as_text=True)
    # a GTIN-14 scan (a carton's label) finds the product stored with its GTIN-13
    by_scan = client.get("/manage/products/?q=04006381333931&live=1")

    assert "MUG-BLUE" in by_sku and "MUG-RED" in by_sku and "Dinner plate" not in by_sku
    assert "Dinner plate" in by_name and "MUG" not in by_name
    assert "MUG-BLUE" in by_scan.get_data(as_text=True)
    no_barcode = client.get("/manage/products/?q=mug&missing=barcode&live=1")
    assert "MUG-RED" in no_barcode.get_data(as_text=True)
    assert "MUG-BLUE" not in no_barcode.get_data(as_text=True)


def test_a_search_sent_that_finds_one_product_opens_it(client, make_product, manager):
    mug = make_product("MUG-BLUE", barcode="4006381333931")
    make_product("MUG-RED")

    scanned = client.get("/manage/products/?q=4006381333931")
    as_htmx = client.get(
        "/manage/products/?q=4006381333931", headers={"HX-Request": "true"}
    )
    several = client.get("/manage/products/?q=MUG")

    assert scanned.status_code == 303
    assert scanned.headers["Location"].endswith(f"/manage/products/{mug.id}")
    assert as_htmx.headers["HX-Redirect"].endswith(f"/manage/products/{mug.id}")
    assert several.status_code == 200


def test_typing_answers_with_the_list_alone_a_page_at_a_time(
    client, make_product, manager
):
    for number in range(30):
        make_product(f"SKU-{number:03d}", name=f"Item {number}")

    first = client.get("/manage/products/?live=1", headers={"HX-Request": "true"})
    second = client.get("/manage/products/?page=2&live=1").get_data(as_text=True)
    past = client.get("/manage/products/?page=99&live=1").get_data(as_text=True)

    text = first.get_data(as_text=True)
    assert "<html" not in text and 'id="product-list"' in text
    assert "HX-Request" in first.headers["Vary"]
    assert "30 products" in text and "page 1 of 2" in text
    assert "SKU-000" in text and "SKU-024" in text and "SKU-025" not in text
    assert "SKU-025" in second and "SKU-029" in second and "SKU-000" not in second
    assert "page 2 of 2" in past  # past the last page: the last one


def test_an_empty_catalogue_leads_to_the_import(client, manager):
    page = client.get("/manage/products/").get_data(as_text=True)

    assert "No products yet." in page
    assert "/manage/import?kind=products" in page
    assert "/manage/products/new" in page


def test_only_managers_open_the_products_page(client, login):
    login("picker")

    assert client.get("/manage/products/").status_code == 403


# -- creating and editing --------------------------------------------------------------


def test_a_manager_creates_a_product_with_every_field(client, post, manager):
    catalog.upsert_supplier(code="ACME", name="Acme Ceramics")

    created = post("/manage/products/", form(sku="MUG-BLUE"))

    mug = product("MUG-BLUE")
    assert created.status_code == 303
    assert created.headers["Location"].endswith(f"/manage/products/{mug.id}")
    assert (mug.name, mug.barcode, mug.weight_g) == ("Enamel mug, blue", None, 350)
    assert (mug.length_mm, mug.width_mm, mug.height_mm) == (120, 100, 95)
    assert (mug.fulfilment.value, mug.tracking.value) == ("in_house", "lot")
    assert (mug.hs_code, mug.origin_country) == ("69120023", "CN")
    assert mug.supplier.code == "ACME" and mug.active
    page = client.get(created.headers["Location"]).get_data(as_text=True)
    assert "Product MUG-BLUE created." in page
    assert "No barcode: it is picked, packed and received by scanning its SKU." in page
    event = db.session.scalar(
        sa.select(Event).where(
            Event.subject_type == "products", Event.subject_id == mug.id
        )
    )
    assert (event.action, event.actor_id) == ("product.created", manager.id)


def test_a_digital_product_keeps_its_file_and_downloads(client, post, manager):
    post(
        "/manage/products/",
        form(
            sku="EBOOK",
            fulfilment="digital",
            tracking="none",
            supplier="",
            download_file="guide.pdf",
            max_downloads="3",
            weight_g="",
        ),
    )

    ebook = product("EBOOK")
    assert (ebook.download_file, ebook.max_downloads, ebook.weight_g) == (
        "guide.pdf",
        3,
        None,
    )
    page = client.get(f"/manage/products/{ebook.id}").get_data(as_text=True)
    assert "Print labels" not in page  # nothing to scan


def test_a_manager_changes_a_product(client, post, make_product, manager):
    mug = make_product("MUG", weight_g=300)

    saved = post(
        f"/manage/products/{mug.id}",
        form(barcode="4006381333931", supplier="", active="", weight_g="320"),
    )

    assert saved.status_code == 303
    mug = product("MUG")
    assert (mug.barcode, mug.weight_g, mug.active, mug.supplier) == (
        "4006381333931",
        320,
        False,
        None,
    )
    page = client.get(f"/manage/products/{mug.id}").get_data(as_text=True)
    assert "Product MUG saved." in page and "Product MUG changed" in page


def test_saving_without_a_change_records_nothing(client, post, make_product, manager):
    post("/manage/products/", form(sku="MUG", supplier=""))
    mug = product("MUG")
    before = row_counts()

    post(f"/manage/products/{mug.id}", form(supplier=""))

    assert row_counts() == before


def test_refusals_name_every_field_in_german_and_store_nothing(client, post, login):
    login("manager", language="de")
    before = row_counts()

    refused = post(
        "/manage/products/",
        form(
            sku="MUG BLUE",
            name="",
            barcode="4006381333932",
            weight_g="3,5",
            hs_code="69",
            origin_country="XX",
            max_downloads="0",
        ),
    )

    text = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert "Nichts wurde gespeichert" in text
    for said in (
        "SKU: ",
        "Name: ist erforderlich",
        "Barcode: hat eine falsche GTIN-Prüfziffer",
        "Gewicht (g): muss eine ganze Zahl sein",
        "Zolltarifnummer: 6 bis 10 Ziffern",
        "Ursprungsland",
        "Downloads je Bestellung",
    ):
        assert said in text, said
    assert 'aria-invalid="true"' in text
    assert row_counts() == before


def test_a_taken_sku_or_barcode_is_refused_by_its_name(
    client, post, make_product, manager
):
    make_product("MUG", barcode="4006381333931")
    plate = make_product("PLATE", barcode=None)
    before = row_counts()

    same_sku = post("/manage/products/", form(sku="MUG", supplier=""))
    same_barcode = post(
        f"/manage/products/{plate.id}", form(barcode="4006381333931", supplier="")
    )

    assert same_sku.status_code == 409
    assert "SKU MUG is already taken." in same_sku.get_data(as_text=True)
    assert same_barcode.status_code == 409
    assert "Barcode 4006381333931 is already taken." in same_barcode.get_data(
        as_text=True
    )
    assert row_counts() == before
    assert product("PLATE").barcode is None


def test_a_dropship_product_needs_its_supplier(client, post, manager):
    refused = post(
        "/manage/products/", form(sku="BENCH", fulfilment="dropship", supplier="")
    )

    assert refused.status_code == 400
    assert "Supplier: a dropship product needs its supplier" in refused.get_data(
        as_text=True
    )
    assert product("BENCH") is None


# -- GTINs under the company prefix ----------------------------------------------------


def test_without_a_company_prefix_no_gtin_is_given(
    app, client, post, make_product, manager
):
    mug = make_product("MUG", barcode=None)

    page = client.get(f"/manage/products/{mug.id}").get_data(as_text=True)
    refused = post(f"/manage/products/{mug.id}/gtin")

    assert "Give it a barcode" not in page and "GS1_COMPANY_PREFIX" in page
    assert refused.status_code == 409
    assert "No GS1 company prefix is set up" in refused.get_data(as_text=True)
    assert product("MUG").barcode is None


def test_gtins_count_up_under_the_prefix_past_every_number_in_use(
    app, client, post, make_product, manager
):
    app.config["GS1_COMPANY_PREFIX"] = PREFIX
    # numbers products already hold, one stored as GTIN-14
    make_product("OLD-1", barcode=make_ean13(PREFIX, 1))
    make_product("OLD-7", barcode="0" + make_ean13(PREFIX, 7))
    mug = make_product("MUG", barcode=None)
    plate = make_product("PLATE", barcode=None)

    page = client.get(f"/manage/products/{mug.id}").get_data(as_text=True)
    given = post(f"/manage/products/{mug.id}/gtin")
    told = client.get(given.headers["Location"]).get_data(as_text=True)
    post(f"/manage/products/{plate.id}/gtin")

    assert "Give it a barcode" in page
    assert given.status_code == 303
    assert product("MUG").barcode == make_ean13(PREFIX, 8) == "4012345000085"
    assert product("PLATE").barcode == make_ean13(PREFIX, 9)
    assert is_valid_gtin(product("PLATE").barcode)
    assert "MUG now has the barcode 4012345000085." in told
    page = client.get(f"/manage/products/{mug.id}").get_data(as_text=True)
    assert "Barcode 4012345000085 given to MUG" in page  # its history
    assert "Its labels carry it as EAN-13." in page


def test_a_product_with_a_barcode_gets_no_gtin(
    app, client, post, make_product, manager
):
    app.config["GS1_COMPANY_PREFIX"] = PREFIX
    mug = make_product("MUG", barcode="4006381333931")
    before = row_counts()

    refused = post(f"/manage/products/{mug.id}/gtin")

    assert refused.status_code == 409
    assert "MUG already has the barcode 4006381333931." in refused.get_data(
        as_text=True
    )
    assert row_counts() == before


def test_a_full_prefix_is_said(app, make_product):
    app.config["GS1_COMPANY_PREFIX"] = "40123456789"  # ten numbers: 0 to 9
    for number in range(10):
        make_product(f"SKU-{number}", barcode=make_ean13("40123456789", number))
    last = make_product("LAST", barcode=None)

    with pytest.raises(Exception, match="Every GTIN under the company prefix"):
        catalog.assign_gtin(last.id, actor_id=None)


def test_gtins_given_at_the_same_moment_are_all_different(app):
    """Sixteen products numbered at once from eight threads, each product once."""
    app.config["GS1_COMPANY_PREFIX"] = PREFIX
    ids = [
        catalog.upsert_product(sku=f"SKU-{n:02d}", name=f"Item {n}").id
        for n in range(16)
    ]

    at_once(
        8,
        lambda n: [catalog.assign_gtin(i, actor_id=None).barcode for i in ids[n::8]],
    )

    gtins = db.session.scalars(sa.select(Product.barcode)).all()
    assert sorted(gtins) == [make_ean13(PREFIX, n) for n in range(1, 17)]


@pytest.mark.postgres
def test_a_number_saved_another_way_meanwhile_is_skipped(app, database_url):
    """The shop's API writes the next GTIN to another product while the numbering
    runs: the numbering waits on the unique index, meets the clash, counts again."""
    import threading
    import time

    import psycopg

    app.config["GS1_COMPANY_PREFIX"] = PREFIX
    mug = catalog.upsert_product(sku="MUG", name="Mug")
    catalog.upsert_product(sku="OTHER", name="Other")
    db.session.rollback()
    outcome = []

    def number() -> None:
        with app.app_context():
            try:
                outcome.append(catalog.assign_gtin(mug.id, actor_id=None).barcode)
            except Exception as error:  # asserted on below
                outcome.append(error)
            finally:
                db.session.remove()

    libpq = database_url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(libpq) as shop, psycopg.connect(libpq, autocommit=True) as eye:
        shop.execute(
            "UPDATE products SET barcode = %s WHERE sku = 'OTHER'",
            (make_ean13(PREFIX, 1),),
        )
        numbering = threading.Thread(target=number)
        numbering.start()
        for _ in range(100):  # until the numbering waits on the shop's write
            waiting = eye.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
                " AND datname = current_database()"
            ).fetchone()[0]
            if waiting:
                break
            time.sleep(0.05)
        shop.commit()
        numbering.join(timeout=60)

    assert waiting, "the numbering never met the shop's write"
    assert outcome == [make_ean13(PREFIX, 2)]


# -- labels ----------------------------------------------------------------------------


def test_labels_carry_the_sku_as_code128_any_number_of_them(
    client, make_product, manager
):
    mug = make_product("MUG-BLUE/350", name="Enamel mug, blue", barcode=None)

    roll = client.get(f"/manage/products/{mug.id}/labels.pdf?count=3&size=50x30")
    sheet = client.get(f"/manage/products/{mug.id}/labels.pdf?count=30&size=a4")

    assert roll.status_code == 200 and roll.mimetype == "application/pdf"
    assert "labels-MUG-BLUE_350.pdf" in roll.headers["Content-Disposition"]
    assert decoded(roll.data) == [["MUG-BLUE/350"]] * 3  # one label a page
    sheets = decoded(sheet.data)
    assert [len(codes) for codes in sheets] == [24, 6]
    assert {code for codes in sheets for code in codes} == {"MUG-BLUE/350"}


def test_a_gtin13_label_prints_ean13(client, make_product, manager):
    mug = make_product("MUG", barcode="4006381333931")

    roll = client.get(f"/manage/products/{mug.id}/labels.pdf?count=1&size=50x30")

    page = pdfium.PdfDocument(roll.data)[0].render(scale=300 / 72).to_pil()
    (code,) = zxingcpp.read_barcodes(page)
    assert (code.text, code.format) == ("4006381333931", zxingcpp.BarcodeFormat.EAN13)


@pytest.mark.parametrize(
    ("count", "problem"),
    [
        ("0", "must be at least 1"),
        ("", "is required"),
        ("100001", "must be at most 100000"),
        ("zwei", "must be a whole number"),
    ],
)
def test_a_number_of_labels_out_of_bounds_is_refused(
    client, make_product, manager, count, problem
):
    mug = make_product("MUG")

    refused = client.get(f"/manage/products/{mug.id}/labels.pdf?count={count}")

    assert refused.status_code == 400
    assert f"Number of labels: {problem}" in refused.get_data(as_text=True)


def test_a_sku_no_scanner_could_read_back_needs_a_barcode(
    client, make_product, manager
):
    mug = make_product("TASSE BLAU", barcode=None)

    page = client.get(f"/manage/products/{mug.id}").get_data(as_text=True)
    refused = client.get(f"/manage/products/{mug.id}/labels.pdf?count=1")

    assert "cannot be printed as a barcode" in page and "Print labels" not in page
    assert refused.status_code == 409


def test_a_long_sku_is_said_to_print_thin_bars(client, make_product, manager):
    mug = make_product("ENAMEL-MUG-BLUE-350ML-2026", barcode=None)

    page = client.get(f"/manage/products/{mug.id}").get_data(as_text=True)

    assert "its bars are thin" in page


@pytest.mark.parametrize("barcode", [None, "gtin"])
def test_a_printed_label_scans_at_the_pick_and_pack_screens(
    app, client, post, login, warehouse, loc, make_product, barcode
):
    """Print a label, read it as a scanner would, and pick and pack with what it
    says: a SKU label for a product without a barcode, an EAN-13 for a GTIN given
    under the company prefix."""
    app.config["GS1_COMPANY_PREFIX"] = PREFIX
    lay_out(warehouse)
    bench(warehouse)
    mug = make_product("MUG-BLUE", barcode=None)
    login("manager")
    if barcode == "gtin":
        post(f"/manage/products/{mug.id}/gtin")
    pdf = client.get(f"/manage/products/{mug.id}/labels.pdf?count=1").data
    ((printed,),) = decoded(pdf)
    assert printed == (make_ean13(PREFIX, 1) if barcode else "MUG-BLUE")
    stock(mug, loc, {"A-01-1-A": 3})
    placed = order("SHOP-1", {"MUG-BLUE": 2})
    release(warehouse, placed)

    picker = login("picker")
    pick_list = picking.claim_next(picker_id=picker.id, warehouse_id=warehouse.id)
    scan = f"/pick/lists/{pick_list.id}/scan"
    for code in ("A-01-1-A", printed, printed):
        answer = client.post(
            scan,
            data={"code": code, "scan_id": scan_id()},
            headers={"HX-Request": "true", "X-CSRFToken": csrf_token(client)},
        )
        assert answer.status_code == 200, answer.get_data(as_text=True)
    assert "List done" in answer.get_data(as_text=True)

    login("packer")
    tote = re.search(r"T-\d+", pick_list_text(pick_list.id)).group(0)
    opened = post("/pack/open", {"code": tote})
    parcel_url = opened.headers["Location"]
    for _ in range(2):
        packed = client.post(
            parcel_url + "/scan",
            data={"code": printed, "scan_id": scan_id()},
            headers={"HX-Request": "true", "X-CSRFToken": csrf_token(client)},
        )
        assert packed.status_code == 200, packed.get_data(as_text=True)
        assert "Packed." in packed.get_data(as_text=True)


def pick_list_text(pick_list_id: int) -> str:
    from fulfil.models import PickSlot

    slots = db.session.scalars(
        sa.select(PickSlot).where(PickSlot.pick_list_id == pick_list_id)
    ).all()
    return " ".join(slot.tote.code for slot in slots)


# -- the command line and the configuration --------------------------------------------


def test_the_cli_prints_labels_and_numbers_gtins(app, runner, make_product, tmp_path):
    app.config["GS1_COMPANY_PREFIX"] = PREFIX
    make_product("MUG", barcode=None)
    pdf = tmp_path / "mug.pdf"

    printed = runner.invoke(
        args=["product", "label", "MUG", "--count", "2", "--pdf", str(pdf)]
    )
    numbered = runner.invoke(args=["product", "assign-gtin", "MUG"])
    again = runner.invoke(args=["product", "assign-gtin", "MUG"])
    relabelled = runner.invoke(
        args=["product", "label", "MUG", "--size", "a4", "--pdf", str(pdf)]
    )

    assert printed.exit_code == 0, printed.output
    assert "2 × MUG (Code 128 MUG) written to" in printed.output
    assert numbered.output.strip() == f"MUG: {make_ean13(PREFIX, 1)}"
    assert again.exit_code == 1 and "already has the barcode" in again.output
    assert relabelled.exit_code == 0
    assert decoded(pdf.read_bytes()) == [[make_ean13(PREFIX, 1)]]


def test_the_cli_refuses_an_unknown_sku_and_too_many_labels(runner, make_product):
    make_product("MUG")

    unknown = runner.invoke(args=["product", "label", "NOPE"])
    too_many = runner.invoke(args=["product", "label", "MUG", "--count", "100001"])

    assert (
        unknown.exit_code == 1
        and "No product with SKU or barcode NOPE" in unknown.output
    )
    assert too_many.exit_code == 1 and "at most 100000 labels" in too_many.output


@pytest.mark.parametrize("prefix", ["12345", "123456789012", "40-12345", "abcdefg"])
def test_a_company_prefix_is_six_to_eleven_digits(monkeypatch, tmp_path, prefix):
    monkeypatch.setenv("GS1_COMPANY_PREFIX", prefix)

    with pytest.raises(ConfigError, match="GS1_COMPANY_PREFIX"):
        load_config(str(tmp_path))


def test_the_company_prefix_is_unset_by_default(monkeypatch, tmp_path):
    monkeypatch.delenv("GS1_COMPANY_PREFIX", raising=False)

    assert load_config(str(tmp_path))["GS1_COMPANY_PREFIX"] == ""
