"""A manager adds a product on a tablet (and on a phone), prints its labels, and finds
it again by scanning one of them into the search field.

The PDF the browser gets is read as a scanner would (zxing-cpp on a pypdfium2
render): each label carries the SKU as Code 128, as the product has no barcode.
"""

import pypdfium2 as pdfium
import pytest
import zxingcpp
from playwright.sync_api import Browser, expect

from fulfil.services import users
from tests.browser.helpers import in_app, log_in
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


@pytest.mark.parametrize(
    ("device", "sku"), [("Galaxy Tab S4", "TAB-MUG"), ("Pixel 7", "PHONE-MUG")]
)
def test_a_manager_adds_a_product_prints_labels_and_scans_one_back(
    browser: Browser, playwright, base_url, live_app, device, sku
):
    username = f"mia-{sku.lower()}"
    in_app(
        live_app,
        lambda: users.create_user(
            username=username, password=PASSWORD, roles=["manager"]
        ),
    )
    context = browser.new_context(
        **playwright.devices[device], base_url=base_url, locale="en-GB"
    )
    page = context.new_page()
    log_in(page, username, lands_on="Floor overview")

    page.get_by_role("link", name="Products: find, add, print labels").click()
    page.get_by_role("link", name="New product").click()
    page.get_by_label("SKU").fill(sku)
    page.get_by_label("Name", exact=True).fill("Enamel mug, blue")
    page.get_by_label("Barcode").fill("4006381333932")  # a misread digit
    page.get_by_label("Weight (g)").fill("350")
    page.get_by_label("Tracking").select_option("lot")
    page.get_by_label("Country of origin").select_option("CN")
    page.get_by_role("button", name="Create product").click()
    expect(page.get_by_role("alert")).to_contain_text(
        "Barcode: has a wrong GTIN check digit"
    )
    expect(page.get_by_label("Name", exact=True)).to_have_value("Enamel mug, blue")
    page.get_by_label("Barcode").fill("")  # none: its labels carry the SKU
    page.get_by_role("button", name="Create product").click()
    expect(page.get_by_text(f"Product {sku} created.")).to_be_visible()
    expect(page.get_by_label("Tracking")).to_have_value("lot")

    page.get_by_label("Number of labels").fill("3")
    with page.expect_response(lambda r: "/labels.pdf?" in r.url) as answer:
        page.get_by_role("button", name="Print labels (PDF)").click()
    assert answer.value.headers["content-type"] == "application/pdf"
    # the browser's PDF viewer reads it in ranges: fetch the whole file it opened
    pdf = context.request.get(answer.value.url).body()
    renders = [p.render(scale=300 / 72).to_pil() for p in pdfium.PdfDocument(pdf)]
    read = [[code.text for code in zxingcpp.read_barcodes(r)] for r in renders]
    assert read == [[sku]] * 3

    page.go_back()
    page.get_by_role("link", name="All products").click()
    search = page.get_by_label("Find by SKU, name or barcode")
    expect(search).to_be_focused()
    page.keyboard.type(read[0][0])  # what a wedge scanner types, then Enter
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name=sku)).to_be_visible()
    assert not page.evaluate(
        "document.documentElement.scrollWidth > window.innerWidth"
    ), "the page is wider than the screen"
    context.close()
