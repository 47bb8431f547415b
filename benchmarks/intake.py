"""Order intake through the HTTP API: POST /api/v1/orders per second, and its latency.

    python benchmarks/intake.py [FILE] [--orders N] [--clients N] [--workers N]
                                [--threads N] [--skip-postgres]

Reads real orders, by default the repo's sample of the UCI "Online Retail" data
(fulfil/demo/data/online_retail_sample.csv, all of it), or FILE in the same format,
gzipped or not (e.g. /work/shared/data/online_retail_dev.csv.gz; then the first 2000
orders unless --orders says otherwise). Invoices become orders: cancellations and
adjustments are left out, as are lines of no product (postage, fees) and invoices of
more than 500 lines (the API's limit).

For each database, a fresh one (a temporary SQLite file; a throwaway database on
BENCH_DATABASE_URL, default PostgreSQL at 127.0.0.1:5432, created and dropped here):
migrations, then a warehouse, 40 pick faces, every product and enough opening stock
for every order, all through the API in-process, and the shop's webhook subscription
to every event, so that each order writes its outbox rows as well. Then gunicorn
serves the app on a local port (one sync worker, as `gunicorn app:app` runs, or one
per client; --threads N for gthread workers as the Procfile runs them) and one client
posts the orders one after another, each allocated in full. Prints a table and, last,
one line of JSON with the headline figures.
"""

import argparse
import csv
import gzip
import http.client
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

os.environ.setdefault("FULFIL_ENV", "test")
os.environ.setdefault("SECRET_KEY", "benchmark")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import psycopg  # noqa: E402
import pycountry  # noqa: E402
import sqlalchemy as sa  # noqa: E402
from flask_migrate import upgrade  # noqa: E402

from fulfil import create_app  # noqa: E402
from fulfil.demo.builder import COUNTRIES  # noqa: E402
from fulfil.domain.barcodes import make_ean13  # noqa: E402
from fulfil.extensions import db  # noqa: E402
from fulfil.models import WebhookDelivery  # noqa: E402
from fulfil.services import layout, tokens, webhooks  # noqa: E402

SAMPLE = ROOT / "fulfil" / "demo" / "data" / "online_retail_sample.csv"
PG = os.environ.get(
    "BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)
MIGRATIONS = ROOT / "migrations"
PRODUCT_CODE = re.compile(r"^\d{5}[A-Za-z]*$")  # not POST, DOT, BANK CHARGES, ...
LONDON = ZoneInfo("Europe/London")
MORE_COUNTRIES = {"USA": "US", "RSA": "ZA", "Channel Islands": "JE"}
BINS = 40
WARM_UP = 5  # orders sent first, not counted (copies of the first, new numbers)


# -- the orders -----------------------------------------------------------------------


def read_orders(path: Path, limit: int | None) -> tuple[list[dict], dict[str, str]]:
    """POST /api/v1/orders bodies in the file's order, and each SKU's name."""
    opener = gzip.open if path.suffix == ".gz" else open
    invoices: dict[str, dict] = {}
    names: dict[str, str] = {}
    with opener(path, "rt", encoding="utf-8", newline="") as file:
        for row in csv.DictReader(file):
            number, sku = row["InvoiceNo"], row["StockCode"].upper()
            quantity = int(row["Quantity"])
            if not number.isdigit() or quantity <= 0 or not PRODUCT_CODE.match(sku):
                continue  # a cancellation, an adjustment, postage or a fee
            invoice = invoices.get(number)
            if invoice is None:
                if limit is not None and len(invoices) >= limit * 2:
                    break  # enough to choose from
                invoice = invoices[number] = _invoice(row)
            names.setdefault(sku, row["Description"].strip() or f"Item {sku}")
            lines = invoice["lines"]
            if sku in lines:
                lines[sku]["quantity"] += quantity
            else:
                price = Decimal(row["UnitPrice"]).quantize(
                    Decimal("0.01"), ROUND_HALF_UP
                )
                lines[sku] = {
                    "sku": sku,
                    "quantity": quantity,
                    "unit_price": str(max(price, Decimal(0))),
                }
    orders = []
    for invoice in invoices.values():
        lines = list(invoice["lines"].values())
        if not 1 <= len(lines) <= 500 or any(li["quantity"] > 100_000 for li in lines):
            continue
        orders.append(invoice | {"lines": lines})
        if limit is not None and len(orders) == limit:
            break
    return orders, names


def _invoice(row: dict) -> dict:
    placed = datetime.strptime(row["InvoiceDate"], "%Y-%m-%d %H:%M:%S")
    who = row["CustomerID"] or f"guest{row['InvoiceNo']}"
    name = f"Customer {row['CustomerID']}" if row["CustomerID"] else "Guest"
    return {
        "external_id": f"UK-{row['InvoiceNo']}",
        "placed_at": placed.replace(tzinfo=LONDON).astimezone(UTC).isoformat(),
        "customer": {"name": name, "email": f"{who}@example.com"},
        "shipping_address": {
            "name": name,
            "line1": "1 High Street",
            "postal_code": "M1 4BT",
            "city": "Manchester",
            "country": _country(row["Country"]),
        },
        "lines": {},
    }


def _country(name: str) -> str:
    if name in COUNTRIES or name in MORE_COUNTRIES:
        return COUNTRIES.get(name) or MORE_COUNTRIES[name]
    try:
        return pycountry.countries.lookup(name).alpha_2
    except LookupError:
        return "GB"  # "Unspecified", "European Community"


# -- one database ---------------------------------------------------------------------


def measure(
    url: str,
    orders: list[dict],
    names: dict[str, str],
    clients: int,
    workers: int,
    threads: int,
) -> dict:
    """Set the database up in-process, then time POST /orders against gunicorn."""
    warm_up = [
        order | {"external_id": f"W{order['external_id']}"}
        for order in orders[:WARM_UP]
    ]
    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": url, "API_RATE_LIMIT": "1000000 per minute"}
    )
    with app.app_context():
        upgrade(directory=str(MIGRATIONS))
        secret = _set_up(app, orders + warm_up, names)
        db.session.remove()
        db.engine.dispose()
    port = _free_port()
    server = subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "app:app",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--threads",
            str(threads),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=os.environ | {"DATABASE_URL": url, "API_RATE_LIMIT": "1000000 per minute"},
    )
    try:
        _wait_for(port)
        _post_all(port, secret, warm_up, clients)  # imports, caches, connections
        started = time.perf_counter()
        latencies, statuses, states = _post_all(port, secret, orders, clients)
        elapsed = time.perf_counter() - started
    finally:
        server.terminate()
        server.wait(timeout=30)
    bad = {s: n for s, n in statuses.items() if s != 201}
    if bad:
        raise SystemExit(f"unexpected answers from POST /orders: {bad}")
    with app.app_context():  # what the orders wrote besides themselves
        outbox = db.session.scalar(
            sa.select(sa.func.count()).select_from(WebhookDelivery)
        )
        db.session.remove()
        db.engine.dispose()
    return {
        "latencies": latencies,
        "orders_per_s": len(orders) / elapsed,
        "states": states,
        "webhooks_per_order": outbox / (len(orders) + len(warm_up)),
    }


def _set_up(app, orders: list[dict], names: dict[str, str]) -> str:
    layout.create_warehouse(code="BENCH", name="Benchmark", timezone="Europe/London")
    _, secret = tokens.create_token(name="benchmark", scopes=list(tokens.SCOPES))
    # The shop hears of every change, so each order writes its webhooks to the
    # outbox too (nothing sends them during the run).
    webhooks.subscribe("http://127.0.0.1:9/shop-webhooks", ["*"], "the shop")
    client, auth = app.test_client(), {"Authorization": f"Bearer {secret}"}

    def call(method: str, url: str, body: dict, headers: dict | None = None):
        response = client.open(
            url, method=method, json=body, headers=auth | (headers or {})
        )
        if response.status_code >= 300:
            raise SystemExit(f"{method} {url}: {response.get_data(as_text=True)}")

    bins = [f"A-{n:02d}-1-A" for n in range(1, BINS + 1)]
    for code in bins:
        call("PUT", f"/api/v1/locations/{code}", {"kind": "pick_face"})
    needed = Counter()
    for order in orders:
        for line in order["lines"]:
            needed[line["sku"]] += line["quantity"]
    for number, (sku, units) in enumerate(sorted(needed.items()), start=1):
        name = names[sku][:255]
        call(
            "PUT",
            f"/api/v1/products/{sku}",
            {"name": name, "barcode": make_ean13("200", number)},
        )
        call(
            "POST",
            "/api/v1/stock/adjustments",
            {
                "sku": sku,
                "location": bins[number % BINS],
                "quantity": units,
                "reason": "opening",
            },
            {"Idempotency-Key": f"opening-{sku}"},
        )
    return secret


def _post_all(port: int, secret: str, orders: list[dict], clients: int):
    """POST every order, `clients` at a time; each client waits for its answer."""
    headers = {
        "Authorization": f"Bearer {secret}",
        "Content-Type": "application/json",
    }
    latencies, statuses, states = [], Counter(), Counter()
    queue = iter([json.dumps(order) for order in orders])
    lock = threading.Lock()

    def client() -> None:
        while True:
            with lock:
                body = next(queue, None)
            if body is None:
                return
            started = time.perf_counter()
            connection = http.client.HTTPConnection("127.0.0.1", port)
            connection.request("POST", "/api/v1/orders", body=body, headers=headers)
            response = connection.getresponse()
            answer = response.read()
            took = (time.perf_counter() - started) * 1000
            connection.close()
            with lock:
                latencies.append(took)
                statuses[response.status] += 1
                if response.status == 201:
                    states[json.loads(answer)["status"]] += 1

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, statuses, states


@contextmanager
def throwaway_postgres(skip: bool) -> Iterator[str | None]:
    """A fresh database on BENCH_DATABASE_URL's server for one run, dropped after it;
    None (with the reason printed) when skipped or unreachable."""
    if skip:
        print("PostgreSQL skipped (--skip-postgres)")
        yield None
        return
    name = f"fulfil_bench_{uuid.uuid4().hex[:8]}"
    try:
        with psycopg.connect(PG, autocommit=True, connect_timeout=3) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.OperationalError as error:
        print(f"PostgreSQL unreachable, skipped: {error}".strip())
        yield None
        return
    try:
        base = PG.replace("postgresql://", "postgresql+psycopg://", 1)
        yield f"{base.rsplit('/', 1)[0]}/{name}"
    finally:
        with psycopg.connect(PG, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for(port: int, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"gunicorn did not start on port {port}")


# -- the run --------------------------------------------------------------------------


def pct(values: list[float], q: int) -> float:
    return round(statistics.quantiles(values, n=100)[q - 1], 2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("file", nargs="?", type=Path, default=SAMPLE)
    parser.add_argument("--orders", type=int, help="how many (default: all, or 2000)")
    parser.add_argument("--skip-postgres", action="store_true")
    parser.add_argument(
        "--clients",
        type=int,
        default=1,
        help="clients posting at once, each waiting for its answer (default 1)",
    )
    parser.add_argument(
        "--workers", type=int, help="gunicorn workers (default: one per client)"
    )
    parser.add_argument(
        "--threads",
        type=int,
        default=1,
        help="threads per worker (default 1, a sync worker; the Procfile says 4)",
    )
    args = parser.parse_args()
    args.workers = args.workers or args.clients
    limit = args.orders or (None if args.file == SAMPLE else 2000)
    orders, names = read_orders(args.file, limit)
    lines = sum(len(order["lines"]) for order in orders)
    skus = len({line["sku"] for order in orders for line in order["lines"]})

    server = (args.clients, args.workers, args.threads)
    results: dict[str, dict | None] = {}
    with tempfile.TemporaryDirectory() as folder:
        results["sqlite"] = measure(
            f"sqlite:///{folder}/intake.sqlite", orders, names, *server
        )
    results["postgresql"] = None
    with throwaway_postgres(args.skip_postgres) as url:
        if url:
            results["postgresql"] = measure(url, orders, names, *server)

    print(
        f"\nPOST /api/v1/orders through gunicorn ({args.workers} worker(s) × "
        f"{args.threads} thread(s)), {args.clients} client(s) each waiting for its "
        f"answer\n{args.file.name}: "
        f"{len(orders)} orders, {lines} lines, {skus} SKUs, "
        f"{lines / len(orders):.1f} lines per order\n"
    )
    print(
        f"{'database':<11} {'orders/s':>9} {'p50 ms':>8} {'p95 ms':>8} "
        f"{'max ms':>8} {'webhooks':>9}  allocated"
    )
    headline: dict = {
        "file": args.file.name,
        "orders": len(orders),
        "lines": lines,
        "clients": args.clients,
        "workers": args.workers,
        "threads": args.threads,
    }
    for database, result in results.items():
        short = "postgres" if database == "postgresql" else database
        if result is None:
            print(f"{database:<11} {'—':>9}")
            for key in ("orders_per_s", "p50_ms", "p95_ms"):
                headline[f"{key}_{short}"] = None
            continue
        values = result["latencies"]
        rate, p50, p95 = (
            round(result["orders_per_s"], 1),
            pct(values, 50),
            pct(values, 95),
        )
        states = ", ".join(f"{n} {s}" for s, n in sorted(result["states"].items()))
        per_order = f"{result['webhooks_per_order']:.1f}/order"
        print(
            f"{database:<11} {rate:>9} {p50:>8} {p95:>8} {max(values):>8.2f} "
            f"{per_order:>9}  {states}"
        )
        headline |= {
            f"orders_per_s_{short}": rate,
            f"p50_ms_{short}": p50,
            f"p95_ms_{short}": p95,
        }
    print(json.dumps(headline))


if __name__ == "__main__":
    main()
