"""Configuration from the environment, with local defaults for development."""

import os
import secrets
import shlex
import sys
from datetime import date, time
from pathlib import Path

from fulfil.domain.barcodes import COMPANY_PREFIX
from fulfil.domain.promise import parse_weekdays
from fulfil.limits import DEFAULT_MAX_QTY, MAX_ID

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
        return f"sqlite:///{_sqlite_file(instance_path)}"
    # Hosting platforms hand out postgres:// URLs; SQLAlchemy wants a driver name.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _sqlite_file(instance_path: str) -> Path:
    return Path(instance_path) / "fulfil.sqlite"


def _secret_key(env: str, instance_path: str) -> str:
    key = os.environ.get("SECRET_KEY")
    if key:
        return key
    if env not in DEV_ENVIRONMENTS:  # refused by production_refusals
        raise ConfigError(_no_secret_key(env))
    # Development: one random key per instance folder, shared by all local processes.
    path = Path(instance_path) / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


# -- production refuses to run wrong ---------------------------------------------------


def production_refusals(env: str, instance_path: str) -> list[str]:
    """What a production environment lacks, each said with what to set and why.
    Development, demo and test have local defaults instead."""
    if env in DEV_ENVIRONMENTS:
        return []
    refusals = []
    if not os.environ.get("DATABASE_URL"):
        refusals.append(
            f"DATABASE_URL is not set. Without it Fulfil would keep its data in a "
            f"SQLite file in its instance folder ({_sqlite_file(instance_path)}), "
            f"which a new release or another server does not see. Set it to the "
            f"production database, e.g. "
            f"DATABASE_URL=postgresql://fulfil:PASSWORD@db-host:5432/fulfil (or name "
            f"a SQLite file on purpose: DATABASE_URL=sqlite:////srv/fulfil/db.sqlite)."
        )
    if not os.environ.get("SECRET_KEY"):
        refusals.append(_no_secret_key(env))
    workers, told_by = web_workers()
    if workers > 1 and _rate_limit_storage() == "memory://" and not _memory_chosen():
        refusals.append(
            f"Rate limits would be counted in memory, by each of the {workers} web "
            f"workers on its own ({told_by}): a password guesser would get {workers} "
            f"times the failed logins LOGIN_RATE_LIMIT allows, and every restart "
            f"forgets the counts. Set REDIS_URL (e.g. redis://127.0.0.1:6379/0) so "
            f"that all workers count together, or RATELIMIT_STORAGE=memory to count "
            f"per worker on purpose."
        )
    return refusals


def _no_secret_key(env: str) -> str:
    return (
        f"SECRET_KEY is not set. It signs sessions, CSRF tokens and badges, and "
        f"every process must use the same one (only development, demo and test "
        f"make their own, FULFIL_ENV is {env!r}). Set it to a long random value, "
        f"made once with: python3 -c 'import secrets; print(secrets.token_hex(32))'"
    )


def _rate_limit_storage() -> str:
    """Where rate-limit counters live: Redis when REDIS_URL is set, so that all
    workers share them, unless RATELIMIT_STORAGE=memory says otherwise."""
    in_memory = _memory_chosen()  # checked even when it changes nothing
    redis_url = os.environ.get("REDIS_URL", "")
    return redis_url if redis_url and not in_memory else "memory://"


def _memory_chosen() -> bool:
    """RATELIMIT_STORAGE=memory: counters in each process, on purpose."""
    choice = os.environ.get("RATELIMIT_STORAGE", "").strip().lower()
    if choice not in ("", "memory"):
        raise ConfigError(
            f"RATELIMIT_STORAGE may only be memory (to keep rate-limit counters in "
            f"each process on purpose), not {choice!r}; for counters all processes "
            f"share, set REDIS_URL instead."
        )
    return choice == "memory"


def web_workers() -> tuple[int, str]:
    """How many processes gunicorn starts, and what says so: its command line, then
    GUNICORN_CMD_ARGS, then WEB_CONCURRENCY (gunicorn's own default, which the
    Procfile sets). One when nothing says otherwise."""
    program = Path(sys.argv[0] if sys.argv else "")
    if "gunicorn" in (program.name, program.parent.name):
        found = _workers_option(sys.argv[1:])
        if found is not None:
            return found, f"gunicorn --workers {found}"
    try:
        arguments = shlex.split(os.environ.get("GUNICORN_CMD_ARGS", ""))
    except ValueError:  # gunicorn itself refuses it
        arguments = []
    found = _workers_option(arguments)
    if found is not None:
        return found, f"GUNICORN_CMD_ARGS --workers {found}"
    value = os.environ.get("WEB_CONCURRENCY", "").strip()
    if value.isascii() and value.isdigit():
        return int(value), f"WEB_CONCURRENCY={int(value)}"
    return 1, "one process"


def _workers_option(arguments: list[str]) -> int | None:
    """The last -w/--workers in a gunicorn command line, as gunicorn reads it."""
    found = None
    for number, argument in enumerate(arguments):
        value = None
        if argument in ("-w", "--workers") and number + 1 < len(arguments):
            value = arguments[number + 1]
        elif argument.startswith("--workers="):
            value = argument.removeprefix("--workers=")
        elif argument.startswith("-w") and len(argument) > 2:
            value = argument[2:]
        if value is not None and value.isascii() and value.isdigit():
            found = int(value)
    return found


def load_config(instance_path: str) -> dict:
    """Build the Flask config dict from the environment."""
    env = os.environ.get("FULFIL_ENV", "development")
    production = env not in DEV_ENVIRONMENTS
    if refusals := production_refusals(env, instance_path):
        raise ConfigError(
            f"Fulfil does not start with FULFIL_ENV={env!r} like this:\n"
            + "\n".join(f"- {refusal}" for refusal in refusals)
        )
    return {
        "FULFIL_ENV": env,
        "SECRET_KEY": _secret_key(env, instance_path),
        "SQLALCHEMY_DATABASE_URI": _database_url(instance_path),
        # A pooled connection idle for longer is checked before use (fulfil/pool.py).
        "DATABASE_PING_AFTER_IDLE_S": float(
            os.environ.get("DATABASE_PING_AFTER_IDLE_S", "10")
        ),
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
        "RATELIMIT_STORAGE_URI": _rate_limit_storage(),
        "RATELIMIT_HEADERS_ENABLED": True,
        # Failed logins: per username, and per client address for all names together
        "LOGIN_RATE_LIMIT": os.environ.get("LOGIN_RATE_LIMIT", "5 per minute"),
        "LOGIN_ADDRESS_RATE_LIMIT": os.environ.get(
            "LOGIN_ADDRESS_RATE_LIMIT", "50 per minute"
        ),
        # per client address, for the pages a signed link opens (no login)
        "PUBLIC_RATE_LIMIT": os.environ.get("PUBLIC_RATE_LIMIT", "60 per minute"),
        "TRUSTED_PROXIES": int(os.environ.get("TRUSTED_PROXIES", "0")),
        # en_US: English with US dates and times, when a user chooses it (en is British)
        "LANGUAGES": ["en", "de", "en_US"],
        "BABEL_DEFAULT_LOCALE": "en",
        "BABEL_DEFAULT_TIMEZONE": "UTC",
        # Order intake
        "API_RATE_LIMIT": os.environ.get("API_RATE_LIMIT", "1200 per minute"),
        "API_MAX_BODY": int(os.environ.get("API_MAX_BODY", str(256 * 1024))),
        "MAX_CONTENT_LENGTH": int(os.environ.get("MAX_UPLOAD", str(8 * 1024 * 1024))),
        "IMPORT_MAX_ROWS": int(os.environ.get("IMPORT_MAX_ROWS", "20000")),
        # Uploads with more rows are imported by the job worker, not in the request.
        "IMPORT_INLINE_ROWS": int(os.environ.get("IMPORT_INLINE_ROWS", "300")),
        # Background jobs (flask jobs work): the files they work on (uploaded imports,
        # removed when the job ends), how long a worker holds a job without reporting
        # progress before another may take it over, and how often that may happen.
        "JOB_FILES_DIR": os.environ.get(
            "JOB_FILES_DIR", str(Path(instance_path) / "job-files")
        ),
        "JOB_LEASE_S": float(os.environ.get("JOB_LEASE_S", "120")),
        "JOB_MAX_ATTEMPTS": int(os.environ.get("JOB_MAX_ATTEMPTS", "3")),
        # The most units one order line, booking or stock adjustment may hold.
        "MAX_QTY": _max_qty(),
        "CUTOFF_TIME": _time("CUTOFF_TIME", "14:00"),
        "WORKING_DAYS": _weekdays(os.environ.get("WORKING_DAYS", "1-5")),
        "HOLIDAYS": _dates(os.environ.get("HOLIDAYS", "")),
        # Digital goods and signed links
        "DIGITAL_FILES_DIR": os.environ.get(
            "DIGITAL_FILES_DIR", str(Path(instance_path) / "downloads")
        ),
        "PARCEL_PHOTOS_DIR": os.environ.get(
            "PARCEL_PHOTOS_DIR", str(Path(instance_path) / "parcel-photos")
        ),
        "DOWNLOAD_LINK_DAYS": int(os.environ.get("DOWNLOAD_LINK_DAYS", "14")),
        # Links sent outside a request (CLI, e-mail) start with this, e.g. https://…
        "PUBLIC_URL": os.environ.get("PUBLIC_URL", ""),
        "SUPPLIER_LINK_DAYS": int(os.environ.get("SUPPLIER_LINK_DAYS", "180")),
        # Purchase orders by e-mail: only when MAIL_SERVER is set.
        "MAIL_SERVER": os.environ.get("MAIL_SERVER", ""),
        "MAIL_PORT": int(os.environ.get("MAIL_PORT", "587")),
        "MAIL_USE_TLS": _bool("MAIL_USE_TLS", True),
        "MAIL_USERNAME": os.environ.get("MAIL_USERNAME", ""),
        "MAIL_PASSWORD": os.environ.get("MAIL_PASSWORD", ""),
        "MAIL_FROM": os.environ.get("MAIL_FROM", ""),
        # Webhooks: attempts before a delivery is given up, first retry delay.
        "WEBHOOK_MAX_ATTEMPTS": int(os.environ.get("WEBHOOK_MAX_ATTEMPTS", "12")),
        "WEBHOOK_RETRY_BASE_S": float(os.environ.get("WEBHOOK_RETRY_BASE_S", "30")),
        "WEBHOOK_TIMEOUT_S": float(os.environ.get("WEBHOOK_TIMEOUT_S", "10")),
        # Picking carts: totes per cart, and what the totes hold together.
        "CART_TOTES": int(os.environ.get("CART_TOTES", "8")),
        "CART_VOLUME_L": float(os.environ.get("CART_VOLUME_L", "320")),
        "CART_WEIGHT_KG": float(os.environ.get("CART_WEIGHT_KG", "120")),
        # On labels, slips and customs forms: the sender's country and the shop's name.
        "SHIP_FROM_COUNTRY": os.environ.get("SHIP_FROM_COUNTRY", "DE").upper(),
        "SHOP_NAME": os.environ.get("SHOP_NAME", "Fulfil Demo Shop"),
        # The shop's GS1 company prefix (6 to 11 digits): a product without a barcode
        # may be given a GTIN-13 numbered under it. Unset, its label carries the SKU.
        "GS1_COMPANY_PREFIX": _company_prefix(),
        # Packing: a parcel weighing further than this from the expected weight (the
        # larger of the two) is flagged before its label prints.
        "PACK_WEIGHT_TOLERANCE_PCT": float(
            os.environ.get("PACK_WEIGHT_TOLERANCE_PCT", "10")
        ),
        "PACK_WEIGHT_TOLERANCE_G": int(os.environ.get("PACK_WEIGHT_TOLERANCE_G", "50")),
        # Units found short that no other bin has: backorder them (they ship later)
        # or ship what is there and cancel the rest. A manager may choose per order.
        "SHORT_PICK_POLICY": _choice(
            "SHORT_PICK_POLICY", "backorder", ("backorder", "ship_partial_cancel_rest")
        ),
        # A paused pick list shows up in the exceptions queue after this long.
        "PAUSE_ALERT_MINUTES": int(os.environ.get("PAUSE_ALERT_MINUTES", "20")),
    }


def _choice(name: str, default: str, choices: tuple[str, ...]) -> str:
    value = os.environ.get(name, default).strip()
    if value not in choices:
        raise ConfigError(f"{name} must be one of {', '.join(choices)}, not {value!r}")
    return value


def _company_prefix() -> str:
    value = os.environ.get("GS1_COMPANY_PREFIX", "").strip()
    if value and not COMPANY_PREFIX.match(value):
        raise ConfigError(
            "GS1_COMPANY_PREFIX must be the 6 to 11 digits GS1 gave the shop, "
            f"not {value!r}"
        )
    return value


def _max_qty() -> int:
    value = os.environ.get("MAX_QTY", str(DEFAULT_MAX_QTY))
    if not (value.isascii() and value.isdigit() and 1 <= int(value) <= MAX_ID):
        raise ConfigError(
            f"MAX_QTY must be a whole number from 1 to {MAX_ID}: {value!r}"
        )
    return int(value)


def _time(name: str, default: str) -> time:
    value = os.environ.get(name, default)
    try:
        return time.fromisoformat(value)
    except ValueError:
        raise ConfigError(f"{name} must be a time like 14:00, not {value!r}") from None


def _weekdays(spec: str) -> frozenset[int]:
    """ISO weekdays from "1-5" or "1,2,3,4,5,6" (1 = Monday)."""
    try:
        return parse_weekdays(spec)
    except ValueError:
        raise ConfigError(
            f"WORKING_DAYS must name days 1 to 7 like 1-5 or 1,2,3,4,5,6, not {spec!r}"
        ) from None


def _dates(spec: str) -> frozenset[date]:
    try:
        return frozenset(
            date.fromisoformat(d.strip()) for d in spec.split(",") if d.strip()
        )
    except ValueError:
        raise ConfigError(f"HOLIDAYS must be dates like 2026-12-25: {spec!r}") from None
