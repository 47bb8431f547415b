"""A packer at the bench packs a picked order by scanning, and the label works.

The label PDF's QR code is decoded (zxing-cpp on a pypdfium2 render) and opened in a
fresh browser without a login: the tracking page shows the parcel packed.
"""

from types import SimpleNamespace

import pypdfium2 as pdfium
import pytest
import sqlalchemy as sa
import zxingcpp
from playwright.sync_api import Browser, Page, expect

from fulfil.domain.barcodes import make_ean13
from fulfil.extensions import db
from fulfil.models import LocationKind, Warehouse
from fulfil.queries.orders import order_by_external_id
from fulfil.queries.stock import location_by_code
from fulfil.schemas import OrderIn
from fulfil.services import catalog, inventory, layout, orders, picking, users, waves
from tests.browser.helpers import log_in
from tests.conftest import PASSWORD, order_payload
from tests.picking_floor import bench, pick_everything

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def picked_order(live_app):
    """Order PACK-1 (two vases) picked into a tote; a packer, boxes and carriers."""
    with live_app.app_context():
        site = db.session.scalar(sa.select(Warehouse.id).where(Warehouse.code == "WH1"))
        layout.define_location(
            warehouse_id=site, code="PACK-B", kind=LocationKind.PACKING, x=0, y=0
        )
        bin_ = layout.define_location(
            warehouse_id=site, code="PV-1", kind=LocationKind.PICK_FACE, x=4, y=4
        )
        vase = catalog.upsert_product(
            sku="PACK-VASE",
            name="Glass vase",
            barcode=make_ean13("400", 99001),
            weight_g=400,
            length_mm=150,
            width_mm=150,
            height_mm=250,
        )
        other = catalog.upsert_product(
            sku="PACK-OTHER", name="Something else", barcode=make_ean13("400", 99002)
        )
        inventory.receive(
            product_id=vase.id, location_id=bin_.id, qty=2, key="pack-flow-vase"
        )
        bench(SimpleNamespace(id=site))
        payload = order_payload(
            "PACK-1",
            lines=[{"sku": "PACK-VASE", "quantity": 2, "unit_price": "19.90"}],
        )
        orders.receive_order(OrderIn.model_validate(payload))
        shipment = order_by_external_id("PACK-1").shipments[0]
        waves.release(warehouse_id=site, shipment_ids=[shipment.id])
        picker = users.create_user(
            username="percy", password=PASSWORD, roles=["picker"]
        )
        users.create_user(username="paula", password=PASSWORD, roles=["packer"])
        pick_list = picking.claim_next(picker_id=picker.id, warehouse_id=site)
        pick_everything(pick_list.id, picker.id)
        tote = pick_list.slots[0].tote.code
        assert location_by_code(site, tote)
        codes = {"vase": vase.barcode, "other": other.barcode, "tote": tote}
        db.session.remove()
    return codes


def scan(page: Page, label: str, code: str) -> None:
    # htmx is loaded and done with the last answer: the next scan goes through htmx
    page.wait_for_load_state()
    busy = page.locator(".htmx-request, .htmx-swapping, .htmx-settling, .htmx-added")
    expect(busy).to_have_count(0)
    field = page.get_by_label(label)
    expect(field).to_be_focused()
    page.keyboard.type(code)
    page.keyboard.press("Enter")


def test_a_packer_packs_by_scanning_and_the_label_leads_to_tracking(
    page: Page, browser: Browser, browser_context_args, picked_order
):
    log_in(page, "paula", lands_on="Packing")
    scan(page, "Scan a tote or an order number", picked_order["tote"])
    expect(page.get_by_role("heading", name="Order PACK-1 · parcel 1")).to_be_visible()

    scan(page, "Scan each item into the parcel", picked_order["other"])
    refusal = page.locator(".feedback--bad")
    expect(refusal).to_contain_text("is not part of order PACK-1")
    scan(page, "Scan each item into the parcel", picked_order["vase"])
    expect(page.locator(".feedback--ok")).to_have_text("Packed.")
    scan(page, "Scan each item into the parcel", picked_order["vase"])
    # every unit is in: the scan field gives way to box and weight
    expect(page.get_by_label("Scan each item into the parcel")).to_have_count(0)

    # two vases fill more than 85 % of the M box: the L box is suggested (800 g)
    expect(page.get_by_text("suggested: L")).to_be_visible()
    expect(page.get_by_label("Box")).to_have_value("")  # the packer chooses
    page.get_by_label("Box").select_option(label="L · 600×400×400 mm · up to 31.5 kg")
    page.get_by_label("Weight in grams").fill("1620")
    page.get_by_role("button", name="Save box and weight").click()
    expect(page.locator(".feedback--ok")).to_have_text("Weight recorded.")
    page.get_by_label("Carrier").select_option(label="DHL")
    page.get_by_label("Tracking number", exact=False).fill("JJD0099887766")
    page.get_by_role("button", name="Close and label").click()
    expect(page.locator(".feedback--ok")).to_have_text(
        "Parcel closed: print its label."
    )

    label = page.get_by_role("link", name="Label (PDF)")
    pdf = page.request.get(label.get_attribute("href")).body()
    image = pdfium.PdfDocument(pdf)[0].render(scale=4).to_pil()
    tracking_url = next(
        code.text for code in zxingcpp.read_barcodes(image) if "/t/" in code.text
    )

    stranger = browser.new_context(**browser_context_args)  # no login, a phone
    public = stranger.new_page()
    public.goto(tracking_url)
    expect(public.get_by_role("heading", name="Order PACK-1")).to_be_visible()
    expect(public.locator(".step--done")).to_contain_text(
        ["Order received", "Picked", "Packed"]
    )
    expect(public.locator(".step--open")).to_contain_text(
        ["Handed to the carrier", "Delivered"]
    )
    expect(public.get_by_text("JJD0099887766")).to_be_visible()
    stranger.close()
