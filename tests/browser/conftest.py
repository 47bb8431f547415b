"""Real Chromium (Debian's, through Playwright) against a live server on SQLite."""

import os
import shutil
import threading

import pytest
from werkzeug.serving import make_server

from fulfil.extensions import db
from fulfil.services import layout, users
from tests.conftest import PASSWORD, _migrate, make_app

CHROMIUM = (
    os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
)
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"Chromium not found at {CHROMIUM}: apt-get install -y chromium")
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": CHROMIUM_ARGS,
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args, playwright):
    return {**browser_context_args, **playwright.devices["Pixel 7"], "locale": "en-GB"}


@pytest.fixture(scope="session")
def live_app(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('browser') / 'fulfil.sqlite'}"
    _migrate(url)
    app = make_app(url, SERVER_NAME=None, LOGIN_RATE_LIMIT="100 per minute")
    with app.app_context():
        layout.create_warehouse(code="WH1", name="Browser test site")
        users.create_user(username="pia", password=PASSWORD, roles=["picker"])
        app.config["PIA_BADGE"] = users.issue_badge(username="pia")
        db.session.remove()
    return app


@pytest.fixture(scope="session")
def base_url(live_app):
    server = make_server("127.0.0.1", 0, live_app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


def pytest_collection_modifyitems(items):
    # The live server (Werkzeug's) leaves a static file to the garbage collector when
    # the browser drops a download half-way (a service worker's precache can): not a
    # fault of the app, so not an error here.
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(
                pytest.mark.filterwarnings(
                    "ignore:Exception ignored in.*static:"
                    "pytest.PytestUnraisableExceptionWarning"
                )
            )
