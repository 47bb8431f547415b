"""What a handheld's offline queue meets when it is sent: each scan's verdict as JSON,
applied once, refusals explained and put in front of the manager."""

import json
import re

import pytest
import sqlalchemy as sa

from fulfil.extensions import db
from fulfil.models import ExceptionKind, PickException, PickScan, StockMove
from fulfil.services import waves
from tests.conftest import assert_ledger_balanced, csrf_token, row_counts
from tests.integration.test_picking_web import release_all
from tests.picking_floor import lay_out, order, scan_id, stock

JSON = {"Accept": "application/json"}


@pytest.fixture
def started(client, login, warehouse, loc, make_product, post):
    """A picker holding a list of two mugs in A-01-1-A; returns its URL."""
    lay_out(warehouse)
    mug = make_product("MUG", name="Enamel mug")
    stock(mug, loc, {"A-01-1-A": 5})
    order("SHOP-1", {"MUG": 2})
    login("manager")
    release_all(client, post)
    picker = login("picker")
    url = post("/pick/start").headers["Location"]
    return {"url": url, "mug": mug, "picker": picker}


def replay(client, url: str, **fields):
    """One queued scan as offline.js sends it: a form, with JSON wanted back."""
    return client.post(
        url + "/scan",
        data={"scan_id": fields.pop("scan_id", scan_id()), "offline": "1", **fields},
        headers={**JSON, "X-CSRFToken": csrf_token(client)},
    )


def device_copy(client, url: str) -> dict:
    page = client.get(url).get_data(as_text=True)
    raw = re.search(r'id="pick-list-copy">(.*?)</script>', page, re.S).group(1)
    return json.loads(raw)


def test_the_list_page_carries_what_the_device_needs_to_check_scans(client, started):
    copy = device_copy(client, started["url"])

    (task,) = copy["tasks"]
    assert task["location"] == "A-01-1-A"
    assert task["remaining"] == 2 and task["at_location"] is False
    assert started["mug"].barcode in task["codes"] and "MUG" in task["codes"]
    assert copy["rev"] == 0
    fetched = client.get(started["url"] + "/device-copy", headers=JSON).get_json()
    assert fetched["tasks"] == copy["tasks"]


def test_a_replayed_queue_answers_each_scan_as_json_and_counts_it_once(client, started):
    url, mug = started["url"], started["mug"].barcode
    task = device_copy(client, url)["tasks"][0]["id"]
    same = scan_id()

    at_bin = replay(client, url, code="A-01-1-A", for_task=task)
    first = replay(client, url, code=mug, for_task=task, scan_id=same)
    again = replay(client, url, code=mug, for_task=task, scan_id=same)

    assert at_bin.status_code == 200 and at_bin.get_json()["accepted"] is True
    assert first.get_json() == {"accepted": True, "message": "", "replayed": False}
    assert again.get_json() == {"accepted": True, "message": "", "replayed": True}
    picks = db.session.scalars(sa.select(StockMove).where(StockMove.reason == "pick"))
    assert sum(m.qty for m in picks) == 1
    assert device_copy(client, url)["rev"] == 2
    assert_ledger_balanced()


def test_a_refused_offline_scan_is_explained_and_goes_to_the_exceptions_queue(
    client, started, login
):
    url = started["url"]
    task = device_copy(client, url)["tasks"][0]["id"]

    wrong = replay(client, url, code="B-02-2-A", for_task=task)

    assert wrong.status_code == 422
    assert wrong.get_json()["message"] == "Wrong bin B-02-2-A. Go to A-01-1-A."
    (reported,) = db.session.scalars(sa.select(PickException)).all()
    assert reported.kind == ExceptionKind.REFUSED_SCAN
    assert reported.reported_by_id == started["picker"].id
    assert "B-02-2-A" in reported.note and "Wrong bin" in reported.note
    login("manager")
    page = client.get("/manage/exceptions").get_data(as_text=True)
    assert "refused offline scan" in page and "Wrong bin B-02-2-A" in page


def test_an_online_wrong_scan_is_not_an_exception(client, started):
    url = started["url"]

    client.post(
        url + "/scan",
        data={"scan_id": scan_id(), "code": "B-02-2-A"},
        headers={"HX-Request": "true", "X-CSRFToken": csrf_token(client)},
    )

    assert db.session.scalars(sa.select(PickException)).all() == []


def test_a_scan_meant_for_another_task_is_refused(client, started):
    url = started["url"]
    task = device_copy(client, url)["tasks"][0]["id"]
    before = db.session.scalar(sa.select(sa.func.count(StockMove.id)))

    stale = replay(client, url, code="A-01-1-A", for_task=task + 1000)

    assert stale.status_code == 422
    assert "The list changed meanwhile" in stale.get_json()["message"]
    assert db.session.scalar(sa.select(sa.func.count(StockMove.id))) == before


def test_scans_sent_after_a_manager_took_the_list_back_are_refused_and_reported(
    client, started
):
    url = started["url"]
    list_id = int(url.rsplit("/", 1)[1])
    waves.take_back(list_id)
    before = row_counts()

    same = scan_id()
    late = replay(client, url, code="A-01-1-A", scan_id=same)
    again = replay(client, url, code="A-01-1-A", scan_id=same)

    assert late.status_code == 403
    assert late.get_json()["message"] == f"Pick list {list_id} is not yours."
    assert again.status_code == 422  # the same scan again: the same refusal, kept once
    after = row_counts()
    assert after["pick_exceptions"] == before["pick_exceptions"] + 1
    assert after["pick_scans"] == before["pick_scans"] + 1
    assert after["stock_moves"] == before["stock_moves"]
    gone = client.get(url + "/device-copy", headers=JSON)
    assert gone.status_code == 403 and "is not yours" in gone.get_json()["message"]
    assert db.session.scalars(sa.select(PickScan.accepted)).all() == [False]
