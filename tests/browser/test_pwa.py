"""The app installs like a native one, and a new release replaces the old shell.

Installability is Chrome's own verdict (Page.getInstallabilityErrors over CDP, in a
persistent profile as an installed app would have).
"""

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.browser.helpers import log_in, wait_for_worker

pytestmark = pytest.mark.browser


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
    # the stylesheet the page links to (its URL carries its hash) is in the shell
    css = page.locator("link[rel=stylesheet]").get_attribute("href")
    assert "?v=" in css
    assert page.evaluate(
        f"caches.open('{shells[0]}').then(c => c.match('{css}'))"
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


def test_pages_kept_for_offline_are_renewed_by_a_new_release(
    page: Page, base_url, live_app
):
    log_in(page, "pia")
    page.goto(base_url + "/pick/")  # a picker's page: kept for a reload offline
    wait_for_worker(page)
    page.reload()  # now under the worker's control, so it keeps a copy
    kept = (
        "caches.open('fulfil-pages').then(c => c.match('/pick/'))"
        ".then(r => r && r.text())"
    )
    page.wait_for_function(kept)
    release = 'name="fulfil-release" content="{}"'
    assert release.format("renewed-release") not in page.evaluate(kept)

    live_app.config["SHELL_VERSION"] = "renewed-release"
    try:
        page.evaluate("navigator.serviceWorker.ready.then(r => r.update())")
        page.wait_for_function(
            "caches.keys().then(keys => keys.includes('fulfil-shell-renewed-release'))"
        )
        # the kept page now is the new release's page, not yesterday's
        page.wait_for_function(
            kept + f".then(t => t.includes('{release.format('renewed-release')}'))"
        )
    finally:
        live_app.config.pop("SHELL_VERSION")


def test_a_manager_screen_without_the_network_says_it_needs_it(
    page: Page, base_url, live_app
):
    log_in(page, "pia")
    page.goto(base_url + "/pick/")
    wait_for_worker(page)
    page.context.set_offline(True)
    try:
        page.goto(base_url + "/manage/waves")
        expect(page.get_by_role("heading", name="No connection")).to_be_visible()
        expect(page.get_by_text("This page needs the network.")).to_be_visible()
    finally:
        page.context.set_offline(False)


def test_an_action_that_cannot_reach_the_server_says_so(page: Page, base_url):
    log_in(page, "pia")
    wait_for_worker(page)
    page.context.set_offline(True)
    try:
        page.get_by_label("Scan a bin to see what is in it").fill("A-01-1-A")
        page.get_by_role("button", name="Show bin").click()
        expect(page.get_by_role("alert")).to_contain_text(
            "No network: this needs the connection."
        )
    finally:
        page.context.set_offline(False)
