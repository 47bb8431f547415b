"""Logging in, roles, CSRF and rate limits, as a person at the door meets them."""

import re

import pytest

from fulfil.extensions import db
from fulfil.services import layout, users
from tests.conftest import PASSWORD, csrf_token, row_counts

PUBLIC = {
    "auth.login",
    "auth.password_login",
    "auth.badge_login",
    "auth.logout",
    "api.openapi_json",  # the API's description
    "downloads.fetch",  # signed link in the customer's e-mail
    "supplier.order",  # signed link on the supplier's purchase order
    "supplier.report",
    "supplier.purchase_order",
    "tracking.page",  # signed link in the label's QR code
    "main.set_language",
    "ops.healthz",
    "pwa.manifest",  # the installable app: needed before anyone logs in
    "pwa.service_worker",
    "pwa.offline",
    "static",
}


def test_a_picker_logs_in_with_a_password_and_lands_on_the_picker_screen(
    client, make_user, post
):
    picker = make_user("picker")

    response = post(
        "/login",
        {"username": picker.username, "password": PASSWORD},
        follow_redirects=True,
    )

    assert response.status_code == 200
    assert response.request.path == "/pick/"
    assert "Scan a bin" in response.get_data(as_text=True)


def test_a_wrong_password_says_so_and_logs_nobody_in(client, make_user, post):
    picker = make_user("picker")

    response = post(
        "/login", {"username": picker.username, "password": "wrong-password"}
    )

    assert response.status_code == 401
    assert "Wrong username or password." in response.get_data(as_text=True)
    assert client.get("/pick/").status_code == 302


def test_repeated_failures_are_rate_limited(client, make_user, post):
    picker = make_user("picker")
    for _ in range(5):
        assert (
            post(
                "/login", {"username": picker.username, "password": "nope-nope"}
            ).status_code
            == 401
        )

    response = post("/login", {"username": picker.username, "password": PASSWORD})

    assert response.status_code == 429
    assert "Too many attempts" in response.get_data(as_text=True)


def test_successful_logins_do_not_use_up_the_limit(client, make_user, post):
    picker = make_user("picker")
    for _ in range(7):
        assert (
            post(
                "/login", {"username": picker.username, "password": PASSWORD}
            ).status_code
            == 303
        )


def test_a_badge_scan_logs_the_picker_in(client, make_user, post):
    picker = make_user("picker")
    token = users.issue_badge(username=picker.username)

    response = post("/login/badge", {"badge": token}, follow_redirects=True)

    assert response.request.path == "/pick/"


def test_a_reissued_badge_revokes_the_old_one(client, make_user, post):
    picker = make_user("picker")
    old = users.issue_badge(username=picker.username)
    users.issue_badge(username=picker.username)

    response = post("/login/badge", {"badge": old})

    assert response.status_code == 401
    assert "This badge is not valid" in response.get_data(as_text=True)


@pytest.mark.parametrize("token", ["", "garbage", "WzEsImFiYyJd.forged-signature"])
def test_a_forged_badge_is_refused(client, make_user, post, token):
    make_user("picker")

    assert post("/login/badge", {"badge": token}).status_code == 401


def test_a_deactivated_user_can_log_in_neither_way(client, make_user, post):
    picker = make_user("picker")
    token = users.issue_badge(username=picker.username)
    users.set_active(username=picker.username, active=False)

    assert (
        post("/login", {"username": picker.username, "password": PASSWORD}).status_code
        == 401
    )
    assert post("/login/badge", {"badge": token}).status_code == 401


def test_a_user_deactivated_while_logged_in_is_out_at_their_next_request(client, login):
    picker = login("picker")
    assert client.get("/pick/").status_code == 200

    users.set_active(username=picker.username, active=False)

    response = client.get("/pick/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_a_new_secret_key_logs_everyone_out_unless_the_old_one_is_kept(
    app, client, login
):
    login("picker")
    old = app.config["SECRET_KEY"]

    app.config |= {"SECRET_KEY": "rotated-key", "SECRET_KEY_FALLBACKS": [old]}
    still_in = client.get("/pick/")
    app.config["SECRET_KEY_FALLBACKS"] = []
    signed_out = client.get("/pick/")

    assert still_in.status_code == 200  # the old key still reads the cookie
    assert signed_out.status_code == 302  # a cookie signed with the old key is void
    assert signed_out.headers["Location"].startswith("/login")


def test_every_page_names_who_is_logged_in_and_their_warehouse(client, login):
    picker = login("picker")
    warehouse = layout.create_warehouse(code="NORTH", name="North", timezone="UTC")
    users.set_warehouse(user_id=picker.id, warehouse_id=warehouse.id)

    page = client.get("/pick/").get_data(as_text=True)

    assert f"{picker.username} · NORTH" in page


def test_a_picker_opening_a_manager_page_gets_403(client, login):
    login("picker")

    response = client.get("/manage/")

    assert response.status_code == 403
    assert "Your role does not give access" in response.get_data(as_text=True)


def test_a_form_without_its_csrf_token_is_refused_and_changes_nothing(client, login):
    login("admin")
    before = row_counts()

    response = client.post(
        "/admin/users",
        data={"username": "mallory", "password": "12345678", "roles": "admin"},
    )

    assert response.status_code == 400
    assert "security token" in response.get_data(as_text=True)
    assert row_counts() == before


def test_htmx_requests_send_the_token_as_a_header(
    client, login, make_product, warehouse
):
    login("receiver")
    product = make_product()

    response = client.post(
        "/receive/",
        data={
            "location": "RECV-01",
            "barcode": product.barcode,
            "qty": "2",
            "key": "k1",
        },
        headers={"HX-Request": "true", "X-CSRFToken": csrf_token(client)},
    )

    assert response.status_code == 200
    assert "Booked: 2" in response.get_data(as_text=True)


def test_anonymous_htmx_requests_are_sent_to_the_login_page_by_header(
    client, warehouse
):
    response = client.get("/pick/bin?code=A-01-1-A", headers={"HX-Request": "true"})

    assert response.status_code == 401
    assert response.headers["HX-Redirect"].startswith("/login?next=/pick/bin")


def test_every_page_but_the_public_ones_needs_a_login(app, client):
    for rule in app.url_map.iter_rules():
        if rule.endpoint in PUBLIC:
            continue
        url = re.sub(r"<(?:int|id)\b[^>]*>", "1", rule.rule)
        url = re.sub(r"<(?:\w+:)?\w+>", "someone", url)
        method = next(m for m in ("GET", "POST", "PUT") if m in rule.methods)
        response = client.open(url, method=method)
        if rule.endpoint.startswith("api."):  # a bearer token, not a login
            assert response.status_code == 401, rule.endpoint
            assert response.mimetype == "application/problem+json"
            continue
        assert response.status_code in (302, 400), (rule.endpoint, response.status_code)
        if response.status_code == 302:
            assert "/login" in response.headers["Location"], rule.endpoint


def test_session_cookies_are_http_only_and_same_site(client, make_user, post):
    picker = make_user("picker")

    response = post("/login", {"username": picker.username, "password": PASSWORD})

    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_pages_carry_security_headers(client):
    headers = client.get("/login").headers

    assert "default-src 'self'" in headers["Content-Security-Policy"]
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"


def test_failed_logins_are_counted_in_redis_across_workers(
    database_url, client, make_user, post, redis_url
):
    """Two web processes behind a load balancer share one login limit."""
    import uuid

    from tests.conftest import make_app

    picker = make_user("picker")
    shared = {
        "RATELIMIT_STORAGE_URI": redis_url,
        "RATELIMIT_KEY_PREFIX": uuid.uuid4().hex,
    }
    workers = [make_app(database_url, **shared) for _ in range(2)]
    first_worker, second_worker = (w.test_client() for w in workers)
    for _ in range(5):
        token = csrf_token(first_worker)
        first_worker.post(
            "/login",
            data={
                "csrf_token": token,
                "username": picker.username,
                "password": "wrong-password",
            },
        )

    response = second_worker.post(
        "/login",
        data={
            "csrf_token": csrf_token(second_worker),
            "username": picker.username,
            "password": PASSWORD,
        },
    )

    assert response.status_code == 429
    for worker in workers:  # close their pooled connections now, not at GC time
        with worker.app_context():
            db.engine.dispose()


def test_the_pages_a_signed_link_opens_share_one_rate_limit(app, client):
    app.config["PUBLIC_RATE_LIMIT"] = "3 per minute"
    # tracking, supplier and download links: one budget per address across them
    answers = [
        client.get(path).status_code
        for path in ("/t/forged", "/supplier/forged", "/download/forged")
    ]

    limited = client.get("/t/forged", headers={"Accept-Language": "de"})

    assert answers == [404, 404, 404]
    assert limited.status_code == 429
    assert "Zu viele Versuche" in limited.get_data(as_text=True)
