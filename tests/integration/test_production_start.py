"""Production start-up refusals, each with its message: with FULFIL_ENV=production
the app does not start without a database, a secret key, or shared rate-limit
counters while several workers serve; it says in the log when a proxy it was not
told about forwards the requests."""

import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

from fulfil import create_app
from fulfil.config import ConfigError, web_workers

ROOT = Path(__file__).parents[2]
SETTINGS = (
    "DATABASE_URL",
    "SECRET_KEY",
    "REDIS_URL",
    "RATELIMIT_STORAGE",
    "WEB_CONCURRENCY",
    "GUNICORN_CMD_ARGS",
    "TRUSTED_PROXIES",
)


@pytest.fixture
def production(monkeypatch, tmp_path):
    """FULFIL_ENV=production with a database and a secret key, nothing else."""
    for name in SETTINGS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(sys, "argv", ["flask"])
    monkeypatch.setenv("FULFIL_ENV", "production")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'fulfil.sqlite'}")
    monkeypatch.setenv("SECRET_KEY", "a-production-secret")
    return monkeypatch


def refusal(**overrides) -> str:
    with pytest.raises(ConfigError) as refused:
        create_app(overrides or None)
    return str(refused.value)


def test_production_starts_with_a_database_and_a_secret_key(production):
    app = create_app()

    assert app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///")
    assert app.config["RATELIMIT_STORAGE_URI"] == "memory://"  # one process


def test_production_refuses_to_start_without_a_database_url(production):
    production.delenv("DATABASE_URL")

    said = refusal()

    assert "DATABASE_URL is not set" in said
    assert "SQLite file in its instance folder" in said  # why
    assert "DATABASE_URL=postgresql://" in said  # what to set


def test_production_refuses_to_start_without_a_secret_key(production):
    production.delenv("SECRET_KEY")

    said = refusal()

    assert "SECRET_KEY is not set" in said
    assert "signs sessions, CSRF tokens and badges" in said
    assert "secrets.token_hex(32)" in said


def test_everything_production_lacks_is_said_at_once(production):
    production.delenv("DATABASE_URL")
    production.delenv("SECRET_KEY")
    production.setenv("WEB_CONCURRENCY", "4")

    said = refusal()

    assert said.startswith("Fulfil does not start with FULFIL_ENV='production'")
    assert [line[:14] for line in said.splitlines()[1:]] == [
        "- DATABASE_URL",
        "- SECRET_KEY i",
        "- Rate limits ",
    ]


def test_several_workers_counting_rate_limits_in_memory_are_refused(production):
    production.setenv("WEB_CONCURRENCY", "4")

    said = refusal()

    assert "each of the 4 web workers on its own (WEB_CONCURRENCY=4)" in said
    assert "4 times the failed logins" in said
    assert "Set REDIS_URL" in said
    assert "RATELIMIT_STORAGE=memory to count per worker on purpose" in said


def test_several_workers_share_their_counters_in_redis(production):
    production.setenv("WEB_CONCURRENCY", "4")
    production.setenv("REDIS_URL", "redis://127.0.0.1:6379/0")

    app = create_app()

    assert app.config["RATELIMIT_STORAGE_URI"] == "redis://127.0.0.1:6379/0"


def test_counting_in_memory_on_purpose_is_allowed(production):
    production.setenv("WEB_CONCURRENCY", "4")
    production.setenv("RATELIMIT_STORAGE", "memory")

    app = create_app()

    assert app.config["RATELIMIT_STORAGE_URI"] == "memory://"


def test_an_unknown_rate_limit_storage_is_refused(production):
    production.setenv("RATELIMIT_STORAGE", "memcached")

    said = refusal()

    assert "RATELIMIT_STORAGE may only be memory" in said
    assert "set REDIS_URL instead" in said


def test_development_runs_several_workers_on_memory_as_before(production):
    production.setenv("FULFIL_ENV", "development")
    production.delenv("DATABASE_URL")
    production.setenv("WEB_CONCURRENCY", "4")

    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})

    assert app.config["RATELIMIT_STORAGE_URI"] == "memory://"


@pytest.mark.parametrize(
    ("argv", "cmd_args", "concurrency", "expected"),
    [
        (["flask", "run"], "", "", (1, "one process")),
        (["flask", "run"], "", "3", (3, "WEB_CONCURRENCY=3")),
        (["/srv/.venv/bin/gunicorn", "app:app"], "", "3", (3, "WEB_CONCURRENCY=3")),
        (
            ["/srv/.venv/bin/gunicorn", "app:app", "--workers", "2"],
            "",
            "3",
            (2, "gunicorn --workers 2"),
        ),
        (
            ["gunicorn", "-w5", "app:app", "--workers=6"],
            "",
            "",
            (6, "gunicorn --workers 6"),
        ),
        (
            ["/usr/lib/python3/dist-packages/gunicorn/__main__.py", "-w", "2"],
            "",
            "",
            (2, "gunicorn --workers 2"),
        ),
        (
            ["gunicorn", "app:app"],
            "--bind :80 -w 3",
            "",
            (3, "GUNICORN_CMD_ARGS --workers 3"),
        ),
        (["flask", "run", "-w", "9"], "", "", (1, "one process")),  # not gunicorn's
    ],
)
def test_the_number_of_web_workers_is_read_as_gunicorn_reads_it(
    monkeypatch, argv, cmd_args, concurrency, expected
):
    monkeypatch.setattr(sys, "argv", argv)
    monkeypatch.setenv("GUNICORN_CMD_ARGS", cmd_args)
    monkeypatch.setenv("WEB_CONCURRENCY", concurrency)

    assert web_workers() == expected


def test_gunicorn_with_two_workers_and_no_redis_does_not_serve(tmp_path):
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in SETTINGS and not name.startswith("PYTEST")
    }
    started = subprocess.run(
        [
            str(ROOT / ".venv/bin/gunicorn"),
            "app:app",
            "--workers",
            "2",
            "--bind",
            "127.0.0.1:0",
        ],
        cwd=ROOT,
        env={
            **env,
            "FULFIL_ENV": "production",
            "SECRET_KEY": "a-production-secret",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'fulfil.sqlite'}",
        },
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert started.returncode != 0
    assert "each of the 2 web workers on its own (gunicorn --workers 2)" in (
        started.stderr
    )


# -- a proxy the app was not told about -------------------------------------------


def proxy_warnings(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if "TRUSTED_PROXIES" in r.message]


def logging_on(app, production):
    """The app's logger as a server has it: the migrations' logging.fileConfig,
    run by other tests in this process, switched the loggers made before it off."""
    production.setattr(app.logger, "disabled", False)
    return app


def test_a_proxied_request_without_trusted_proxies_is_said_once(production, caplog):
    client = logging_on(create_app(), production).test_client()

    with caplog.at_level(logging.WARNING):
        client.get("/healthz")
        client.get("/healthz", headers={"X-Forwarded-For": "203.0.113.7"})
        client.get("/healthz", headers={"X-Forwarded-For": "203.0.113.8"})

    assert proxy_warnings(caplog) == [
        "A request came through a proxy (X-Forwarded-For: 203.0.113.7), but "
        "TRUSTED_PROXIES is 0: Fulfil sees the proxy's address as every client's, so "
        "the per-address limits (failed logins, public pages) count all clients "
        "together, and HTTPS behind the proxy is not recognised. Set TRUSTED_PROXIES "
        "to the number of proxies in front of Fulfil (1 for one nginx, Caddy or load "
        "balancer)."
    ]


def test_a_trusted_proxy_is_not_warned_about(production, caplog):
    production.setenv("TRUSTED_PROXIES", "1")
    client = logging_on(create_app(), production).test_client()

    with caplog.at_level(logging.WARNING):
        response = client.get("/healthz", headers={"X-Forwarded-For": "203.0.113.7"})

    assert response.status_code == 200
    assert proxy_warnings(caplog) == []
