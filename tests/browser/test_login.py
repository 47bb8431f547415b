"""A picker on a phone: password login, badge login, the home screen, two languages;
logging out ends the session everywhere."""

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from fulfil.services import users
from tests.browser.helpers import in_app, log_in
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


def test_a_picker_logs_in_with_a_password(page: Page):
    page.goto("/")
    page.get_by_text("Log in with password").click()
    page.get_by_label("Username").fill("pia")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in", exact=True).click()

    expect(page).to_have_url(re.compile(r"/pick/$"))
    expect(page.get_by_role("heading", name="Picking")).to_be_visible()
    expect(page.get_by_label("Scan a bin to see what is in it")).to_be_focused()


def test_a_wrong_password_is_explained(page: Page):
    page.goto("/login")
    page.get_by_text("Log in with password").click()
    page.get_by_label("Username").fill("pia")
    page.get_by_label("Password").fill("not-my-password")
    page.get_by_role("button", name="Log in", exact=True).click()

    expect(page.get_by_role("alert")).to_have_text("Wrong username or password.")


def test_a_picker_scans_a_badge_and_switches_language(page: Page, live_app):
    page.goto("/login")
    # A handheld scanner types the QR code's content and presses Enter.
    page.get_by_label("Scan your badge").fill(live_app.config["PIA_BADGE"])
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Picking")).to_be_visible()

    page.get_by_text("Menu").click()
    page.get_by_role("button", name="Deutsch").click()
    expect(page.get_by_role("heading", name="Kommissionierung")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "de")

    page.get_by_text("Menü").click()
    page.get_by_role("button", name="English (UK)").click()
    expect(page.get_by_role("heading", name="Picking")).to_be_visible()


def test_the_bin_lookup_swaps_in_place(page: Page, live_app):
    page.goto("/login")
    page.get_by_label("Scan your badge").fill(live_app.config["PIA_BADGE"])
    page.keyboard.press("Enter")

    field = page.get_by_label("Scan a bin to see what is in it")
    field.fill("NOPE-1")
    field.press("Enter")

    expect(page.get_by_role("alert")).to_contain_text("No location NOPE-1")
    expect(field).to_be_focused()


def test_logging_out_ends_a_copy_of_the_session_in_another_browser(
    page: Page, browser: Browser, browser_context_args, live_app
):
    in_app(
        live_app,
        lambda: users.create_user(
            username="maren", password=PASSWORD, roles=["manager"]
        ),
    )
    log_in(page, "maren", lands_on="Floor overview")
    other = browser.new_context(**browser_context_args)
    other.add_cookies(page.context.cookies())  # a copy of the session cookie
    copy = other.new_page()
    copy.goto("/manage/")
    expect(copy.get_by_role("heading", name="Floor overview")).to_be_visible()

    page.get_by_text("Menu").click()
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()

    copy.goto("/manage/")
    expect(copy).to_have_url(re.compile(r"/login\?next=/manage/$"))
    expect(copy.get_by_role("heading", name="Log in")).to_be_visible()
    other.close()
