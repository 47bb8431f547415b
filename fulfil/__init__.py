"""Fulfil: picking, packing and shipping for online shops."""

import os

from flask import Flask

from fulfil.config import load_config

# Only our own origin: htmx and our scripts are served by the app; no inline script.
CONTENT_SECURITY_POLICY = {
    "default-src": "'self'",
    "img-src": "'self' data:",
    "style-src": "'self'",
    "script-src": "'self' 'wasm-unsafe-eval'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}


def create_app(test_config: dict | None = None) -> Flask:
    app = Flask(
        __name__,
        instance_relative_config=True,
        template_folder="../templates",
        static_folder="../static",
    )
    os.makedirs(app.instance_path, exist_ok=True)
    app.config.from_mapping(load_config(app.instance_path))
    if test_config:
        app.config.from_mapping(test_config)

    if app.config["TRUSTED_PROXIES"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)

    _init_extensions(app)
    from fulfil.converters import CONVERTERS

    app.url_map.converters.update(CONVERTERS)  # before any route names them
    _register_blueprints(app)

    from fulfil import cli, errorpages
    from fulfil.web.forms import refuse_nul
    from fulfil.web.navigation import template_context
    from fulfil.web.proxies import warn_when_proxied

    warn_when_proxied(app)
    app.before_request(refuse_nul)
    app.context_processor(template_context)
    errorpages.register(app)
    cli.register(app)
    return app


def _init_extensions(app: Flask) -> None:
    from fulfil import models  # noqa: F401  (registers the tables for Alembic)
    from fulfil.extensions import (
        babel,
        compress,
        csrf,
        db,
        htmx,
        limiter,
        login_manager,
        migrate,
        talisman,
    )
    from fulfil.web import assets, formats
    from fulfil.web.cookie_session import SignedCookieSessions
    from fulfil.web.i18n import select_locale, select_timezone
    from fulfil.web.session import load_user, unauthorized

    db.init_app(app)
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            from fulfil.sqlite import make_transactional

            make_transactional(db.engine)
        else:  # a server: it may restart or drop idle connections
            from fulfil.pool import ping_when_idle

            ping_when_idle(db.engine, app.config["DATABASE_PING_AFTER_IDLE_S"])
    migrate.init_app(app, db, render_as_batch=True, compare_type=True)
    csrf.init_app(app)
    babel.init_app(
        app, locale_selector=select_locale, timezone_selector=select_timezone
    )
    formats.init_app(app)
    app.session_interface = SignedCookieSessions()
    htmx.init_app(app)
    compress.init_app(app)
    assets.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.session_protection = "basic"
    login_manager.user_loader(load_user)
    login_manager.unauthorized_handler(unauthorized)
    talisman.init_app(
        app,
        force_https=app.config["FORCE_HTTPS"],
        strict_transport_security=app.config["FORCE_HTTPS"],
        session_cookie_secure=app.config["SESSION_COOKIE_SECURE"],
        content_security_policy=CONTENT_SECURITY_POLICY,
        frame_options="DENY",
        referrer_policy="same-origin",
    )


def _register_blueprints(app: Flask) -> None:
    from fulfil import api
    from fulfil.web import (
        admin,
        auth,
        carriers,
        documents,
        downloads,
        layout,
        main,
        manager,
        ops,
        packing,
        partners,
        picking,
        products,
        pwa,
        receiving,
        service,
        setup,
        shipping,
        slotting,
        supplier,
        trace,
        tracking,
        waves,
    )

    for module in (
        auth,
        main,
        ops,
        pwa,
        picking,
        packing,
        receiving,
        manager,
        layout,
        products,
        waves,
        slotting,
        shipping,
        documents,
        service,
        admin,
        setup,
        carriers,
        trace,
        downloads,
        partners,
        supplier,
        tracking,
        api,
    ):
        app.register_blueprint(module.bp)
