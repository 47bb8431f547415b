"""A shop's first afternoon: from an empty database to the first picked order.

The admin (made on the command line, as the README says) follows the first-run
checklist on a tablet: a warehouse, a two-aisle layout, a Shopify product export and a
German Excel CSV in Windows-1252, opening stock booked at goods-in, a picker, an API
token. The shop sends an order through the API; the admin releases it; the picker
picks it on a phone. No demo, no `flask shell`.
"""

import re
import threading
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect
from werkzeug.serving import make_server

from fulfil.extensions import db
from tests.browser.helpers import settled
from tests.conftest import PASSWORD, _migrate, make_app, order_payload

pytestmark = pytest.mark.browser
FILES = Path(__file__).parents[1] / "data" / "imports"


@pytest.fixture(scope="module")
def empty_install(tmp_path_factory):
    """A fresh database with its migrations, and one admin made by the CLI."""
    url = f"sqlite:///{tmp_path_factory.mktemp('first-run') / 'fulfil.sqlite'}"
    _migrate(url)
    app = make_app(url, SERVER_NAME=None, LOGIN_RATE_LIMIT="100 per minute")
    result = app.test_cli_runner().invoke(
        args=["user", "create", "boss", "--role", "admin", "--password", PASSWORD]
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        db.engine.dispose()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


def device(browser: Browser, playwright, base: str, name: str) -> Page:
    context = browser.new_context(
        **playwright.devices[name], locale="en-GB", base_url=base
    )
    return context.new_page()


def sign_in(page: Page, username: str, lands_on: str) -> None:
    page.goto("/login")
    page.get_by_text("Log in with password").click()
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in", exact=True).click()
    expect(page.get_by_role("heading", name=lands_on)).to_be_visible()


def next_step(page: Page) -> None:
    """Back to the checklist, and on to the step it offers next."""
    page.goto("/setup/")
    page.get_by_role("link", name="Do it now").click()


def scan(page: Page, code: str) -> None:
    settled(page)
    page.get_by_label("Scan", exact=True).focus()
    page.keyboard.type(code)
    page.keyboard.press("Enter")
    settled(page)


def import_file(page: Page, path: Path, read_as: str) -> None:
    page.get_by_role("radio", name="Products").check()
    page.locator("input[name=file]").set_input_files(str(path))
    page.get_by_role("button", name="Import", exact=True).click()
    expect(page.locator("#import-report")).to_contain_text(read_as)


def test_from_an_empty_database_to_the_first_picked_order(
    browser: Browser, playwright, empty_install
):
    tablet = device(browser, playwright, empty_install, "iPad (gen 7)")
    sign_in(tablet, "boss", lands_on="Set up your warehouse")
    expect(tablet.get_by_text("7 steps to go")).to_be_visible()

    # 1. the warehouse
    next_step(tablet)
    expect(tablet.get_by_role("heading", name="Your first warehouse")).to_be_visible()
    tablet.get_by_label("Code").fill("HAM")
    tablet.get_by_label("Name").fill("Hamburg Harbour")
    tablet.get_by_label("Time zone").fill("Europe/Berlin")
    tablet.get_by_role("button", name="Create warehouse").click()
    expect(tablet.locator("#warehouse-HAM")).to_be_visible()

    # 2. two aisles of racks, with their packing, shipping and goods-in areas
    next_step(tablet)
    for label, value in [
        ("Aisles per block", "2"),
        ("Bays per side", "3"),
        ("Levels", "2"),
        ("Pick levels", "1"),
    ]:
        tablet.get_by_label(label, exact=True).fill(value)
        tablet.get_by_label(label, exact=True).dispatch_event("change")
        settled(tablet)
    tablet.get_by_role("button", name="Create 28 locations").click()
    expect(tablet.get_by_role("status")).to_contain_text("28 locations created")

    # 3. the shop's own product files
    next_step(tablet)
    tablet.get_by_role("link", name="Import products (CSV)").click()
    import_file(tablet, FILES / "shopify-products.csv", "Shopify")
    import_file(tablet, FILES / "produkte-excel-windows-1252.csv", "Windows-1252")

    # 4. opening stock, booked at goods-in: bin, item, the carton's count
    next_step(tablet)
    scan(tablet, "A-01-01-A")
    scan(tablet, "4260123450014")  # BECHER-ROT-300, from the Shopify export
    tablet.get_by_label("Units").fill("12")
    tablet.get_by_role("button", name="Book in").click()
    expect(tablet.locator("#receive-state").get_by_role("status")).to_have_text(
        "Booked: 12 × BECHER-ROT-300 into A-01-01-A."
    )

    # 5. a picker
    next_step(tablet)
    form = tablet.locator("form", has=tablet.get_by_role("button", name="Create user"))
    form.get_by_label("Username").fill("pia")
    form.get_by_label("Password").fill(PASSWORD)
    form.get_by_label("Picking").check()
    form.get_by_role("button", name="Create user").click()
    expect(tablet.get_by_text("User pia created.")).to_be_visible()

    # 6. (carriers and boxes wait for the first parcel) 7. the shop's API token
    tablet.goto("/setup/")
    tablet.get_by_role("link", name="Open").last.click()
    tablet.get_by_label("Name").fill("Web shop")
    for scope in ("orders:write", "orders:read"):
        tablet.locator(f"input[name=scopes][value='{scope}']").check()
    tablet.get_by_role("button", name="Create token").click()
    secret = tablet.locator("#secret").input_value()
    tablet.goto("/setup/")
    assert tablet.locator(".checklist .step--done").count() == 6
    expect(tablet.get_by_text("1 step to go")).to_be_visible()

    # the shop sends an order
    body = order_payload(
        "WEB-1001",
        lines=[{"sku": "BECHER-ROT-300", "quantity": 2, "unit_price": "14.90"}],
    )
    sent = tablet.request.post(
        "/api/v1/orders",
        data=body,
        headers={"Authorization": f"Bearer {secret}"},
    )
    assert sent.status == 201, sent.text()
    assert sent.json()["lines"][0]["state"] == "allocated"

    # the admin releases it
    tablet.goto("/manage/waves")
    tablet.get_by_label("Release WEB-1001").check()
    tablet.get_by_role("button", name="Release").click()
    expect(tablet.get_by_text("Released 1 pick list.")).to_be_visible()

    # and the picker picks it on a phone
    phone = device(browser, playwright, empty_install, "Pixel 7")
    sign_in(phone, "pia", lands_on="Picking")
    phone.get_by_role("button", name="Start picking").click()
    task = phone.locator("#task")
    expect(task.locator(".location")).to_have_text("A-01-01-A")
    scan(phone, "A-01-01-A")
    for _ in range(2):
        scan(phone, "4260123450014")
    expect(task.get_by_role("heading", name="List done")).to_be_visible()
    expect(task).to_contain_text(re.compile("WEB-1001"))

    shop = tablet.request.get(
        "/api/v1/orders/WEB-1001", headers={"Authorization": f"Bearer {secret}"}
    )
    assert shop.json()["status"] == "picked"
