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


def fail_logins(post, username: str, times: int = 5) -> None:
    for _ in range(times):
        refused = post("/login", {"username": username, "password": "nope-nope"})
        assert refused.status_code == 401


def test_repeated_failures_lock_that_username_even_for_its_right_password(
    client, make_user, post
):
    picker = make_user("picker")
    fail_logins(post, picker.username)

    response = post("/login", {"username": picker.username, "password": PASSWORD})

    assert response.status_code == 429
    page = response.get_data(as_text=True)
    assert f"Too many failed logins for {picker.username}. Wait " in page
    assert "seconds, then try again." in page
    assert 'name="username"' in page  # the login page again, to try later
    assert 0 < int(response.headers["Retry-After"]) <= 60
    assert client.get("/pick/").status_code == 302  # nobody logged in


def test_a_locked_out_username_is_told_to_wait_in_german(client, make_user, post):
    picker = make_user("picker")
    fail_logins(post, picker.username)

    response = post(
        "/login",
        {"username": picker.username, "password": PASSWORD},
        headers={"Accept-Language": "de"},
    )

    assert response.status_code == 429
    assert f"Zu viele fehlgeschlagene Anmeldungen für {picker.username}" in (
        response.get_data(as_text=True)
    )


def test_one_persons_typos_do_not_lock_out_others_behind_the_same_address(
    client, make_user, post
):
    typist, colleague = make_user("picker"), make_user("manager")
    fail_logins(post, typist.username)
    assert (
        post("/login", {"username": typist.username, "password": PASSWORD}).status_code
        == 429
    )

    response = post("/login", {"username": colleague.username, "password": PASSWORD})

    assert response.status_code == 303
    assert client.get("/manage/").status_code == 200


def test_a_username_is_counted_however_it_is_typed(client, make_user, post):
    picker = make_user("picker")
    fail_logins(post, f"  {picker.username.upper()} ")

    response = post("/login", {"username": picker.username, "password": PASSWORD})

    assert response.status_code == 429


def test_one_address_trying_many_names_is_limited_for_all_of_them(
    app, client, make_user, post
):
    app.config["LOGIN_ADDRESS_RATE_LIMIT"] = "4 per minute"
    picker = make_user("picker")
    for name in ("alice", "bob", "carol"):
        fail_logins(post, name, times=1)
    assert post("/login/badge", {"badge": "garbage"}).status_code == 401

    response = post("/login", {"username": picker.username, "password": PASSWORD})
    badge = post("/login/badge", {"badge": users.issue_badge(username=picker.username)})

    assert response.status_code == 429
    assert "Too many failed logins from this network" in response.get_data(as_text=True)
    assert badge.status_code == 429


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


def copy_of_the_session(app, client):
    """A second browser holding a copy of `client`'s session cookie."""
    name = app.config["SESSION_COOKIE_NAME"]
    cookie = client.get_cookie(name, domain="fulfil.test")
    other = app.test_client()
    other.set_cookie(name, cookie.value, domain="fulfil.test")
    return other


def is_logged_out(response) -> bool:
    return response.status_code == 302 and response.headers["Location"].startswith(
        "/login"
    )


def test_logging_out_ends_a_copy_of_the_session_cookie(app, client, login, post):
    login("manager")
    copy = copy_of_the_session(app, client)
    assert copy.get("/manage/").status_code == 200

    post("/logout")

    assert is_logged_out(client.get("/manage/"))
    assert is_logged_out(copy.get("/manage/"))


def test_logging_out_on_one_device_logs_the_user_out_on_every_other(
    app, client, make_user, post
):
    """The badge on the handheld, the password at the pack bench: one logout."""
    picker = make_user("picker")
    handheld = app.test_client()
    token = users.issue_badge(username=picker.username)
    handheld.post(
        "/login/badge", data={"csrf_token": csrf_token(handheld), "badge": token}
    )
    assert handheld.get("/pick/").status_code == 200
    post("/login", {"username": picker.username, "password": PASSWORD})

    post("/logout")

    assert is_logged_out(handheld.get("/pick/"))


def test_logging_in_again_after_a_logout_works(app, client, login, post):
    manager = login("manager")
    old = copy_of_the_session(app, client)
    post("/logout")

    post("/login", {"username": manager.username, "password": PASSWORD})

    assert client.get("/manage/").status_code == 200
    assert is_logged_out(old.get("/manage/"))


@pytest.mark.parametrize(
    "change",
    [
        ["reset-password", "--password", "new-secret-1"],
        ["set-roles", "--role", "picker"],
    ],
    ids=["new password", "new roles"],
)
def test_a_new_password_or_new_roles_end_every_session_of_that_user(
    app, client, login, runner, change
):
    user = login("manager", "picker")
    copy = copy_of_the_session(app, client)

    result = runner.invoke(args=["user", change[0], user.username, *change[1:]])

    assert result.exit_code == 0, result.output
    assert is_logged_out(client.get("/pick/"))
    assert is_logged_out(copy.get("/pick/"))


def test_deactivation_on_the_admin_page_ends_a_copied_session(app, client, login):
    manager = login("manager")
    copy = copy_of_the_session(app, client)
    admin = app.test_client()
    boss = users.create_user(username="boss", password=PASSWORD, roles=["admin"])
    admin.post(
        "/login",
        data={
            "csrf_token": csrf_token(admin),
            "username": boss.username,
            "password": PASSWORD,
        },
    )

    response = admin.post(
        f"/admin/users/{manager.username}/active",
        data={"csrf_token": csrf_token(admin), "active": "0"},
    )

    assert response.status_code == 303
    assert is_logged_out(copy.get("/manage/"))
    assert admin.get("/admin/").status_code == 200  # the admin's session goes on


@pytest.mark.parametrize(
    "path, form",
    [
        ("roles", {"roles": ["picker"]}),
        ("password", {"password": "a new long secret"}),
    ],
)
def test_new_roles_or_password_on_the_admin_page_end_a_copied_session(
    app, client, login, path, form
):
    manager = login("manager")
    copy = copy_of_the_session(app, client)
    admin = app.test_client()
    boss = users.create_user(username="boss", password=PASSWORD, roles=["admin"])
    admin.post(
        "/login",
        data={
            "csrf_token": csrf_token(admin),
            "username": boss.username,
            "password": PASSWORD,
        },
    )
    page = admin.get("/admin/").get_data(as_text=True)
    assert f"/admin/users/{manager.username}/{path}" in page

    response = admin.post(
        f"/admin/users/{manager.username}/{path}",
        data={"csrf_token": csrf_token(admin), **form},
    )

    assert response.status_code == 303
    assert is_logged_out(copy.get("/manage/"))
    too_short = admin.post(
        f"/admin/users/{manager.username}/password",
        data={"csrf_token": csrf_token(admin), "password": "short"},
    )
    assert too_short.status_code in (400, 422)


def test_the_same_roles_again_change_nothing_and_end_no_session(client, login):
    user = login("manager", "picker")

    users.set_roles(username=user.username, roles=["picker", "manager"])

    assert client.get("/manage/").status_code == 200


def test_revoking_a_lost_badge_ends_the_sessions_it_opened(client, make_user, post):
    picker = make_user("picker")
    post("/login/badge", {"badge": users.issue_badge(username=picker.username)})

    users.revoke_badge(username=picker.username)

    assert is_logged_out(client.get("/pick/"))


def test_a_session_cookie_without_a_generation_is_logged_out(client, make_user):
    """As cookies were before session generations: one login after the upgrade."""
    picker = make_user("picker")
    with client.session_transaction() as session:
        session["_user_id"] = str(picker.id)
        session["_fresh"] = True

    assert is_logged_out(client.get("/pick/"))


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
