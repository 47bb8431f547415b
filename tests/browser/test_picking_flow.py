"""A picker on a phone picks a batch to the end with keyboard-wedge scans.

The scanner "types" each code and presses Enter into the focused scan field. On the
way: a wrong bin refused, a short pick re-allocated to another bin, and a short pick
with no stock left that lands in the manager's exceptions queue. Afterwards the
ledger and the order lines say exactly what was scanned. A second test confirms a
pick through the camera (Chromium's fake camera films the product's barcode).
"""

import re
import threading
import uuid

import pytest
import sqlalchemy as sa
from playwright.sync_api import Page, expect

from fulfil.domain.barcodes import make_ean13
from fulfil.extensions import db
from fulfil.models import (
    LocationKind,
    PickException,
    PickList,
    PickListStatus,
    Stock,
    StockMove,
    User,
    Warehouse,
)
from fulfil.queries.orders import order_by_external_id
from fulfil.queries.stock import location_by_code
from fulfil.queries.users import user_by_username
from fulfil.services import catalog, inventory, layout, users
from tests.browser.fake_camera import write_y4m
from tests.browser.helpers import in_app, log_in, place_and_release, settled, wedge
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser

# One aisle at x=2 (PF-1 near the packing area, PF-2 at its far end), one at x=6.
BINS = {
    "PF-1": (2, 3),
    "PF-2": (2, 9),
    "PF-3": (6, 3),
    "CAMPICK-1": (10, 3),
    "RACE-1": (10, 9),
}


def loc_id(site: int, code: str) -> int:
    return location_by_code(site, code).id


@pytest.fixture(scope="module")
def floor(live_app):
    """Bins, two products, and a picker of our own in the browser tests' warehouse."""

    def build():
        # a site of its own: other modules' bins would change the aisle layout
        site = db.session.scalar(
            sa.select(Warehouse.id).where(Warehouse.code == "FLOW")
        )
        if site is None:
            site = layout.create_warehouse(code="FLOW", name="Flow test site").id
        layout.define_location(
            warehouse_id=site, code="PACK-B", kind=LocationKind.PACKING, x=0, y=0
        )
        for code, (x, y) in BINS.items():
            layout.define_location(
                warehouse_id=site,
                code=code,
                kind=LocationKind.PICK_FACE,
                aisle=f"X{x}",
                x=x,
                y=y,
            )
        ids = {}
        for sku, number in (
            ("FLOW-MUG", 88001),
            ("FLOW-TEA", 88002),
            ("CAM-TIN", 88003),
            ("RACE-CUP", 88004),
        ):
            ids[sku] = catalog.upsert_product(
                sku=sku, name=sku.title(), barcode=make_ean13("400", number)
            )
        loc = {c: loc_id(site, c) for c in BINS}
        for sku, code, qty in (
            ("FLOW-MUG", "PF-1", 2),
            ("FLOW-MUG", "PF-2", 5),
            ("FLOW-TEA", "PF-3", 2),
            ("CAM-TIN", "CAMPICK-1", 1),
            ("RACE-CUP", "RACE-1", 1),
        ):
            inventory.receive(
                product_id=ids[sku].id,
                location_id=loc[code],
                qty=qty,
                key=f"flow-{sku}-{code}",
            )
        # pytest may set this module up twice (its tests sit in two parameter groups)
        for username in ("flo", "rae"):
            if user_by_username(username) is None:
                users.create_user(
                    username=username,
                    password=PASSWORD,
                    roles=["picker"],
                    warehouse_id=site,
                )
        return site, {sku: p.barcode for sku, p in ids.items()}

    return in_app(live_app, build)


def short(page: Page, found: int) -> None:
    settled(page)
    page.get_by_text("Fewer units here, or damaged?").click()
    page.get_by_label("Good units found in this bin").fill(str(found))
    page.get_by_role("button", name="Report short pick").click()


def test_a_picker_works_a_batch_to_the_end_by_scanning(page: Page, live_app, floor):
    site, barcodes = floor
    place_and_release(
        live_app, site, {"FLOW-1": {"FLOW-MUG": 2}, "FLOW-2": {"FLOW-TEA": 2}}
    )
    log_in(page, "flo")
    page.get_by_role("button", name="Start picking").click()

    task = page.locator("#task")
    expect(task.locator(".location")).to_have_text("PF-1")
    expect(task).to_contain_text("Task 1 of 2")
    expect(task).to_contain_text("Into tote 1")

    wedge(page, "PF-3")  # the wrong bin
    expect(task.locator(".feedback--bad")).to_have_text("Wrong bin PF-3. Go to PF-1.")
    wedge(page, "PF-1")
    expect(task).to_contain_text("Scan the product, one scan per unit.")
    wedge(page, barcodes["FLOW-MUG"])
    expect(task.locator(".feedback--ok")).to_be_visible()
    expect(task).to_contain_text("1 picked")
    short(page, 0)  # the second mug is not there: PF-2 has more, added to the list
    # PF-2 and PF-3 come in the router's order, which depends on the whole layout
    for step in (2, 3):
        expect(task).to_contain_text(f"Task {step} of 3")
        expect(task.locator(".location")).to_have_text(re.compile("PF-2|PF-3"))
        where = task.locator(".location").inner_text()
        wedge(page, where)
        if where == "PF-2":
            wedge(page, barcodes["FLOW-MUG"])
        else:
            short(page, 0)  # no tea anywhere else: reported

    expect(task.get_by_role("heading", name="List done")).to_be_visible()
    expect(task).to_contain_text("FLOW-1")
    expect(page.get_by_role("button", name="Next list")).to_be_visible()
    expect(page.get_by_label("Scan", exact=True)).to_be_hidden()

    def check():
        pack = loc_id(site, "PACK-B")
        at_packing = dict(
            db.session.execute(
                sa.select(StockMove.reference, sa.func.sum(StockMove.qty))
                .where(
                    StockMove.to_location_id == pack,
                    StockMove.reference.like("FLOW-%"),
                )
                .group_by(StockMove.reference)
            ).all()
        )
        assert at_packing == {"FLOW-1": 2}
        picked = db.session.scalars(
            sa.select(StockMove).where(
                StockMove.reason == "pick", StockMove.reference.like("FLOW-%")
            )
        ).all()
        assert sorted(m.from_location.code for m in picked) == ["PF-1", "PF-2"]
        left = dict(
            db.session.execute(
                sa.select(Stock.location_id, Stock.on_hand).where(
                    Stock.location_id.in_([loc_id(site, c) for c in BINS])
                )
            ).all()
        )
        assert left[loc_id(site, "PF-2")] == 4
        reported = {
            (e.kind, e.qty, e.location.code)
            for e in db.session.scalars(
                sa.select(PickException).where(PickException.warehouse_id == site)
            )
        }
        assert reported == {
            ("count", 1, "PF-1"),
            ("count", 2, "PF-3"),
            ("short", 2, "PF-3"),
        }
        mugs, teas = (order_by_external_id(f"FLOW-{n}") for n in (1, 2))
        assert mugs.status.value == "picked"
        assert teas.status.value == "backordered"  # none found: waits for stock
        flo = db.session.scalar(sa.select(User.id).where(User.username == "flo"))
        assert db.session.scalars(
            sa.select(PickList.status).where(PickList.picker_id == flo)
        ).all() == [PickListStatus.DONE]

    in_app(live_app, check)


def test_the_camera_confirms_a_pick(
    playwright,
    browser_type_launch_args,
    browser_context_args,
    live_app,
    floor,
    tmp_path,
):
    site, barcodes = floor
    place_and_release(live_app, site, {f"CAM-{uuid.uuid4().hex[:6]}": {"CAM-TIN": 1}})
    video = write_y4m(tmp_path / "tin.y4m", barcodes["CAM-TIN"])
    browser = playwright.chromium.launch(
        **{
            **browser_type_launch_args,
            "args": [
                *browser_type_launch_args["args"],
                "--use-fake-ui-for-media-stream",
                "--use-fake-device-for-media-stream",
                f"--use-file-for-fake-video-capture={video}",
            ],
        }
    )
    context = browser.new_context(**browser_context_args, permissions=["camera"])
    context.add_init_script("delete window.BarcodeDetector;")  # the served polyfill
    page = context.new_page()
    try:
        log_in(page, "flo")
        page.get_by_role("button", name="Start picking").click()
        expect(page.locator("#task .location")).to_have_text("CAMPICK-1")
        wedge(page, "CAMPICK-1")

        page.get_by_role("button", name="Camera").click()

        expect(
            page.locator("#task").get_by_role("heading", name="List done")
        ).to_be_visible()
    finally:
        browser.close()

    def check():
        tin = db.session.scalars(
            sa.select(StockMove).where(
                StockMove.reason == "pick", StockMove.reference.like("CAM-%")
            )
        ).one()
        assert (tin.qty, tin.from_location.code) == (1, "CAMPICK-1")

    in_app(live_app, check)


def test_an_answer_arriving_while_the_picker_types_a_count_keeps_their_typing(
    page: Page, live_app, floor
):
    site, _ = floor
    place_and_release(live_app, site, {"RACE-1": {"RACE-CUP": 1}})
    log_in(page, "rae")
    page.get_by_role("button", name="Start picking").click()
    # the server holds the bin scan's answer back until the picker is typing
    arrived, answer = threading.Event(), threading.Event()
    scan_view = live_app.view_functions["picking.scan"]

    def held_back(**args):
        arrived.set()
        answer.wait(10)
        return scan_view(**args)

    live_app.view_functions["picking.scan"] = held_back
    try:
        wedge(page, "RACE-1")
        page.get_by_text("Fewer units here, or damaged?").click()
        found = page.get_by_label("Good units found in this bin")
        found.click()
        assert arrived.wait(5), "the bin scan is on its way"
    finally:
        answer.set()
        live_app.view_functions["picking.scan"] = scan_view
    expect(page.locator("#task")).to_contain_text("Scan the product")
    settled(page)

    page.keyboard.type("0")

    expect(found).to_have_value("0")
    expect(page.get_by_label("Scan", exact=True)).to_have_value("")
    page.get_by_role("button", name="Report short pick").click()
    expect(
        page.locator("#task").get_by_role("heading", name="List done")
    ).to_be_visible()
