"""The handheld on a phone (Pixel 7 in Chromium): what is in view, where a scanner's
typing lands, and no keyboard on arrival.

A keyboard-wedge scanner types its code a few milliseconds a key and presses Enter
(Playwright's keyboard.type without delay); a person types a key every tenth of a
second or slower (keyboard.type with a delay).
"""

import pytest
import sqlalchemy as sa
from playwright.sync_api import Page, expect

from fulfil.domain.barcodes import make_ean13
from fulfil.extensions import db
from fulfil.models import LocationKind, StockMove, Warehouse
from fulfil.queries.stock import location_by_code
from fulfil.services import layout, users
from tests.browser.helpers import (
    in_app,
    log_in,
    place_and_release,
    settled,
    stocked,
    wedge,
)
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser

HUMAN_MS = 150  # between two keys typed by a person

# The element that has the focus, if it would raise the phone's on-screen keyboard:
# a text field whose inputmode is not "none".
KEYBOARD_RAISER = """() => {
  const a = document.activeElement;
  if (!a || !a.matches('input, textarea, select, [contenteditable]')) return null;
  if (a.matches('[type=checkbox], [type=radio], [type=submit]')) return null;
  return a.getAttribute('inputmode') === 'none' ? null : (a.id || a.name || a.tagName);
}"""


PRODUCTS = (("HAND-CUP", 55101, "HAND-1"), ("HAND-JAR", 55102, "HAND-2"))


@pytest.fixture(scope="module")
def site(live_app):
    """A site of its own: a receiving bin, the packing area, two pick faces far apart,
    two products and a receiver."""

    def build():
        found = db.session.scalar(
            sa.select(Warehouse.id).where(Warehouse.code == "HAND")
        )
        if found is None:
            found = layout.create_warehouse(code="HAND", name="Handheld site").id
            for code, kind, x, y in (
                ("HAND-PACK", LocationKind.PACKING, 0, 0),
                ("HAND-RECV", LocationKind.RECEIVING, 0, 1),
                ("HAND-1", LocationKind.PICK_FACE, 2, 3),
                ("HAND-2", LocationKind.PICK_FACE, 2, 12),
            ):
                layout.define_location(
                    warehouse_id=found, code=code, kind=kind, aisle="H", x=x, y=y
                )
            users.create_user(
                username="rico",
                password=PASSWORD,
                roles=["receiver"],
                warehouse_id=found,
            )
            stocked(found, PRODUCTS, 50)
        return found, {sku: make_ean13("400", number) for sku, number, _ in PRODUCTS}

    return in_app(live_app, build)


def at_first_bin(page: Page, live_app, site, external_id: str) -> dict[str, str]:
    """A picker of this test's own has a list (3 cups from HAND-1, then a jar from
    HAND-2) and stands at its first bin."""
    where, barcodes = site
    picker = external_id.lower()
    in_app(
        live_app,
        lambda: users.create_user(
            username=picker, password=PASSWORD, roles=["picker"], warehouse_id=where
        ),
    )
    place_and_release(live_app, where, {external_id: {"HAND-CUP": 3, "HAND-JAR": 1}})
    log_in(page, picker)
    page.get_by_role("button", name="Start picking").click()
    expect(page.locator("#task .location")).to_have_text("HAND-1")
    wedge(page, "HAND-1")
    expect(page.locator("#task")).to_contain_text("Scan the product")
    settled(page)
    return barcodes


def key_in_quantity(page: Page, qty: str) -> None:
    page.get_by_text("Many units? Key in the quantity").click()
    page.get_by_label("Quantity for the next product scan").click()
    page.keyboard.type(qty, delay=HUMAN_MS)


def picked(live_app, external_id: str) -> list[tuple[str, int]]:
    def read():
        return [
            (m.product.sku, m.qty)
            for m in db.session.scalars(
                sa.select(StockMove).where(
                    StockMove.reason == "pick", StockMove.reference == external_id
                )
            )
        ]

    return in_app(live_app, read)


def test_after_a_keyed_quantity_the_next_bin_is_in_view(page: Page, live_app, site):
    barcodes = at_first_bin(page, live_app, site, "HAND-Q1")
    task = page.locator("#task")

    key_in_quantity(page, "3")
    expect(task.locator(".location")).not_to_be_in_viewport()  # scrolled down to it
    page.keyboard.press("Enter")  # a person's Enter: on to the scan field
    wedge(page, barcodes["HAND-CUP"])

    expect(task.locator(".location")).to_have_text("HAND-2")
    expect(task.locator(".location")).to_be_in_viewport()
    expect(task.locator(".feedback--ok")).to_be_in_viewport()
    assert picked(live_app, "HAND-Q1") == [("HAND-CUP", 3)]


def test_a_scan_typed_into_the_focused_quantity_field_lands_as_a_scan(
    page: Page, live_app, site
):
    barcodes = at_first_bin(page, live_app, site, "HAND-Q2")
    task = page.locator("#task")
    key_in_quantity(page, "2")
    expect(page.get_by_label("Quantity for the next product scan")).to_be_focused()

    page.keyboard.type(barcodes["HAND-CUP"])  # the scanner's burst
    page.keyboard.press("Enter")

    expect(task.locator(".feedback--ok")).to_be_visible()
    expect(task).to_contain_text("2 picked")  # the keyed quantity went with it
    expect(task.locator(".location")).to_be_in_viewport()
    expect(page.get_by_label("Scan", exact=True)).to_be_focused()
    assert picked(live_app, "HAND-Q2") == [("HAND-CUP", 2)]


def test_a_person_typing_in_the_quantity_field_keeps_it(page: Page, live_app, site):
    barcodes = at_first_bin(page, live_app, site, "HAND-Q3")
    quantity = page.get_by_label("Quantity for the next product scan")

    key_in_quantity(page, "123")  # slowly, as fingers do: no scan

    expect(quantity).to_have_value("123")
    expect(quantity).to_be_focused()
    expect(page.get_by_label("Scan", exact=True)).to_have_value("")
    assert barcodes and picked(live_app, "HAND-Q3") == []


@pytest.mark.parametrize(
    ("who", "path", "heading"),
    [
        (None, "/login", "Log in"),
        ("pia", "/pick/", "Picking"),  # no list of her own: the bin lookup waits
        ("rico", "/receive/", "Receiving"),
    ],
)
def test_no_screen_raises_the_keyboard_on_arrival(page: Page, site, who, path, heading):
    if who:
        log_in(page, who, lands_on=heading)
    page.goto(path)
    expect(page.get_by_role("heading", name=heading)).to_be_visible()
    settled(page)

    assert page.evaluate(KEYBOARD_RAISER) is None
    # the scanner can type at once: the scan field has the focus, keyboard closed
    scan = page.locator("input[data-autofocus]")
    expect(scan).to_be_focused()
    expect(scan).to_have_attribute("inputmode", "none")


def test_type_a_code_opens_the_keyboard_on_request(page: Page, site):
    log_in(page, "rico", lands_on="Receiving")
    settled(page)

    page.get_by_role("button", name="Type a code").click()

    scan = page.get_by_label("Scan", exact=True)
    expect(scan).to_be_focused()
    expect(scan).to_have_attribute("inputmode", "text")


def test_goods_in_by_scans_and_a_carton_count_with_at_most_one_keyboard(
    page: Page, live_app, site
):
    where, barcodes = site
    log_in(page, "rico", lands_on="Receiving")
    state = page.locator("#receive-state")
    page.evaluate(
        "raiser => { window.keyboards = 0; document.addEventListener('focusin',"
        " () => { if ((" + KEYBOARD_RAISER + ")()) window.keyboards += 1; }); }",
    )

    wedge(page, "HAND-PACK")
    expect(state.get_by_role("alert")).to_contain_text(
        "HAND-PACK is the packing area. Book deliveries into a receiving or storage"
    )
    wedge(page, "HAND-RECV")
    for _ in range(3):  # the item, then each further unit
        wedge(page, barcodes["HAND-JAR"])
    expect(page.get_by_label("Units")).to_have_value("3")
    page.get_by_role("button", name="Book in").click()
    expect(state.get_by_role("status")).to_have_text(
        "Booked: 3 × HAND-JAR into HAND-RECV."
    )
    assert page.evaluate("window.keyboards") == 0  # scans only: no keyboard

    wedge(page, barcodes["HAND-CUP"])
    page.get_by_label("Units").click()  # a full carton: its count keyed in once
    page.keyboard.press("Control+A")
    page.keyboard.type("48", delay=HUMAN_MS)
    page.get_by_role("button", name="Book in").click()
    expect(state.get_by_role("status")).to_have_text(
        "Booked: 48 × HAND-CUP into HAND-RECV."
    )
    assert page.evaluate("window.keyboards") == 1

    def booked():
        return sorted(
            (m.product.sku, m.qty)
            for m in db.session.scalars(
                sa.select(StockMove).where(
                    StockMove.reason == "receive",
                    StockMove.to_location_id == location_by_code(where, "HAND-RECV").id,
                )
            )
        )

    assert in_app(live_app, booked) == [("HAND-CUP", 48), ("HAND-JAR", 3)]
