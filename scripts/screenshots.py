"""Phone-sized screenshots of every screen, in English and German, for a human look.

    python scripts/screenshots.py http://127.0.0.1:5000 shots/

Needs a running demo (scripts/demo) and Debian's Chromium.
"""

import shutil
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]

# (user, [(name, path, action before the shot)])
SCREENS = {
    "picker": [
        ("pick-home", "/pick/", None),
        ("pick-bin", "/pick/", lambda p: _scan(p, "Scan a bin", "A-01-01-A")),
        ("pick-task", "/pick/", lambda p: p.get_by_role("button", name=START).click()),
        ("pick-wrong", "/pick/", lambda p: _start_and_scan(p, "NOT-A-BIN")),
        ("pick-at-bin", "/pick/", lambda p: _start_and_scan(p, None)),
        ("pick-offline", "/pick/", lambda p: _scan_offline(p)),
    ],
    "packer": [
        ("pack-home", "/pack/", None),
        ("pack-bench", "/pack/", lambda p: _scan(p, "Scan a tote", "T-002")),
        ("dock", "/dock/", None),
    ],
    "receiver": [("receive", "/receive/", None)],
    "manager": [
        ("manager", "/manage/", None),
        ("manager-waves", "/manage/waves", None),
        ("manager-exceptions", "/manage/exceptions", None),
        ("manager-pickers", "/manage/pickers", None),
        ("manager-slotting", "/manage/slotting", None),
        ("trace", "/trace/?kind=order&q=UK-552319", None),
        ("manager-import", "/manage/import", None),
        ("manager-partners", "/manage/partners/", None),
    ],
    "service": [
        ("service", "/service/", None),
        ("service-order", "/service/", lambda p: p.locator("#results a").first.click()),
    ],
    "admin": [
        ("admin", "/admin/", None),
        ("admin-tokens", "/admin/tokens", None),
        ("admin-webhooks", "/admin/webhooks", None),
        ("admin-deliveries", "/admin/webhooks/deliveries", None),
        ("admin-shipping", "/admin/shipping/", None),
    ],
}


START = __import__("re").compile(
    "Start picking|Continue picking|Picken starten|Weiter picken"
)


def _start_and_scan(page, code: str | None) -> None:
    """Open the picker's list and scan `code` (None: the bin the task shows)."""
    page.get_by_role("button", name=START).click()
    page.locator("#scan-code:focus").wait_for()
    code = code or page.locator("#task .location").inner_text()
    page.keyboard.type(code)
    page.keyboard.press("Enter")
    page.wait_for_timeout(500)


def _scan_offline(page) -> None:
    """The list on the phone, the Wi-Fi gone, the bin scanned and kept for later."""
    page.get_by_role("button", name=START).click()
    page.locator("[data-offline-ready]").wait_for(state="attached")
    page.context.set_offline(True)
    page.locator("#scan-code:focus").wait_for()
    page.keyboard.type(page.locator("#task .location").inner_text())
    page.keyboard.press("Enter")
    page.wait_for_timeout(300)


def _scan(page, label: str, code: str) -> None:
    field = page.locator("input[data-autofocus], input[autofocus]")
    if not field.count():
        field = page.locator("main input[type=text]")
    field = field.first
    field.fill(code)
    field.press("Enter")
    page.wait_for_timeout(400)


def main(base: str, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=ARGS)
        for language in ("en", "de"):
            context = browser.new_context(**p.devices["Pixel 7"], locale=language)
            page = context.new_page()
            page.goto(base + "/login")
            page.screenshot(path=out / f"{language}-login.png", full_page=True)
            for user, screens in SCREENS.items():
                context.set_offline(False)
                context.clear_cookies()
                page.goto(base + "/login")
                page.locator("details.password-login summary").click()
                page.locator("input[name=username]").fill(user)
                page.locator("input[name=password]").fill(f"demo-{user}")
                page.locator("input[name=password]").press("Enter")
                page.wait_for_load_state()
                for name, path, action in screens:
                    context.set_offline(False)
                    page.goto(base + path)
                    if action:
                        action(page)
                        page.wait_for_load_state()
                    page.screenshot(path=out / f"{language}-{name}.png", full_page=True)
            context.close()
        browser.close()


if __name__ == "__main__":
    main(
        sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:5000",
        Path(sys.argv[2] if len(sys.argv) > 2 else "shots"),
    )
