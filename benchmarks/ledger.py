"""Server time of one stock-ledger write (receive, move, reserve, replay) per database.

    python benchmarks/ledger.py [N]          # N operations of each kind (default 300)

Runs against a throwaway SQLite file and, when reachable, a throwaway database on
BENCH_DATABASE_URL (default: PostgreSQL at 127.0.0.1:5432). Prints a table and, last,
one line of JSON with the headline figures (milliseconds).
"""

import json
import os
import statistics
import sys
import tempfile
import time
import uuid

os.environ.setdefault("FULFIL_ENV", "test")
os.environ.setdefault("SECRET_KEY", "benchmark")
sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

import psycopg  # noqa: E402
from flask_migrate import upgrade  # noqa: E402

from fulfil import create_app  # noqa: E402
from fulfil.domain.barcodes import make_ean13  # noqa: E402
from fulfil.extensions import db  # noqa: E402
from fulfil.services import catalog, inventory, layout  # noqa: E402

PG = os.environ.get(
    "BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)
MIGRATIONS = os.path.join(os.path.dirname(__file__), "..", "migrations")


def measure(url: str, n: int) -> dict[str, list[float]]:
    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    timings: dict[str, list[float]] = {
        "receive": [],
        "move": [],
        "reserve": [],
        "replay": [],
    }
    with app.app_context():
        upgrade(directory=MIGRATIONS)
        site = layout.create_warehouse(code="BENCH", name="Benchmark")
        bins = [
            layout.define_location(
                warehouse_id=site.id, code=f"A-{i:02d}", kind="pick_face"
            ).id
            for i in range(20)
        ]
        products = [
            catalog.upsert_product(
                sku=f"B{i}", name=f"Bench {i}", barcode=make_ean13("400", i)
            ).id
            for i in range(50)
        ]

        def timed(kind, call, **kwargs):
            started = time.perf_counter()
            call(**kwargs)
            timings[kind].append((time.perf_counter() - started) * 1000)

        for i in range(n):
            product, source, target = products[i % 50], bins[i % 20], bins[(i + 1) % 20]
            timed(
                "receive",
                inventory.receive,
                product_id=product,
                location_id=source,
                qty=10,
                key=f"r{i}",
            )
            timed(
                "move",
                inventory.move,
                product_id=product,
                from_location_id=source,
                to_location_id=target,
                qty=3,
                key=f"m{i}",
            )
            timed(
                "reserve",
                inventory.reserve,
                product_id=product,
                location_id=target,
                qty=1,
                key=f"s{i}",
            )
            timed(
                "replay",
                inventory.move,
                product_id=product,
                from_location_id=source,
                to_location_id=target,
                qty=3,
                key=f"m{i}",
            )
        db.session.remove()
        db.engine.dispose()
    return timings


def pct(values: list[float], q: float) -> float:
    return round(statistics.quantiles(values, n=100)[int(q) - 1], 2)


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 300
    results: dict[str, dict[str, list[float]]] = {}
    with tempfile.TemporaryDirectory() as folder:
        results["sqlite"] = measure(f"sqlite:///{folder}/bench.sqlite", n)
    name = f"fulfil_bench_{uuid.uuid4().hex[:8]}"
    try:
        with psycopg.connect(PG, autocommit=True, connect_timeout=3) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.OperationalError as error:
        print(f"PostgreSQL skipped: {error}".strip())
    else:
        try:
            url = PG.replace("postgresql://", "postgresql+psycopg://", 1).rsplit(
                "/", 1
            )[0]
            results["postgresql"] = measure(f"{url}/{name}", n)
        finally:
            with psycopg.connect(PG, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    print(f"Stock-ledger writes, server time per call in ms ({n} of each)\n")
    print(f"{'database':<11} {'operation':<9} {'p50':>7} {'p95':>7} {'max':>7}")
    headline = {"operations_each": n}
    for database, timings in results.items():
        for kind, values in timings.items():
            p50, p95 = pct(values, 50), pct(values, 95)
            print(f"{database:<11} {kind:<9} {p50:>7} {p95:>7} {max(values):>7.2f}")
            headline[f"{database}_{kind}_p50_ms"] = p50
            headline[f"{database}_{kind}_p95_ms"] = p95
    print(json.dumps(headline))


if __name__ == "__main__":
    main()
