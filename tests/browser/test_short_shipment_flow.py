"""A short pick with no stock anywhere else, told the same way to everyone.

On a phone: the picker finds 7 of 8 cups; the packer's bench says "7 of 8 · 1 short"
and that the eighth follows; the parcel ships with 7. The shop's API and webhooks say
7 shipped and 1 backordered, customer service and the tracking page show a partial
shipment, and a later receipt ships the eighth. A second order's missing cup is
cancelled by the manager in one tap, and every view says so.
"""

import json
import re
from types import SimpleNamespace

import pytest
import sqlalchemy as sa
from playwright.sync_api import Browser, Page, expect

from fulfil.domain.barcodes import make_ean13
from fulfil.extensions import db
from fulfil.models import Carrier, LocationKind, Order, Warehouse, WebhookDelivery
from fulfil.queries.orders import order_by_external_id
from fulfil.queries.stock import location_by_code, product_by_code
from fulfil.queries.tracking import tracking_token
from fulfil.queries.users import user_by_username
from fulfil.schemas import OrderIn
from fulfil.services import (
    catalog,
    inventory,
    layout,
    orders,
    packing,
    picking,
    shipping,
    tokens,
    users,
    waves,
    webhooks,
)
from tests.browser.helpers import in_app, log_in, settled, wedge
from tests.conftest import PASSWORD, order_payload
from tests.picking_floor import bench, pick_everything, scan_id

pytestmark = pytest.mark.browser
CUP_BARCODE = make_ean13("400", 78801)


@pytest.fixture(scope="module")
def site(live_app):
    """A site of its own: eight cups on the books in one bin, nowhere else."""

    def build():
        found = db.session.scalar(
            sa.select(Warehouse.id).where(Warehouse.code == "SHORT")
        )
        if found is not None:  # pytest may set a module up twice
            return found
        site = layout.create_warehouse(code="SHORT", name="Short test site").id
        layout.define_location(
            warehouse_id=site, code="SP-PACK", kind=LocationKind.PACKING, x=0, y=0
        )
        for code, x in (("SP-1", 3), ("SP-2", 5)):
            layout.define_location(
                warehouse_id=site, code=code, kind=LocationKind.PICK_FACE, x=x, y=3
            )
        bench(SimpleNamespace(id=site))
        cup = catalog.upsert_product(
            sku="SHORT-CUP",
            name="Stoneware cup",
            barcode=CUP_BARCODE,
            weight_g=300,
            length_mm=100,
            width_mm=100,
            height_mm=90,
        )
        inventory.receive(
            product_id=cup.id,
            location_id=location_by_code(site, "SP-1").id,
            qty=8,
            key="short-flow-cups",
        )
        for username, role in (
            ("sid", "picker"),
            ("pam", "packer"),
            ("max", "manager"),
            ("cora", "customer_service"),
        ):
            users.create_user(
                username=username, password=PASSWORD, roles=[role], warehouse_id=site
            )
        webhooks.subscribe("https://shop.example/fulfil", ["*"])
        return site

    return in_app(live_app, build)


def place(live_app, site, external_id, cups, release=True):
    def work():
        body = order_payload(
            external_id,
            warehouse="SHORT",
            lines=[{"sku": "SHORT-CUP", "quantity": cups, "unit_price": "6.50"}],
        )
        orders.receive_order(OrderIn.model_validate(body))
        if release:
            shipment = order_by_external_id(external_id).shipments[-1]
            waves.release(warehouse_id=site, shipment_ids=[shipment.id])

    in_app(live_app, work)


def shop_sees(page: Page, live_app, external_id) -> dict:
    """The order as the shop reads it through the API."""
    secret = in_app(
        live_app,
        lambda: tokens.create_token(name="shop", scopes=["orders:read"])[1],
    )
    response = page.request.get(
        f"/api/v1/orders/{external_id}", headers={"Authorization": f"Bearer {secret}"}
    )
    assert response.status == 200
    return response.json()


def webhooks_sent(live_app, event_type, external_id) -> list[dict]:
    def read():
        bodies = db.session.scalars(
            sa.select(WebhookDelivery.payload)
            .where(WebhookDelivery.event_type == event_type)
            .order_by(WebhookDelivery.id)
        )
        return [json.loads(body)["data"] for body in bodies]

    found = in_app(live_app, read)
    return [
        data
        for data in found
        if external_id
        in (
            data.get("order", {}).get("external_id"),
            data.get("shipment", {}).get("order_external_id"),
        )
    ]


def pack_and_close(page: Page, units: int, tracking: str) -> None:
    """At the bench: the units with one scan and a count, the box, the weight."""
    page.get_by_text("Many units? Key in the quantity").click()
    page.get_by_label("Units for the next scan").fill(str(units))
    field = page.get_by_label("Scan each item into the parcel")
    field.fill(CUP_BARCODE)
    field.press("Enter")
    expect(page.locator(".feedback--ok")).to_have_text("Packed.")
    box = page.locator("#box option", has_text=re.compile(r"^M ·"))
    box = box.get_attribute("value")
    page.get_by_label("Box").select_option(box)
    page.get_by_label("Weight in grams").fill(str(units * 300 + 300))
    page.get_by_role("button", name="Save box and weight").click()
    expect(page.locator(".feedback--ok")).to_have_text("Weight recorded.")
    page.get_by_label("Carrier").select_option(label="DHL")
    page.get_by_label("Tracking number", exact=False).fill(tracking)
    page.get_by_role("button", name="Close and label").click()
    expect(page.locator(".feedback--ok")).to_have_text(
        "Parcel closed: print its label."
    )


def ship_later_parcel(live_app, site, external_id):
    """A cup arrives; the backorder, allocated at once, goes the usual way (the
    services do it: the screens were shown above)."""

    def work():
        receive_cups(site, 1)
        shipment = order_by_external_id(external_id).shipments[-1]
        waves.release(warehouse_id=site, shipment_ids=[shipment.id])
        picker, packer = user_by_username("sid"), user_by_username("pam")
        pick_list = picking.claim_next(picker_id=picker.id, warehouse_id=site)
        pick_everything(pick_list.id, picker.id)
        parcel = packing.open_shipment(
            code=external_id, warehouse_id=site, packer_id=packer.id
        )
        packing.scan_item(
            parcel.id, code=CUP_BARCODE, packer_id=packer.id, scan_id=scan_id()
        )
        packing.weigh(
            parcel.id, box_id=packing.suggest_box(db.session, parcel).id, weight_g=420
        )
        dhl = db.session.scalar(sa.select(Carrier.id).where(Carrier.code == "DHL"))
        packing.close_parcel(
            parcel.id,
            carrier_id=dhl,
            tracking_number=f"JJD-LATER-{external_id}",
            packer_id=packer.id,
        )
        shipping.hand_over(warehouse_id=site, carrier_id=dhl)

    in_app(live_app, work)


def receive_cups(site, units):
    """Cups arrive in SP-2 (SP-1, found short, waits for its count)."""
    inventory.receive(
        product_id=product_by_code("SHORT-CUP").id,
        location_id=location_by_code(site, "SP-2").id,
        qty=units,
        key=f"short-flow-{scan_id()}",
    )


def test_seven_ship_now_and_the_eighth_follows_everyone_agreeing(
    page: Page, browser: Browser, browser_context_args, live_app, site
):
    place(live_app, site, "SHORT-8", 8)

    # the picker: the bin holds 7 of the 8 on the list, and no other bin has cups
    log_in(page, "sid")
    page.get_by_role("button", name="Start picking").click()
    wedge(page, "SP-1")
    settled(page)
    page.get_by_text("Fewer units here, or damaged?").click()
    page.get_by_label("Good units found in this bin").fill("7")
    page.get_by_role("button", name="Report short pick").click()
    for _ in range(7):
        wedge(page, CUP_BARCODE)
    expect(
        page.locator("#task").get_by_role("heading", name="List done")
    ).to_be_visible()

    # the packer: the bench tells the short and what becomes of the missing cup
    page.context.clear_cookies()
    log_in(page, "pam", lands_on="Packing")
    field = page.get_by_label("Scan a tote or an order number")
    field.fill("SHORT-8")
    field.press("Enter")
    expect(page.get_by_role("heading", name="Order SHORT-8 · parcel 1")).to_be_visible()
    expect(page.get_by_text("7 of 8 · 1 short")).to_be_visible()
    expect(
        page.get_by_text("follows in a later parcel when stock arrives")
    ).to_be_visible()
    pack_and_close(page, 7, "JJD-SHORT-8")
    page.goto("/dock/")
    page.get_by_role("button", name="Hand 1 parcel to DHL").click()

    # the shop
    order = shop_sees(page, live_app, "SHORT-8")
    (line,) = order["lines"]
    assert line["state"] == "partially_shipped"
    assert (line["quantities"]["shipped"], line["quantities"]["backordered"]) == (7, 1)
    assert order["status"] == "backordered"
    (short,) = webhooks_sent(live_app, "order.line_short", "SHORT-8")
    assert (short["event"]["qty"], short["event"]["decision"]) == (1, "backorder")
    (shipped,) = webhooks_sent(live_app, "shipment.shipped", "SHORT-8")
    assert shipped["shipment"]["lines"][0]["shipped"] == 7

    # customer service and the customer
    page.context.clear_cookies()
    log_in(page, "cora", lands_on="Orders")
    page.get_by_label("Order number, customer name or e-mail").fill("SHORT-8")
    page.get_by_role("link", name="SHORT-8").click()
    expect(
        page.get_by_text("7 shipped · 1 waiting for stock · 1 found short")
    ).to_be_visible()
    first = in_app(live_app, lambda: order_by_external_id("SHORT-8").shipments[0].id)
    customer = browser.new_context(**browser_context_args)
    public = customer.new_page()
    public.goto(f"/t/{in_app(live_app, lambda: tracking_token(first))}")
    expect(public.get_by_role("heading", name="Partly on its way")).to_be_visible()
    expect(
        public.get_by_text("7 on the way · 1 follow in a later parcel")
    ).to_be_visible()
    customer.close()

    # a cup arrives: the backorder takes it and ships as a later parcel
    ship_later_parcel(live_app, site, "SHORT-8")
    order = shop_sees(page, live_app, "SHORT-8")
    assert order["lines"][0]["state"] == "shipped"
    assert order["lines"][0]["quantities"]["shipped"] == 8
    assert order["status"] == "shipped"


def test_the_manager_cancels_a_missing_cup_in_one_tap(page: Page, live_app, site):
    in_app(live_app, lambda: receive_cups(site, 2))
    place(live_app, site, "SHORT-2", 2)

    def short_pick():
        picker = user_by_username("sid")
        pick_list = picking.claim_next(picker_id=picker.id, warehouse_id=site)
        picking.scan(pick_list.id, picker_id=picker.id, scan_id=scan_id(), code="SP-2")
        picking.short_pick(
            pick_list.id, picker_id=picker.id, scan_id=scan_id(), found=1
        )
        pick_everything(pick_list.id, picker.id)

    in_app(live_app, short_pick)
    log_in(page, "max", lands_on="Floor overview")
    page.goto("/manage/exceptions")
    entry = page.locator("li.exception", has_text="order SHORT-2").filter(
        has=page.locator(".status--short")
    )
    expect(entry).to_contain_text("1 unit follows in a later parcel")
    entry.get_by_role("button", name="Cancel them instead").click()
    expect(
        page.get_by_text("Order SHORT-2: missing units are cancelled.")
    ).to_be_visible()

    order = shop_sees(page, live_app, "SHORT-2")
    (line,) = order["lines"]
    assert line["quantities"]["cancelled"] == 1
    assert line["quantities"]["backordered"] == 0
    decisions = [
        e["event"]["decision"]
        for e in webhooks_sent(live_app, "order.line_short", "SHORT-2")
    ]
    assert decisions == ["backorder", "cancel"]
    assert (
        in_app(
            live_app,
            lambda: db.session.scalar(
                sa.select(Order.short_policy).where(Order.external_id == "SHORT-2")
            ),
        )
        == "ship_partial_cancel_rest"
    )
