"""Each role's home screen, as a full page and as an htmx fragment, in two languages."""

import pytest
import sqlalchemy as sa

from fulfil.extensions import db
from fulfil.models import StockMove
from fulfil.services import inventory
from tests.conftest import assert_ledger_balanced

HOMES = [
    ("picker", "/pick/", "Scan a bin"),
    ("packer", "/pack/", "Scan an item"),
    ("receiver", "/receive/", "Scan the bin"),
    ("manager", "/manage/", "Floor overview"),
    ("customer_service", "/service/", "Order number"),
    ("admin", "/setup/", "Set up your warehouse"),  # until the installation is set up
]


@pytest.mark.parametrize(("role", "url", "text"), HOMES)
def test_each_role_has_a_home_screen(client, login, role, url, text):
    login(role)

    response = client.get("/", follow_redirects=True)

    assert response.request.path == url
    assert text in response.get_data(as_text=True)


def test_the_bin_lookup_answers_htmx_with_the_fragment_only(
    client, login, make_product, loc
):
    product = make_product(name="Red retrospot cake stand")
    inventory.receive(
        product_id=product.id, location_id=loc("A-01-1-A"), qty=4, key="r1"
    )
    login("picker")

    fragment = client.get("/pick/bin?code=a-01-1-a", headers={"HX-Request": "true"})
    page = client.get("/pick/bin?code=A-01-1-A")

    assert b"<html" not in fragment.data and b'id="bin"' in fragment.data
    assert "4 ×" in fragment.get_data(as_text=True)
    assert "Red retrospot cake stand" in fragment.get_data(as_text=True)
    assert b"<html" in page.data and b'id="bin"' in page.data
    assert "HX-Request" in fragment.headers["Vary"]


def test_an_unknown_bin_is_named_in_the_refusal(client, login, warehouse):
    login("picker")

    response = client.get("/pick/bin?code=Z-99", headers={"HX-Request": "true"})

    assert response.status_code == 404
    assert "No location Z-99" in response.get_data(as_text=True)


def test_receiving_books_a_scan_once_even_when_the_form_is_sent_twice(
    client, login, make_product, post, warehouse
):
    product = make_product()
    login("receiver")
    form = {
        "location": "RECV-01",
        "barcode": product.barcode,
        "qty": "3",
        "key": "form-1",
    }

    first = post("/receive/", form)
    second = post("/receive/", form)

    assert first.status_code == second.status_code == 303
    assert db.session.scalar(sa.select(sa.func.count()).select_from(StockMove)) == 1
    assert_ledger_balanced()


def test_receiving_an_unknown_item_says_which_and_books_nothing(
    client, login, post, warehouse
):
    login("receiver")

    response = post(
        "/receive/",
        {"location": "RECV-01", "barcode": "4006381333931", "qty": "1", "key": "k"},
    )

    assert response.status_code == 404
    assert "No product with SKU or barcode 4006381333931" in response.get_data(
        as_text=True
    )
    assert db.session.scalar(sa.select(sa.func.count()).select_from(StockMove)) == 0


def test_the_manager_finds_where_a_product_is(client, login, make_product, loc):
    product = make_product()
    inventory.receive(
        product_id=product.id, location_id=loc("A-01-3-C"), qty=9, key="r1"
    )
    login("manager")

    response = client.get(
        f"/manage/stock?code={product.barcode}", headers={"HX-Request": "true"}
    )

    assert "A-01-3-C" in response.get_data(as_text=True)
    assert b"<html" not in response.data


def test_the_browser_language_picks_german(client, login):
    login("picker")

    response = client.get("/pick/", headers={"Accept-Language": "de-DE,de;q=0.9"})

    assert "Lagerplatz scannen, um" in response.get_data(as_text=True)
    assert '<html lang="de">' in response.get_data(as_text=True)


def test_the_language_switch_is_remembered_for_the_user(client, login, post):
    user = login("picker")

    post("/language", {"language": "de", "next": "/pick/"})
    response = client.get("/pick/", headers={"Accept-Language": "en"})

    assert "Lagerplatz scannen, um" in response.get_data(as_text=True)
    db.session.refresh(user)
    assert user.language == "de"


def test_the_login_page_renders_in_both_languages(client):
    english = client.get("/login", headers={"Accept-Language": "en"}).get_data(
        as_text=True
    )
    german = client.get("/login", headers={"Accept-Language": "de"}).get_data(
        as_text=True
    )

    assert "Log in with badge" in english
    assert "Mit Ausweis anmelden" in german


def test_the_admin_prints_a_badge_as_a_qr_code(client, login, make_user, post):
    login("admin")
    picker = make_user("picker")

    response = post(f"/admin/users/{picker.username}/badge")

    assert response.status_code == 200
    assert "<svg" in response.get_data(as_text=True)


def test_the_manager_downloads_location_labels(client, login, warehouse):
    login("manager")

    response = client.get("/manage/labels.pdf")

    assert response.status_code == 200
    assert response.data.startswith(b"%PDF")


@pytest.mark.parametrize(
    ("qty", "problem"),
    [
        ("abc", "Quantity: must be a whole number"),
        ("0", "qty: must be a whole number above 0"),
        ("-2", "Quantity: must be a whole number"),
        ("", "Quantity: is required"),
    ],
)
def test_receiving_a_quantity_that_is_not_a_positive_number_books_nothing(
    client, login, make_product, post, warehouse, qty, problem
):
    product = make_product()
    login("receiver")

    response = post(
        "/receive/",
        {"location": "RECV-01", "barcode": product.barcode, "qty": qty, "key": "k"},
    )

    assert response.status_code == 400
    assert problem in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(StockMove)) == 0
