"""Bad input on the pages is refused with a message in the user's language and books
nothing; order numbers as shops write them work on every page; error pages answer
even when the database is what broke."""

import io

import pytest
import sqlalchemy as sa

from fulfil.extensions import db
from fulfil.models import Order, StockMove
from fulfil.queries.orders import order_by_external_id
from fulfil.services import picking
from tests.conftest import csrf_token, make_app, row_counts
from tests.picking_floor import bench, lay_out, order, pick_everything, release, stock

NUMBER = "SO/2026/0001 #7?x=%"


def moves() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(StockMove))


# -- numbers ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("qty", "problem"),
    [
        ("١٢", "must be a whole number"),  # Arabic-Indic 12: never booked as 12
        ("²", "must be a whole number"),
        ("12.0", "must be a whole number"),
        ("100001", "must be at most 100000"),
        ("9" * 5000, "must be at most 100000"),
    ],
)
def test_goods_in_takes_only_ascii_whole_numbers_up_to_max_qty(
    login, post, make_product, warehouse, qty, problem
):
    product = make_product()
    login("receiver")
    form = {"location": "RECV-01", "barcode": product.barcode, "key": "k1"}

    response = post("/receive/", form | {"qty": qty})

    assert response.status_code == 400
    assert f"Quantity: {problem}" in response.get_data(as_text=True)
    assert moves() == 0


def test_max_qty_is_a_setting(app, login, post, make_product, warehouse):
    app.config["MAX_QTY"] = 20
    product = make_product()
    login("receiver")
    form = {"location": "RECV-01", "barcode": product.barcode}

    refused = post("/receive/", form | {"qty": "21", "key": "k1"})
    booked = post("/receive/", form | {"qty": "20", "key": "k2"})

    assert (refused.status_code, booked.status_code) == (400, 303)
    assert "Quantity: must be at most 20" in refused.get_data(as_text=True)
    assert moves() == 1


def test_a_german_receiver_is_refused_in_german(login, post, make_product, warehouse):
    product = make_product()
    login("receiver", language="de")

    response = post(
        "/receive/",
        {"location": "RECV-01", "barcode": product.barcode, "qty": "١٢", "key": "k"},
    )

    assert response.status_code == 400
    assert "Menge: muss eine ganze Zahl sein" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "url",
    [
        "/pick/lists/2147483648",
        "/pack/parcels/9223372036854775808",
        "/service/orders/0",
        "/docs/parcels/١٢/label.pdf",
        "/manage/exceptions/99999999999999999999999/resolve",
    ],
)
def test_ids_beyond_the_database_name_nothing(client, login, warehouse, url):
    login("admin")

    response = (
        client.post(url, data={"csrf_token": csrf_token(client)})
        if url.endswith("resolve")
        else client.get(url)
    )

    assert response.status_code == 404
    assert "This page does not exist." in response.get_data(as_text=True)


# -- text ------------------------------------------------------------------------------


def test_nul_in_a_field_is_refused_naming_the_field(client, login, warehouse):
    login("admin")

    response = client.get("/trace/", query_string={"kind": "order", "q": "SO\x001"})
    in_path = client.post(
        "/admin/users/a\x00b/badge", data={"csrf_token": csrf_token(client)}
    )

    assert response.status_code == 400
    assert "q: must not contain NUL characters" in response.get_data(as_text=True)
    assert in_path.status_code == 404


def test_an_over_long_reference_at_goods_in_is_refused(
    login, post, make_product, warehouse
):
    product = make_product()
    login("receiver")

    response = post(
        "/receive/",
        {
            "location": "RECV-01",
            "barcode": product.barcode,
            "qty": "3",
            "key": "k1",
            "reference": "Delivery note " + "7" * 200,
        },
    )

    assert response.status_code == 400
    assert "Reference: must be at most 100 characters" in response.get_data(
        as_text=True
    )
    assert moves() == 0


def test_a_csv_file_holding_nul_is_refused_naming_the_line(login, post, warehouse):
    login("manager")
    data = b"sku,name,barcode\nA-1,Mug,4006381333931\nA-2,Cup\x00,4006381333948\n"
    before = row_counts()

    response = post(
        "/manage/import",
        {"kind": "products", "file": (io.BytesIO(data), "products.csv")},
    )

    assert response.status_code == 422
    assert "Line 3 holds a NUL character" in response.get_data(as_text=True)
    assert row_counts() == before


# -- order numbers on the pages --------------------------------------------------------


@pytest.fixture
def picked_order(warehouse, loc, make_product, make_user):
    """NUMBER picked and waiting at the bench; returns the order."""
    lay_out(warehouse)
    bench(warehouse)
    mug = make_product("MUG", weight_g=350)
    stock(mug, loc, {"A-01-1-A": 5})
    placed = order(NUMBER, {"MUG": 1})
    picker = make_user("picker")
    release(warehouse, placed)
    claimed = picking.claim_next(picker_id=picker.id, warehouse_id=warehouse.id)
    pick_everything(claimed.id, picker.id)
    return order_by_external_id(NUMBER)


def test_customer_service_finds_the_order_and_its_full_path(
    client, login, post, picked_order
):
    login("packer", "customer_service")
    post("/pack/open", {"code": NUMBER})  # a parcel: the page links its full path

    found = client.get("/service/", query_string={"q": NUMBER}).get_data(as_text=True)
    page = client.get(f"/service/orders/{picked_order.id}").get_data(as_text=True)
    trace_link = page.split('href="/trace/?', 1)[1].split('"', 1)[0]
    trace = client.get("/trace/?" + trace_link.replace("&amp;", "&"))

    assert "SO/2026/0001 #7?x=%" in found and "SO/2026/0001 #7?x=%" in page
    assert trace.status_code == 200
    assert "Order received" in trace.get_data(as_text=True)


def test_searching_for_percent_or_underscore_finds_only_what_holds_them(
    client, login, warehouse, make_product
):
    make_product("SKU-0001")
    for number in ("100%", "1000", "A_1", "AB1"):
        order(number, {"SKU-0001": 1})
    login("customer_service")

    def found(text: str) -> set[str]:
        page = client.get("/service/", query_string={"q": text}).get_data(as_text=True)
        return {
            n for n in ("100%", "1000", "A_1", "AB1") if f"<strong>{n}</strong>" in page
        }

    assert found("0%") == {"100%"}
    assert found("a_") == {"A_1"}


def test_the_pack_bench_opens_the_order_by_its_number(
    client, login, post, picked_order
):
    login("packer")

    opened = post("/pack/open", {"code": NUMBER})
    bench_page = client.get(opened.headers["Location"]).get_data(as_text=True)

    assert opened.status_code == 302
    assert "Order SO/2026/0001 #7?x=%" in bench_page


def test_the_packing_slip_is_named_after_the_order_without_its_slashes(
    client, login, picked_order
):
    login("packer")

    slip = client.get(f"/docs/shipments/{picked_order.shipments[0].id}/slip.pdf")

    assert slip.status_code == 200
    assert (
        'filename="slip-SO_2026_0001 #7_x=%.pdf"' in slip.headers["Content-Disposition"]
    )


# -- error pages -----------------------------------------------------------------------


def broken_twin(app, database_url: str):
    """The same app over a database that cannot be reached: every query fails."""
    if database_url.startswith("sqlite"):
        unreachable = "sqlite:////nonexistent-folder/fulfil.sqlite"
    else:
        unreachable = database_url.rsplit("/", 1)[0] + "/fulfil_no_such_database"
    twin = make_app(unreachable, PROPAGATE_EXCEPTIONS=False)
    return twin.test_client()


def test_error_pages_answer_when_the_database_is_what_broke(
    app, client, login, database_url
):
    login("manager", language="de")
    broken = broken_twin(app, database_url)
    cookie = client.get_cookie("session", domain="fulfil.test")
    broken.set_cookie("session", cookie.value, domain="fulfil.test")
    german = {"Accept-Language": "de"}

    failed = broken.get("/manage/", headers=german)
    missing = broken.get("/nowhere", headers=german)
    fragment = broken.get("/manage/", headers=german | {"HX-Request": "true"})

    assert failed.status_code == 500
    assert "Bei uns ist etwas schiefgelaufen" in failed.get_data(as_text=True)
    assert "Zurück zum Start" in failed.get_data(as_text=True)  # the page's own link
    assert missing.status_code == 404
    assert "Diese Seite gibt es nicht." in missing.get_data(as_text=True)
    assert fragment.status_code == 500
    assert "<html" not in fragment.get_data(as_text=True)
    assert 'role="alert"' in fragment.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Order)) == 0
