"""Goods-in through HTTP: bin, item, count by repeated scans or a keyed carton count,
then one booking; only into receiving and storage bins.

Requests are sent as the page sends them: htmx posts of the whole form (what was
scanned so far rides in it), and the same form without scripts.
"""

import re

import pytest
import sqlalchemy as sa

from fulfil.domain.barcodes import make_ean13
from fulfil.extensions import db
from fulfil.models import Stock, StockMove
from fulfil.services import layout
from tests.conftest import assert_ledger_balanced, csrf_token, row_counts


def fields_of(html: str) -> dict[str, str]:
    """The hidden fields a goods-in answer carries (what the next post sends back)."""
    return dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', html))


class Screen:
    """The goods-in form on a handheld: each scan posts the form as it stands."""

    def __init__(self, client, htmx: bool = True):
        self.client, self.htmx = client, htmx
        self.form: dict[str, str] = {}
        self.last = None

    def send(self, **data):
        headers = {"X-CSRFToken": csrf_token(self.client)}
        if self.htmx:
            headers["HX-Request"] = "true"
        self.last = self.client.post(
            "/receive/", data={**self.form, **data}, headers=headers
        )
        if self.last.status_code == 200:
            self.form = fields_of(self.text)
            count = re.search(r'name="qty" [^>]*value="(\d+)"', self.text)
            if count:
                self.form["qty"] = count.group(1)
        return self.last

    def scan(self, code: str):
        return self.send(code=code, action="scan")

    def book(self, **data):
        return self.send(code="", action="book", **data)

    @property
    def text(self) -> str:
        return self.last.get_data(as_text=True)


def moves() -> list[tuple[str, int, str, str]]:
    return [
        (m.product.sku, m.qty, m.to_location.code, m.lot)
        for m in db.session.scalars(
            sa.select(StockMove).where(StockMove.reason == "receive")
        )
    ]


def test_repeated_scans_of_the_item_count_up_and_one_tap_books_them(
    client, login, make_product, warehouse
):
    mug = make_product("MUG")
    login("receiver")
    screen = Screen(client)

    screen.scan("recv-01")
    assert "Scan the item." in screen.text and "RECV-01" in screen.text
    screen.scan(mug.barcode)
    assert screen.form["qty"] == "1"
    screen.scan(mug.barcode)
    screen.scan("MUG")  # the SKU names it too
    assert screen.form["qty"] == "3"
    booked = screen.book()

    assert booked.status_code == 200
    assert "Booked: 3 × MUG into RECV-01." in screen.text
    assert "Scan the item." in screen.text  # the next item, same bin
    assert moves() == [("MUG", 3, "RECV-01", "")]
    assert_ledger_balanced()


def test_a_carton_count_keyed_once_is_booked(client, login, make_product, warehouse):
    tea = make_product("TEA")
    login("receiver")
    screen = Screen(client)
    screen.scan("A-01-1-A")
    screen.scan(tea.barcode)

    screen.book(qty="48")

    assert "Booked: 48 × TEA into A-01-1-A." in screen.text
    on_hand = db.session.scalar(
        sa.select(Stock.on_hand).where(Stock.product_id == tea.id)
    )
    assert on_hand == 48


def test_a_booking_sent_twice_is_booked_once(client, login, make_product, warehouse):
    mug = make_product("MUG")
    login("receiver")
    screen = Screen(client)
    screen.scan("RECV-01")
    screen.scan(mug.barcode)
    ready = dict(screen.form)

    first = screen.book(qty="5")
    screen.form = ready  # the same form again: a double tap, a retry
    second = screen.book(qty="5")

    assert first.status_code == second.status_code == 200
    assert moves() == [("MUG", 5, "RECV-01", "")]


@pytest.mark.parametrize(
    ("code", "says"),
    [
        ("PACK-01", "PACK-01 is the packing area."),
        ("SHIP-01", "SHIP-01 is the shipping dock."),
        ("T-001", "T-001 is a tote."),
    ],
)
def test_goods_in_refuses_locations_that_are_not_for_stock(
    client, login, make_product, warehouse, code, says
):
    layout.define_location(warehouse_id=warehouse.id, code="SHIP-01", kind="shipping")
    layout.define_location(warehouse_id=warehouse.id, code="T-001", kind="tote")
    mug = make_product("MUG")
    login("receiver")
    before = row_counts()

    scanned = Screen(client).scan(code)
    booked = Screen(client).send(location=code, barcode=mug.barcode, qty="2", key="k1")

    for answer in (scanned, booked):
        assert answer.status_code == 422
        text = answer.get_data(as_text=True)
        assert says in text
        assert "Book deliveries into a receiving or storage bin." in text
    assert row_counts() == before


def test_another_item_while_counting_is_refused_and_the_count_stays(
    client, login, make_product, warehouse
):
    mug, tea = make_product("MUG"), make_product("TEA")
    login("receiver")
    screen = Screen(client)
    screen.scan("RECV-01")
    screen.scan(mug.barcode)
    screen.scan(mug.barcode)

    refused = screen.scan(tea.barcode)

    assert refused.status_code == 422
    assert "TEA is not the item being counted. Book the 2 × MUG first" in screen.text
    assert 'value="2"' in screen.text
    assert moves() == []


def test_a_bin_label_scanned_instead_of_an_item_changes_the_bin(
    client, login, make_product, warehouse
):
    mug = make_product("MUG")
    login("receiver")
    screen = Screen(client)
    screen.scan("RECV-01")

    screen.scan("A-01-3-C")
    screen.scan(mug.barcode)
    screen.book()

    assert moves() == [("MUG", 1, "A-01-3-C", "")]


def test_a_lot_tracked_item_asks_for_its_lot_label(
    client, login, make_product, warehouse
):
    honey = make_product("HONEY", tracking="lot")
    login("receiver")
    screen = Screen(client)
    screen.scan("RECV-01")
    screen.scan(honey.barcode)
    assert "Scan the lot number label." in screen.text

    again = screen.scan(honey.barcode)  # the item once more, not its lot
    assert again.status_code == 422 and "scan its lot" in screen.text
    screen.scan("L-2026-11")
    screen.scan(honey.barcode)
    screen.book()

    assert moves() == [("HONEY", 2, "RECV-01", "L-2026-11")]
    assert_ledger_balanced()


def test_a_gs1_carton_label_gives_the_item_its_lot_and_its_count(
    client, login, make_product, warehouse
):
    gtin = make_ean13("400", 12345)
    make_product("HONEY", tracking="lot", barcode=gtin)
    login("receiver")
    screen = Screen(client)
    screen.scan("RECV-01")

    screen.scan(f"(01)0{gtin}(10)L7(37)12")
    screen.scan(f"(01)0{gtin}(10)L7(37)12")
    mixed = screen.scan(f"(01)0{gtin}(10)L8(37)12")  # a carton of another lot
    screen.book()

    assert mixed.status_code == 422
    assert moves() == [("HONEY", 24, "RECV-01", "L7")]


def test_a_serial_number_is_booked_one_unit_at_a_time(
    client, login, make_product, warehouse
):
    phone = make_product("PHONE", tracking="serial")
    login("receiver")
    screen = Screen(client)
    screen.scan("RECV-01")
    screen.scan(phone.barcode)
    screen.scan("SN-0001")

    again = screen.scan(phone.barcode)
    assert again.status_code == 422 and "A serial number is one unit" in screen.text
    screen.book()

    assert moves() == [("PHONE", 1, "RECV-01", "SN-0001")]


def test_an_empty_scan_changes_nothing_on_the_screen(client, login, warehouse):
    login("receiver")
    screen = Screen(client)
    screen.scan("RECV-01")

    assert screen.scan("").status_code == 204


def test_booking_before_the_item_is_scanned_is_refused(client, login, warehouse):
    login("receiver")
    screen = Screen(client)
    screen.scan("RECV-01")

    refused = screen.book()

    assert refused.status_code == 422
    assert "Scan the bin and the item first." in screen.text


def test_without_scripts_every_step_is_a_page_and_a_booking_redirects(
    client, login, make_product, warehouse
):
    mug = make_product("MUG")
    login("receiver")
    screen = Screen(client, htmx=False)

    screen.scan("RECV-01")
    assert "<html" in screen.text and "Scan the item." in screen.text
    screen.scan(mug.barcode)
    screen.send(code="", action="scan", qty="6")  # Enter in the count field
    assert screen.form["qty"] == "6"
    booked = screen.book()

    assert booked.status_code == 303
    assert booked.headers["Location"].endswith("/receive/?location=RECV-01")
    page = client.get(booked.headers["Location"]).get_data(as_text=True)
    assert "Booked: 6 × MUG into RECV-01." in page
    assert "Scan the item." in page
    assert moves() == [("MUG", 6, "RECV-01", "")]


def test_the_page_raises_no_keyboard_by_itself(client, login, warehouse):
    login("receiver")

    page = client.get("/receive/").get_data(as_text=True)

    assert " autofocus" not in page
    assert re.search(r'id="scan-code"[^>]*data-scanner-only[^>]*data-autofocus', page)
