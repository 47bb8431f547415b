"""Picking scans through the web app under load: scans per second and their latency.

    python benchmarks/scan_load.py [--seconds N] [--pickers N]
                                   [--saturation-pickers N] [--floor-seconds N]
                                   [--skip-postgres] [--skip-sqlite]

Orders are real order profiles: the repo's sample of the UCI "Online Retail" data
(fulfil/demo/data/online_retail_sample.csv, read as benchmarks/intake.py reads it),
copied under new order numbers until every picker has a cart of them.

For each database, a fresh one (a temporary SQLite file; a throwaway database on
BENCH_DATABASE_URL, default PostgreSQL at 127.0.0.1:5432, created and dropped here):
migrations, then a warehouse with a packing area and 40 pick faces in 4 aisles, every
product with an EAN-13, stock for every order, the orders (allocated on intake), a
picker user per simulated picker and a wave released as carts of CART orders each,
all through the services in-process. Each list's scans are then read back from the
database: task by task in walking order, the bin label (unless the previous task was
in the same bin), then the product barcode once per unit.

Then gunicorn serves app:app with the Procfile's workers and threads
(WEB_CONCURRENCY × GUNICORN_THREADS, default 2 × 4) and simulated pickers, a thread
each with its own keep-alive connection, session cookie and CSRF token, log in, press
"Start picking", open their list and scan through it as htmx sends a scan
(HX-Request, X-CSRFToken, a new scan id each time). Two runs of --seconds each:

- paced: --pickers pickers (default 200), each scanning every 2 s, their first scans
  spread over the first 2 s;
- saturation: the first --saturation-pickers (default 50) go on with their lists
  with no pause at all.

A picker whose list is done presses "Start picking" again. Every answer should be
200 (accepted); 422 (refused) means the benchmark's scans got out of step with the
list, anything else is an error: both are printed loudly and make the exit status 1.
After the runs the stock ledger must still balance.

The floor (PostgreSQL only): lists of their own, released and claimed before the
pickers' (so no picker gets one), are scanned through benchmarks/scan_floor.py, a
bare WSGI app doing the same SQL with psycopg (no Flask, no ORM, no templates, no
CSRF, no session), one transaction per scan touching the same rows, served by
gunicorn with the same workers and threads, 50 clients with no pause, for
--floor-seconds (default a quarter of --seconds). The saturation run and the floor's
take turns in three stretches each (both servers stay up, the other one idle), so
that the machine's speed, which may drift during a run, touches both alike.
`saturation_vs_floor` is the app's saturation scans/s over the floor's requests/s.

Besides latency, each run reports the CPU time spent per scan (from /proc) by
gunicorn and its workers, by the PostgreSQL backends serving the benchmark database
(when the server runs on this machine) and by the clients: where the CPU went.

Pickers' passwords are hashed with PBKDF2 of 1,000 rounds instead of the app's scrypt:
logins are not what is measured, and 200 scrypt hashes cost about 40 s per database.

Prints a table and, last, one line of JSON: the paced PostgreSQL run unprefixed, then
saturation_*, floor_* and sqlite_* figures. On a 2-core machine the clients, gunicorn
and the database share the CPU: compare figures from the same machine only.
"""

import argparse
import http.client
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from urllib.parse import urlencode

os.environ.setdefault("FULFIL_ENV", "test")
os.environ.setdefault("SECRET_KEY", "benchmark")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402
from flask_migrate import upgrade  # noqa: E402
from werkzeug.security import generate_password_hash  # noqa: E402

from benchmarks.intake import (  # noqa: E402
    MIGRATIONS,
    SAMPLE,
    _free_port,
    _wait_for,
    pct,
    read_orders,
    throwaway_postgres,
)
from fulfil import create_app  # noqa: E402
from fulfil.domain.barcodes import make_ean13  # noqa: E402
from fulfil.domain.states import ShipmentStatus  # noqa: E402
from fulfil.extensions import db  # noqa: E402
from fulfil.models import (  # noqa: E402
    Location,
    PickList,
    PickListStatus,
    PickTask,
    Product,
)
from fulfil.queries.stock import ledger_mismatches  # noqa: E402
from fulfil.schemas import OrderIn  # noqa: E402
from fulfil.services import (  # noqa: E402
    catalog,
    inventory,
    layout,
    orders,
    picking,
    users,
    waves,
)

WORKERS = int(os.environ.get("WEB_CONCURRENCY", "2"))  # as the Procfile says
THREADS = int(os.environ.get("GUNICORN_THREADS", "4"))
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")
PASSWORD = "scan-load-password"
CART = 2  # orders per pick list (CART_TOTES for the release)
FLOOR_CART = 3  # the floor scans faster: bigger carts, so no list runs out
FLOOR_CLIENTS = 50
# The saturation and floor runs take turns, in this many stretches each, so that a
# change in the machine's speed during the run touches both alike.
ROUNDS = 3
PACE_S = 2.0
# gunicorn closes a keep-alive connection idle for 2 s (its default): a client idle
# for longer opens a new one rather than racing the server's close.
IDLE_S = 1.5
TICKS = os.sysconf("SC_CLK_TCK")
AISLES, BAYS = "ABCD", 10
CSRF = re.compile(r'name="csrf-token" content="([^"]+)"')
LOCATION = re.compile(r'<p class="location">\s*([^<\s]+)\s*</p>')
LIST_URL = re.compile(r"/pick/lists/(\d+)")


# -- the floor plan, the orders, the lists --------------------------------------------


@dataclass(frozen=True)
class Step:
    code: str  # what is scanned
    bin: str  # the bin of the task this scan belongs to


def copies(orders: list[dict], count: int, prefix: str) -> list[dict]:
    """`count` orders cycling through the sample's, each with a new number."""
    return [
        orders[n % len(orders)]
        | {"external_id": f"{prefix}{n:05d}-{orders[n % len(orders)]['external_id']}"}
        for n in range(count)
    ]


def set_up(all_orders: list[dict], names: dict[str, str]) -> int:
    """The warehouse, its bins, every product and the stock all orders need."""
    site = layout.create_warehouse(
        code="BENCH", name="Benchmark", timezone="Europe/London"
    )
    layout.define_location(
        warehouse_id=site.id, code="PACK-01", kind="packing", x=0, y=0
    )
    bins = [
        layout.define_location(
            warehouse_id=site.id,
            code=f"{aisle}-{bay:02d}-1-A",
            kind="pick_face",
            aisle=aisle,
            x=3 + 6 * number,
            y=1 + 2 * bay,
        ).id
        for number, aisle in enumerate(AISLES)
        for bay in range(1, BAYS + 1)
    ]
    needed = Counter()
    for order in all_orders:
        for line in order["lines"]:
            needed[line["sku"]] += line["quantity"]
    for number, (sku, units) in enumerate(sorted(needed.items()), start=1):
        product = catalog.upsert_product(
            sku=sku, name=names[sku][:255], barcode=make_ean13("200", number)
        )
        inventory.receive(
            product_id=product.id,
            location_id=bins[number % len(bins)],
            qty=units,
            key=f"opening-{sku}",
        )
    return site.id


def make_pickers(prefix: str, count: int) -> list[int]:
    # A cheap hash: logins are not measured (see the module docstring).
    users.generate_password_hash = partial(
        generate_password_hash, method="pbkdf2:sha256:1000"
    )
    return [
        users.create_user(
            username=f"{prefix}-{n:03d}", password=PASSWORD, roles=["picker"]
        ).id
        for n in range(1, count + 1)
    ]


def release(app, warehouse_id: int, order_bodies: list[dict], cart: int) -> list[int]:
    """Take the orders in and release them as carts of `cart`: the new list ids."""
    shipment_ids = []
    for body in order_bodies:
        order, _ = orders.receive_order(OrderIn.model_validate(body))
        shipment = order.shipments[0]
        if shipment.status != ShipmentStatus.ALLOCATED:
            raise SystemExit(f"{body['external_id']} is {shipment.status.value}")
        shipment_ids.append(shipment.id)
    app.config["CART_TOTES"] = cart
    lists = waves.release(warehouse_id=warehouse_id, shipment_ids=shipment_ids)
    return [pick_list.id for pick_list in lists]


def scan_steps(list_ids: list[int]) -> dict[int, list[Step]]:
    """Each list's scans in the order a picker makes them."""
    rows = db.session.execute(
        sa.select(PickTask.pick_list_id, Location.code, Product.barcode, PickTask.qty)
        .join(Location, PickTask.location_id == Location.id)
        .join(Product, PickTask.product_id == Product.id)
        .where(PickTask.pick_list_id.in_(list_ids))
        .order_by(PickTask.pick_list_id, PickTask.sequence)
    )
    steps: dict[int, list[Step]] = {list_id: [] for list_id in list_ids}
    for list_id, bin_code, barcode, qty in rows:
        these = steps[list_id]
        if not these or these[-1].bin != bin_code:
            these.append(Step(bin_code, bin_code))
        these.extend(Step(barcode, bin_code) for _ in range(qty))
    return steps


# -- a handheld -----------------------------------------------------------------------


class OutOfLists(Exception):
    """Nothing left to pick: "Start picking" led back to the picking home page."""


@dataclass
class Tally:
    """What one run saw, across its threads."""

    latencies: list[float] = field(default_factory=list)
    statuses: Counter = field(default_factory=Counter)
    out_of_step: int = 0
    lists_done: int = 0
    retries: int = 0
    evidence: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, status, took_ms: float, body: str = "") -> None:
        with self.lock:
            self.latencies.append(took_ms)
            self.statuses[status] += 1
            seen = f"{status}: {body[:300]!r}"
            fresh = seen not in self.evidence and len(self.evidence) < 5
            if status not in (200, 422) and fresh:
                self.evidence.append(seen)

    @property
    def errors(self) -> int:
        return sum(n for s, n in self.statuses.items() if s not in (200, 422))


class Client:
    """One keep-alive HTTP connection with its cookies; retries a dropped request."""

    def __init__(self, port: int):
        self.port, self.conn, self.used = port, None, 0.0
        self.cookies: dict[str, str] = {}
        self.retries = 0

    def send(self, method: str, path: str, form: dict | None = None, headers=None):
        body = urlencode(form) if form is not None else None
        head = {"User-Agent": "scan-load", **(headers or {})}
        if body is not None:
            head["Content-Type"] = "application/x-www-form-urlencoded"
        if self.cookies:
            head["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        for attempt in (1, 2):
            if self.conn is None or time.monotonic() - self.used > IDLE_S:
                self.close()
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, 60)
            try:
                self.conn.request(method, path, body=body, headers=head)
                response = self.conn.getresponse()
                text = response.read().decode()
            except (http.client.HTTPException, OSError):
                self.close()
                if attempt == 2:
                    raise
                self.retries += 1  # the same scan id again: safe to repeat
                continue
            self.used = time.monotonic()
            for cookie in response.msg.get_all("Set-Cookie") or []:
                name, _, value = cookie.split(";", 1)[0].partition("=")
                if value:
                    self.cookies[name.strip()] = value
                else:
                    self.cookies.pop(name.strip(), None)
            if response.will_close:
                self.close()
            return response.status, response, text
        raise AssertionError("unreachable")

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None


class Picker(Client):
    """A picker's handheld: logged in, on a list, with its place in the list."""

    def __init__(self, port: int, username: str, steps: dict[int, list[Step]]):
        super().__init__(port)
        self.username, self.all_steps = username, steps
        self.token, self.list_id, self.steps, self.position = "", 0, [], 0

    def get_ready(self) -> None:
        self.log_in()
        self.start()

    def log_in(self) -> None:
        status, _, page = self.send("GET", "/login")
        self.token = CSRF.search(page).group(1)
        status, _, page = self.send(
            "POST",
            "/login",
            {
                "username": self.username,
                "password": PASSWORD,
                "csrf_token": self.token,
            },
        )
        if status != 303:
            raise RuntimeError(f"login of {self.username}: {status} {page[:300]}")

    def start(self) -> None:
        """Press "Start picking" and open the list it leads to."""
        status, response, page = self.send(
            "POST", "/pick/start", {"csrf_token": self.token}
        )
        found = LIST_URL.search(response.getheader("Location") or "")
        if status != 302 or found is None:
            if status == 302:
                raise OutOfLists()
            raise RuntimeError(f"start for {self.username}: {status} {page[:300]}")
        self.list_id = int(found.group(1))
        self.steps, self.position = self.all_steps[self.list_id], 0
        status, _, page = self.send("GET", f"/pick/lists/{self.list_id}")
        if status != 200:
            raise RuntimeError(f"list of {self.username}: {status} {page[:300]}")
        self.token = CSRF.search(page).group(1)

    def scan(self, tally: Tally) -> None:
        """One scan, timed; on to the next list when this one is done."""
        if self.position == len(self.steps):
            with tally.lock:
                tally.lists_done += 1
            self.start()
        step = self.steps[self.position]
        started = time.perf_counter()
        status, _, text = self.send(
            "POST",
            f"/pick/lists/{self.list_id}/scan",
            {"code": step.code, "scan_id": uuid.uuid4().hex},
            {"HX-Request": "true", "X-CSRFToken": self.token},
        )
        tally.add(status, (time.perf_counter() - started) * 1000, text)
        if status != 200:
            return
        self.position += 1
        # The fragment shows the task now at hand: it must be the next step's.
        shown = LOCATION.search(text)
        if self.position < len(self.steps):
            in_step = (
                shown is not None and shown.group(1) == self.steps[self.position].bin
            )
        else:
            in_step = "data-finished" in text
        if not in_step:
            with tally.lock:
                tally.out_of_step += 1


class FloorClient(Client):
    """Sends the same scans to the bare endpoint, list after list."""

    def __init__(self, port: int, lists: list[tuple[int, int, list[Step]]]):
        super().__init__(port)
        self.lists = lists  # shared: (list id, picker id, steps), taken in turn
        self.current: tuple[int, int, list[Step]] | None = None
        self.position = 0

    def scan(self, tally: Tally) -> None:
        if self.current is None or self.position == len(self.current[2]):
            with tally.lock:
                if self.current is not None:
                    tally.lists_done += 1
                if not self.lists:
                    raise OutOfLists()
                self.current, self.position = self.lists.pop(0), 0
        list_id, picker_id, steps = self.current
        started = time.perf_counter()
        status, _, text = self.send(
            "POST",
            "/scan",
            {
                "list": list_id,
                "picker": picker_id,
                "code": steps[self.position].code,
                "scan_id": uuid.uuid4().hex,
            },
        )
        tally.add(status, (time.perf_counter() - started) * 1000, text)
        if status == 200:
            self.position += 1


@dataclass
class Run:
    """What one run saw, over one or more stretches of driving."""

    clients: int
    tally: Tally = field(default_factory=Tally)
    elapsed: float = 0.0
    cpu: Counter = field(default_factory=Counter)  # seconds, by whom

    def summary(self) -> dict:
        scans = len(self.tally.latencies) or 1
        cpu = {k: v * 1000 / scans for k, v in self.cpu.items()}
        return summary(self.tally, self.elapsed or 1.0, self.clients, cpu)


def drive(clients: list, seconds: float, pace: float | None, server, run=None) -> Run:
    """Every client scans until the time is up, every `pace` s or with no pause; what
    they saw is added to `run`. `server` is (gunicorn's pid, the PostgreSQL database's
    name or "")."""
    run = run or Run(len(clients))
    tally = run.tally
    server_pid, database_name = server
    cpu_before = cpu_seconds(server_pid, database_name)
    start_at = time.monotonic() + 0.5
    deadline = start_at + seconds
    finished = [start_at]

    def work(client) -> None:
        next_at = start_at + (random.uniform(0, pace) if pace else 0)
        try:
            while next_at < deadline:
                if (wait := next_at - time.monotonic()) > 0:
                    time.sleep(wait)
                began = time.monotonic()
                client.scan(tally)
                next_at = began + pace if pace else time.monotonic()
        except OutOfLists:
            with tally.lock:
                tally.statuses["out of lists"] += 1
                tally.evidence.append("a client ran out of lists and stopped")
        except Exception as error:  # noqa: BLE001  (count it, tell it, go on)
            with tally.lock:
                tally.statuses[type(error).__name__] += 1
                tally.evidence.append(f"{type(error).__name__}: {error}")
        with tally.lock:
            tally.retries += client.retries
            client.retries = 0
            finished.append(time.monotonic())

    threads = [threading.Thread(target=work, args=(c,)) for c in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    run.elapsed += max(finished) - start_at
    cpu_after = cpu_seconds(server_pid, database_name)
    run.cpu.update({k: cpu_after[k] - cpu_before[k] for k in cpu_after})
    return run


def in_parallel(calls, width: int = 50) -> None:
    """Run the calls on `width` threads (log-ins and list claims, not measured)."""
    pending = list(calls)
    problems: list[BaseException] = []

    def work() -> None:
        while pending:
            try:
                call = pending.pop()
            except IndexError:
                return
            try:
                call()
            except BaseException as error:  # noqa: BLE001
                problems.append(error)

    threads = [threading.Thread(target=work) for _ in range(width)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if problems:
        raise problems[0]


# -- servers --------------------------------------------------------------------------


def serve(target: str, env: dict, log: Path) -> tuple[subprocess.Popen, int]:
    port = _free_port()
    server = subprocess.Popen(
        [
            GUNICORN,
            target,
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(WORKERS),
            "--threads",
            str(THREADS),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=os.environ | env,
        stdout=subprocess.DEVNULL,
        stderr=log.open("w"),
    )
    _wait_for(port)
    return server, port


def stop(server: subprocess.Popen) -> None:
    server.terminate()
    server.wait(timeout=30)


def cpu_seconds(server_pid: int, database_name: str) -> dict[str, float]:
    """CPU time used so far by gunicorn (master and workers), by the PostgreSQL
    backends serving `database_name` and by this process (the clients): /proc."""
    server = database = 0.0
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            stat = Path(entry.path, "stat").read_text()
        except OSError:
            continue  # gone meanwhile
        command = stat[stat.index("(") + 1 : stat.rindex(")")]
        fields = stat[stat.rindex(")") + 2 :].split()
        used = (int(fields[11]) + int(fields[12])) / TICKS
        if server_pid in (int(entry.name), int(fields[1])):
            server += used
        elif command == "postgres" and database_name:
            try:  # "postgres: user database host(port) state"
                argv = Path(entry.path, "cmdline").read_bytes().decode(errors="replace")
            except OSError:
                continue
            if f" {database_name} " in argv:
                database += used
    own = os.times()
    return {"server": server, "database": database, "client": own.user + own.system}


# -- one database ---------------------------------------------------------------------


def summary(tally: Tally, elapsed: float, clients: int, cpu: dict) -> dict:
    values = tally.latencies or [0.0, 0.0]
    return {
        "cpu_ms": {k: round(v, 2) for k, v in cpu.items()},
        "clients": clients,
        "per_s": round(len(tally.latencies) / elapsed, 1),
        "p50": pct(values, 50),
        "p95": pct(values, 95),
        "p99": pct(values, 99),
        "refused": tally.statuses[422],
        "errors": tally.errors,
        "statuses": dict(tally.statuses),
        "out_of_step": tally.out_of_step,
        "lists_done": tally.lists_done,
        "retries": tally.retries,
        "evidence": tally.evidence,
    }


def measure(url: str, sample: list[dict], names, args, folder: Path) -> dict:
    """Set up in-process, then drive the pickers against gunicorn: the paced run, then
    the saturation run in ROUNDS turns with the floor's (PostgreSQL only)."""
    postgres = url.startswith("postgresql")
    label = "postgresql" if postgres else "sqlite"
    database_name = url.rsplit("/", 1)[1] if postgres else ""
    pickers = max(args.pickers, args.saturation_pickers)
    lists = pickers + pickers // 2 + 10  # spares for pickers who finish a list
    main_orders = copies(sample, lists * CART, "L")
    floor_lists = FLOOR_CLIENTS + 5 if postgres else 0
    floor_orders = copies(sample, floor_lists * FLOOR_CART, "F")
    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    started = time.perf_counter()
    with app.app_context():
        upgrade(directory=str(MIGRATIONS))
        warehouse_id = set_up(main_orders + floor_orders, names)
        make_pickers("picker", pickers)
        # the floor's lists first, claimed at once: the pickers never get them
        floor_queue = claim_floor_lists(app, warehouse_id, floor_orders)
        steps = scan_steps(release(app, warehouse_id, main_orders, CART))
        db.session.remove()
        db.engine.dispose()
    print(
        f"{label}: set up {len(main_orders) + len(floor_orders)} orders, "
        f"{len(steps)} + {len(floor_queue)} lists in "
        f"{time.perf_counter() - started:.0f} s",
        file=sys.stderr,
    )

    log, floor_log = (folder / f"{name}-{uuid.uuid4().hex[:6]}.log" for name in "ab")
    server, port = serve(
        "app:app",
        {"DATABASE_URL": url, "LOGIN_RATE_LIMIT": "100000 per minute"},
        log,
    )
    bare = None
    if postgres:  # up all along, idle while the app is driven
        libpq = url.replace("postgresql+psycopg://", "postgresql://", 1)
        bare, floor_port = serve(
            "benchmarks.scan_floor:app", {"FLOOR_DATABASE_URL": libpq}, floor_log
        )
    handhelds = [Picker(port, f"picker-{n:03d}", steps) for n in range(1, 1 + pickers)]
    floor_clients = (
        [FloorClient(floor_port, floor_queue) for _ in range(FLOOR_CLIENTS)]
        if bare
        else []
    )
    try:
        started = time.perf_counter()
        in_parallel([p.get_ready for p in handhelds])
        print(
            f"{label}: {pickers} pickers logged in and on a list "
            f"in {time.perf_counter() - started:.0f} s",
            file=sys.stderr,
        )
        serving = (server.pid, database_name)
        paced = drive(handhelds[: args.pickers], args.seconds, PACE_S, serving)
        saturated, floor_run = Run(args.saturation_pickers), Run(FLOOR_CLIENTS)
        for _ in range(ROUNDS):
            drive(
                handhelds[: args.saturation_pickers],
                args.seconds / ROUNDS,
                None,
                serving,
                saturated,
            )
            if bare:
                drive(
                    floor_clients,
                    args.floor_seconds / ROUNDS,
                    None,
                    (bare.pid, database_name),
                    floor_run,
                )
    finally:
        for client in handhelds + floor_clients:
            client.close()
        stop(server)
        if bare:
            stop(bare)
    result = {
        "paced": paced.summary(),
        "saturation": saturated.summary(),
        "server_log": log.read_text(),
    }
    if bare:
        result["floor"] = floor_run.summary() | {"server_log": floor_log.read_text()}
    with app.app_context():
        result["ledger_mismatches"] = ledger_mismatches()
        db.session.remove()
        db.engine.dispose()
    return result


def claim_floor_lists(app, warehouse_id: int, bodies) -> list:
    """The floor's lists, released and claimed in-process, biggest first: (list id,
    picker id, steps) for benchmarks/scan_floor.py's clients to take in turn."""
    if not bodies:
        return []
    release(app, warehouse_id, bodies, FLOOR_CART)
    waiting = db.session.scalar(
        sa.select(sa.func.count(PickList.id)).where(
            PickList.status == PickListStatus.RELEASED
        )
    )
    claimed = {}
    for picker_id in make_pickers("floor", waiting):
        pick_list = picking.claim_next(picker_id=picker_id, warehouse_id=warehouse_id)
        claimed[pick_list.id] = picker_id
    steps = scan_steps(list(claimed))
    return sorted(
        (
            (list_id, picker_id, steps[list_id])
            for list_id, picker_id in claimed.items()
        ),
        key=lambda entry: -len(entry[2]),
    )


# -- the run --------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=60, help="per run (60)")
    parser.add_argument("--pickers", type=int, default=200, help="paced run (200)")
    parser.add_argument(
        "--saturation-pickers", type=int, default=50, help="no pause (50)"
    )
    parser.add_argument(
        "--floor-seconds", type=float, help="the floor's run (a quarter of --seconds)"
    )
    parser.add_argument("--skip-postgres", action="store_true")
    parser.add_argument("--skip-sqlite", action="store_true")
    args = parser.parse_args()
    args.floor_seconds = args.floor_seconds or args.seconds / 4
    sample, names = read_orders(SAMPLE, None)

    results: dict[str, dict | None] = {"postgresql": None}
    with tempfile.TemporaryDirectory() as folder:
        with throwaway_postgres(args.skip_postgres) as url:
            if url:
                results["postgresql"] = measure(url, sample, names, args, Path(folder))
        if not args.skip_sqlite:
            results["sqlite"] = measure(
                f"sqlite:///{folder}/scan_load.sqlite",
                sample,
                names,
                args,
                Path(folder),
            )
    report(results, args, sample)


def report(results: dict, args, sample: list[dict]) -> None:
    units = sum(line["quantity"] for order in sample for line in order["lines"])
    print(
        f"\nPOST /pick/lists/<id>/scan through gunicorn ({WORKERS} workers × "
        f"{THREADS} threads), {args.seconds:g} s per run ({args.floor_seconds:g} s "
        f"for the floor); paced = a scan every {PACE_S:g} s per picker, saturation "
        f"and floor = no pause; the paced run offers {args.pickers / PACE_S:g} "
        f"scans/s\n{SAMPLE.name}: {len(sample)} orders ({units} units) "
        f"copied into carts of {CART} orders (the floor's: {FLOOR_CART}). CPU is "
        f"milliseconds per scan: gunicorn (app), PostgreSQL (db), the clients\n"
    )
    print(
        f"{'database':<11} {'run':<11} {'pickers':>7} {'scans/s':>8} {'p50 ms':>8} "
        f"{'p95 ms':>8} {'p99 ms':>8} {'refused':>8} {'errors':>7}   "
        f"{'cpu: app':>8} {'db':>5} {'client':>6}"
    )
    headline: dict = {
        "database": "postgresql",
        "pickers": args.pickers,
        "saturation_pickers": args.saturation_pickers,
        "floor_clients": FLOOR_CLIENTS,
        "seconds": args.seconds,
    }
    loud: list[str] = []
    for database in ("postgresql", "sqlite"):
        result = results.get(database)
        prefix = "" if database == "postgresql" else "sqlite_"
        for run in ("paced", "saturation", "floor"):
            if run == "floor" and database != "postgresql":
                continue
            figures = result.get(run) if result else None
            key = prefix + ("" if run == "paced" else f"{run}_")
            rate = "floor_requests_per_s" if run == "floor" else f"{key}scans_per_s"
            names = [rate] + [f"{key}{p}_ms" for p in ("p50", "p95", "p99")]
            names += [f"{key}refused", f"{key}errors", f"{key}app_cpu_ms_per_scan"]
            if database == "postgresql":
                names.append(f"{key}db_cpu_ms_per_scan")
            if figures is None:
                print(f"{database:<11} {run:<11} {'—':>7}")
                headline |= dict.fromkeys(names, None)
                continue
            cpu = figures["cpu_ms"]
            db_cpu = f"{cpu['database']:>5.1f}" if database == "postgresql" else "    —"
            print(
                f"{database:<11} {run:<11} {figures['clients']:>7} "
                f"{figures['per_s']:>8} {figures['p50']:>8} {figures['p95']:>8} "
                f"{figures['p99']:>8} {figures['refused']:>8} {figures['errors']:>7}   "
                f"{cpu['server']:>8.1f} {db_cpu} {cpu['client']:>6.1f}"
            )
            values = [figures[k] for k in ("per_s", "p50", "p95", "p99")]
            values += [figures["refused"], figures["errors"], cpu["server"]]
            if database == "postgresql":
                values.append(cpu["database"])
            headline |= dict(zip(names, values, strict=True))
            where = f"{database} {run}"
            if figures["errors"] or figures["refused"]:
                loud.append(f"{where}: answers {figures['statuses']}")
                loud += [f"  {line}" for line in figures["evidence"]]
            if figures["out_of_step"]:
                loud.append(f"{where}: {figures['out_of_step']} fragments out of step")
            notes = [
                f"{figures[k]} {k.replace('_', ' ')}"
                for k in ("lists_done", "retries")
                if figures[k]
            ]
            if notes:
                print(f"{'':<23} ({', '.join(notes)})")
        if result:
            if result["ledger_mismatches"]:
                loud.append(f"{database}: the ledger does not balance:")
                loud += [f"  {m}" for m in result["ledger_mismatches"][:10]]
            logs = [result["server_log"], (result.get("floor") or {}).get("server_log")]
            for text in filter(None, logs):
                if any(mark in text for mark in ("Traceback", "[ERROR]", "CRITICAL")):
                    loud.append(f"{database} gunicorn log (end):\n{text[-3000:]}")
    saturation = headline.get("saturation_scans_per_s")
    floor_rate = headline.get("floor_requests_per_s")
    headline["saturation_vs_floor"] = (
        round(saturation / floor_rate, 3) if saturation and floor_rate else None
    )
    headline |= {"workers": WORKERS, "threads": THREADS}
    if loud:
        print("\n!!! PROBLEMS !!!\n" + "\n".join(loud), file=sys.stderr)
    print(json.dumps(headline))
    if loud:
        sys.exit(1)


if __name__ == "__main__":
    main()
