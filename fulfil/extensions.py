"""Flask extensions, created unbound and initialised in create_app()."""

import sqlalchemy as sa
from flask import Blueprint, current_app, request
from flask_babel import Babel
from flask_compress import Compress
from flask_htmx import HTMX
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_talisman import Talisman
from flask_wtf.csrf import CSRFProtect
from sqlalchemy.orm import DeclarativeBase

# Named constraints, so Alembic's batch mode on SQLite can alter them later.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
htmx = HTMX()
limiter = Limiter(key_func=get_remote_address)
# Handhelds scan all shift long behind a login and carry no rate limit: a request
# filter is checked before the limiter looks for limits, so they skip that lookup.
FLOOR_BLUEPRINTS = frozenset({"picking", "packing"})
limiter.request_filter(lambda: request.blueprint in FLOOR_BLUEPRINTS)
talisman = Talisman()
compress = Compress()  # brotli, zstd or gzip: what the browser takes


def limit_public_pages(bp: Blueprint) -> None:
    """The pages a signed link opens without a login (tracking, supplier, downloads)
    share one budget per client address: nobody probes links or floods them."""
    limiter.shared_limit(
        lambda: current_app.config["PUBLIC_RATE_LIMIT"], scope="public"
    )(bp)
