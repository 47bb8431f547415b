"""The picker's screen as a phone meets it: Lighthouse scores and first-load bytes.

    python benchmarks/pwa.py [--runs N] [--keep DIR]

A fresh demo database (the repo's sample orders, `flask demo`) in a temporary folder,
served by gunicorn as the Procfile runs it. The demo picker logs in and presses
"Start picking"; the list they get is the page measured.

- Lighthouse 12 (npm `lighthouse@12.8.2`, fetched by npx from the npm registry on the
  first run, then cached) against Debian's Chromium, headless, with its default mobile
  emulation and simulated throttling, the picker's session cookie sent along:
  performance, accessibility and best practices, the median of --runs runs (default
  3). Lighthouse 12 has no PWA category: installability is tested in
  tests/browser/test_pwa.py through Chrome's own check.
- Bytes on the wire for the first load of that page in a fresh Pixel 7 profile
  (Playwright, Chromium's own count of encoded bytes, headers included), by resource.
  The camera scanner (its script, decoder and WebAssembly) loads only when the camera
  is opened, so it is not part of it.

Prints a table and, last, one line of JSON with `lighthouse_performance`,
`lighthouse_accessibility`, `lighthouse_best_practices` (0-100), `first_load_kb` and
`first_load_requests`.
"""

import argparse
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
LIGHTHOUSE = "lighthouse@12.8.2"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROME_FLAGS = (
    "--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage"
    " --disable-background-networking --disable-component-update --disable-sync"
    " --disable-quic --no-first-run"
)
CATEGORIES = ("performance", "accessibility", "best-practices")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve_demo(folder: Path) -> tuple[subprocess.Popen, str]:
    env = {
        **os.environ,
        "FULFIL_ENV": "demo",
        "DATABASE_URL": f"sqlite:///{folder / 'fulfil.sqlite'}",
        "FLASK_APP": "app",
    }
    flask = str(ROOT / ".venv" / "bin" / "flask")
    for command in (["db", "upgrade"], ["demo", "--if-empty"]):
        subprocess.run(
            [flask, *command], cwd=ROOT, env=env, check=True, capture_output=True
        )
    port = free_port()
    server = subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "app:app",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            os.environ.get("WEB_CONCURRENCY", "2"),
            "--threads",
            os.environ.get("GUNICORN_THREADS", "4"),
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(base + "/login", timeout=1)
            return server, base
        except OSError:
            time.sleep(0.1)
    server.kill()
    sys.exit("gunicorn did not start")


def picker_session(base: str) -> tuple[str, str]:
    """Log the demo picker in, start picking; the list's URL and the cookie header."""
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    login = opener.open(base + "/login").read().decode()
    token = re.search(r'name="csrf-token" content="([^"]+)"', login).group(1)
    form = {"username": "picker", "password": "demo-picker", "csrf_token": token}
    opener.open(base + "/login", urlencode(form).encode())
    home = opener.open(base + "/pick/").read().decode()
    token = re.search(r'name="csrf-token" content="([^"]+)"', home).group(1)
    started = opener.open(
        base + "/pick/start", urlencode({"csrf_token": token}).encode()
    )
    if "/pick/lists/" not in started.url:
        sys.exit(f"the demo picker got no list: {started.url}")
    cookie = "; ".join(f"{c.name}={c.value}" for c in jar)
    return started.url, cookie


def lighthouse(url: str, cookie: str, folder: Path, run: int) -> dict:
    headers = folder / "headers.json"
    headers.write_text(json.dumps({"Cookie": cookie}))
    report = folder / f"lighthouse-{run}.json"
    subprocess.run(
        [
            "npx",
            "--yes",
            LIGHTHOUSE,
            url,
            "--output=json",
            f"--output-path={report}",
            "--quiet",
            "--no-enable-error-reporting",
            f"--only-categories={','.join(CATEGORIES)}",
            f"--extra-headers={headers}",
            f"--chrome-flags={CHROME_FLAGS}",
        ],
        env={**os.environ, "CHROME_PATH": CHROMIUM},
        check=True,
        capture_output=True,
    )
    result = json.loads(report.read_text())
    if result.get("runtimeError"):
        sys.exit(f"Lighthouse failed: {result['runtimeError']}")
    failing = [
        (audit_id, audit.get("title"))
        for audit_id, audit in result["audits"].items()
        if audit.get("score") is not None
        and audit["score"] < 1
        and audit.get("scoreDisplayMode") in ("binary", "metricSavings", "numeric")
        and any(
            ref["id"] == audit_id
            for name in ("accessibility", "best-practices")
            for ref in result["categories"][name]["auditRefs"]
            if ref.get("weight")
        )
    ]
    return {
        "scores": {
            name: round(result["categories"][name]["score"] * 100)
            for name in CATEGORIES
        },
        "fcp_ms": result["audits"]["first-contentful-paint"]["numericValue"],
        "lcp_ms": result["audits"]["largest-contentful-paint"]["numericValue"],
        "tbt_ms": result["audits"]["total-blocking-time"]["numericValue"],
        "cls": result["audits"]["cumulative-layout-shift"]["numericValue"],
        "failing": failing,
    }


def first_load(url: str, cookie: str) -> list[tuple[str, int]]:
    """(resource, encoded bytes) of every response the page's first load fetched."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM, args=CHROME_FLAGS.split()[1:]
        )
        device = {
            k: v for k, v in p.devices["Pixel 7"].items() if k != "default_browser_type"
        }
        context = browser.new_context(**device)
        name, value = cookie.split(";")[0].split("=", 1)
        context.add_cookies([{"name": name, "value": value, "url": url}])
        page = context.new_page()
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        urls: dict[str, str] = {}
        sizes: dict[str, int] = {}
        cdp.on(
            "Network.responseReceived",
            lambda e: urls.__setitem__(e["requestId"], e["response"]["url"]),
        )
        cdp.on(
            "Network.loadingFinished",
            lambda e: sizes.__setitem__(e["requestId"], e["encodedDataLength"]),
        )
        page.goto(url, wait_until="networkidle")
        page.wait_for_timeout(500)
        browser.close()
    origin = url.split("/pick/")[0]
    return sorted(
        ((urls[i].replace(origin, ""), size) for i, size in sizes.items() if i in urls),
        key=lambda row: -row[1],
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="keep the Lighthouse reports here")
    args = parser.parse_args()
    if shutil.which("npx") is None:
        sys.exit("npx (Node.js 20) is needed to run Lighthouse")

    folder = Path(tempfile.mkdtemp(prefix="fulfil-pwa-"))
    server, base = serve_demo(folder)
    try:
        url, cookie = picker_session(base)
        runs = [lighthouse(url, cookie, folder, run) for run in range(args.runs)]
        loaded = first_load(url, cookie)
    finally:
        server.terminate()
        server.wait()
        if args.keep:
            args.keep.mkdir(parents=True, exist_ok=True)
            for report in folder.glob("lighthouse-*.json"):
                shutil.copy(report, args.keep / report.name)
        shutil.rmtree(folder, ignore_errors=True)

    median = {
        name: statistics.median(r["scores"][name] for r in runs) for name in CATEGORIES
    }
    page = url.replace(base, "")
    print(f"Picker screen {page}, Lighthouse 12, mobile, {args.runs} runs")
    print(f"{'category':<18}{'median':>8}{'runs':>16}")
    for name in CATEGORIES:
        each = " ".join(str(r["scores"][name]) for r in runs)
        print(f"{name:<18}{median[name]:>8.0f}{each:>16}")
    for metric in ("fcp_ms", "lcp_ms", "tbt_ms", "cls"):
        value = statistics.median(r[metric] for r in runs)
        print(f"{metric:<18}{value:>8.{3 if metric == 'cls' else 0}f}")
    for audit_id, title in sorted({f for r in runs for f in r["failing"]}):
        print(f"  not passed: {audit_id} ({title})")
    total = sum(size for _, size in loaded)
    print(f"\nFirst load: {len(loaded)} responses, {total / 1024:.1f} KB on the wire")
    for resource, size in loaded:
        print(f"  {size / 1024:>7.1f} KB  {resource[:70]}")
    print(
        json.dumps(
            {
                "lighthouse_performance": median["performance"],
                "lighthouse_accessibility": median["accessibility"],
                "lighthouse_best_practices": median["best-practices"],
                "lcp_ms": round(statistics.median(r["lcp_ms"] for r in runs)),
                "first_load_kb": round(total / 1024, 1),
                "first_load_requests": len(loaded),
            }
        )
    )


if __name__ == "__main__":
    main()
