"""The app installs like a native one, and a new release replaces the old shell.

Installability is Chrome's own verdict (Page.getInstallabilityErrors over CDP, in a
persistent profile as an installed app would have).
"""

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS

pytestmark = pytest.mark.browser


def wait_for_worker(page: Page) -> None:
    page.wait_for_function(
        "navigator.serviceWorker.controller !== null"
        " || navigator.serviceWorker.ready.then(() => true)"
    )
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")


def test_chrome_finds_nothing_missing_to_install_the_app(
    playwright, base_url, tmp_path
):
    context = playwright.chromium.launch_persistent_context(
        tmp_path / "profile",
        executable_path=CHROMIUM,
        args=CHROMIUM_ARGS,
        **{
            k: v
            for k, v in playwright.devices["Pixel 7"].items()
            if k != "default_browser_type"
        },
    )
    try:
        page = context.new_page()
        page.goto(base_url + "/login")
        wait_for_worker(page)
        session = context.new_cdp_session(page)
        errors = session.send("Page.getInstallabilityErrors")["installabilityErrors"]
        manifest = session.send("Page.getAppManifest")
    finally:
        context.close()
    assert errors == []
    assert manifest["url"].endswith("/manifest.webmanifest")


def test_the_shell_is_cached_and_a_new_release_replaces_it(
    page: Page, base_url, live_app
):
    page.goto(base_url + "/login")
    wait_for_worker(page)
    first = page.evaluate("caches.keys()")
    shells = [key for key in first if key.startswith("fulfil-shell-")]
    assert len(shells) == 1
    assert page.evaluate(
        f"caches.open('{shells[0]}').then(c => c.match('/static/css/app.css'))"
        ".then(r => r !== undefined)"
    )

    live_app.config["SHELL_VERSION"] = "next-release"  # what a deploy changes
    try:
        page.evaluate("navigator.serviceWorker.ready.then(r => r.update())")
        page.wait_for_function(
            "caches.keys().then(keys => keys.includes('fulfil-shell-next-release')"
            " && keys.filter(k => k.startsWith('fulfil-shell-')).length === 1)"
        )
    finally:
        live_app.config.pop("SHELL_VERSION")
    page.reload()
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()
