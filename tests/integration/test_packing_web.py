"""The pack bench and the dock through HTTP, as a packer's browser sends them.

A picked order is opened by its tote, packed by scanning, boxed, weighed and closed;
its label's QR code opens the public tracking page, which shows it packed without a
login; the dock hands it over on a manifest.
"""

import re

import pypdfium2 as pdfium
import pytest
import zxingcpp

from fulfil.queries.orders import order_by_external_id
from fulfil.services import picking
from tests.conftest import csrf_token, row_counts
from tests.picking_floor import (
    bench,
    lay_out,
    order,
    pick_everything,
    release,
    scan_id,
    stock,
)


@pytest.fixture
def picked(warehouse, loc, make_product, make_user):
    lay_out(warehouse)
    setup = bench(warehouse)
    mug = make_product("MUG", weight_g=350, length_mm=120, width_mm=100, height_mm=100)
    stock(mug, loc, {"A-01-1-A": 5})
    order("SHOP-1", {"MUG": 2})
    order("SHOP-9", {"MUG": 1})
    picker = make_user("picker")
    release(warehouse, order_by_external_id("SHOP-1"))
    claimed = picking.claim_next(picker_id=picker.id, warehouse_id=warehouse.id)
    pick_everything(claimed.id, picker.id)
    return {**setup, "mug": mug}


def htmx(client, url, data):
    return client.post(
        url,
        data={"scan_id": scan_id(), **data},
        headers={"HX-Request": "true", "X-CSRFToken": csrf_token(client)},
    )


def qr_codes(pdf: bytes) -> list[str]:
    page = pdfium.PdfDocument(pdf)[0]
    image = page.render(scale=4).to_pil()
    return [code.text for code in zxingcpp.read_barcodes(image)]


def test_a_packer_packs_by_scanning_and_the_label_opens_the_tracking_page(
    client, login, post, picked
):
    login("packer")
    opened = post("/pack/open", {"code": "t-001"})
    bench_url = opened.headers["Location"]
    page = client.get(bench_url).get_data(as_text=True)
    assert "Order SHOP-1" in page and "Scan each item into the parcel" in page
    parcel_url = bench_url

    wrong = htmx(client, parcel_url + "/scan", {"code": "4000000000000"})
    assert wrong.status_code == 422
    assert "is not part of order SHOP-1" in wrong.get_data(as_text=True)
    for _ in range(2):
        htmx(client, parcel_url + "/scan", {"code": picked["mug"].barcode})
    page = client.get(parcel_url).get_data(as_text=True)
    assert "suggested: S" in page  # shown, never chosen for the packer
    unboxed = htmx(client, parcel_url + "/weigh", {"box_id": "", "weight_g": "830"})
    assert unboxed.status_code == 400
    assert "choose a box" in unboxed.get_data(as_text=True)
    small = str(picked["boxes"]["S"].id)
    weighed = htmx(client, parcel_url + "/weigh", {"box_id": small, "weight_g": "830"})
    assert "Close the parcel" in weighed.get_data(as_text=True)
    closed = htmx(
        client,
        parcel_url + "/close",
        {
            "carrier_id": str(picked["carriers"]["DHL"].id),
            "tracking_number": "JJD000390007",
        },
    )
    text = closed.get_data(as_text=True)
    assert "Parcel closed: print its label." in text

    label_url = re.search(r'href="(/docs/parcels/\d+/label\.pdf)"', text).group(1)
    label = client.get(label_url)
    assert label.mimetype == "application/pdf"
    (tracking_url,) = [c for c in qr_codes(label.data) if "/t/" in c]
    zpl = client.get(label_url.replace(".pdf", ".zpl")).get_data(as_text=True)
    assert "JJD000390007" in zpl

    client.post("/logout", data={"csrf_token": csrf_token(client)})
    public = client.get(tracking_url.split("fulfil.test", 1)[-1])
    assert public.status_code == 200
    body = public.get_data(as_text=True)
    assert "Order SHOP-1" in body and "E. M." in body
    assert "Heidestraße" not in body  # the address is masked
    assert 'class="step--done"' in body and "Packed" in body


def test_a_tampered_tracking_token_is_a_clear_404(client, picked):
    response = client.get("/t/MQ.tampered-signature")
    assert response.status_code == 404
    assert "This page does not exist." in response.get_data(as_text=True)


def test_an_order_still_being_picked_or_unknown_is_refused_at_the_bench(
    client, login, post, picked
):
    login("packer")
    before = row_counts()
    unknown = post("/pack/open", {"code": "T-999"})
    unpicked = post("/pack/open", {"code": "SHOP-9"})
    assert unknown.status_code == 404 and "T-999" in unknown.get_data(as_text=True)
    assert unpicked.status_code == 409
    assert "SHOP-9" in unpicked.get_data(as_text=True)
    assert row_counts() == before


def test_the_dock_hands_packed_parcels_over_on_a_manifest(client, login, post, picked):
    login("packer")
    url = post("/pack/open", {"code": "T-001"}).headers["Location"]
    for _ in range(2):
        htmx(client, url + "/scan", {"code": picked["mug"].barcode})
    htmx(client, url + "/weigh", {"box_id": picked["boxes"]["S"].id, "weight_g": "830"})
    htmx(
        client,
        url + "/close",
        {"carrier_id": str(picked["carriers"]["DHL"].id), "tracking_number": "JJD1"},
    )
    login("manager")

    dock = client.get("/dock/").get_data(as_text=True)
    assert "JJD1" in dock and "Hand 1 parcel to DHL" in dock
    listed = re.findall(r'name="parcel" value="(\d+)"', dock)
    post(
        "/dock/hand-over",
        {"carrier_id": str(picked["carriers"]["DHL"].id), "parcel": listed},
    )

    page = client.get("/dock/").get_data(as_text=True)
    manifest = re.search(r'href="(/docs/manifests/\d+\.csv)"', page).group(1)
    rows = client.get(manifest).get_data(as_text=True).strip().splitlines()
    assert len(rows) == 2 and rows[1].startswith("JJD1,SHOP-1,")
    assert order_by_external_id("SHOP-1").status.value == "shipped"


def test_the_whole_path_of_an_order_and_of_its_parcel(client, login, post, picked):
    login("packer")
    url = post("/pack/open", {"code": "T-001"}).headers["Location"]
    for _ in range(2):
        htmx(client, url + "/scan", {"code": picked["mug"].barcode})
    htmx(client, url + "/weigh", {"box_id": picked["boxes"]["S"].id, "weight_g": "830"})
    htmx(
        client,
        url + "/close",
        {"carrier_id": str(picked["carriers"]["DHL"].id), "tracking_number": "jjd77"},
    )
    login("customer_service")

    order_path = client.get("/trace/?kind=order&q=SHOP-1").get_data(as_text=True)
    parcel_path = client.get("/trace/?kind=parcel&q=JJD77").get_data(as_text=True)
    lot_path = client.get("/trace/?kind=lot&q=NO-SUCH-LOT")

    for step in ("Order received", "A-01-1-A → T-001", "T-001 → PACK-01"):
        assert step in order_path
    assert "PACK-01 → SHIP-01" in order_path
    assert re.search(r"Parcel 1 closed: box \w+, 0.83 kg, DHL JJD77", order_path)
    assert re.search(r"Shipment \d+ picked", order_path)
    assert "PACK-01 → SHIP-01" in parcel_path and "A-01-1-A" not in parcel_path
    assert lot_path.status_code == 404
    assert "Nothing found for NO-SUCH-LOT." in lot_path.get_data(as_text=True)
    page = client.get(f"/service/orders/{order_by_external_id('SHOP-1').id}")
    assert "JJD77" in page.get_data(as_text=True)


def test_a_photo_of_the_open_parcel_is_kept_for_customer_service(
    client, login, post, picked, tmp_path, app
):
    import io

    from PIL import Image

    app.config["PARCEL_PHOTOS_DIR"] = str(tmp_path)
    png = io.BytesIO()
    Image.new("RGB", (40, 30), "orange").save(png, format="PNG")
    login("packer")
    url = post("/pack/open", {"code": "T-001"}).headers["Location"]
    token = csrf_token(client)

    refused = client.post(
        url + "/photo",
        data={"csrf_token": token, "photo": (io.BytesIO(b"MZ..."), "x.exe")},
        content_type="multipart/form-data",
    )
    kept = client.post(
        url + "/photo",
        data={"csrf_token": token, "photo": (io.BytesIO(png.getvalue()), "box.png")},
        content_type="multipart/form-data",
        follow_redirects=True,
    )

    assert refused.status_code == 302  # back to the bench, with the reason shown
    assert "Photo kept with the parcel." in kept.get_data(as_text=True)
    assert len(list(tmp_path.iterdir())) == 1
    login("customer_service")
    order_page = client.get(f"/service/orders/{order_by_external_id('SHOP-1').id}")
    photo_url = re.search(r'href="(/docs/parcels/\d+/photo)"', order_page.text).group(1)
    with client.get(photo_url) as photo:
        assert photo.data == png.getvalue()


def test_another_warehouses_parcels_and_documents_are_not_found(
    client, login, post, picked, make_user
):
    from fulfil.services import layout

    login("packer")
    url = post("/pack/open", {"code": "T-001"}).headers["Location"]
    elsewhere = layout.create_warehouse(code="WH2", name="Second site")
    login("packer", warehouse_id=elsewhere.id)
    before = row_counts()

    assert client.get(url).status_code == 404
    assert (
        htmx(client, url + "/scan", {"code": picked["mug"].barcode}).status_code == 404
    )
    assert row_counts() == before


def test_a_photo_must_really_be_an_image(client, login, post, picked, tmp_path, app):
    import io

    app.config["PARCEL_PHOTOS_DIR"] = str(tmp_path)
    login("packer")
    url = post("/pack/open", {"code": "T-001"}).headers["Location"]
    fake = client.post(
        url + "/photo",
        data={
            "csrf_token": csrf_token(client),
            "photo": (io.BytesIO(b"<?php evil(); ?>"), "box.jpg", "image/jpeg"),
        },
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert "take a JPEG or PNG photo" in fake.get_data(as_text=True)
    assert list(tmp_path.iterdir()) == []
