"""Health checks for load balancers, and configuration from the environment."""

import time

import psycopg
import pytest

from fulfil import create_app
from fulfil.extensions import db
from tests.conftest import make_app


def test_healthz_reports_the_database(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json["status"] == "ok"
    assert response.json["database"]["ok"] is True


def test_healthz_answers_503_when_the_database_is_unreachable():
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://postgres@127.0.0.1:1/none?connect_timeout=1"
        }
    )

    response = app.test_client().get("/healthz")

    assert response.status_code == 503
    assert response.json["database"]["ok"] is False


def test_production_cookies_are_secure(monkeypatch):
    monkeypatch.setenv("FULFIL_ENV", "production")
    monkeypatch.setenv("DATABASE_URL", "sqlite://")

    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})

    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["REMEMBER_COOKIE_SECURE"] is True


def test_postgres_urls_from_hosting_platforms_get_the_psycopg_driver(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://u:p@db.internal:5432/fulfil")

    app = create_app()

    assert app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql+psycopg://")


@pytest.mark.postgres
def test_a_pooled_connection_the_server_dropped_is_replaced_unseen(database_url):
    app = make_app(database_url, DATABASE_PING_AFTER_IDLE_S=0.2)
    client = app.test_client()
    assert client.get("/healthz").status_code == 200  # one connection, now pooled
    with app.app_context():
        with db.engine.connect() as conn:  # the pooled one, as the next request gets it
            backend = conn.exec_driver_sql("SELECT pg_backend_pid()").scalar()
    with psycopg.connect(
        database_url.replace("+psycopg", ""), autocommit=True
    ) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", (backend,))  # a restart, say
    time.sleep(0.3)  # idle past the threshold: checked before use

    response = client.get("/healthz")

    assert response.status_code == 200
    with app.app_context():
        with db.engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT pg_backend_pid()").scalar() != backend
        db.engine.dispose()
