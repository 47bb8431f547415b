"""A picker without a hardware scanner shows a bin label to the phone's camera.

Chromium's fake camera plays a Code 128 label. Chromium on Linux has no native
BarcodeDetector, and an init script removes it where a build has one, so these tests
always run the zxing-wasm polyfill that the app serves itself.
"""

import uuid
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa
from playwright.sync_api import Page, expect

from fulfil.domain.barcodes import make_ean13
from fulfil.extensions import db
from fulfil.models import LocationKind, Warehouse
from fulfil.services import catalog, inventory, layout
from tests.browser.fake_camera import write_y4m

pytestmark = pytest.mark.browser

BIN = "CAM-01"
PRODUCT = "Camera test widget"
CAMERA_CODE = ("/static/js/camera.js", "/static/vendor/barcode-detector/", ".wasm")

# Keeps the streams camera.js opens, so a test can see that it stopped them.
KEEP_STREAMS = """
delete window.BarcodeDetector;
window.cameraStreams = [];
if (navigator.mediaDevices) {
  const devices = navigator.mediaDevices;
  const getUserMedia = devices.getUserMedia.bind(devices);
  devices.getUserMedia = async (constraints) => {
    const stream = await getUserMedia(constraints);
    window.cameraStreams.push(stream);
    return stream;
  };
}
"""
REFUSE_CAMERA = """
navigator.mediaDevices.getUserMedia = () =>
  Promise.reject(new DOMException("Permission denied", "NotAllowedError"));
"""


@pytest.fixture(scope="module")
def stocked_bin(live_app):
    """A pick face holding three units of one product, in Pia's warehouse."""
    with live_app.app_context():
        site = db.session.scalar(sa.select(Warehouse.id).where(Warehouse.code == "WH1"))
        location = layout.define_location(
            warehouse_id=site, code=BIN, kind=LocationKind.PICK_FACE
        )
        product = catalog.upsert_product(
            sku="CAM-SKU-1", name=PRODUCT, barcode=make_ean13("400", 77001)
        )
        inventory.receive(
            product_id=product.id,
            location_id=location.id,
            qty=3,
            key=f"camera-test-{uuid.uuid4()}",
        )
        db.session.remove()
    return BIN


@pytest.fixture(scope="module")
def camera_browser(playwright, browser_type_launch_args, tmp_path_factory):
    """Chromium whose camera films the bin's label (the flags are per browser)."""
    video = write_y4m(tmp_path_factory.mktemp("camera") / "label.y4m", BIN)
    args = [
        *browser_type_launch_args["args"],
        "--use-fake-ui-for-media-stream",
        "--use-fake-device-for-media-stream",
        f"--use-file-for-fake-video-capture={video}",
    ]
    browser = playwright.chromium.launch(**{**browser_type_launch_args, "args": args})
    yield browser
    browser.close()


def camera_page(browser, context_args, init_script: str) -> Page:
    context = browser.new_context(**context_args, permissions=["camera"])
    context.add_init_script(init_script)
    return context.new_page()


def log_in_as_pia(page: Page, live_app) -> None:
    page.goto("/login")
    page.get_by_label("Scan your badge").fill(live_app.config["PIA_BADGE"])
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Picking")).to_be_visible()


def test_the_camera_reads_a_bin_label_and_shows_the_bin(
    camera_browser, browser_context_args, live_app, base_url, stocked_bin
):
    page = camera_page(camera_browser, browser_context_args, KEEP_STREAMS)
    requests = []
    page.on("request", lambda request: requests.append(request))
    log_in_as_pia(page, live_app)
    field = page.get_by_label("Scan a bin to see what is in it")
    camera = page.locator("form", has=field).get_by_role("button", name="Camera")
    expect(camera).to_be_visible()
    page.wait_for_load_state("networkidle")
    before_click = [request.url for request in requests]

    camera.click()

    expect(page.locator("#bin h2")).to_have_text(stocked_bin)
    expect(page.locator("#bin")).to_contain_text(f"3 × {PRODUCT}")
    expect(page.get_by_role("dialog")).to_have_count(0)
    # The code went in as a scan would have typed it, and htmx sent the form.
    expect(field).to_have_value(BIN)
    lookup = [r for r in requests if urlsplit(r.url).path == "/pick/bin"]
    assert [r.url.split("?", 1)[1] for r in lookup] == [f"code={BIN}"]
    assert lookup[0].headers.get("hx-request") == "true"
    # The camera is off again.
    assert page.evaluate(
        "window.cameraStreams.length > 0 && window.cameraStreams.every("
        "s => s.getTracks().every(t => t.readyState === 'ended'))"
    )
    # The decoder came after the click, from us; nothing came from anywhere else.
    assert not [url for url in before_click if any(c in url for c in CAMERA_CODE)]
    after_click = [request.url for request in requests[len(before_click) :]]
    for part in CAMERA_CODE:
        assert any(part in url for url in after_click), part
    origin = urlsplit(base_url)
    assert {(urlsplit(r.url).scheme, urlsplit(r.url).netloc) for r in requests} == {
        (origin.scheme, origin.netloc)
    }
    page.context.close()


def test_a_refused_camera_is_explained_and_escape_closes_it(
    camera_browser, browser_context_args, live_app
):
    page = camera_page(camera_browser, browser_context_args, REFUSE_CAMERA)
    log_in_as_pia(page, live_app)

    field = page.get_by_label("Scan a bin to see what is in it")
    page.locator("form", has=field).get_by_role("button", name="Camera").click()

    dialog = page.get_by_role("dialog", name="Scan a bin to see what is in it")
    expect(dialog.get_by_role("alert")).to_have_text(
        "The camera is blocked. Allow it in the browser settings, or type the code."
    )
    expect(dialog.get_by_role("button", name="Close")).to_be_focused()
    page.keyboard.press("Escape")
    expect(dialog).to_have_count(0)
    expect(field).to_be_focused()
    page.context.close()
