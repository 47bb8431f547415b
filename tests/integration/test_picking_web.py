"""The picking screens through HTTP: a manager releases a wave, a picker works it.

Requests are sent as htmx sends them (HX-Request, the CSRF header), so what is checked
is the fragment the picker sees after each scan.
"""

import re
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from fulfil.extensions import db
from fulfil.models import PickException, PickList, PickListStatus, StockMove
from fulfil.schemas import OrderIn
from fulfil.services import orders
from tests.conftest import csrf_token, order_payload, row_counts
from tests.picking_floor import lay_out, order, scan_id, stock


@pytest.fixture
def floor(warehouse, loc, make_product):
    lay_out(warehouse)
    mug = make_product("MUG", name="Enamel mug")
    stock(mug, loc, {"A-01-1-A": 2, "B-02-2-A": 5})
    return {"mug": mug, "warehouse": warehouse}


def htmx_post(client, url: str, data: dict):
    token = csrf_token(client)
    return client.post(
        url,
        data={"scan_id": scan_id(), **data},
        headers={"HX-Request": "true", "X-CSRFToken": token},
    )


def release_all(client, post) -> None:
    page = client.get("/manage/waves").get_data(as_text=True)
    ids = re.findall(r'name="shipment" value="(\d+)"', page)
    response = post("/manage/waves/release", {"shipment": ids})
    assert response.status_code == 302


def test_a_manager_releases_a_wave_and_sees_its_lists(client, login, floor, post):
    order("SHOP-1", {"MUG": 1})
    order("SHOP-2", {"MUG": 1})
    login("manager")

    page = client.get("/manage/waves").get_data(as_text=True)
    assert "SHOP-1" in page and ">2</output> of 2 orders ticked" in page  # both late
    release_all(client, post)

    page = client.get("/manage/waves").get_data(as_text=True)
    assert "Released 1 pick list." in page
    assert "No allocated orders waiting to be picked." in page
    assert "SHOP-1, SHOP-2" in page  # one cart, two totes


def test_a_picker_scans_a_list_through_to_the_end(client, login, floor, post):
    order("SHOP-1", {"MUG": 2})
    login("manager")
    release_all(client, post)
    login("picker")

    started = post("/pick/start")
    url = started.headers["Location"]
    page = client.get(url).get_data(as_text=True)
    assert "A-01-1-A" in page and "Go to the bin and scan its label." in page
    scan = url + "/scan"

    wrong = htmx_post(client, scan, {"code": "B-02-2-A"})
    assert wrong.status_code == 422
    assert "Wrong bin B-02-2-A. Go to A-01-1-A." in wrong.get_data(as_text=True)

    at_bin = htmx_post(client, scan, {"code": "a-01-1-a"})
    assert "Scan the product, one scan per unit." in at_bin.get_data(as_text=True)
    htmx_post(client, scan, {"code": floor["mug"].barcode})
    last = htmx_post(client, scan, {"code": floor["mug"].barcode})

    text = last.get_data(as_text=True)
    assert last.status_code == 200
    assert "List done" in text and "Next list" in text
    assert "<html" not in text  # a fragment, swapped in place


def test_the_same_form_sent_twice_picks_once(client, login, floor, post):
    order("SHOP-1", {"MUG": 2})
    login("manager")
    release_all(client, post)
    login("picker")
    url = post("/pick/start").headers["Location"] + "/scan"
    htmx_post(client, url, {"code": "A-01-1-A"})
    same = {"scan_id": scan_id(), "code": floor["mug"].barcode}

    htmx_post(client, url, same)
    htmx_post(client, url, same)

    picks = db.session.scalars(sa.select(StockMove).where(StockMove.reason == "pick"))
    assert sum(m.qty for m in picks) == 1


def test_a_short_pick_with_no_stock_elsewhere_reaches_the_exceptions_queue(
    client, login, floor, post
):
    order("SHOP-1", {"MUG": 7})  # 2 in A-01-1-A and 5 in B-02-2-A
    login("manager")
    release_all(client, post)
    picker = login("picker")
    url = post("/pick/start").headers["Location"]
    htmx_post(client, url + "/scan", {"code": "A-01-1-A"})

    answer = htmx_post(client, url + "/short", {"found": "0"})

    assert answer.status_code == 200
    assert "B-02-2-A" in answer.get_data(as_text=True)  # nothing else left: next bin
    db.session.expire_all()
    reported = db.session.scalars(sa.select(PickException)).all()
    assert {(e.kind, e.qty, e.reported_by_id) for e in reported} == {
        ("count", 2, picker.id),
        ("short", 2, picker.id),
    }
    login("manager")
    page = client.get("/manage/exceptions").get_data(as_text=True)
    assert "count the bin" in page and "A-01-1-A" in page and "SHOP-1" in page


def test_bad_input_is_explained_and_changes_nothing(client, login, floor, post):
    order("SHOP-1", {"MUG": 1})
    login("manager")
    release_all(client, post)
    login("picker")
    url = post("/pick/start").headers["Location"]
    before = row_counts()

    letters = htmx_post(client, url + "/scan", {"code": "A-01-1-A", "qty": "two"})
    no_id = client.post(
        url + "/scan",
        data={"code": "A-01-1-A", "scan_id": ""},
        headers={"HX-Request": "true", "X-CSRFToken": csrf_token(client)},
    )

    assert letters.status_code == 400
    assert "Quantity: must be a whole number" in letters.get_data(as_text=True)
    assert no_id.status_code == 400
    assert row_counts() == before


def test_someone_elses_list_is_refused_with_a_message(client, login, floor, post):
    order("SHOP-1", {"MUG": 1})
    login("manager")
    release_all(client, post)
    login("picker")
    url = post("/pick/start").headers["Location"]
    login("picker")  # another picker, on the first one's list
    before = row_counts()

    answer = htmx_post(client, url + "/scan", {"code": "A-01-1-A"})

    assert answer.status_code == 403
    assert "is not yours" in answer.get_data(as_text=True)
    assert row_counts() == before


def test_the_picker_screens_speak_german(client, login, floor, post):
    order("SHOP-1", {"MUG": 1})
    login("manager")
    release_all(client, post)
    login("picker", language="de")
    url = post("/pick/start").headers["Location"]

    page = client.get(url).get_data(as_text=True)

    assert "Zum Lagerplatz gehen und das Etikett scannen." in page
    db.session.expire_all()
    assert db.session.scalars(sa.select(PickList.status)).one() == (
        PickListStatus.PICKING
    )


def ticked(page: str, name: str) -> set[str]:
    """The orders whose `name` box is ticked on the wave screen."""
    return {
        order
        for box, order in re.findall(
            r'(<input type="checkbox" name="' + name + r'"[^>]*>).*?<strong>([^<]+)',
            page,
            re.S,
        )
        if " checked" in box
    }


def test_only_urgent_orders_come_ticked_on_the_wave_screen(client, login, floor):
    now = datetime.now(UTC).isoformat()
    for external_id, placed_at, method in (
        ("LATE-1", "2026-11-26T09:15:00+01:00", "standard"),  # its promise has passed
        ("FAST-1", now, "express"),
        ("CALM-1", now, "standard"),
    ):
        payload = order_payload(
            external_id,
            placed_at=placed_at,
            shipping_method=method,
            lines=[{"sku": "MUG", "quantity": 1, "unit_price": "5.00"}],
        )
        orders.receive_order(OrderIn.model_validate(payload))
    login("manager")

    page = client.get("/manage/waves").get_data(as_text=True)
    every = client.get("/manage/waves?tick=all").get_data(as_text=True)

    assert ticked(page, "shipment") == {"LATE-1", "FAST-1"}
    assert ticked(page, "urgent") == {"LATE-1", "FAST-1"}
    assert ">2</output> of 3 orders ticked" in page
    assert page.count(">late</span>") == 1
    assert ticked(every, "shipment") == {"LATE-1", "FAST-1", "CALM-1"}
    assert ticked(every, "urgent") == {"LATE-1", "FAST-1"}
