"""Time to make one shipping label (PDF and ZPL), packing slip and customs declaration.

    python benchmarks/documents.py [--parcels N]     # default 300

The orders are the repo's sample of the UCI "Online Retail" data
(fulfil/demo/data/online_retail_sample.csv): its invoices, with their own lines
(1 to 29, names as sold), prices and countries, taken in turn until there are N
parcels. Addresses come from the demo's places, tariff numbers and origins from the
demo's rules by product name (lines it cannot classify print as MISSING, as they
would), unit weights are made up. The sender is the demo warehouse in Hamburg.

Every document is made once before timing (imports, font and country tables). Prints
a table and, last, one line of JSON with the headline figures (milliseconds, bytes).
"""

import argparse
import csv
import hashlib
import json
import os
import re
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

os.environ.setdefault("FULFIL_ENV", "test")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from fulfil.demo.builder import COUNTRIES, HS_BY_WORD, PLACES  # noqa: E402
from fulfil.documents.customs import customs_declaration_pdf  # noqa: E402
from fulfil.documents.labels import label_pdf, label_zpl  # noqa: E402
from fulfil.documents.model import Address, Line, Parcel, Slip  # noqa: E402
from fulfil.documents.slips import packing_slip_pdf  # noqa: E402

SAMPLE = ROOT / "fulfil" / "demo" / "data" / "online_retail_sample.csv"
WAREHOUSE = Address(
    "Fulfil Demo GmbH", "Hafenlogistikweg 7", "", "21129", "Hamburg", "DE"
)
NAMES = {  # a customer name per country, for a plausible mix of letters
    "GB": "Olivia Whitfield",
    "IE": "Seán Ó Briain",
    "FR": "Zoë Lefèvre-Dubois",
    "DE": "Jürgen Weiß",
    "BE": "Amélie Peeters",
    "NL": "Jan-Willem de Vries",
    "DK": "Søren Kjærgaard",
    "BH": "Fatima Al-Khalifa",
}


# -- the parcels ----------------------------------------------------------------------


def read_invoices() -> list[tuple[str, datetime, str, list[Line]]]:
    """(number, placed at, country, lines) of each invoice, in the file's order."""
    invoices: dict[str, tuple[str, datetime, str, dict[str, Line]]] = {}
    with SAMPLE.open(encoding="utf-8", newline="") as file:
        for row in csv.DictReader(file):
            number, sku = row["InvoiceNo"], row["StockCode"]
            placed = datetime.strptime(row["InvoiceDate"], "%Y-%m-%d %H:%M:%S")
            invoice = invoices.setdefault(
                number, (number, placed, COUNTRIES[row["Country"]], {})
            )
            lines = invoice[3]
            qty = int(row["Quantity"])
            if sku in lines:
                qty += lines[sku].qty
            lines[sku] = _line(sku, row["Description"], qty, row["UnitPrice"])
    return [
        (n, placed, c, list(lines.values()))
        for n, placed, c, lines in invoices.values()
    ]


def _line(sku: str, name: str, qty: int, price: str) -> Line:
    words = set(re.findall(r"[A-Z][A-Z-]*", name.upper()))
    hs_code, origin = next(
        ((hs, origin) for keywords, hs, origin in HS_BY_WORD if words & keywords),
        ("", ""),
    )
    return Line(
        sku=sku,
        name=name.strip(),
        qty=qty,
        unit_price=Decimal(price),
        hs_code=hs_code,
        origin_country=origin,
        weight_g=50 + _unit(sku) % 750,
    )


def _unit(text: str) -> int:
    return int(hashlib.sha256(text.encode()).hexdigest()[:8], 16)


def make_parcels(count: int) -> list[tuple[Parcel, Slip]]:
    invoices = read_invoices()
    documents = []
    for n in range(count):
        number, placed, country, lines = invoices[n % len(invoices)]
        places, streets, number_first = PLACES[country]
        postal_code, city = places[n % len(places)]
        street = streets[n % len(streets)]
        house = str(1 + _unit(f"{number}-{n}") % 120)
        to = Address(
            NAMES[country],
            f"{house} {street}" if number_first else f"{street} {house}",
            "",
            postal_code,
            city,
            country,
        )
        order_ref = f"UK-{number}-{n // len(invoices)}"
        tracking = f"00340434{_unit(order_ref) % 10**12:012d}"
        parcel = Parcel(
            order_ref=order_ref,
            number=1,
            count=1,
            ship_from=WAREHOUSE,
            ship_to=to,
            carrier="DHL",
            service="Paket International" if country != "DE" else "Paket",
            tracking_number=tracking,
            tracking_url=f"https://fulfil.example/track/{tracking}",
            weight_g=sum(line.weight_g * line.qty for line in lines) + 300,
            box="M-30",
            lines=tuple(lines),
            pickup_point_id="PS-4711" if n % 10 == 3 else "",
            shipped_on=date(2011, 12, 1) + timedelta(days=n % 7),
        )
        slip = Slip(
            order_ref=order_ref,
            placed_at=placed,
            ship_to=to,
            ship_from=WAREHOUSE,
            shop_name="Retrospot Homewares",
            lines=tuple(lines),
            order_url=f"https://shop.example/orders/{order_ref}",
            language="de" if country == "DE" else "en",
        )
        documents.append((parcel, slip))
    return documents


# -- the run --------------------------------------------------------------------------


def measure(make: Callable[..., bytes | str], *args) -> tuple[float, int]:
    """Milliseconds to make one document, and its size in bytes."""
    started = time.perf_counter()
    document = make(*args)
    took = (time.perf_counter() - started) * 1000
    return took, len(document.encode() if isinstance(document, str) else document)


def pct(values: list[float], q: int) -> float:
    return round(statistics.quantiles(values, n=100)[q - 1], 2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--parcels", type=int, default=300)
    args = parser.parse_args()
    parcels = make_parcels(args.parcels)
    kinds: dict[str, Callable[[Parcel, Slip], bytes | str]] = {
        "label": lambda parcel, slip: label_pdf(parcel),
        "zpl": lambda parcel, slip: label_zpl(parcel),
        "slip": lambda parcel, slip: packing_slip_pdf(slip),
        "customs": lambda parcel, slip: customs_declaration_pdf(parcel),
    }
    for make in kinds.values():
        make(*parcels[0])  # imports, fonts, country names
    results = {kind: ([], []) for kind in kinds}
    for parcel, slip in parcels:
        for kind, make in kinds.items():
            took, size = measure(make, parcel, slip)
            results[kind][0].append(took)
            results[kind][1].append(size)

    lines = [len(parcel.lines) for parcel, _ in parcels]
    print(
        f"\n{len(parcels)} parcels from {SAMPLE.name}: {min(lines)} to {max(lines)} "
        f"lines, {statistics.mean(lines):.1f} on average\n"
    )
    names = {
        "label": "label PDF (4x6 in)",
        "zpl": "label ZPL (203 dpi)",
        "slip": "packing slip (A4)",
        "customs": "customs CN 23 (A4)",
    }
    print(
        f"{'document':<21} {'p50 ms':>7} {'p95 ms':>7} {'max ms':>7} "
        f"{'median B':>9} {'max B':>8}"
    )
    headline: dict = {"parcels": len(parcels)}
    for kind, (times, sizes) in results.items():
        p50, p95, size = pct(times, 50), pct(times, 95), int(statistics.median(sizes))
        print(
            f"{names[kind]:<21} {p50:>7} {p95:>7} {max(times):>7.2f} "
            f"{size:>9} {max(sizes):>8}"
        )
        headline |= {
            f"{kind}_p50_ms": p50,
            f"{kind}_p95_ms": p95,
            f"{kind}_bytes": size,
        }
    print(json.dumps(headline))


if __name__ == "__main__":
    main()
