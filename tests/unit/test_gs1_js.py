"""The handheld checks scans offline with static/js/gs1.js: it must read every code
exactly as the server's fulfil/domain/gs1.py does, or an offline pick the device
confirmed would be refused when it is sent (or the other way round)."""

import random
from datetime import date
from pathlib import Path

from fulfil.domain.barcodes import gtin_check_digit
from fulfil.domain.gs1 import AI_SPECS, GS, parse, product_codes
from tests.node import run_node

GS1_JS = Path(__file__).parents[2] / "static/js/gs1.js"
LINK = "https://id.gs1.org/01/04006381333931/10/AB%2F1?17=261231"
TODAY = date(2026, 12, 2)
READER = """
const gs1 = require(process.argv[1]);
const today = new Date(process.argv[2]);
const codes = JSON.parse(require("fs").readFileSync(0, "utf8"));
console.log(JSON.stringify({
  specs: gs1.specs,
  readings: codes.map((c) => [gs1.parse(c, today), gs1.productCodes(c).sort()]),
}));
"""


def key(digits: str) -> str:
    return digits + str(gtin_check_digit(digits))


def random_value(rng: random.Random, spec: str) -> str:
    """Data for an AI of this format, sometimes cut short or left out."""
    value = ""
    for part in spec.split("+"):
        if part.startswith("[") and rng.random() < 0.5:
            break
        kind, dots, length = part.strip("[]").partition("..")
        size = rng.randint(1, int(length)) if dots else int(kind[1:])
        alphabet = {"N": "0123456789", "X": "ABCabc019-./()%", "Y": "AZ09#-/"}.get(
            kind[0], "Az09-_="
        )
        value += "".join(rng.choices(alphabet, k=size))
    return value


def random_link(rng: random.Random, elements: list[tuple[str, str]]) -> str:
    """The elements as a Digital Link URI: the key and its qualifiers in the path,
    the rest in the query, with the forms and mistakes readers meet."""
    host = rng.choice(["https://id.gs1.org", "http://a", "HTTPS://shop.example:8443"])
    path, query = "", []
    for ai, value in elements:
        value = value.replace("%", "%25").replace("/", rng.choice(["%2F", "%2f", "/"]))
        if ai in ("01", "10", "21", "22", "00") and rng.random() < 0.8:
            name = {"01": "gtin", "10": "lot", "21": "ser"}.get(ai, ai)
            path += f"/{name if rng.random() < 0.1 else ai}/{value}"
        else:
            query.append(f"{ai}={value}")
    query += rng.choices(["linkType=gs1:pip", "", "flag", "3106=001250"], k=2)
    stem = rng.choice(["", "/stem", "/00/faux"])
    fragment = rng.choice(["", "", "#top"])
    return f"{host}{stem}{path}?{'&'.join(query)}{fragment}"


def random_code(rng: random.Random) -> str:
    """GS1 codes in each form a scanner sends, with misreads, and plain codes."""
    kind = rng.random()
    if kind < 0.15:  # a plain product code: an EAN, a UPC, a SKU, noise
        return rng.choice(
            [
                key("".join(rng.choices("0123456789", k=rng.choice([7, 11, 12, 13])))),
                "".join(rng.choices("0123456789", k=rng.randint(1, 15))),
                "SKU-" + "".join(rng.choices("ABCXYZ0129", k=rng.randint(1, 8))),
                "".join(
                    rng.choices("0123456789()<>GS ]dC1\x1d-", k=rng.randint(0, 20))
                ),
            ]
        )
    common = "10 17 15 21 30 37 00 02 11 13 16 20 22 240 400 410 420 3103".split()
    # AIs we do not know: one that could exist, ones that cannot (31n6-36n9, 3944),
    # ones of unknown length
    unknown = "3170 3176 3106 3944 3960 89 06 04 14 7999 236".split()
    ais = [
        rng.choice(common)
        if rng.random() < 0.7
        else rng.choice(unknown)
        if rng.random() < 0.2
        else rng.choice(sorted(AI_SPECS))
        for _ in range(rng.randint(1, 4))
    ]
    ais = list(dict.fromkeys(ais))
    if rng.random() < 0.7:
        ais = ["01", *[ai for ai in ais if ai != "01"]]
    elements = []
    for ai in ais:
        value = random_value(rng, AI_SPECS.get(ai, "X..20" if ai[:2] > "36" else "N6"))
        if ai in ("00", "01", "02") or ai.startswith("41"):
            value = key(value[:-1]) if rng.random() < 0.9 else value
        if ai in ("11", "12", "13", "15", "16", "17") and rng.random() < 0.8:
            yy, mm, dd = rng.randint(0, 99), rng.randint(1, 12), rng.randint(0, 31)
            value = f"{yy:02d}{mm:02d}{dd:02d}"
        elements.append((ai, value))
    form = rng.random()
    if form < 0.15:
        prefix = rng.choice(["", "", "]Q1", "]d1", "]C1"])
        return prefix + random_link(rng, elements)
    if form < 0.4:  # the human-readable form, sometimes with spaces
        gap = " " if rng.random() < 0.3 else ""
        return gap.join(f"({ai}){value}" for ai, value in elements)
    separator = GS if rng.random() < 0.8 else "<GS>"
    body = ""
    for ai, value in elements:
        body += ai + value
        if ai[:2] not in {"00", "01", "02", "11", "12", "13", "15", "16", "17", "20"}:
            body += separator
    prefix = rng.choice(["", "]C1", "]d2", "]Q3", "]e0", "]E0", f"]d2{GS}"])
    return prefix + body + rng.choice(["", "", "\r\n", " "])


def python_reading(code: str) -> list:
    scan = parse(code, today=TODAY)
    fields = None
    if scan is not None:
        fields = {
            "gtin": scan.gtin,
            "lot": scan.lot,
            "expiry": scan.expiry.isoformat() if scan.expiry else None,
            "best_before": scan.best_before.isoformat() if scan.best_before else None,
            "serial": scan.serial,
            "quantity": scan.quantity,
        }
    return [fields, sorted(product_codes(code))]


def test_the_device_reads_every_code_as_the_server_does():
    rng = random.Random(20261202)
    codes = [random_code(rng) for _ in range(3000)] + [
        f"]C101{key('0400638133393')}17261231" + f"10ABC123{GS}21SN-0001",
        f"]d2{GS}010950110153000317270500" + f"10A1B2C3{GS}2112345678901234\r\n",
        f"(10) LOT(7) (15) 260200 (01) {key('0400638133393')}",
        f"01{key('0400638133393')}3012",
        "4006381333931",
        "000000012348",
        LINK,
        f"]Q1https://example.com/gtin/{key('400638133393')}?linkType=all",
    ]
    # product_codes parses without a fixed day: keep the dates on the same century
    device = run_node(READER, str(GS1_JS), TODAY.isoformat(), data=codes)
    assert device["specs"] == AI_SPECS
    device = device["readings"]

    mismatches = [
        (code, python_reading(code), reading)
        for code, reading in zip(codes, device, strict=True)
        if python_reading(code) != reading
    ]
    assert not mismatches, mismatches[:5]
    assert sum(1 for fields, _ in device if fields and fields["gtin"]) > 1000
    links = [code for code in codes if "://" in code and parse(code, today=TODAY)]
    assert len(links) > 50
    # a product's QR code matches it on the device by its GTIN, with its lot
    fields, product = device[codes.index(LINK)]
    assert product == ["04006381333931", "4006381333931"]
    assert (fields["lot"], fields["expiry"]) == ("AB/1", "2026-12-31")
