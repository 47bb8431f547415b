"""GS1 barcodes: what one scan says, and every form a product's GTIN is stored under.

A keyboard-wedge scanner or a camera delivers GS1 element strings (GTIN, lot, expiry,
serial, ...) as one line of text; `parse` reads it into a `Scan`. Suppliers print the
same GTIN as EAN-13, UPC-A or GTIN-14, so `same_product` compares GTINs, not text.
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
SYMBOLOGY_ID = re.compile(r"\][A-Za-z][0-9A-Za-z]")

DIGITS = re.compile(r"[0-9]+")
# GS1 character set 82 (General Specifications figure 7.11-1): what lots and serials
# may hold. No space, so spaces are never data.
CSET82 = re.compile(r"[!\"%&'()*+,\-./0-9:;<=>?A-Z_a-z]+")
HRI_AI = re.compile(r"\(([0-9]{2,4})\)")


@dataclass(frozen=True)
class Scan:
    gtin: str | None  # 14 digits as in AI 01 (or AI 02)
    lot: str | None  # AI 10
    expiry: date | None  # AI 17
    best_before: date | None  # AI 15
    serial: str | None  # AI 21
    quantity: int | None  # AI 30 or AI 37
    raw: str


@dataclass(frozen=True)
class _Format:
    min_length: int
    max_length: int
    numeric: bool


def _numeric(length: int, up_to: int | None = None) -> _Format:
    return _Format(length, up_to or length, numeric=True)


def _alphanumeric(up_to: int) -> _Format:
    return _Format(1, up_to, numeric=False)


# Measures (net weight, length, area, volume, ...): AI 31nn-36nn, the last digit being
# the decimal point's position.
MEASURE_AIS = [
    f"{prefix}{decimals}"
    for block in (range(310, 317), range(320, 338), range(340, 358), range(360, 370))
    for prefix in block
    for decimals in range(10)
]

# The AIs we understand; any other makes the scan unreadable rather than guessed at,
# since without its length we cannot tell where the next field starts.
AI_FORMATS: dict[str, _Format] = {
    "00": _numeric(18),  # SSCC
    "01": _numeric(14),  # GTIN
    "02": _numeric(14),  # GTIN of the trade items in a logistic unit
    "10": _alphanumeric(20),  # batch or lot
    **{ai: _numeric(6) for ai in ("11", "12", "13", "15", "16", "17")},  # dates
    "20": _numeric(2),  # variant
    "21": _alphanumeric(20),  # serial
    "22": _alphanumeric(20),  # consumer product variant
    "30": _numeric(1, up_to=8),  # variable count
    "37": _numeric(1, up_to=8),  # count of trade items in a logistic unit
    **{
        ai: _alphanumeric(30)
        for ai in ("240", "241", "250", "251", "400", "401", "403")
    },
    **{f"41{n}": _numeric(13) for n in range(8)},  # GLNs: ship to, bill to, ...
    "420": _alphanumeric(20),  # ship-to postal code
    **{ai: _numeric(6) for ai in MEASURE_AIS},
}
# Fields of AIs starting with these digits have a predefined length (General
# Specifications figure 7.8.5-2), so no FNC1 follows them; every other field runs to
# the next FNC1 or the end of the scan.
PREDEFINED_LENGTH = frozenset(
    "00 01 02 03 04 11 12 13 14 15 16 17 18 19 20 31 32 33 34 35 36 41".split()
)
CHECK_DIGIT_AIS = frozenset({"00", "01", "02", *(f"41{n}" for n in range(8))})
DATE_AIS = frozenset({"11", "12", "13", "15", "16", "17"})


def parse(code: str, *, today: date | None = None) -> Scan | None:
    """The GS1 element strings in one scan, or None if it is not a GS1 code.

    `today` anchors the century of two-digit years; it defaults to the real today.
    """
    symbology, payload = _split_symbology(code.strip())
    if symbology is not None and symbology not in GS1_SYMBOLOGIES:
        return None
    if payload.startswith("("):
        elements = _hri_elements(payload)
    elif symbology is None and not _starts_with_gtin(payload):
        return None  # without an identifier, only a leading GTIN tells GS1 from a SKU
    else:
        elements = _raw_elements(payload.replace(GS_TEXT, GS))
    today = today or date.today()
    fields = _checked_fields(elements, today) if elements else None
    if fields is None:
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


def _raw_elements(data: str) -> list[tuple[str, str]] | None:
    """(AI, value) pairs of an element string whose variable fields end at GS."""
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
            end = start + AI_FORMATS[ai].max_length
        else:
            end = data.find(GS, start)
            end = len(data) if end == -1 else end
        elements.append((ai, data[start:end]))
        position = end
    return elements


def _hri_elements(data: str) -> list[tuple[str, str]] | None:
    """(AI, value) pairs of the human-readable form "(01)04006381333931(10)ABC"."""
    data = data.replace(" ", "").replace(GS, "")
    elements = []
    position = 0
    while position < len(data):
        match = HRI_AI.match(data, position)
        if match is None or match[1] not in AI_FORMATS:
            return None
        ai, start = match[1], match.end()
        if ai[:2] in PREDEFINED_LENGTH:
            end = start + AI_FORMATS[ai].max_length
        else:
            # A variable field runs to the next AI we know; lots may hold "(" too.
            end = next(
                (m.start() for m in HRI_AI.finditer(data, start) if m[1] in AI_FORMATS),
                len(data),
            )
        elements.append((ai, data[start:end]))
        position = end
    return elements


def _ai_at(data: str, position: int) -> str | None:
    # GS1 AIs are prefix-free, so at most one length matches.
    candidates = (data[position : position + length] for length in (2, 3, 4))
    return next((ai for ai in candidates if ai in AI_FORMATS), None)


def _checked_fields(
    elements: list[tuple[str, str]], today: date
) -> dict[str, str] | None:
    """The fields by AI, or None if any is malformed, misread or contradicted."""
    fields: dict[str, str] = {}
    for ai, value in elements:
        form = AI_FORMATS[ai]
        if not form.min_length <= len(value) <= form.max_length:
            return None
        if not (DIGITS if form.numeric else CSET82).fullmatch(value):
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
