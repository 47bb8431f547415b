"""A manager on a tablet lays out an empty hall: two aisles previewed, created once,
one bin moved on the bins page."""

import pytest
import sqlalchemy as sa
from playwright.sync_api import Browser, expect

from fulfil.extensions import db
from fulfil.models import Location
from fulfil.services import layout, users
from tests.browser.helpers import in_app, log_in, settled
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


@pytest.fixture
def tablet(browser: Browser, playwright, base_url):
    context = browser.new_context(
        **playwright.devices["iPad (gen 7)"], locale="en-GB", base_url=base_url
    )
    yield context.new_page()
    context.close()


@pytest.fixture
def hall(live_app) -> int:
    def work():
        site = layout.create_warehouse(code="HALL2", name="Empty hall")
        users.create_user(
            username="mira", password=PASSWORD, roles=["manager"], warehouse_id=site.id
        )
        return site.id

    return in_app(live_app, work)


def locations(live_app, site: int) -> dict[str, tuple[float, float]]:
    def work():
        return {
            loc.code: (loc.x, loc.y)
            for loc in db.session.scalars(
                sa.select(Location).where(
                    Location.warehouse_id == site, ~Location.code.startswith("@")
                )
            )
        }

    return in_app(live_app, work)


def test_a_manager_generates_a_two_aisle_layout_on_a_tablet(tablet, live_app, hall):
    page = tablet
    log_in(page, "mira", lands_on="Floor overview")
    page.get_by_role("link", name="Layout and bins").click()
    expect(page.get_by_role("heading", name="0 bins found")).to_be_visible()
    page.get_by_role("link", name="Generate the layout").first.click()

    for label, value in [
        ("Aisles per block", "2"),
        ("Bays per side", "3"),
        ("Levels", "2"),
        ("Pick levels", "1"),
    ]:
        page.get_by_label(label, exact=True).fill(value)
        page.get_by_label(label, exact=True).dispatch_event("change")
        settled(page)
    create = page.get_by_role("button", name="Create 28 locations")
    expect(create).to_be_visible()
    expect(page.locator(".layout-map svg .rack--new")).to_have_count(12)
    create.click()

    expect(page.get_by_role("status")).to_have_text(
        "28 locations created. Next, print their labels and stick them on the racks."
    )
    expect(page.get_by_role("link", name="Print the labels (PDF)")).to_be_visible()
    expect(page.get_by_role("button", name="Create 28 locations")).to_have_count(0)
    made = locations(live_app, hall)
    assert len(made) == 28 and made["A-02-06-B"] == (4.5, 10.0)

    page.reload()  # the same plan again: nothing left to create
    expect(page.get_by_role("button", name="Create 28 locations")).to_have_count(0)
    expect(page.locator(".layout-map svg .rack--there")).to_have_count(12)
    assert locations(live_app, hall) == made

    page.get_by_role("link", name="Bins", exact=True).click()
    page.get_by_label("Code contains").fill("a-02-06-b")
    settled(page)
    expect(page.get_by_role("heading", name="1 bin found")).to_be_visible()
    page.get_by_role("link", name="A-02-06-B").click()
    page.get_by_label("y (m from the dock wall)").fill("10,6")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_have_text("A-02-06-B saved.")
    assert locations(live_app, hall)["A-02-06-B"] == (4.5, 10.6)
