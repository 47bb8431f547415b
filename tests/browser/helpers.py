"""What the browser tests do again and again: act in the app, log in, scan."""

from playwright.sync_api import Page, expect

from fulfil.domain.barcodes import make_ean13
from fulfil.extensions import db
from fulfil.queries.stock import location_by_code
from fulfil.services import catalog, inventory, waves
from tests.conftest import PASSWORD
from tests.picking_floor import order


def in_app(live_app, work):
    """Run `work` against the live server's database, as the server would."""
    with live_app.app_context():
        try:
            return work()
        finally:
            db.session.remove()


def stocked(
    site: int, products: tuple[tuple[str, int, str], ...], qty: int
) -> dict[str, str]:
    """Products (SKU, number of their EAN-13, bin) made and `qty` of each booked into
    its bin; their barcodes by SKU."""
    barcodes = {}
    for sku, number, bin_code in products:
        product = catalog.upsert_product(
            sku=sku, name=sku.title(), barcode=make_ean13("400", number)
        )
        inventory.receive(
            product_id=product.id,
            location_id=location_by_code(site, bin_code).id,
            qty=qty,
            key=f"stocked-{sku}-{bin_code}",
        )
        barcodes[sku] = product.barcode
    return barcodes


def place_and_release(live_app, site: int, lines: dict[str, dict[str, int]]) -> None:
    def work():
        shipments = []
        for external_id, wanted in lines.items():
            shipments.append(order(external_id, wanted).shipments[0].id)
        waves.release(warehouse_id=site, shipment_ids=shipments)

    in_app(live_app, work)


def log_in(page: Page, username: str, lands_on: str = "Picking") -> None:
    """Log in with the password form, landing on the heading `lands_on`."""
    page.goto("/login")
    page.get_by_text("Log in with password").click()
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in", exact=True).click()
    expect(page.get_by_role("heading", name=lands_on)).to_be_visible()


def settled(page: Page) -> None:
    """htmx is loaded and done with the last answer."""
    page.wait_for_load_state()
    busy = page.locator(".htmx-request, .htmx-swapping, .htmx-settling, .htmx-added")
    expect(busy).to_have_count(0)


def wedge(page: Page, code: str) -> None:
    """What a keyboard-wedge scanner does: type into the focused field, then Enter."""
    settled(page)
    expect(page.get_by_label("Scan", exact=True)).to_be_focused()
    page.keyboard.type(code)
    page.keyboard.press("Enter")


def wait_for_worker(page: Page) -> None:
    """The service worker is installed (its cache filled) and runs: the page may go
    offline now. A worker that fails to install fails here, within 15 s."""
    page.wait_for_function(
        "() => navigator.serviceWorker.ready.then(() => true)", timeout=15_000
    )
