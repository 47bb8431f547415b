"""Barcode rules: GTIN check digits and what a free Code 128 value may hold."""

import re

GTIN_LENGTHS = (8, 12, 13, 14)
# Code 128 set B covers printable ASCII; we keep to characters a label printer and a
# keyboard-wedge scanner reproduce faithfully.
CODE128 = re.compile(r"^[A-Za-z0-9\-._/+]{1,48}$")


def gtin_check_digit(body: str) -> int:
    """The GS1 check digit for the digits of a GTIN without its last digit."""
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return (10 - total % 10) % 10


def is_valid_gtin(code: str) -> bool:
    return (
        code.isdigit()
        and len(code) in GTIN_LENGTHS
        and gtin_check_digit(code[:-1]) == int(code[-1])
    )


def make_ean13(prefix: str, number: int) -> str:
    """An EAN-13 from a GS1 prefix and a running number, with its check digit."""
    body = f"{prefix}{number:0{12 - len(prefix)}d}"
    if len(body) != 12 or not body.isdigit():
        raise ValueError(f"prefix {prefix!r} and number {number} do not make 12 digits")
    return body + str(gtin_check_digit(body))


def barcode_problem(code: str) -> str | None:
    """Why a product barcode is unacceptable, or None when it is fine.

    All-digit codes of GTIN length must carry a correct check digit (a scanner that
    misreads one digit must not hit another product); anything else must be a clean
    Code 128 value.
    """
    if not code:
        return "is empty"
    if code.isdigit() and len(code) in GTIN_LENGTHS:
        return None if is_valid_gtin(code) else "has a wrong GTIN check digit"
    if not CODE128.match(code):
        return "may hold only letters, digits and - . _ / + (at most 48)"
    return None
