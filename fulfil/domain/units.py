"""Weights and lengths as shops write them, in the grams and millimetres Fulfil keeps.

The factors are the exact legal definitions (the international yard and pound of
1959): 1 lb = 453.59237 g, 1 oz = 1/16 lb, 1 in = 25.4 mm, 1 yd = 36 in. Results are
rounded to the nearest whole unit, halves away from zero.
"""

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

GRAMS_PER_UNIT: dict[str, Decimal] = {
    "g": Decimal(1),
    "kg": Decimal(1000),
    "lb": Decimal("453.59237"),
    "lbs": Decimal("453.59237"),
    "oz": Decimal("28.349523125"),
}
MM_PER_UNIT: dict[str, Decimal] = {
    "mm": Decimal(1),
    "cm": Decimal(10),
    "m": Decimal(1000),
    "in": Decimal("25.4"),
    "yd": Decimal("914.4"),
}

# 1234.5 / 1234,5 / 1.234,5 / 1,234.5 / .5 — digits with at most one decimal mark
_NUMBER = re.compile(r"^[+-]?(\d[\d.,']*)?[.,]?\d*$")


def parse_number(text: str) -> Decimal | None:
    """A number as spreadsheets write it, or None when the text is none.

    With both marks, the last one is the decimal mark ("1.234,5" and "1,234.5");
    with only one kind, a comma is a decimal comma (German Excel) and a point a
    decimal point. Apostrophes group thousands (Swiss).
    """
    text = text.strip().replace("'", "").replace("\u202f", "").replace(" ", "")
    if not text or not _NUMBER.match(text) or not any(c.isdigit() for c in text):
        return None
    last = max(text.rfind(","), text.rfind("."))
    if "," in text and "." in text:
        whole, fraction = text[:last], text[last + 1 :]
        text = whole.replace(",", "").replace(".", "") + "." + fraction
    elif text.count(",") == 1:
        text = text.replace(",", ".")
    elif text.count(",") > 1 or text.count(".") > 1:
        return None
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


def to_grams(value: Decimal, unit: str) -> int:
    """`value` `unit` (g, kg, lb, lbs, oz) in whole grams; KeyError for another unit."""
    return _whole(value * GRAMS_PER_UNIT[unit.lower()])


def to_millimetres(value: Decimal, unit: str) -> int:
    """`value` `unit` (mm, cm, m, in, yd) in whole millimetres; KeyError otherwise."""
    return _whole(value * MM_PER_UNIT[unit.lower()])


def _whole(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))
