"""Times on the pages: the warehouse's zone and the reader's locale (issue 16).

Two sites keep different clocks: WH1 in Europe/Berlin and NY1 in America/New_York.
The same moment, 2026-11-26 13:00 UTC, is 14:00 in Berlin and 08:00 in New York.
German readers see `26.11.2026, 14:00`, English ones the British `26 Nov 2026, 14:00`;
US formats only when a user chooses them. The public tracking page shows the order's
warehouse time and names the zone. Orders past their promise are marked late.
"""

import re
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from fulfil.extensions import db
from fulfil.models import (
    ApiToken,
    Order,
    PickException,
    WebhookDelivery,
)
from fulfil.models.types import utcnow
from fulfil.queries.orders import order_by_external_id
from fulfil.queries.stock import location_by_code
from fulfil.queries.tracking import tracking_token
from fulfil.schemas import OrderIn
from fulfil.services import (
    inventory,
    layout,
    orders,
    picking,
    shipping,
    tokens,
    waves,
    webhooks,
)
from tests.conftest import order_payload

MOMENT = datetime(2026, 11, 26, 13, 0, tzinfo=UTC)
SHOWN = {
    ("WH1", "de"): "26.11.2026, 14:00",
    ("WH1", "en"): "26 Nov 2026, 14:00",
    ("NY1", "de"): "26.11.2026, 08:00",
    ("NY1", "en"): "26 Nov 2026, 08:00",
}
EVERY_READER = pytest.mark.parametrize(
    ("site", "language"), list(SHOWN), ids=[f"{s}-{lang}" for s, lang in SHOWN]
)
ZONES = {"WH1": ZoneInfo("Europe/Berlin"), "NY1": ZoneInfo("America/New_York")}


@pytest.fixture
def sites(warehouse, make_product) -> dict:
    """Berlin (the test warehouse) and New York, each with 20 mugs in a pick face."""
    new_york = layout.create_warehouse(
        code="NY1", name="New York", timezone="America/New_York"
    )
    for code, kind, x in [("A-01-1-A", "pick_face", 3), ("PACK-01", "packing", 1)]:
        layout.define_location(warehouse_id=new_york.id, code=code, kind=kind, x=x, y=2)
    mug = make_product("MUG")
    for site in (warehouse, new_york):
        inventory.receive(
            product_id=mug.id,
            location_id=location_by_code(site.id, "A-01-1-A").id,
            qty=20,
            key=f"in-{site.code}",
        )
    return {"WH1": warehouse, "NY1": new_york}


def place(external_id: str, site: str, **fields) -> Order:
    """An order for one mug from `site`, promised for MOMENT unless told otherwise."""
    payload = order_payload(
        external_id,
        warehouse=site,
        lines=[{"sku": "MUG", "quantity": 1, "unit_price": "5.00"}],
        **{"promised_ship_by": MOMENT.isoformat(), **fields},
    )
    orders.receive_order(OrderIn.model_validate(payload))
    return order_by_external_id(external_id)


def reader(login, sites, site: str, language: str | None, role: str = "manager"):
    return login(role, warehouse_id=sites[site].id, language=language)


def stamp(model, row_id: int, **moments) -> None:
    """Set when something happened, so the page has a known moment to show."""
    db.session.execute(sa.update(model).where(model.id == row_id).values(**moments))
    db.session.commit()


def text(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def entries(page: str, marker: str) -> list[str]:
    """The table rows or list items that mention `marker`."""
    rows = re.findall(r"<(?:tr|li)\b.*?</(?:tr|li)>", page, flags=re.S)
    return [row for row in rows if marker in row]


def entry(page: str, marker: str) -> str:
    (found,) = entries(page, marker)
    return found


def shown_in_german(moment: datetime, zone: ZoneInfo) -> str:
    return moment.astimezone(zone).strftime("%d.%m.%Y, %H:%M")


# -- the floor's pages --------------------------------------------------------------


@EVERY_READER
def test_the_wave_screen_shows_the_promise_in_the_warehouses_time(
    client, login, sites, site, language
):
    place("SHOP-1", site)
    reader(login, sites, site, language)

    row = entry(text(client.get("/manage/waves")), "SHOP-1")

    assert SHOWN[site, language] in row
    assert "13:00" not in row and "PM" not in row


@EVERY_READER
def test_the_exceptions_queue_shows_when_a_short_was_reported(
    client, login, sites, site, language
):
    place("SHOP-1", site)
    picker = login("picker", warehouse_id=sites[site].id)
    warehouse_id = sites[site].id
    waves.release(
        warehouse_id=warehouse_id,
        shipment_ids=[order_by_external_id("SHOP-1").shipments[0].id],
        urgent_ids=[],
    )
    pick_list = picking.claim_next(picker_id=picker.id, warehouse_id=warehouse_id)
    picking.scan(
        pick_list.id, picker_id=picker.id, scan_id="scan-bin-1", code="A-01-1-A"
    )
    picking.short_pick(
        pick_list.id, picker_id=picker.id, scan_id="scan-short-1", found=0
    )
    for exception_id in db.session.scalars(sa.select(PickException.id)):
        stamp(PickException, exception_id, created_at=MOMENT)
    reader(login, sites, site, language)

    rows = entries(text(client.get("/manage/exceptions")), "SHOP-1")

    assert len(rows) == 2  # the short, and "count the bin"
    for row in rows:
        assert SHOWN[site, language] in row
        assert "status--late" in row  # promised for 26 November, still not shipped


@pytest.mark.parametrize(
    ("site", "language", "shown"),
    [
        ("WH1", "de", "Annahmeschluss 14:00"),
        ("NY1", "de", "Annahmeschluss 14:00"),
        ("NY1", "en", "cut-off 14:00"),
        ("NY1", "en_US", "cut-off 2:00\u202fPM"),
    ],
)
def test_a_carriers_cut_off_is_the_wall_time_it_was_given(
    client, login, sites, site, language, shown
):
    shipping.define_carrier(code="DHL", name="DHL", cutoff=time(14, 0))
    reader(login, sites, site, language, role="admin")

    dock = text(client.get("/dock/"))
    carriers = text(client.get("/admin/shipping/"))

    assert f"DHL <small>{shown}</small>" in dock
    assert shown in entry(carriers, "DHL")


# -- customer service and the admin -------------------------------------------------


@EVERY_READER
def test_the_order_page_and_search_show_the_warehouses_time(
    client, login, sites, site, language
):
    order = place("SHOP-1", site, placed_at=MOMENT.isoformat())
    reader(login, sites, site, language, role="customer_service")

    page = text(client.get(f"/service/orders/{order.id}"))
    found = entry(text(client.get("/service/?q=SHOP-1")), "SHOP-1")

    assert SHOWN[site, language] in page  # ship by
    assert SHOWN[site, language] in found  # placed
    history = re.findall(r'<time datetime="([^"]+)">([^<]+)</time>', page)
    assert history
    for machine, person in history:  # ISO UTC for machines, local time for people
        moment = datetime.fromisoformat(machine)
        assert moment.utcoffset() == timedelta(0)
        if language == "de":
            assert person == shown_in_german(moment, ZONES[site])


@pytest.mark.parametrize(("site", "language"), [("WH1", "en"), ("NY1", "de")])
def test_the_admin_sees_tokens_and_deliveries_in_the_warehouses_time(
    client, login, sites, site, language
):
    token, _ = tokens.create_token(name="Web shop", scopes=["orders:read"])
    stamp(ApiToken, token.id, created_at=MOMENT, last_used_at=MOMENT)
    webhooks.subscribe("https://shop.example/hooks", ["order.received"])
    place("SHOP-1", site)
    for delivery_id in db.session.scalars(sa.select(WebhookDelivery.id)):
        stamp(WebhookDelivery, delivery_id, created_at=MOMENT, next_attempt_at=MOMENT)
    reader(login, sites, site, language, role="admin")

    token_row = entry(text(client.get("/admin/tokens")), "Web shop")
    deliveries = text(client.get("/admin/webhooks/deliveries"))

    assert token_row.count(SHOWN[site, language]) == 2  # created, last used
    assert SHOWN[site, language] in entry(deliveries, "order.received")


# -- the customer's tracking page ---------------------------------------------------


@pytest.mark.parametrize(
    ("site", "language", "appointment", "zone"),
    [
        ("WH1", "de", "02.12.2026, 09:00 – 13:00", "Zeitzone: Mitteleuropäische Zeit"),
        ("WH1", "en", "2 Dec 2026, 09:00 – 13:00", "Time zone: Central European Time"),
        ("NY1", "en", "2 Dec 2026, 03:00 – 07:00", "Time zone: Eastern Time"),
        ("NY1", "de", "02.12.2026, 03:00 – 07:00", "Nordamerikanische Ostküstenzeit"),
    ],
)
def test_the_tracking_page_shows_the_warehouses_time_and_names_its_zone(
    client, login, sites, site, language, appointment, zone
):
    order = place(
        "SHOP-1",
        site,
        shipping_method="appointment",
        appointment={"start": "2026-12-02T08:00:00Z", "end": "2026-12-02T12:00:00Z"},
    )
    # a signed-in reader from the other site still sees the order's own time
    reader(login, sites, "NY1" if site == "WH1" else "WH1", language)

    page = text(
        client.get(
            f"/t/{tracking_token(order.shipments[0].id)}",
            headers={"Accept-Language": language},
        )
    )

    assert appointment in page
    assert zone in page
    (received,) = re.findall(r'<time datetime="([^"]+)">([^<]+)</time>', page)
    if language == "de":
        moment = datetime.fromisoformat(received[0])
        assert received[1] == shown_in_german(moment, ZONES[site])


# -- choosing US formats ------------------------------------------------------------


def test_a_browser_asking_for_us_english_gets_british_formats(client, login, sites):
    place("SHOP-1", "NY1")
    reader(login, sites, "NY1", None)

    page = text(client.get("/manage/waves", headers={"Accept-Language": "en-US"}))

    assert "26 Nov 2026, 08:00" in entry(page, "SHOP-1")
    assert '<html lang="en">' in page


def test_us_formats_are_chosen_in_the_menu_and_kept_for_the_user(
    client, login, sites, post
):
    place("SHOP-1", "NY1")
    user = reader(login, sites, "NY1", "en")

    chosen = post("/language", {"language": "en_US", "next": "/manage/waves"})
    page = text(client.get("/manage/waves"))

    assert chosen.status_code == 303
    assert "Nov 26, 2026, 8:00\u202fAM" in entry(page, "SHOP-1")
    assert '<html lang="en-US">' in page
    assert 'value="en_US" lang="en-US" aria-pressed="true"' in page
    db.session.refresh(user)
    assert user.language == "en_US"


# -- late -----------------------------------------------------------------------------


def test_only_orders_past_their_promise_and_still_here_are_marked_late(
    client, login, sites
):
    place("LATE-1", "WH1")  # promised for 26 November 2026
    place("SOON-1", "WH1", promised_ship_by=(utcnow() + timedelta(days=2)).isoformat())
    place("GONE-1", "WH1")
    orders.cancel_order("GONE-1")
    reader(login, sites, "WH1", "en", role="manager")
    waves_page = text(client.get("/manage/waves"))
    reader(login, sites, "WH1", "de", role="customer_service")
    found = text(client.get("/service/?q=-1"))
    late_page = text(client.get(f"/service/orders/{order_by_external_id('LATE-1').id}"))
    gone_page = text(client.get(f"/service/orders/{order_by_external_id('GONE-1').id}"))

    badge = 'class="status status--late">late<'
    assert badge in entry(waves_page, "LATE-1")
    assert "status--late" not in entry(waves_page, "SOON-1")
    german_badge = 'class="status status--late">überfällig<'
    assert german_badge in entry(found, "LATE-1")
    assert "status--late" not in entry(found, "SOON-1")
    assert "status--late" not in entry(found, "GONE-1")
    assert german_badge in late_page
    assert "Versand bis 26.11.2026, 14:00" in late_page
    assert "status--late" not in gone_page


def test_the_wave_screens_ship_by_day_ends_at_midnight_where_the_warehouse_is(
    client, login, sites
):
    # 22:00 on the 26th in New York is already the 27th in UTC
    place("NY-EVENING", "NY1", promised_ship_by="2026-11-27T03:00:00Z")
    place("NY-NEXT-DAY", "NY1", promised_ship_by="2026-11-27T14:00:00Z")
    # 00:30 on the 27th in Berlin is still the 26th in UTC
    place("BER-EVENING", "WH1", promised_ship_by="2026-11-26T21:30:00Z")
    place("BER-AFTER-MIDNIGHT", "WH1", promised_ship_by="2026-11-26T23:30:00Z")

    reader(login, sites, "NY1", "en")
    new_york = text(client.get("/manage/waves?ship_by=2026-11-26"))
    reader(login, sites, "WH1", "en")
    berlin = text(client.get("/manage/waves?ship_by=2026-11-26"))

    assert "NY-EVENING" in new_york and "NY-NEXT-DAY" not in new_york
    assert "BER-EVENING" in berlin and "BER-AFTER-MIDNIGHT" not in berlin
