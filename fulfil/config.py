"""Configuration from the environment, with local defaults for development."""

import os
import secrets
from pathlib import Path

DEV_ENVIRONMENTS = {"development", "demo", "test"}


class ConfigError(RuntimeError):
    """The environment does not describe a runnable app."""


def _bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    return (
        default
        if value is None
        else value.strip().lower() in {"1", "true", "yes", "on"}
    )


def _database_url(instance_path: str) -> str:
    url = os.environ.get("DATABASE_URL", "")
    if not url:
        return f"sqlite:///{Path(instance_path) / 'fulfil.sqlite'}"
    # Hosting platforms hand out postgres:// URLs; SQLAlchemy wants a driver name.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _secret_key(env: str, instance_path: str) -> str:
    key = os.environ.get("SECRET_KEY")
    if key:
        return key
    if env not in DEV_ENVIRONMENTS:
        raise ConfigError(
            "SECRET_KEY must be set when FULFIL_ENV is "
            f"{env!r} (only development, demo and test may run without one)."
        )
    # Development: one random key per instance folder, shared by all local processes.
    path = Path(instance_path) / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def load_config(instance_path: str) -> dict:
    """Build the Flask config dict from the environment."""
    env = os.environ.get("FULFIL_ENV", "development")
    production = env not in DEV_ENVIRONMENTS
    redis_url = os.environ.get("REDIS_URL", "")
    return {
        "FULFIL_ENV": env,
        "SECRET_KEY": _secret_key(env, instance_path),
        "SQLALCHEMY_DATABASE_URI": _database_url(instance_path),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        # Cookies: signed, HttpOnly, SameSite; Secure wherever we run behind HTTPS.
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": _bool("SESSION_COOKIE_SECURE", production),
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": _bool("SESSION_COOKIE_SECURE", production),
        "FORCE_HTTPS": _bool("FORCE_HTTPS", False),
        "WTF_CSRF_TIME_LIMIT": None,  # a shift is longer than an hour
        # Rate-limit counters live in Redis when configured: all workers share them.
        "RATELIMIT_STORAGE_URI": redis_url or "memory://",
        "RATELIMIT_HEADERS_ENABLED": True,
        "LOGIN_RATE_LIMIT": os.environ.get("LOGIN_RATE_LIMIT", "5 per minute"),
        "TRUSTED_PROXIES": int(os.environ.get("TRUSTED_PROXIES", "0")),
        "LANGUAGES": ["en", "de"],
        "BABEL_DEFAULT_LOCALE": "en",
        "BABEL_DEFAULT_TIMEZONE": "UTC",
    }
