"""A picker keeps picking through a Wi-Fi gap, and no scan is lost or counted twice.

Chromium on a phone viewport: the list is claimed online, then the network goes
(`set_offline`). Scans are checked on the phone, a wrong one refused there; the page
is reloaded without the network and still knows where the picker was. Back online
the queue is sent, and a send cut half-way (the server applied the scan, the answer
never arrived) is sent again: the ledger holds exactly the units scanned.
"""

import re

import pytest
import sqlalchemy as sa
from playwright.sync_api import Page, expect

from fulfil.domain.barcodes import make_ean13
from fulfil.extensions import db
from fulfil.models import (
    ExceptionKind,
    LocationKind,
    PickException,
    PickScan,
    PickSlot,
    StockMove,
    Warehouse,
)
from fulfil.queries.orders import order_by_external_id
from fulfil.queries.users import user_by_username
from fulfil.services import layout, users, waves
from tests.browser.helpers import (
    in_app,
    log_in,
    place_and_release,
    stocked,
    wait_for_worker,
    wedge,
)
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def site(live_app):
    """A warehouse of its own: two bins, a mug and a tin, and two pickers."""

    def build():
        found = db.session.scalar(
            sa.select(Warehouse.id).where(Warehouse.code == "GAP")
        )
        if found is not None:
            return found
        site = layout.create_warehouse(code="GAP", name="Wi-Fi gap site").id
        layout.define_location(
            warehouse_id=site, code="GAP-PACK", kind=LocationKind.PACKING, x=0, y=0
        )
        for code, y in (("GAP-1", 3), ("GAP-2", 6)):
            layout.define_location(
                warehouse_id=site,
                code=code,
                kind=LocationKind.PICK_FACE,
                aisle="G",
                x=2,
                y=y,
            )
        stocked(site, (("GAP-MUG", 66001, "GAP-1"), ("GAP-TIN", 66002, "GAP-2")), 20)
        for username in ("gus", "gia", "gil"):
            users.create_user(
                username=username,
                password=PASSWORD,
                roles=["picker"],
                warehouse_id=site,
            )
        return site

    return in_app(live_app, build)


MUG, TIN = make_ean13("400", 66001), make_ean13("400", 66002)


def claim(page: Page, username: str) -> None:
    log_in(page, username)
    page.get_by_role("button", name="Start picking").click()
    expect(page.locator("#task .location")).to_have_text("GAP-1")
    # the service worker runs and this device holds the list: now the Wi-Fi may go
    wait_for_worker(page)
    expect(page.locator("[data-offline-ready]")).to_have_count(1)


def picked(live_app, reference: str) -> dict[str, int]:
    def count():
        moves = db.session.scalars(
            sa.select(StockMove).where(
                StockMove.reason == "pick", StockMove.reference == reference
            )
        ).all()
        totals: dict[str, int] = {}
        for move in moves:
            code = move.from_location.code
            totals[code] = totals.get(code, 0) + move.qty
        return totals

    return in_app(live_app, count)


def test_scans_made_offline_are_kept_and_sent_once(page: Page, live_app, site):
    place_and_release(live_app, site, {"GAP-100": {"GAP-MUG": 3, "GAP-TIN": 2}})
    claim(page, "gus")
    task, status = page.locator("#task"), page.locator("#net-status")

    page.context.set_offline(True)
    expect(status).to_contain_text("No network")
    wedge(page, "GAP-1")
    wedge(page, MUG)
    expect(task.locator(".feedback--ok")).to_have_text("Confirmed on this phone")
    wedge(page, MUG)
    expect(task).to_contain_text("2 picked")
    expect(status).to_contain_text("scans waiting on this phone: 3")

    page.reload()  # still without the network: the phone knows where the picker was
    expect(task.locator(".location")).to_have_text("GAP-1")
    expect(task).to_contain_text("2 picked")
    expect(status).to_contain_text("scans waiting on this phone: 3")
    wedge(page, MUG)
    expect(task.locator(".location")).to_have_text("GAP-2")
    wedge(page, "GAP-2")
    wedge(page, MUG)  # the wrong product: refused here, and not queued
    expect(task.locator(".feedback--bad")).to_contain_text("Wrong product")
    wedge(page, TIN)
    wedge(page, TIN)
    expect(task.get_by_role("heading", name="List done")).to_be_visible()
    expect(status).to_contain_text("scans waiting on this phone: 7")
    assert picked(live_app, "GAP-100") == {}  # nothing reached the server yet

    # The third send reaches the server, but its answer is lost on the way back.
    sends = []

    def cut_the_third(route):
        sends.append(route.request.post_data)
        if len(sends) == 3:
            route.fetch()
            route.abort("connectionreset")
        else:
            route.continue_()

    page.context.route("**/pick/lists/*/scan", cut_the_third)
    page.context.set_offline(False)
    expect(status).to_contain_text("Every waiting scan was sent", timeout=20_000)
    assert len(sends) == 8  # seven scans, the cut one twice

    expect(task.get_by_role("heading", name="List done")).to_be_visible()
    assert picked(live_app, "GAP-100") == {"GAP-1": 3, "GAP-2": 2}
    assert (
        in_app(live_app, lambda: order_by_external_id("GAP-100").status.value)
        == "picked"
    )

    def scans():
        return db.session.scalar(
            sa.select(sa.func.count(PickScan.id)).where(
                PickScan.pick_list_id == _list_of("GAP-100"), PickScan.accepted
            )
        )

    assert in_app(live_app, lambda: scans()) == 7


def test_a_queued_scan_the_server_refuses_is_shown_and_reported(
    page: Page, live_app, site
):
    place_and_release(live_app, site, {"GAP-200": {"GAP-MUG": 2}})
    claim(page, "gia")
    page.context.set_offline(True)
    wedge(page, "GAP-1")
    wedge(page, MUG)
    # meanwhile a manager takes the list back
    in_app(live_app, lambda: waves.take_back(_list_of("GAP-200")))

    page.context.set_offline(False)
    refused = page.locator("#offline-refused")
    expect(refused).to_be_visible(timeout=20_000)
    expect(refused).to_contain_text("GAP-1")
    expect(refused).to_contain_text(MUG)
    expect(refused).to_contain_text("is not yours")
    expect(page.locator("#task")).to_contain_text("is not yours")

    def reported():
        gia = user_by_username("gia").id
        return db.session.scalars(
            sa.select(PickException.note).where(
                PickException.kind == ExceptionKind.REFUSED_SCAN,
                PickException.reported_by_id == gia,
            )
        ).all()

    notes = in_app(live_app, reported)
    assert len(notes) == 2 and any(MUG in note for note in notes)
    assert picked(live_app, "GAP-200") == {}

    page.get_by_role("button", name="Seen").click()
    expect(refused).to_be_hidden()


def _list_of(external_id: str) -> int:
    shipment = order_by_external_id(external_id).shipments[0]
    return db.session.scalar(
        sa.select(PickSlot.pick_list_id).where(PickSlot.shipment_id == shipment.id)
    )


def test_a_picker_who_left_the_list_offline_finds_the_way_back(
    page: Page, live_app, site
):
    place_and_release(live_app, site, {"GAP-300": {"GAP-TIN": 1}})
    claim(page, "gil")
    list_url = page.url
    page.context.set_offline(True)

    page.goto("/pick/")  # the picking home, kept from before, or the offline page
    start = page.get_by_role("button", name=re.compile("(Start|Continue) picking"))
    if start.is_visible():
        start.click()  # a form without the network
    expect(page.get_by_role("heading", name="No connection")).to_be_visible()
    page.get_by_role("link", name=re.compile("Go on picking list")).click()

    assert page.url == list_url
    expect(page.locator("#task .location")).to_have_text("GAP-1")
    wedge(page, "GAP-1")
    expect(page.locator("#task .feedback--ok")).to_have_text("Confirmed on this phone")
