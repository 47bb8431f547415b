"""Fixtures: the app on SQLite and on PostgreSQL, clients, users and stock factories."""

import contextlib
import contextvars
import os
import re
import uuid

os.environ["FULFIL_ENV"] = "test"
os.environ.setdefault("SECRET_KEY", "test-secret-key")

import psycopg
import pytest
import sqlalchemy as sa
from flask import has_app_context
from flask.testing import FlaskClient
from flask_migrate import upgrade

from fulfil import create_app
from fulfil.domain.barcodes import make_ean13
from fulfil.extensions import db
from fulfil.models import LocationKind
from fulfil.services import catalog, layout, users

DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
PASSWORD = "correct-horse-battery"


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "sqlite_only: runs on the embedded database only"
    )


# -- databases ---------------------------------------------------------------


@pytest.fixture(scope="session")
def postgres_server() -> str:
    """The PostgreSQL server to test against. In CI its absence fails the run."""
    url = os.environ.get("TEST_DATABASE_URL", DEFAULT_PG)
    try:
        with psycopg.connect(_libpq(url), connect_timeout=3):
            pass
    except psycopg.OperationalError as error:
        _missing("PostgreSQL", url, error)
    return url


def _missing(service: str, url: str, error: Exception) -> None:
    """A service the suite needs is down: fatal in CI, a skip on a laptop."""
    if os.environ.get("CI"):
        pytest.fail(
            f"{service} is required in CI and is not reachable at {url}: {error}"
        )
    pytest.skip(f"{service} not reachable at {url}")


def _libpq(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def database_url(request, tmp_path_factory):
    """A fresh, migrated database per session and backend, dropped afterwards."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'fulfil.sqlite'}"
        _migrate(url)
        yield url
        return
    server = request.getfixturevalue("postgres_server")
    name = f"fulfil_test_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(_libpq(server), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = server.rsplit("/", 1)[0] + f"/{name}"
    try:
        _migrate(url)
        yield url
    finally:
        with psycopg.connect(_libpq(server), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _migrate(url: str) -> None:
    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade(directory=os.path.join(os.path.dirname(__file__), "..", "migrations"))
        db.engine.dispose()


# -- the app -----------------------------------------------------------------


def make_app(url: str, **overrides):
    return create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "TESTING": True,
            "SERVER_NAME": "fulfil.test",
            "LOGIN_RATE_LIMIT": "5 per minute",
            **overrides,
        }
    )


class IsolatedClient(FlaskClient):
    """Each request gets its own app context and database session, as in production,
    although the test itself holds an app context to call services and queries."""

    def open(self, *args, **kwargs):
        if not has_app_context():  # already isolated (a followed redirect)
            return super().open(*args, **kwargs)
        db.session.rollback()  # end the test's read transaction: SQLite would lock
        return contextvars.Context().run(super().open, *args, **kwargs)


@contextlib.contextmanager
def running_app(url: str):
    """The app on `url` in an app context; its database emptied afterwards."""
    app = make_app(url)
    app.test_client_class = IsolatedClient
    with app.app_context():
        yield app
        db.session.remove()
        with db.engine.begin() as conn:
            for table in reversed(db.metadata.sorted_tables):
                conn.execute(table.delete())
        db.engine.dispose()


@pytest.fixture
def app(database_url):
    with running_app(database_url) as app:
        yield app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


# -- data through the services -----------------------------------------------


@pytest.fixture
def warehouse(app):
    site = layout.create_warehouse(
        code="WH1", name="Test site", timezone="Europe/Berlin"
    )
    for code, kind, x in [
        ("RECV-01", LocationKind.RECEIVING, 0),
        ("A-01-1-A", LocationKind.PICK_FACE, 3),
        ("A-01-2-A", LocationKind.PICK_FACE, 4),
        ("A-01-3-C", LocationKind.RESERVE, 5),
        ("PACK-01", LocationKind.PACKING, 1),
    ]:
        layout.define_location(warehouse_id=site.id, code=code, kind=kind, x=x, y=2)
    return site


@pytest.fixture
def loc(warehouse):
    """Location id by code, in the test warehouse."""
    from fulfil.queries.stock import location_by_code

    return lambda code: location_by_code(warehouse.id, code).id


@pytest.fixture
def make_product(app):
    counter = iter(range(1, 10_000))

    def make(sku: str | None = None, tracking: str = "none", **fields):
        number = next(counter)
        return catalog.upsert_product(
            sku=sku or f"SKU-{number:04d}",
            name=fields.pop("name", f"Test product {number}"),
            barcode=fields.pop("barcode", make_ean13("400", 90000 + number)),
            tracking=tracking,
            **fields,
        )

    return make


@pytest.fixture
def make_user(app, warehouse):
    def make(*roles: str, username: str | None = None, **fields):
        return users.create_user(
            username=username or f"{roles[0].replace('_', '-')}-{uuid.uuid4().hex[:6]}",
            password=PASSWORD,
            roles=list(roles),
            **fields,
        )

    return make


# -- acting through the browser's door ---------------------------------------


def csrf_token(client) -> str:
    page = client.get("/login").get_data(as_text=True)
    return re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)


@pytest.fixture
def post(client):
    """POST a form the way the page would: with its CSRF token."""

    def send(url: str, data: dict | None = None, **kwargs):
        return client.post(
            url, data={"csrf_token": csrf_token(client), **(data or {})}, **kwargs
        )

    return send


@pytest.fixture
def login(client, make_user, post):
    """Log in as a fresh user holding `roles`; returns the user."""

    def as_role(*roles: str, **fields):
        user = make_user(*roles, **fields)
        response = post("/login", {"username": user.username, "password": PASSWORD})
        assert response.status_code == 303, response.get_data(as_text=True)
        return user

    return as_role


def assert_ledger_balanced() -> None:
    from fulfil.queries.stock import ledger_mismatches

    assert ledger_mismatches() == []


def row_counts() -> dict[str, int]:
    """How many rows each table holds: proof that a refusal wrote nothing."""
    return {
        table.name: db.session.scalar(sa.select(sa.func.count()).select_from(table))
        for table in db.metadata.sorted_tables
    }


def pytest_collection_modifyitems(config, items):
    """Tests marked `postgres` need concurrent writers: run them on PostgreSQL only,
    deselected (not skipped) for the SQLite run."""
    keep, drop = [], []
    for item in items:
        on_sqlite = "[sqlite" in item.nodeid or "-sqlite" in item.nodeid
        (drop if item.get_closest_marker("postgres") and on_sqlite else keep).append(
            item
        )
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


@pytest.fixture(scope="session")
def redis_url() -> str:
    """Redis for shared rate-limit counters. In CI its absence fails the run."""
    import redis

    url = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError as error:
        _missing("Redis", url, error)
    return url


# -- the JSON API ------------------------------------------------------------


class ApiClient:
    """Sends JSON with a bearer token, as a shop's integration does."""

    def __init__(self, client, secret: str):
        self.client, self.secret = client, secret

    def headers(self, extra: dict | None = None) -> dict:
        return {"Authorization": f"Bearer {self.secret}", **(extra or {})}

    def get(self, url: str, **kwargs):
        return self.client.get(
            url, headers=self.headers(kwargs.pop("headers", None)), **kwargs
        )

    def post(self, url: str, json=None, **kwargs):
        return self.client.post(
            url, json=json, headers=self.headers(kwargs.pop("headers", None)), **kwargs
        )

    def put(self, url: str, json=None, **kwargs):
        return self.client.put(
            url, json=json, headers=self.headers(kwargs.pop("headers", None)), **kwargs
        )


@pytest.fixture
def api(client):
    """api(*scopes) → an ApiClient with a fresh token holding those scopes."""
    from fulfil.services import tokens

    def with_scopes(*scopes: str) -> ApiClient:
        _, secret = tokens.create_token(
            name="test shop", scopes=list(scopes or tokens.SCOPES)
        )
        return ApiClient(client, secret)

    return with_scopes


def order_payload(external_id: str = "SHOP-1001", **overrides) -> dict:
    """A valid POST /api/v1/orders body; lines default to one unit of SKU-0001."""
    body = {
        "external_id": external_id,
        "placed_at": "2026-11-26T09:15:00+01:00",
        "customer": {"name": "Erika Mustermann", "email": "erika@example.com"},
        "shipping_address": {
            "name": "Erika Mustermann",
            "line1": "Heidestraße 17",
            "postal_code": "51147",
            "city": "Köln",
            "country": "DE",
        },
        "shipping_method": "standard",
        "lines": [{"sku": "SKU-0001", "quantity": 1, "unit_price": "9.90"}],
    }
    body.update(overrides)
    return body
