"""GS1 barcodes: what one scan says, and every form a product's GTIN is stored under.

A keyboard-wedge scanner or a camera delivers GS1 element strings (GTIN, lot, expiry,
serial, ...) as one line of text, or a GS1 Digital Link URI from a QR code; `parse`
reads either into a `Scan`. Suppliers print the same GTIN as EAN-13, UPC-A or GTIN-14,
so `same_product` compares GTINs, not text.

What is readable follows the GS1 General Specifications and the GS1 Digital Link URI
Syntax standard, as GS1's own Barcode Syntax Engine reads them:

- Every element must be well formed: a known AI's data has the length and characters
  the standard gives it, keys (GTIN, SSCC, GLN) carry their check digit, dates are
  real days, and one AI never carries two different values.
- An AI that cannot exist makes the scan unreadable: in 31nn-36nn and 394n-395n the
  last digit is the decimal point's position in the value, so 31n6-36n9 (and 3944,
  3956, ...) are misreads or forgeries. So does anything that is not GS1 data at all.
- An AI we do not know but that could exist (added in a later release of the
  standard, or a company's own) does not make the scan unreadable: its element is
  skipped when its end can be found, and its data is not kept (`Scan.raw` still holds
  the whole scan). Its end is known in the bracketed form and in a Digital Link, and
  in an element string when its two-digit prefix fixes its length (General
  Specifications figure 7.8.5-2) or it runs to the next FNC1. So the GTIN, lot and
  expiry still match a product when a label carries data we have no use for.
"""

import re
from calendar import monthrange
from dataclasses import dataclass
from datetime import date

from fulfil.domain.barcodes import GTIN_LENGTHS, gtin_check_digit, is_valid_gtin

GS = "\x1d"  # what a reader sends for FNC1: the end of a variable-length field
# Readers set up to spell control characters out send FNC1 as this text instead, so a
# lot or serial cannot contain it.
GS_TEXT = "<GS>"
# AIM symbology identifiers of GS1-128, GS1 DataMatrix, GS1 QR Code and GS1 DataBar.
GS1_SYMBOLOGIES = frozenset({"]C1", "]d2", "]Q3", "]e0"})
# A QR code or Data Matrix holding plain text (with or without ECI): where a Digital
# Link URI is printed.
LINK_SYMBOLOGIES = frozenset({"]Q1", "]Q2", "]d1", "]d4"})
SYMBOLOGY_ID = re.compile(r"\][A-Za-z][0-9A-Za-z]")

DIGITS = re.compile(r"[0-9]+")
# GS1 character sets (General Specifications figures 7.11-1 to 7.11-3): 82 for
# lots and serials (no space, so spaces are never data), 39 and 64 for a few AIs.
CHARACTER_SETS = {
    "N": "0-9",
    "X": "!\"%&'()*+,\\-./0-9:;<=>?A-Z_a-z",
    "Y": "#\\-/0-9A-Z",
    "Z": "\\-0-9A-Z_a-z=",
}
CSET82 = re.compile(f"[{CHARACTER_SETS['X']}]+")
HRI_AI = re.compile(r"\(([0-9]{2,4})\)")

# Every AI of the General Specifications with the format of its data, as the GS1
# Barcode Syntax Dictionary (release of 2026-01-27) lists them: N digits, X CSET 82,
# Y CSET 39, Z CSET 64; "N6" exactly six, "X..20" one to twenty, "+" joins parts,
# "[...]" is optional; "91-99" is a range of AIs. static/js/gs1.js holds the same
# table.
AI_TABLE = """
00 N18  01 N14  02 N14  03 N14  10 X..20  11-13 N6  15-17 N6  20 N2  21-22 X..20
235 X..28  240-241 X..30  242 N..6  243 X..20  250-251 X..30  253 N13+[X..17]
254 X..20  255 N13+[N..12]  30 N..8  37 N..8  3900-3909 N..15  3910-3919 N3+N..15
3920-3929 N..15  3930-3939 N3+N..15  3940-3943 N4  3950-3955 N6  400-401 X..30
402 N17  403 X..30  410-417 N13  420 X..20  421 N3+X..9  422 N3
423 N3+[N3]+[N3]+[N3]+[N3]  424 N3  425 N3+[N3]+[N3]+[N3]+[N3]  426 N3  427 X..3
4300-4301 X..35  4302-4306 X..70  4307 X2  4308 X..30  4309 N10+N10
4310-4311 X..35  4312-4316 X..70  4317 X2  4318 X..20  4319 X..30  4320 X..35
4321-4323 N1  4324-4325 N6+N4  4326 N6  4330-4333 N6+[X1]  7001 N13  7002 X..30
7003 N6+N4  7004 N..4  7005 X..12  7006 N6  7007 N6+[N6]  7008 X..3  7009 X..10
7010 X..2  7011 N6+[N4]  7020-7022 X..20  7023 X..30  7030-7039 N3+X..27
7040 N1+X1+X1+X1  7041 X..4  710-717 X..20  7230-7239 X2+X..28  7240 X..20
7241 N2  7242 X..25  7250 N8  7251 N8+N4  7252 N1  7253-7254 X..40  7255 X..10
7256 X..90  7257 X..70  7258 X3  7259 X..40  8001 N4+N5+N3+N1+N1  8002 X..20
8003 N1+N13+[X..16]  8004 X..30  8005 N6  8006 N14+N4  8007 X..34
8008 N6+N2+[N2]+[N2]  8009 X..50  8010 Y..30  8011 N..12  8012 X..20  8013-8014 X..25
8017-8018 N18  8019 N..10  8020 X..25  8026 N14+N4  8030 Z..90  8040-8041 N15
8042 N32  8043 N18+[N..2]  8110 X..70  8111 N4  8112 X..70  8200 X..70  90 X..30
91-99 X..90
"""
# Measures (net weight, length, area, volume, ...): six digits, the AI's last digit
# the decimal point's position, 0 to 5.
MEASURE_FAMILIES = "310-316 320-337 340-357 360-369"
# The last digit of these AIs is the decimal point's position in the value, so no AI
# with a larger last digit can exist.
LAST_DECIMAL = {**dict.fromkeys("31 32 33 34 35 36 395".split(), "5"), "394": "3"}
# Length of the whole element (AI and data) for AIs starting with these two digits
# (General Specifications figure 7.8.5-2): no FNC1 follows them. Every other field
# runs to the next FNC1 or the end of the scan.
PREDEFINED_LENGTH = {
    **{"00": 20, "01": 16, "02": 16, "03": 16, "04": 18, "20": 4, "41": 16},
    **{str(prefix): 8 for prefix in range(11, 20)},
    **{str(prefix): 10 for prefix in range(31, 37)},
}
CHECK_DIGIT_AIS = frozenset({"00", "01", "02", "03", *(f"41{n}" for n in range(8))})
DATE_AIS = frozenset({"11", "12", "13", "15", "16", "17"})

# GS1 Digital Link: the primary keys a URI path may name, each with the qualifiers
# that may follow it in this order ("|": alternatives), and the short names of
# Digital Link 1.0 that readers still accept in the path.
LINK_KEYS = {
    "01": "22 10 21|235",
    "8006": "22 10 21",
    "414": "254|7040",
    "415": "8020",
    "417": "7040",
    "8004": "7040",
    "8010": "8011",
    "8017": "8019",
    "8018": "8019",
    **dict.fromkeys(["00", "253", "255", "401", "402", "8003", "8013"], ""),
}
LINK_NAMES = dict(
    name.split("=")
    for name in """gtin=01 cpv=22 lot=10 ser=21 sscc=00 gln=414 glnx=254 party=417
    refno=8020 giai=8004 itip=8006 cpid=8010 cpsn=8011 gsrnp=8017 gsrn=8018 srin=8019
    gdti=253 gcn=255 ginc=401 gsin=402 grai=8003 gmn=8013""".split()
)
# AIs that are not data attributes (the query string) of a Digital Link URI.
NOT_LINK_ATTRIBUTES = frozenset(
    "03 21 22 235 254 7040 7041 8011 8014 8019 8020 8040 8041 8042 8043 8200".split()
)
LINK_START = re.compile(r"(?:https?|HTTPS?)://")
URI_CHARACTERS = re.compile(r"[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]+")
HOST = re.compile(r"[A-Za-z0-9.\-:\[\]]+")
ESCAPE = re.compile(r"%([0-9A-Fa-f]{2})")


@dataclass(frozen=True)
class Scan:
    gtin: str | None  # 14 digits as in AI 01 (or AI 02)
    lot: str | None  # AI 10
    expiry: date | None  # AI 17
    best_before: date | None  # AI 15
    serial: str | None  # AI 21
    quantity: int | None  # AI 30 or AI 37
    raw: str


def _pattern(spec: str) -> str:
    """A regular expression for one format of the table ("N13+[X..17]")."""
    parts = []
    for part in spec.split("+"):
        optional = part.startswith("[")
        form = re.fullmatch(r"\[?([NXYZ])(\.\.)?(\d+)\]?", part)
        kind, variable, length = form.groups()
        count = f"{{1,{length}}}" if variable else f"{{{length}}}"
        part = f"[{CHARACTER_SETS[kind]}]{count}"
        parts.append(f"(?:{part})?" if optional else part)
    return "".join(parts)


def _table() -> dict[str, str]:
    specs = {}
    tokens = AI_TABLE.split()
    for ais, spec in zip(tokens[::2], tokens[1::2], strict=True):
        first, _, last = ais.partition("-")
        for number in range(int(first), int(last or first) + 1):
            specs[str(number).zfill(len(first))] = spec
    for family in MEASURE_FAMILIES.split():
        first, _, last = family.partition("-")
        for number in range(int(first), int(last) + 1):
            specs.update({f"{number}{decimals}": "N6" for decimals in range(6)})
    return dict(sorted(specs.items()))


AI_SPECS = _table()
AI_PATTERNS = {ai: re.compile(_pattern(spec)) for ai, spec in AI_SPECS.items()}
# All AIs that start with the same two digits have the same length.
AI_LENGTH_BY_PREFIX = {ai[:2]: len(ai) for ai in AI_SPECS}


def parse(code: str, *, today: date | None = None) -> Scan | None:
    """The GS1 data in one scan, or None if it is not GS1 data we can read.

    `today` anchors the century of two-digit years; it defaults to the real today.
    """
    symbology, payload = _split_symbology(code.strip())
    if LINK_START.match(payload):
        if symbology is not None and symbology not in LINK_SYMBOLOGIES:
            return None
        elements = link_elements(payload)
    elif symbology is not None and symbology not in GS1_SYMBOLOGIES:
        return None
    elif payload.startswith("("):
        elements = _hri_elements(payload)
    elif symbology is None and not _starts_with_gtin(payload):
        return None  # without an identifier, only a leading GTIN tells GS1 from a SKU
    else:
        elements = _raw_elements(payload.replace(GS_TEXT, GS))
    today = today or date.today()
    fields = _checked_fields(elements, today) if elements is not None else None
    if not fields:
        return None
    quantity = fields.get("30", fields.get("37"))
    return Scan(
        gtin=fields.get("01", fields.get("02")),
        lot=fields.get("10"),
        expiry=_yymmdd(fields["17"], today) if "17" in fields else None,
        best_before=_yymmdd(fields["15"], today) if "15" in fields else None,
        serial=fields.get("21"),
        quantity=int(quantity) if quantity is not None else None,
        raw=code,
    )


def product_codes(code: str) -> set[str]:
    """Every form under which a scanned product code may be stored as a product's
    barcode: all GTIN lengths of its GTIN, or else the code itself."""
    scan = parse(code)
    if scan is not None and scan.gtin is not None:
        return _gtin_forms(scan.gtin)
    # Stored barcodes never start with "]", so an identifier is never part of one.
    _, payload = _split_symbology(code.strip())
    if payload.isascii() and is_valid_gtin(payload):
        return _gtin_forms(payload.zfill(14))
    return {payload}


def same_product(scanned: str, barcode: str) -> bool:
    """True if a scan denotes the product whose stored barcode is `barcode` (any GTIN
    form, or equal text)."""
    if not scanned.strip() or not barcode.strip():
        return False  # an empty scan must not match a product without a barcode
    return not product_codes(scanned).isdisjoint(product_codes(barcode))


def _gtin_forms(gtin14: str) -> set[str]:
    """A GTIN-14 and each shorter GTIN it holds behind leading zeros."""
    return {
        gtin14[14 - length :]
        for length in GTIN_LENGTHS
        if not gtin14[: 14 - length].strip("0")
    }


def _split_symbology(code: str) -> tuple[str | None, str]:
    if SYMBOLOGY_ID.match(code):
        return code[:3], code[3:]
    return None, code


def _starts_with_gtin(payload: str) -> bool:
    gtin = payload[2:16]
    return payload.startswith("01") and len(gtin) == 14 and _is_key(gtin)


def _could_exist(ai: str) -> bool:
    """An AI we do not know that the standard's structure still leaves room for."""
    if not 2 <= len(ai) <= 4 or not DIGITS.fullmatch(ai):
        return False
    if AI_LENGTH_BY_PREFIX.get(ai[:2], len(ai)) != len(ai):
        return False
    limit = LAST_DECIMAL.get(ai[:2], LAST_DECIMAL.get(ai[:3]))
    return limit is None or ai[-1] <= limit


def _is_ai(ai: str) -> bool:
    return ai in AI_SPECS or _could_exist(ai)


def _unknown_data(value: str) -> bool:
    """The data of an AI we do not know, as the standard allows for any AI."""
    return len(value) <= 90 and CSET82.fullmatch(value) is not None


def _ai_at(data: str, position: int) -> str | None:
    """The AI an element starts with: one we know (AIs are prefix-free, so at most
    one length matches) or one that could exist, its length given by its prefix."""
    for length in (2, 3, 4):
        if data[position : position + length] in AI_SPECS:
            return data[position : position + length]
    prefix = data[position : position + 2]
    ai = data[position : position + AI_LENGTH_BY_PREFIX.get(prefix, 2)]
    return ai if _could_exist(ai) else None


def _raw_elements(data: str) -> list[tuple[str, str]] | None:
    """(AI, value) pairs of an element string whose variable fields end at GS;
    elements of AIs we do not know are skipped."""
    elements = []
    position = 0
    while position < len(data):
        if data[position] == GS:  # FNC1 in first position, or after a fixed field
            position += 1
            continue
        ai = _ai_at(data, position)
        if ai is None:
            return None
        start = position + len(ai)
        if ai[:2] in PREDEFINED_LENGTH:
            end = position + PREDEFINED_LENGTH[ai[:2]]
        else:
            end = data.find(GS, start)
            end = len(data) if end == -1 else end
        if ai in AI_SPECS:
            elements.append((ai, data[start:end]))
        elif end > len(data) or not _unknown_data(data[start:end]):
            return None  # cut short, or not data any AI may hold
        position = end
    return elements


def _hri_elements(data: str) -> list[tuple[str, str]] | None:
    """(AI, value) pairs of the human-readable form "(01)04006381333931(10)ABC";
    elements of AIs we do not know are skipped."""
    data = data.replace(" ", "").replace(GS, "")
    elements = []
    position = 0
    while position < len(data):
        match = HRI_AI.match(data, position)
        if match is None or not _is_ai(match[1]):
            return None
        ai, start = match[1], match.end()
        if ai[:2] in PREDEFINED_LENGTH:
            end = position + PREDEFINED_LENGTH[ai[:2]] + 2  # the brackets
        else:
            # A variable field runs to the next AI; lots may hold "(" too.
            end = next(
                (m.start() for m in HRI_AI.finditer(data, start) if _is_ai(m[1])),
                len(data),
            )
        if ai in AI_SPECS:
            elements.append((ai, data[start:end]))
        elif end > len(data) or not _unknown_data(data[start:end]):
            return None  # cut short, or not data any AI may hold
        position = end
    return elements


def link_elements(uri: str) -> list[tuple[str, str]] | None:
    """(AI, value) pairs of a GS1 Digital Link URI, or None if it is not one:
    `https://any.host[/stem]/01/{gtin}[/22/{cpv}][/10/{lot}][/21/{serial}]?17=...`.

    The primary key is the rightmost one in the path; the qualifiers after it must
    come in the standard's order. The query holds further AIs (other parameters,
    such as `linkType`, are not GS1 data). Values are percent-decoded (a "+" is a
    space in the query only); a GTIN may be given in 8, 12 or 13 digits and AIs by
    their Digital Link 1.0 short names (`/gtin/.../lot/...`). No AI may appear twice.
    """
    if not URI_CHARACTERS.fullmatch(uri):
        return None
    rest = uri[LINK_START.match(uri).end() :].split("#")[0]
    rest, _, query = rest.partition("?")
    host, slash, path = rest.partition("/")
    segments = path.split("/")
    if not HOST.fullmatch(host) or not slash or "" in segments:
        return None
    names = [LINK_NAMES.get(segment, segment) for segment in segments]
    key = next(
        (i for i in range(len(names) - 2, -1, -2) if names[i] in LINK_KEYS), None
    )
    if key is None:
        return None
    qualifiers = names[key + 2 :: 2]
    order = next(
        (
            sequence.split()
            for sequence in LINK_KEYS[names[key]].split("|")
            if _in_order(qualifiers, sequence.split())
        ),
        None,
    )
    if order is None:
        return None
    elements = [
        (ai, _unescape(value, plus_is_space=False))
        for ai, value in zip(names[key::2], segments[key + 1 :: 2], strict=True)
    ]
    for parameter in query.split("&"):
        name, equals, value = parameter.partition("=")
        if not equals or not DIGITS.fullmatch(name):
            continue  # not an AI: linkType=..., a flag, an empty parameter
        value = _unescape(value, plus_is_space=True)
        if name in AI_SPECS:
            if name in order or name in NOT_LINK_ATTRIBUTES:
                return None  # a qualifier belongs in the path
            elements.append((name, value))
        elif not _could_exist(name) or not value or not _unknown_data(value):
            return None
    ais = [ai for ai, _ in elements]
    if len(set(ais)) != len(ais) or not all(value for _, value in elements):
        return None
    return [(ai, _full_gtin(value) if ai == "01" else value) for ai, value in elements]


def _in_order(qualifiers: list[str], order: list[str]) -> bool:
    """True if `qualifiers` are some of `order`, each once, in its order."""
    positions = [order.index(ai) if ai in order else -1 for ai in qualifiers]
    return all(a < b for a, b in zip([-1, *positions], positions, strict=False))


def _unescape(value: str, *, plus_is_space: bool) -> str:
    """Percent-decoded URI text. A "%" that starts no escape, or an escape beyond
    ASCII, yields a space: no GS1 value may hold one, so the value is refused."""
    if plus_is_space:
        value = value.replace("+", " ")
    value = re.sub(r"%(?![0-9A-Fa-f]{2})", " ", value)
    return ESCAPE.sub(_escaped_character, value)


def _escaped_character(escape: re.Match) -> str:
    code = int(escape[1], 16)
    return chr(code) if code < 0x80 else " "


def _full_gtin(value: str) -> str:
    """A GTIN-8, -12 or -13 as the GTIN-14 it stands for (Digital Link 1.0)."""
    short = DIGITS.fullmatch(value) and len(value) in GTIN_LENGTHS
    return value.zfill(14) if short else value


def _checked_fields(
    elements: list[tuple[str, str]], today: date
) -> dict[str, str] | None:
    """The fields by AI, or None if any is malformed, misread or contradicted."""
    fields: dict[str, str] = {}
    for ai, value in elements:
        if AI_PATTERNS[ai].fullmatch(value) is None:
            return None
        if ai in CHECK_DIGIT_AIS and not _is_key(value):
            return None  # a misread digit must not name another item or place
        if ai in DATE_AIS and _yymmdd(value, today) is None:
            return None
        if fields.setdefault(ai, value) != value:
            return None
    return fields


def _is_key(number: str) -> bool:
    """A GS1 key (GTIN, GLN, SSCC) whose last digit is its check digit."""
    if DIGITS.fullmatch(number) is None:
        return False
    return gtin_check_digit(number[:-1]) == int(number[-1])


def _yymmdd(value: str, today: date) -> date | None:
    """A GS1 date; day 00 means the last day of the month."""
    year = _full_year(int(value[:2]), today.year)
    month, day = int(value[2:4]), int(value[4:6])
    if not 1 <= month <= 12:
        return None
    last_day = monthrange(year, month)[1]
    if day > last_day:
        return None
    return date(year, month, day or last_day)


def _full_year(yy: int, this_year: int) -> int:
    """The year ending in `yy` from 49 years back to 50 ahead (General
    Specifications 7.12), so labels stay readable across a century change."""
    year = this_year - this_year % 100 + yy
    if year - this_year > 50:
        return year - 100
    if this_year - year > 49:
        return year + 100
    return year
