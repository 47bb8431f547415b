"""The admin's pages for API tokens and webhooks: secrets shown once, tokens that work
against /api/v1 until revoked, the delivery log with its resend button."""

import html
import re

import pytest
import sqlalchemy as sa

from fulfil.extensions import db
from fulfil.models import ApiToken, WebhookDelivery, WebhookSubscription
from fulfil.services import tokens, webhooks
from fulfil.webhook_sender import deliver_due
from tests.conftest import order_payload, row_counts

PAGES = ["/admin/tokens", "/admin/webhooks", "/admin/webhooks/deliveries"]


def shown_secret(response) -> str:
    page = response.get_data(as_text=True)
    return html.unescape(re.search(r'class="secret"[^>]*>([^<]+)<', page).group(1))


def bearer(secret: str) -> dict:
    return {"Authorization": f"Bearer {secret}"}


# -- who may -------------------------------------------------------------------------


@pytest.mark.parametrize("url", PAGES)
def test_a_non_admin_gets_403(client, login, url):
    login("manager")

    assert client.get(url).status_code == 403


@pytest.mark.parametrize("url", PAGES)
def test_an_anonymous_visitor_is_sent_to_the_login_page(client, warehouse, url):
    response = client.get(url)

    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_a_non_admin_cannot_create_a_token_or_a_webhook(client, login, post):
    login("customer_service")
    before = row_counts()

    token = post("/admin/tokens", {"name": "mine", "scopes": "orders:read"})
    hook = post("/admin/webhooks", {"url": "https://evil.example", "all_events": "1"})

    assert token.status_code == 403 and hook.status_code == 403
    assert row_counts() == before


@pytest.mark.parametrize(
    ("url", "data"),
    [
        ("/admin/tokens", {"name": "shop", "scopes": "orders:read"}),
        ("/admin/webhooks", {"url": "https://shop.example/hooks", "all_events": "1"}),
    ],
)
def test_a_form_without_its_csrf_token_is_refused(client, login, url, data):
    login("admin")
    before = row_counts()

    response = client.post(url, data=data)

    assert response.status_code == 400
    assert row_counts() == before


def test_the_admin_home_links_to_tokens_and_webhooks(client, login):
    login("admin")

    page = client.get("/admin/").get_data(as_text=True)

    assert 'href="/admin/tokens"' in page and 'href="/admin/webhooks"' in page


# -- API tokens ----------------------------------------------------------------------


def test_a_new_token_is_shown_once_and_works_against_the_api(client, login, post):
    login("admin")

    created = post(
        "/admin/tokens", {"name": "Web shop", "scopes": ["orders:read", "stock:read"]}
    )
    secret = shown_secret(created)
    listed = client.get("/admin/tokens").get_data(as_text=True)
    answer = client.get("/api/v1/locations", headers=bearer(secret))

    assert created.status_code == 200
    assert created.headers["Cache-Control"] == "no-store"
    assert "shown only once" in created.get_data(as_text=True)
    assert secret.startswith("ful_")
    assert "Web shop" in listed and secret[:12] in listed
    assert secret not in listed  # never again
    assert "never used" in listed
    assert answer.status_code == 200
    token = db.session.scalar(sa.select(ApiToken))
    assert token.scopes == ["orders:read", "stock:read"]


def test_a_token_is_listed_with_its_last_use(client, login, post):
    login("admin")
    _, secret = tokens.create_token(name="ERP", scopes=["stock:read"])
    client.get("/api/v1/locations", headers=bearer(secret))

    page = client.get("/admin/tokens").get_data(as_text=True)

    assert "ERP" in page and "last used" in page and "stock:read" in page


def test_a_revoked_token_gets_401(client, login, post):
    login("admin")
    token, secret = tokens.create_token(name="Old shop", scopes=["orders:read"])

    response = post(f"/admin/tokens/{token.id}/revoke")
    answer = client.get("/api/v1/locations", headers=bearer(secret))
    page = client.get("/admin/tokens").get_data(as_text=True)

    assert response.status_code == 303
    assert answer.status_code == 401
    assert "revoked" in page


def test_a_token_needs_a_name_and_a_scope(client, login, post):
    login("admin")

    response = post("/admin/tokens", {"name": "No scopes"})

    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert 'role="alert"' in page and 'value="No scopes"' in page
    assert db.session.scalar(sa.select(sa.func.count(ApiToken.id))) == 0


# -- webhooks ------------------------------------------------------------------------


def test_a_new_webhook_shows_its_secret_once(client, login, post):
    login("admin")

    created = post(
        "/admin/webhooks",
        {
            "url": "https://shop.example/hooks",
            "events": ["order.shipped", "order.delivered"],
            "description": "Shop notifications",
            "fulfilment": "",
        },
    )
    secret = shown_secret(created)
    listed = client.get("/admin/webhooks").get_data(as_text=True)

    assert created.status_code == 200
    assert created.headers["Cache-Control"] == "no-store"
    assert "Fulfil-Signature" in created.get_data(as_text=True)
    subscription = db.session.scalar(sa.select(WebhookSubscription))
    assert subscription.secret == secret
    assert subscription.events == ["order.delivered", "order.shipped"]
    assert "https://shop.example/hooks" in listed and "Shop notifications" in listed
    assert secret not in listed


def test_all_events_wins_over_single_ones_and_a_mode_filters(client, login, post):
    login("admin")

    post(
        "/admin/webhooks",
        {
            "url": "https://3pl.example/hooks",
            "all_events": "1",
            "events": "order.shipped",
            "fulfilment": "3pl",
        },
    )

    subscription = db.session.scalar(sa.select(WebhookSubscription))
    assert subscription.events == ["*"] and subscription.fulfilment == "3pl"


def test_a_bad_webhook_url_is_refused_with_the_form_kept(client, login, post):
    login("admin")

    response = post(
        "/admin/webhooks", {"url": "javascript:alert(1)", "events": "order.shipped"}
    )

    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "http(s) URL" in page
    assert 'value="order.shipped" checked' in page
    assert db.session.scalar(sa.select(sa.func.count(WebhookSubscription.id))) == 0


def test_deactivating_a_webhook(client, login, post):
    login("admin")
    subscription, _ = webhooks.subscribe("https://shop.example/hooks", ["*"])

    response = post(f"/admin/webhooks/{subscription.id}/deactivate")
    page = client.get("/admin/webhooks").get_data(as_text=True)

    assert response.status_code == 303
    assert "inactive" in page and "Deactivate…" not in page
    db.session.rollback()
    assert db.session.get(WebhookSubscription, subscription.id).active is False


# -- the delivery log ----------------------------------------------------------------


@pytest.fixture
def failed_delivery(app, api, make_product):
    """An order's webhook to a port where nothing listens: failed at once."""
    app.config["WEBHOOK_MAX_ATTEMPTS"] = 1
    app.config["WEBHOOK_TIMEOUT_S"] = 2
    make_product(sku="SKU-0001")
    webhooks.subscribe("http://127.0.0.1:9/nobody-home", ["order.received"])
    response = api("orders:write").post("/api/v1/orders", json=order_payload())
    assert response.status_code == 201
    assert deliver_due()["failed"] == 1
    db.session.rollback()
    return db.session.scalar(sa.select(WebhookDelivery))


def test_the_delivery_log_shows_what_went_wrong(client, login, failed_delivery):
    login("admin")

    page = client.get("/admin/webhooks/deliveries").get_data(as_text=True)
    failed = client.get("/admin/webhooks/deliveries?status=failed")
    delivered = client.get("/admin/webhooks/deliveries?status=delivered")

    assert f'id="delivery-{failed_delivery.id}"' in page
    assert "order.received" in page and "http://127.0.0.1:9/nobody-home" in page
    assert "ConnectionError" in page and "Attempts: 1" in page
    assert f'id="delivery-{failed_delivery.id}"' in failed.get_data(as_text=True)
    assert "delivery-" not in delivered.get_data(as_text=True)


def test_resend_from_the_log_queues_the_delivery_again(
    client, login, post, failed_delivery
):
    login("admin")

    response = post(
        f"/admin/webhooks/deliveries/{failed_delivery.id}/resend", {"status": "failed"}
    )

    assert response.status_code == 303
    assert response.headers["Location"].endswith(
        "/admin/webhooks/deliveries?status=failed"
    )
    db.session.rollback()
    delivery = db.session.get(WebhookDelivery, failed_delivery.id)
    assert delivery.status == "pending" and delivery.attempts == 0
    page = client.get("/admin/webhooks/deliveries?status=pending")
    assert "queued again" in page.get_data(as_text=True)


def test_resend_needs_the_csrf_token(client, login, failed_delivery):
    login("admin")

    response = client.post(f"/admin/webhooks/deliveries/{failed_delivery.id}/resend")

    assert response.status_code == 400
    db.session.rollback()
    assert db.session.get(WebhookDelivery, failed_delivery.id).status == "failed"


def test_resending_an_unknown_delivery_is_a_404(client, login, post):
    login("admin")

    assert post("/admin/webhooks/deliveries/999/resend").status_code == 404


def test_the_log_pages_back_fifty_at_a_time(client, login, api, make_product):
    make_product(sku="SKU-0001")
    webhooks.subscribe("http://127.0.0.1:9/nobody-home", ["*"])
    shop = api("orders:write")
    for n in range(18):  # three deliveries each: 54 in all
        shop.post("/api/v1/orders", json=order_payload(f"SHOP-{n}"))
    login("admin")

    first = client.get("/admin/webhooks/deliveries").get_data(as_text=True)
    older = re.search(r'href="([^"]*before=\d+)"', first).group(1)
    second = client.get(html.unescape(older)).get_data(as_text=True)

    assert first.count('id="delivery-') == 50
    assert second.count('id="delivery-') == 4
    assert "before=" not in second.split("Newest")[-1]
