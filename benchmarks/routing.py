"""Pick paths, batching and slotting on real order profiles: metres walked and time.

    python benchmarks/routing.py [FILE] [--olist DIR] [--lists N] [--waves N]
                                 [--storage random|popularity] [--depot centre|left]
                                 [--blocks 1|2|3] [--seed N] [--moves N]

Orders come from the repo's sample of the UCI "Online Retail" data
(fulfil/demo/data/online_retail_sample.csv, all of it), or FILE in the same format,
gzipped or not (e.g. /work/shared/data/online_retail_dev.csv.gz). Invoices become
orders as in benchmarks/intake.py: cancellations, adjustments and lines of no product
(postage, fees) are left out; an order's lines are its distinct stock codes. Its
promised ship-by is the app's rule (fulfil.domain.promise): 14:00 London time on the
day, or the next working day (Monday to Friday) if placed later. Volumes and weights are
not in the data, so only the cart's totes limit a cart there.
`--olist DIR` adds the Olist profile from DIR (read in place, never copied): the orders
whose seller hand-over deadline (`shipping_limit_date`, the ship-by) falls in the last
`--olist-days` days of the data (default 14, December 2017), with each unit's volume and
weight from the product table.

The layout: two blocks of ten pick aisles, each aisle with shelving on both sides,
twenty bays of 1.3 m per side per block; aisles 4.5 m apart centre to centre (a 2.5 m
aisle between 1 m deep racks); three cross aisles 3 m wide (front, middle, back); the
depot (packing area) 1 m in front of the front cross aisle, at its centre (or at the
front of the first aisle with `--depot left`). That is 800 bay faces at 400 stops: a
picker reaches both sides from the aisle's centre line. `--blocks 1` (or 3) cuts the
same forty bays per aisle (39 with three) into one (or three) blocks; with three, the
router is the local search and the exact DP takes about a second a list (use
`--lists 30`). When there are more SKUs than faces, each face holds several (shelf
levels). SKUs are slotted at random (a fixed seed), as in the routing studies we compare
with; `--storage popularity` puts the most ordered nearest the depot instead.

Pick lists of 5, 10, 20 and 30 lines are the orders' lines in time order, cut k at a
time (a list may hold the end of one order and the start of the next, as a small batch
would; for Olist, about 1.1 lines an order, every list is such a batch); up to
`--lists` per size (default: all from the sample, 300 from a file). Each is routed by
every method: the exact aisle DP (Ratliff and Rosenthal, generalised to two blocks, the
app's router on this layout), the local search (the router for layouts of more blocks),
and the classic rules. Held-Karp checks the DP on every list of up to 11 bins.

Batching: a wave is the orders due at one cut-off (Online Retail) or on one day (Olist),
up to `--waves` waves (default: all from the sample, 20 from a file). Each wave is
picked order by order (one tour each), then on carts of 8 totes, 320 l and 120 kg (the
app's default) filled first fit in ship-by order (the app before this change), by the
seed method and by Clarke-Wright savings; every tour routed by the router. Slotting:
the first half of the orders is the pick history; the suggested moves (`--moves`,
default 100) are applied and the second half's orders (up to 1000) routed before and
after. Prints tables and, last, one line of JSON with the headline figures.
"""

import argparse
import csv
import gzip
import json
import math
import random
import re
import statistics
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from datetime import time as clock
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from fulfil.domain.promise import promised_ship_by  # noqa: E402
from fulfil.routing import (  # noqa: E402
    EXACT_BLOCKS,
    HEURISTICS,
    Cart,
    Layout,
    Load,
    held_karp,
    local_search,
    optimal_route,
    plan_batches,
    route,
    suggest_moves,
)
from fulfil.routing.slotting import homes, trip_metres, walking  # noqa: E402

SAMPLE = ROOT / "fulfil" / "demo" / "data" / "online_retail_sample.csv"
PRODUCT_CODE = re.compile(r"^\d{5}[A-Za-z]*$")  # not POST, DOT, BANK CHARGES, ...
LONDON = ZoneInfo("Europe/London")
SIZES = (5, 10, 20, 30)
CART = Cart(totes=8, volume_l=320.0, weight_kg=120.0)
HELD_KARP_MOST = 11
METHODS = ["optimal (DP)", "local search", *HEURISTICS]


@dataclass
class Order:
    key: str
    due: datetime
    skus: list[str]  # distinct, in line order
    volume_l: float = 0.0
    weight_kg: float = 0.0


# -- the orders -----------------------------------------------------------------------


def read_online_retail(path: Path) -> list[Order]:
    """Invoices as orders, in the file's order."""
    opener = gzip.open if path.suffix == ".gz" else open
    invoices: dict[str, Order] = {}
    with opener(path, "rt", encoding="utf-8", newline="") as file:
        for row in csv.DictReader(file):
            number, sku = row["InvoiceNo"], row["StockCode"].upper()
            if not number.isdigit() or int(row["Quantity"]) <= 0:
                continue  # a cancellation or an adjustment
            if not PRODUCT_CODE.match(sku):
                continue  # postage or a fee
            order = invoices.get(number)
            if order is None:
                placed = datetime.strptime(row["InvoiceDate"], "%Y-%m-%d %H:%M:%S")
                due = promised_ship_by(
                    placed.replace(tzinfo=LONDON),
                    cutoff=clock(14, 0),
                    working_days=frozenset({1, 2, 3, 4, 5}),
                    timezone="Europe/London",
                )
                order = invoices[number] = Order(f"UK-{number}", due, [])
            if sku not in order.skus:
                order.skus.append(sku)
    return list(invoices.values())


def read_olist(folder: Path, days: int) -> list[Order]:
    """Olist orders due in the last `days` days of the data, by due time."""
    products = {}
    with gzip.open(
        folder / "olist_products_dataset.csv.gz", "rt", encoding="utf-8"
    ) as f:
        for row in csv.DictReader(f):
            size = [row[f"product_{d}_cm"] for d in ("length", "height", "width")]
            volume = math.prod(float(v) for v in size) / 1000 if all(size) else 0.0
            weight = float(row["product_weight_g"] or 0) / 1000
            products[row["product_id"]] = (volume, weight)
    orders: dict[str, Order] = {}
    name = "olist_order_items_dataset.csv.gz"
    with gzip.open(folder / name, "rt", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            due = datetime.strptime(row["shipping_limit_date"], "%Y-%m-%d %H:%M:%S")
            due = due.replace(tzinfo=UTC)
            order = orders.setdefault(row["order_id"], Order(row["order_id"], due, []))
            order.due = min(order.due, due)
            product = row["product_id"]
            if product not in order.skus:
                order.skus.append(product)
            volume, weight = products.get(product, (0.0, 0.0))
            order.volume_l += volume
            order.weight_kg += weight
    last = max(o.due for o in orders.values()).date()
    first = last.toordinal() - days + 1
    chosen = [o for o in orders.values() if o.due.date().toordinal() >= first]
    return sorted(chosen, key=lambda o: (o.due, o.key))


# -- the warehouse --------------------------------------------------------------------


def warehouse(orders: list[Order], storage: str, depot: str, seed: int, blocks: int):
    """The layout, each SKU's slot key and each slot's place."""
    layout, bays = Layout.grid(
        blocks=blocks,
        aisles=10,
        bays=40 // blocks,
        bay_width=1.3,
        aisle_pitch=4.5,
        cross_aisle_width=3.0,
        depot=depot,
    )
    lines = Counter(sku for order in orders for sku in order.skus)
    faces = [(bay, side) for bay in bays for side in "LR"]
    levels = max(1, math.ceil(len(lines) / len(faces)))
    slots = {
        f"{bay.aisle}-{i:02d}{side}{level}": bay
        for i, (bay, side) in enumerate(faces)
        for level in range(levels)
    }
    keys = list(slots)
    skus = sorted(lines)
    if storage == "random":
        random.Random(seed).shuffle(keys)
    else:  # popularity: the most ordered SKUs nearest the depot
        trip = trip_metres(layout, slots)
        keys.sort(key=lambda key: (trip[key], key))
        skus.sort(key=lambda sku: (-lines[sku], sku))
    slot_of = dict(zip(skus, keys, strict=False))
    return layout, slot_of, slots, levels


def pick_lists(orders: list[Order], size: int, limit: int | None) -> list[list[str]]:
    lists, current = [], []
    for order in orders:
        for sku in order.skus:
            current.append(sku)
            if len(current) == size:
                lists.append(current)
                current = []
                if limit is not None and len(lists) == limit:
                    return lists
    return lists


# -- measuring ------------------------------------------------------------------------


def timed(call: Callable):
    started = time.perf_counter()
    result = call()
    return result, (time.perf_counter() - started) * 1000


def percentile(values: list[float], q: float) -> float:
    if not values:
        return math.nan
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q / 100 * len(ordered)) - 1))]


def mean(values) -> float:
    values = list(values)
    return statistics.fmean(values) if values else math.nan


def router_name(layout: Layout) -> str:
    return "optimal (DP)" if layout.blocks <= EXACT_BLOCKS else "local search"


def routing(profile: str, orders, layout, slot_of, slots, limit) -> dict:
    solvers = {
        "optimal (DP)": lambda spots: optimal_route(layout, spots)[1],
        "local search": lambda spots: local_search(layout, spots)[1],
    }
    for name, rule in HEURISTICS.items():
        solvers[name] = lambda spots, rule=rule: rule(layout, spots).length
    warm = [layout.spot_of(slots[slot_of[s]]) for s in orders[0].skus[:5]]
    for solve in solvers.values():  # imports and caches, not counted
        solve(warm)
    results: dict = {"sizes": {}}
    checked = agreed = 0
    print(f"\n== Routing, {profile}: metres per pick list (depot to depot) ==")
    header = f"{'lines':>5} {'lists':>5}  {'method':<14}{'mean m':>9}"
    print(header + f"{'% > opt':>9}{'p50 ms':>9}{'p95 ms':>9}")
    for size in SIZES:
        lists = pick_lists(orders, size, limit)
        if not lists:
            continue
        lengths: dict[str, list[float]] = defaultdict(list)
        times: dict[str, list[float]] = defaultdict(list)
        for skus in lists:
            spots = list(dict.fromkeys(layout.spot_of(slots[slot_of[s]]) for s in skus))
            for name, solve in solvers.items():
                length, ms = timed(lambda solve=solve, spots=spots: solve(spots))
                lengths[name].append(length)
                times[name].append(ms)
            if len(spots) <= HELD_KARP_MOST:
                checked += 1
                _, exact = held_karp(layout.matrix(spots))
                agreed += (
                    abs(exact + 2 * layout.stub - lengths["optimal (DP)"][-1]) < 1e-6
                )
        best = lengths["optimal (DP)"]
        router = lengths[router_name(layout)]
        row = {}
        for name in solvers:
            gaps = [100 * (a / b - 1) for a, b in zip(lengths[name], best, strict=True)]
            row[name] = {
                "mean_m": mean(lengths[name]),
                "gap_pct": mean(gaps),
                "p50_ms": percentile(times[name], 50),
                "p95_ms": percentile(times[name], 95),
            }
            print(
                f"{size:>5} {len(lists):>5}  {name:<14}{row[name]['mean_m']:>9.1f}"
                f"{row[name]['gap_pct']:>9.2f}{row[name]['p50_ms']:>9.2f}"
                f"{row[name]['p95_ms']:>9.2f}"
            )
        for rival in ("s-shape", "largest gap", "combined"):
            row[f"router_vs_{rival}"] = mean(
                100 * (1 - a / b) for a, b in zip(router, lengths[rival], strict=True)
            )
        row["lists"] = len(lists)
        row["lengths"] = lengths
        results["sizes"][size] = row
    print(f"Held-Karp agrees with the DP on {agreed} of {checked} lists of <= 11 bins.")
    print(f"The router, {router_name(layout)}: % shorter than, mean per list:")
    print(f"{'lines':>5}{'s-shape':>10}{'largest gap':>13}{'combined':>10}")
    for size, row in results["sizes"].items():
        print(
            f"{size:>5}{row['router_vs_s-shape']:>10.1f}"
            f"{row['router_vs_largest gap']:>13.1f}{row['router_vs_combined']:>10.1f}"
        )
    everything = [
        (a, b)
        for row in results["sizes"].values()
        for a, b in zip(
            row["lengths"][router_name(layout)], row["lengths"]["s-shape"], strict=True
        )
    ]
    results["router_vs_sshape_pct"] = mean(100 * (1 - a / b) for a, b in everything)
    local = [
        100 * (a / b - 1)
        for row in results["sizes"].values()
        for a, b in zip(
            row["lengths"]["local search"], row["lengths"]["optimal (DP)"], strict=True
        )
    ]
    results["local_search_gap_pct"] = mean(local)
    results["held_karp"] = (agreed, checked)
    results["router"] = router_name(layout)
    return results


def batching(profile: str, orders, layout, slot_of, slots, waves_limit) -> dict:
    waves: dict = defaultdict(list)
    for order in orders:
        day = order.due if profile == "Online Retail" else order.due.date()
        waves[day].append(order)
    chosen = sorted(waves)[:waves_limit] if waves_limit else sorted(waves)
    totals: dict[str, list[float]] = {}
    plan_ms: dict[str, list[float]] = defaultdict(list)
    lines = orders_seen = 0
    for day in chosen:
        wave = waves[day]
        lines += sum(len(o.skus) for o in wave)
        orders_seen += len(wave)
        by_key = {o.key: o for o in wave}
        stops = {o.key: [slots[slot_of[s]] for s in o.skus] for o in wave}
        loads = [Load(o.key, o.volume_l, o.weight_kg, o.due) for o in wave]
        plans = {"single order": [[o.key] for o in wave]}
        for method in ("first-fit", "seed", "savings"):
            plans[method], ms = timed(
                lambda method=method, loads=loads, stops=stops: plan_batches(
                    loads, CART, stops, layout.depot, layout=layout, method=method
                )
            )
            plan_ms[method].append(ms)
        for method, batches in plans.items():
            metres = carts = 0
            for batch in batches:
                spots = list(
                    dict.fromkeys(
                        layout.spot_of(s) for key in batch for s in stops[key]
                    )
                )
                metres += route(layout, spots)[1]
                carts += 1
                assert all(key in by_key for key in batch)
            entry = totals.setdefault(method, [0.0, 0])
            entry[0] += metres
            entry[1] += carts
    single = totals["single order"][0] / lines
    fcfs = totals["first-fit"][0] / lines
    print(
        f"\n== Batching, {profile}: {orders_seen} orders, {lines} lines, "
        f"{len(chosen)} waves; cart {CART.totes} totes, {CART.volume_l:.0f} l, "
        f"{CART.weight_kg:.0f} kg =="
    )
    print(
        f"{'method':<14}{'carts':>7}{'orders/cart':>13}{'m/line':>9}"
        f"{'vs single':>11}{'vs first fit':>14}{'plan p50 ms':>13}{'p95 ms':>9}"
    )
    result = {"orders": orders_seen, "lines": lines}
    for method, (metres, carts) in totals.items():
        per_line = metres / lines
        print(
            f"{method:<14}{carts:>7}{orders_seen / carts:>13.2f}{per_line:>9.2f}"
            f"{100 * (1 - per_line / single):>10.1f}%"
            f"{100 * (1 - per_line / fcfs):>13.1f}%"
            + (
                f"{percentile(plan_ms[method], 50):>13.1f}"
                f"{percentile(plan_ms[method], 95):>9.1f}"
                if plan_ms[method]
                else f"{'-':>13}{'-':>9}"
            )
        )
        result[method] = {"m_per_line": per_line, "carts": carts}
    result["saving_pct"] = 100 * (1 - result["savings"]["m_per_line"] / single)
    result["saving_vs_first_fit_pct"] = 100 * (
        1 - result["savings"]["m_per_line"] / fcfs
    )
    return result


def slotting(profile: str, orders, layout, slot_of, slots, moves_limit) -> dict:
    half = len(orders) // 2
    history, later = orders[:half], orders[half:][:1000]
    picks = [(sku, slot_of[sku]) for order in history for sku in order.skus]
    used = set(slot_of.values())
    free = [key for key in slots if key not in used]
    moves, ms = timed(
        lambda: suggest_moves(
            picks, slots, layout.depot, free=free, layout=layout, limit=moves_limit
        )
    )
    after = dict(slot_of)
    for move in moves:
        for other in move.swap_with:
            after[other] = move.source
        after[move.sku] = move.target
    trip = trip_metres(layout, slots)
    home, demand = homes(picks)
    proxy_before = walking(home, demand, trip)
    proxy_after = walking({s: after[s] for s in home}, demand, trip)

    def walked(slot_map) -> float:
        total = 0.0
        for order in later:
            spots = list(
                dict.fromkeys(layout.spot_of(slots[slot_map[s]]) for s in order.skus)
            )
            total += route(layout, spots)[1]
        return total

    lines = sum(len(o.skus) for o in later)
    before_m, after_m = walked(slot_of), walked(after)
    saved = 100 * (1 - after_m / before_m) if before_m else 0.0
    print(
        f"\n== Slotting, {profile}: {len(moves)} moves from {len(picks)} picks "
        f"({ms:.0f} ms) =="
    )
    print(
        f"history, one trip per pick: {proxy_before / max(1, len(picks)):.1f} -> "
        f"{proxy_after / max(1, len(picks)):.1f} m per pick "
        f"({100 * (1 - proxy_after / proxy_before) if proxy_before else 0:.1f}% less)"
    )
    print(
        f"next {len(later)} orders, routed one by one: {before_m / lines:.2f} -> "
        f"{after_m / lines:.2f} m per line ({saved:.1f}% less)"
    )
    return {"moves": len(moves), "later_saving_pct": saved}


# -- running --------------------------------------------------------------------------


def profile_run(name, orders, args, limit, waves) -> dict:
    layout, slot_of, slots, levels = warehouse(
        orders, args.storage, args.depot, args.seed, args.blocks
    )
    lines = sum(len(o.skus) for o in orders)
    print(
        f"\n# {name}: {len(orders)} orders, {lines} lines, {len(slot_of)} SKUs "
        f"({levels} per bay face, {args.storage} storage), {layout.blocks} block(s), "
        f"depot {args.depot}"
    )
    result = {"orders": len(orders)}
    result["routing"] = routing(name, orders, layout, slot_of, slots, limit)
    result["batching"] = batching(name, orders, layout, slot_of, slots, waves)
    result["slotting"] = slotting(name, orders, layout, slot_of, slots, args.moves)
    return result


def headline(result: dict) -> dict:
    sizes = result["routing"]["sizes"]
    largest = sizes[max(sizes)]
    router = result["routing"]["router"]
    return {
        "router_gap_pct": round(
            mean(row[router]["gap_pct"] for row in sizes.values()), 3
        ),
        "router_vs_sshape_pct": round(result["routing"]["router_vs_sshape_pct"], 2),
        "batching_saving_pct": round(result["batching"]["saving_pct"], 2),
        "router_p95_ms_30_lines": round(largest[router]["p95_ms"], 2),
        "orders": result["orders"],
        "batching_orders": result["batching"]["orders"],
        "local_search_gap_pct": round(result["routing"]["local_search_gap_pct"], 3),
        "local_search_p95_ms_30_lines": round(largest["local search"]["p95_ms"], 2),
        "router_vs_largest_gap_pct": round(
            mean(row["router_vs_largest gap"] for row in sizes.values()), 2
        ),
        "router_vs_combined_pct": round(
            mean(row["router_vs_combined"] for row in sizes.values()), 2
        ),
        "batching_vs_first_fit_pct": round(
            result["batching"]["saving_vs_first_fit_pct"], 2
        ),
        "slotting_saving_pct": round(result["slotting"]["later_saving_pct"], 2),
        "held_karp_agrees": "{}/{}".format(*result["routing"]["held_karp"]),
        "router": router,
        "exact_p95_ms_30_lines": round(largest["optimal (DP)"]["p95_ms"], 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("file", nargs="?", type=Path, default=SAMPLE)
    parser.add_argument("--olist", type=Path, help="folder of the Olist tables")
    parser.add_argument("--olist-days", type=int, default=14)
    parser.add_argument("--lists", type=int, help="pick lists per size (file: 300)")
    parser.add_argument("--waves", type=int, help="waves to batch (file: 20)")
    parser.add_argument("--storage", choices=["random", "popularity"], default="random")
    parser.add_argument("--depot", choices=["centre", "left"], default="centre")
    parser.add_argument("--blocks", type=int, choices=[1, 2, 3], default=2)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--moves", type=int, default=100)
    args = parser.parse_args()
    started = time.perf_counter()
    sample = args.file == SAMPLE
    limit = args.lists if args.lists else (None if sample else 300)
    waves = args.waves if args.waves else (None if sample else 20)

    orders = read_online_retail(args.file)
    main_result = profile_run("Online Retail", orders, args, limit, waves)
    summary = headline(main_result)
    summary["profile"] = f"Online Retail ({args.file.name})"
    if args.olist:
        olist = read_olist(args.olist, args.olist_days)
        olist_result = profile_run("Olist", olist, args, limit or 300, waves)
        summary["olist"] = headline(olist_result)
    summary["seconds"] = round(time.perf_counter() - started, 1)
    print()
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
