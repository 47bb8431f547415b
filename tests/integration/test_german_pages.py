"""In German, no page and no document shows English that the catalogue translates,
nor a raw event code: the demo's floor, one order packed and handed over, every page
reachable from the menu, and every document of that order."""

import re
import uuid
from collections import deque
from urllib.parse import urlsplit

import pypdfium2 as pdfium
import pytest
import sqlalchemy as sa

from fulfil.demo import build_demo
from fulfil.domain.roles import Role
from fulfil.extensions import db
from fulfil.models import (
    Carrier,
    Manifest,
    Order,
    Parcel,
    PickSlot,
    Shipment,
    Warehouse,
)
from fulfil.services import catalog, packing, shipping, users
from fulfil.services.packing import suggest_box
from tests.conftest import PASSWORD, csrf_token, running_app
from tests.untranslated import untranslated, visible_text

MOST_PAGES = 160
SAME_SHAPE = 2  # pages whose URLs differ only in numbers: the first two of each
SKIPPED = ("/logout", "/static/", "/sw.js", "/manifest.webmanifest")


@pytest.fixture(scope="module")
def german_app(database_url):
    """The app with the demo built once for this module's tests (they only read;
    each signs in as a user of its own), emptied afterwards."""
    with running_app(database_url) as app:
        yield app


@pytest.fixture
def client(german_app):
    return german_app.test_client()


@pytest.fixture
def post(client):
    def send(url: str, data: dict):
        return client.post(url, data={"csrf_token": csrf_token(client), **data})

    return send


@pytest.fixture(scope="module")
def floor(german_app):
    """The demo, with one picked order packed into a parcel and handed to DHL."""
    summary = build_demo()
    warehouse_id = db.session.scalar(sa.select(Shipment.warehouse_id).limit(1))
    packer = users.create_user(
        username="packer-de", password=PASSWORD, roles=["packer"], language="de"
    )
    slot = db.session.scalars(
        sa.select(PickSlot).join(Shipment).where(Shipment.status == "picked")
    ).first()
    shipment_id, tote = slot.shipment_id, slot.tote.code
    parcel = packing.open_shipment(
        code=tote, warehouse_id=warehouse_id, packer_id=packer.id
    )
    for line in db.session.get(Shipment, shipment_id).lines:
        for unit in range(line.qty):
            packing.scan_item(
                parcel.id,
                code=line.product.barcode,
                packer_id=packer.id,
                scan_id=f"{line.id}-{unit}",
            )
        if not (line.product.hs_code and line.product.origin_country):
            # the demo leaves some products without; a parcel leaving the EU needs them
            catalog.set_customs_data(
                line.product_id, hs_code="691200", origin_country="GB", actor_id=None
            )
    box = suggest_box(db.session, db.session.get(Parcel, parcel.id))
    packing.weigh(parcel.id, box_id=box.id, weight_g=2500, confirm=True)
    dhl = db.session.scalar(sa.select(Carrier).where(Carrier.code == "DHL"))
    packing.close_parcel(
        parcel.id,
        carrier_id=dhl.id,
        tracking_number="00340434161094042557",
        packer_id=packer.id,
    )
    shipping.hand_over(warehouse_id=warehouse_id, carrier_id=dhl.id, actor_id=packer.id)
    return {
        "summary": summary,
        "warehouse_id": warehouse_id,
        "parcel_id": parcel.id,
        "shipment_id": shipment_id,
        "manifest_id": db.session.scalar(sa.select(Manifest.id)),
    }


def sign_in_in_german(client, post, warehouse_id: int, *roles: str) -> None:
    user = users.create_user(
        username=f"de-{uuid.uuid4().hex[:8]}",
        password=PASSWORD,
        roles=list(roles),
        language="de",
        warehouse_id=warehouse_id,
    )
    response = post("/login", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 303


def shape(url: str) -> str:
    """A URL with its numbers taken out: /service/orders/12 → /service/orders/N."""
    parts = urlsplit(url)
    keys = sorted(re.findall(r"(\w+)=", parts.query))
    return re.sub(r"\d+", "N", parts.path) + "?" + "&".join(keys)


def links(html: str) -> list[str]:
    return [
        href
        for href in re.findall(r'<a [^>]*href="([^"#]+)', html)
        if href.startswith("/") and not href.startswith("//")
    ]


def pdf_text(data: bytes) -> str:
    document = pdfium.PdfDocument(data)
    text = "\n".join(page.get_textpage().get_text_range() for page in document)
    document.close()
    return text


def sent_by_the_shop() -> list[str]:
    """Names the shop sent (the demo's guests are "Guest") and those it gave its
    warehouses ("Fulfil Demo Warehouse"): data, not our words."""
    names = [
        *db.session.scalars(sa.select(Order.customer_name).distinct()),
        *db.session.scalars(sa.select(Warehouse.name)),
    ]
    return sorted(filter(None, names), key=len, reverse=True)


def ours(text: str) -> str:
    for name in sent_by_the_shop():
        text = text.replace(name, "")
    return text


def crawl(client, start: str) -> dict[str, list[str]]:
    """Every page reachable by links from `start`: what each shows untranslated."""
    found, seen, shapes = {}, set(), {}
    queue = deque([start])
    while queue and len(seen) < MOST_PAGES:
        url = queue.popleft()
        if url in seen or url.startswith(SKIPPED):
            continue
        if shapes.setdefault(shape(url), 0) >= SAME_SHAPE:
            continue
        seen.add(url)
        shapes[shape(url)] += 1
        response = client.get(url)
        assert response.status_code < 500, url
        kind = response.mimetype
        if kind == "text/html":
            html = response.get_data(as_text=True)
            found[url] = untranslated(ours(visible_text(html)))
            queue.extend(links(html))
        elif kind == "application/pdf":
            found[url] = untranslated(ours(pdf_text(response.data)))
        response.close()  # a download's file is closed with it
    return found


def test_every_page_from_the_menu_speaks_german(client, post, floor):
    sign_in_in_german(client, post, floor["warehouse_id"], *[r.value for r in Role])

    found = crawl(client, "/")

    print(sorted(found))
    assert len(found) > 20, sorted(found)  # the crawl reached the whole app
    assert any(url.startswith("/service/orders/") for url in found)
    assert any(url.startswith("/trace") for url in found)
    shown = {url: texts for url, texts in found.items() if texts}
    for url, texts in shown.items():
        print(url, texts)
    assert not shown, shown


@pytest.mark.parametrize("role", [r.value for r in Role])
def test_each_role_home_speaks_german(client, post, floor, role):
    sign_in_in_german(client, post, floor["warehouse_id"], role)

    response = client.get("/", follow_redirects=True)

    assert response.status_code == 200
    assert '<html lang="de">' in response.get_data(as_text=True)
    assert untranslated(ours(visible_text(response.get_data(as_text=True)))) == []


def test_every_document_of_a_parcel_speaks_german(client, post, floor):
    sign_in_in_german(client, post, floor["warehouse_id"], "packer", "manager")
    parcel, shipment = floor["parcel_id"], floor["shipment_id"]
    documents = {
        "label": f"/docs/parcels/{parcel}/label.pdf",
        "customs": f"/docs/parcels/{parcel}/customs.pdf",
        "slip A4": f"/docs/shipments/{shipment}/slip.pdf?size=A4",
        "slip A5": f"/docs/shipments/{shipment}/slip.pdf?size=A5",
        "manifest": f"/docs/manifests/{floor['manifest_id']}.pdf",
    }
    texts = {}
    for name, url in documents.items():
        response = client.get(url)
        assert response.status_code == 200, name
        texts[name] = " ".join(pdf_text(response.data).split())
    zpl = client.get(f"/docs/parcels/{parcel}/label.zpl").get_data(as_text=True)

    assert "ABSENDER" in texts["label"] and "Gewicht" in texts["label"]
    assert "Lieferschein" in texts["slip A4"] and "Lieferschein" in texts["slip A5"]
    assert "Übergabeliste" in texts["manifest"]
    assert "ZOLLINHALTSERKLÄRUNG" in texts["customs"]
    assert "ABSENDER" in zpl and "EMPFÄNGER" in zpl
    for name in ("label", "slip A4", "slip A5", "manifest"):
        assert untranslated(texts[name]) == [], name
    # the CN 23 keeps its official English and French headings beside the German
    assert "Verkauf von Waren" in texts["customs"]


def test_the_order_page_leads_with_milestones_and_groups_unit_events(
    client, post, floor
):
    sign_in_in_german(client, post, floor["warehouse_id"], "customer_service")
    order_id = db.session.get(Shipment, floor["shipment_id"]).order_id

    html = client.get(f"/service/orders/{order_id}").get_data(as_text=True)
    text = " ".join(visible_text(html).split())

    history = text[text.index("Verlauf") :]
    assert (
        history.index("Bestellung eingegangen")
        < history.index("Bestellung verpackt")
        < history.index("Bestellung versandt")
    )
    assert re.search(r"\d+ × \S+ aus \S+ in T-\d+ kommissioniert · picker", history)
    assert re.search(r"\d+ × \S+ in Paket 1 verpackt · packer-de", history)
    assert "<details" in html and "Ganzes Protokoll zeigen" in history
    assert untranslated(ours(text)) == []
