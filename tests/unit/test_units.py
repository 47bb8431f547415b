"""Weights and lengths from shops' exports in grams and millimetres."""

from decimal import Decimal

import pytest

from fulfil.domain.units import parse_number, to_grams, to_millimetres


@pytest.mark.parametrize(
    ("value", "unit", "grams"),
    [
        ("240", "g", 240),
        ("0.25", "kg", 250),
        ("1.5", "KG", 1500),
        ("1", "lbs", 454),  # 453.59237 g
        ("2.2", "lb", 998),  # 997.9 g
        ("1", "oz", 28),  # 28.35 g
        ("16", "oz", 454),  # one pound
        ("0.0005", "kg", 1),  # half a gram rounds up
        ("0.0004", "kg", 0),
    ],
)
def test_weights_become_whole_grams(value, unit, grams):
    assert to_grams(Decimal(value), unit) == grams


@pytest.mark.parametrize(
    ("value", "unit", "mm"),
    [
        ("30", "cm", 300),
        ("2.5", "cm", 25),
        ("1", "in", 25),  # 25.4 mm
        ("24", "in", 610),  # 609.6 mm
        ("1", "yd", 914),
        ("0.7", "m", 700),
        ("12", "mm", 12),
    ],
)
def test_lengths_become_whole_millimetres(value, unit, mm):
    assert to_millimetres(Decimal(value), unit) == mm


def test_an_unknown_unit_is_not_guessed():
    with pytest.raises(KeyError):
        to_grams(Decimal(1), "stone")
    with pytest.raises(KeyError):
        to_millimetres(Decimal(1), "ft")


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("0.62", "0.62"),
        ("0,62", "0.62"),  # German decimal comma
        (".5", "0.5"),
        ("1.234,5", "1234.5"),
        ("1,234.5", "1234.5"),
        ("1'234.5", "1234.5"),
        (" 85 ", "85"),
        ("-3", "-3"),
    ],
)
def test_numbers_are_read_as_spreadsheets_write_them(text, number):
    assert parse_number(text) == Decimal(number)


@pytest.mark.parametrize("text", ["", "schwer", "1e3", "1,2,3", "1.2.3", ",", "5 kg"])
def test_text_that_is_no_number_is_none(text):
    assert parse_number(text) is None
