"""Barcode rules: GTIN check digits, what a free Code 128 value may hold, what a
product's label carries, and GTINs numbered under the shop's GS1 company prefix."""

import re
from collections.abc import Iterable
from enum import StrEnum

GTIN_LENGTHS = (8, 12, 13, 14)
# Code 128 set B covers printable ASCII; we keep to characters a label printer and a
# keyboard-wedge scanner reproduce faithfully.
CODE128 = re.compile(r"^[A-Za-z0-9\-._/+]{1,48}$")
# A GS1 company prefix: 6 to 11 digits (GS1 General Specifications 1.4.3); the rest
# of the 12 digits before a GTIN-13's check digit is the item reference.
COMPANY_PREFIX = re.compile(r"^[0-9]{6,11}$")


class BarcodeProblem(StrEnum):
    """Why a barcode is refused; the service words it in the reader's language."""

    EMPTY = "empty"
    CHECK_DIGIT = "check_digit"
    CHARACTERS = "characters"


class Symbology(StrEnum):
    EAN13 = "ean13"
    CODE128 = "code128"


def gtin_check_digit(body: str) -> int:
    """The GS1 check digit for the digits of a GTIN without its last digit."""
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return (10 - total % 10) % 10


def is_valid_gtin(code: str) -> bool:
    return (
        code.isascii()
        and code.isdigit()
        and len(code) in GTIN_LENGTHS
        and gtin_check_digit(code[:-1]) == int(code[-1])
    )


def make_ean13(prefix: str, number: int) -> str:
    """An EAN-13 from a GS1 prefix and a running number, with its check digit."""
    body = f"{prefix}{number:0{12 - len(prefix)}d}"
    if len(body) != 12 or not body.isdigit():
        raise ValueError(f"prefix {prefix!r} and number {number} do not make 12 digits")
    return body + str(gtin_check_digit(body))


def barcode_problem(code: str) -> BarcodeProblem | None:
    """Why a product barcode is unacceptable, or None when it is fine.

    All-digit codes of GTIN length must carry a correct check digit (a scanner that
    misreads one digit must not hit another product); anything else must be a clean
    Code 128 value.
    """
    if not code:
        return BarcodeProblem.EMPTY
    if code.isascii() and code.isdigit() and len(code) in GTIN_LENGTHS:
        return None if is_valid_gtin(code) else BarcodeProblem.CHECK_DIGIT
    if not CODE128.match(code):
        return BarcodeProblem.CHARACTERS
    return None


def is_clean_code128(value: str) -> bool:
    """A value a Code 128 label carries and a scanner types back unchanged."""
    return CODE128.match(value) is not None


def label_code(sku: str, barcode: str | None) -> tuple[Symbology, str] | None:
    """What a product's label carries: its GTIN-13 as EAN-13 (a GTIN-12 too, behind a
    leading 0: the same number, as UPC-A prints it), any other barcode as Code 128, or
    without a barcode its SKU as Code 128. None when the product has no barcode and
    its SKU is no clean Code 128 value (it needs a barcode to be labelled)."""
    if barcode:
        if is_valid_gtin(barcode) and len(barcode) in (12, 13):
            return Symbology.EAN13, barcode.zfill(13)
        return Symbology.CODE128, barcode
    if is_clean_code128(sku):
        return Symbology.CODE128, sku
    return None


# -- GTINs under the shop's own company prefix ----------------------------------------


def item_reference(prefix: str, barcode: str) -> int | None:
    """The item reference of `barcode` if it is a GTIN under `prefix` in any of the
    forms a product may store it as (GTIN-13, GTIN-14 behind a 0, GTIN-12 when the
    prefix starts with 0); else None."""
    if not is_valid_gtin(barcode) or len(barcode) < 12:
        return None
    gtin14 = barcode.zfill(14)
    if gtin14[0] != "0" or not gtin14[1:].startswith(prefix):
        return None
    return int(gtin14[1 + len(prefix) : 13])


def next_item_reference(prefix: str, used: Iterable[int]) -> int | None:
    """The item reference for the next internal GTIN: one above the highest in use,
    counting up from 1; once the last is taken, the lowest never in use. None when
    every number under the prefix is taken."""
    used = set(used)
    capacity = 10 ** (12 - len(prefix))
    following = max(used, default=0) + 1
    if following < capacity:
        return following
    return next((n for n in range(capacity) if n not in used), None)
