"""The first-run checklist: an empty installation leads its admin step by step, and
each step is ticked by what the database holds, never by hand."""

import re
from decimal import Decimal

from fulfil.domain.barcodes import make_ean13
from fulfil.services import catalog, inventory, layout, shipping, tokens, users
from tests.conftest import PASSWORD


def ticked(page: str) -> list[bool]:
    return ["step--done" in li for li in re.findall(r'<li class="step[^"]*"', page)]


def test_an_empty_installation_leads_its_admin_to_the_checklist(client, post, app):
    users.create_user(username="boss", password=PASSWORD, roles=["admin"])
    post("/login", {"username": "boss", "password": PASSWORD})

    landing = client.get("/")
    assert landing.status_code == 302
    assert landing.headers["Location"].endswith("/setup/")
    page = client.get("/setup/").get_data(as_text=True)
    assert ticked(page) == [False] * 7
    assert "7 steps to go" in page
    assert 'href="/admin/warehouses"' in page  # the first step's page, the next action


def test_each_step_is_ticked_by_what_is_there_and_the_admin_lands_at_home_after(
    client, post, app
):
    users.create_user(username="boss", password=PASSWORD, roles=["admin"])
    site = layout.create_warehouse(code="HAM", name="Hamburg", timezone="Europe/Berlin")
    for code, kind in (("A-01-01-A", "pick_face"), ("PACK-01", "packing")):
        layout.define_location(warehouse_id=site.id, code=code, kind=kind, x=1, y=1)
    post("/login", {"username": "boss", "password": PASSWORD})
    assert ticked(client.get("/setup/").get_data(as_text=True))[:3] == [
        True,
        True,
        False,
    ]

    mug = catalog.upsert_product(sku="MUG", name="Mug", barcode=make_ean13("400", 1))
    bin_id = next(loc.id for loc in site.locations if loc.code == "A-01-01-A")
    inventory.receive(product_id=mug.id, location_id=bin_id, qty=5, key="opening")
    users.create_user(username="pia", password=PASSWORD, roles=["picker"])
    shipping.define_carrier(code="DHL", name="DHL")
    shipping.define_box(
        code="M", inner_mm=(300, 200, 150), max_weight_g=10_000, cost=Decimal("1")
    )
    tokens.create_token(name="shop", scopes=["orders:write"])

    page = client.get("/setup/").get_data(as_text=True)
    assert ticked(page) == [True] * 7
    assert "Everything is set up" in page
    assert client.get("/").headers["Location"].endswith("/admin/")


def test_only_an_admin_opens_the_checklist(client, login):
    login("manager")
    assert client.get("/setup/").status_code == 403
