import pytest
from hypothesis import given
from hypothesis import strategies as st

from fulfil.domain.barcodes import (
    BarcodeProblem,
    Symbology,
    barcode_problem,
    is_valid_gtin,
    item_reference,
    label_code,
    make_ean13,
    next_item_reference,
)


@pytest.mark.parametrize(
    "code", ["4006381333931", "5901234123457", "96385074", "036000291452"]
)
def test_real_gtins_are_accepted(code):
    assert is_valid_gtin(code)
    assert barcode_problem(code) is None


def test_a_mistyped_digit_is_caught():
    assert barcode_problem("4006381333932") == BarcodeProblem.CHECK_DIGIT


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


def test_digits_of_other_scripts_are_not_a_gtin():
    assert barcode_problem("٤٠٠٦٣٨١٣٣٣٩٣١") == BarcodeProblem.CHARACTERS


# -- what a product's label carries ----------------------------------------------------


def test_a_gtin13_is_printed_as_ean13():
    assert label_code("MUG", "4006381333931") == (Symbology.EAN13, "4006381333931")


def test_a_upc_a_is_printed_as_the_same_number_in_ean13():
    assert label_code("CAN", "036000291452") == (Symbology.EAN13, "0036000291452")


@pytest.mark.parametrize("barcode", ["96385074", "10036000291459", "SKU-85123A"])
def test_other_barcodes_are_printed_as_code128(barcode):
    assert label_code("X", barcode) == (Symbology.CODE128, barcode)


def test_without_a_barcode_the_label_carries_the_sku():
    assert label_code("MUG-BLUE/350", None) == (Symbology.CODE128, "MUG-BLUE/350")


@pytest.mark.parametrize("sku", ["TASSE BLAU", "Größe-M", "x" * 49, "A#1"])
def test_a_sku_that_is_no_clean_code128_value_cannot_be_labelled(sku):
    assert label_code(sku, None) is None


# -- GTINs under the shop's company prefix ---------------------------------------------


def test_item_references_count_up_from_the_highest_in_use():
    assert next_item_reference("4012345", []) == 1
    assert next_item_reference("4012345", [1, 2, 7]) == 8


def test_when_the_last_number_is_taken_a_gap_is_used():
    prefix = "40123456789"  # eleven digits: ten item references, 0 to 9
    assert next_item_reference(prefix, [9]) == 0
    assert next_item_reference(prefix, [0, 1, 2, 9]) == 3
    assert next_item_reference(prefix, range(10)) is None


def test_a_gtin_under_the_prefix_is_found_as_gtin13_and_gtin14():
    gtin = make_ean13("4012345", 16)
    assert item_reference("4012345", gtin) == 16
    assert item_reference("4012345", "0" + gtin) == 16


def test_a_upc_a_is_found_under_a_prefix_starting_with_zero():
    gtin = make_ean13("0614141", 7)  # 0614141000074; stored as UPC-A 614141000074
    assert item_reference("0614141", gtin[1:]) == 7
    assert item_reference("0614141", "0" + gtin) == 7


@pytest.mark.parametrize(
    "barcode",
    [make_ean13("4012346", 16), "SKU-1", "4012345000161", "96385074"],
)
def test_codes_under_another_prefix_or_no_gtin_are_not_ours(barcode):
    assert item_reference("4012345", barcode) is None
