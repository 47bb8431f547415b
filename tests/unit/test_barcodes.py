import pytest
from hypothesis import given
from hypothesis import strategies as st

from fulfil.domain.barcodes import barcode_problem, is_valid_gtin, make_ean13


@pytest.mark.parametrize(
    "code", ["4006381333931", "5901234123457", "96385074", "036000291452"]
)
def test_real_gtins_are_accepted(code):
    assert is_valid_gtin(code)
    assert barcode_problem(code) is None


def test_a_mistyped_digit_is_caught():
    assert barcode_problem("4006381333932") == "has a wrong GTIN check digit"


@given(st.integers(min_value=0, max_value=999_999_999))
def test_generated_ean13s_are_valid(number):
    code = make_ean13("400", number)

    assert len(code) == 13 and is_valid_gtin(code)


@pytest.mark.parametrize("code", ["SKU-85123A", "ABC/12.5", "X"])
def test_free_code128_values_are_accepted(code):
    assert barcode_problem(code) is None


@pytest.mark.parametrize("code", ["", "has space", "ümlaut", "x" * 49])
def test_unprintable_or_empty_codes_are_refused(code):
    assert barcode_problem(code) is not None
