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
    ],
    "packer": [
        ("pack-item", "/pack/", lambda p: _scan(p, "Scan an item", "4000000000017"))
    ],
    "receiver": [("receive", "/receive/", None)],
    "manager": [
        ("manager", "/manage/", None),
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
    ],
}


def _scan(page, label: str, code: str) -> None:
    field = page.locator("input[autofocus]").first
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
                context.clear_cookies()
                page.goto(base + "/login")
                page.locator("details.password-login summary").click()
                page.locator("input[name=username]").fill(user)
                page.locator("input[name=password]").fill(f"demo-{user}")
                page.locator("input[name=password]").press("Enter")
                page.wait_for_load_state()
                for name, path, action in screens:
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
