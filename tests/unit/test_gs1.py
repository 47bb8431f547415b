from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fulfil.domain.barcodes import gtin_check_digit
from fulfil.domain.gs1 import AI_SPECS, GS, parse, product_codes, same_product

GTIN = "04006381333931"  # EAN-13 4006381333931 as a GTIN-14
SSCC = "000123456000012343"
GLN = "1234567890128"
TODAY = date(2025, 6, 15)


def test_a_gs1_128_scan_yields_gtin_expiry_lot_and_serial():
    code = f"]C101{GTIN}17261231" + f"10ABC123{GS}21SN-0001"

    scan = parse(code)

    assert scan is not None
    assert scan.gtin == GTIN
    assert scan.expiry == date(2026, 12, 31)
    assert scan.lot == "ABC123"
    assert scan.serial == "SN-0001"
    assert scan.best_before is None and scan.quantity is None
    assert scan.raw == code


def test_a_datamatrix_scan_with_leading_fnc1_and_day_00_expiry():
    code = f"]d2{GS}010950110153000317270500" + f"10A1B2C3{GS}2112345678901234\r\n"

    scan = parse(code)

    assert scan is not None
    assert scan.gtin == "09501101530003"
    assert scan.expiry == date(2027, 5, 31)
    assert scan.lot == "A1B2C3"
    assert scan.serial == "12345678901234"


def test_the_parenthesised_form_is_read():
    scan = parse(f"(01){GTIN}(17)261231(10)ABC123")

    assert scan is not None
    assert (scan.gtin, scan.expiry, scan.lot) == (GTIN, date(2026, 12, 31), "ABC123")


def test_the_parenthesised_form_may_start_with_any_ai_and_hold_spaces():
    scan = parse(f"(10) LOT(7) (15) 260200 (01) {GTIN}")

    assert scan is not None
    assert (scan.lot, scan.best_before, scan.gtin) == (
        "LOT(7)",
        date(2026, 2, 28),
        GTIN,
    )


@pytest.mark.parametrize(
    ("yymmdd", "expected"),
    [
        ("280200", date(2028, 2, 29)),
        ("270200", date(2027, 2, 28)),
        ("261200", date(2026, 12, 31)),
    ],
)
def test_day_00_means_the_last_day_of_the_month(yymmdd, expected):
    scan = parse(f"01{GTIN}17{yymmdd}")

    assert scan is not None
    assert scan.expiry == expected


@pytest.mark.parametrize(
    ("today", "yymmdd", "expected"),
    [
        (date(2025, 1, 1), "751231", date(2075, 12, 31)),  # 50 years ahead
        (date(2025, 1, 1), "761231", date(1976, 12, 31)),  # 51 ahead: last century
        (date(2090, 1, 1), "410101", date(2041, 1, 1)),  # 49 years back
        (date(2090, 1, 1), "400101", date(2140, 1, 1)),  # 50 back: next century
    ],
)
def test_two_digit_years_fall_from_49_years_back_to_50_ahead(today, yymmdd, expected):
    scan = parse(f"01{GTIN}17{yymmdd}", today=today)

    assert scan is not None
    assert scan.expiry == expected


def test_a_logistic_unit_label_yields_its_contents_and_count():
    code = f"]C100{SSCC}02{GTIN}37" + f"24{GS}10LOT1{GS}"

    scan = parse(code)

    assert scan is not None
    assert (scan.gtin, scan.quantity, scan.lot) == (GTIN, 24, "LOT1")


def test_fields_we_do_not_keep_are_skipped_to_the_next_one():
    code = f"]C101{GTIN}{GS}410{GLN}240ART-7{GS}400PO-1{GS}3103001250" + "30" + "5"

    scan = parse(code)

    assert scan is not None
    assert (scan.gtin, scan.quantity) == (GTIN, 5)


def test_fnc1_spelled_out_as_text_separates_fields():
    scan = parse(f"]C101{GTIN}10ABC<GS>21XYZ")

    assert scan is not None
    assert (scan.lot, scan.serial) == ("ABC", "XYZ")


def test_a_missing_separator_runs_a_variable_field_on():
    scan = parse(f"]C101{GTIN}10ABC21XYZ")

    assert scan is not None
    assert (scan.lot, scan.serial) == ("ABC21XYZ", None)


@pytest.mark.parametrize(
    "code",
    [
        "04006381333932",  # a bare GTIN-14 with a wrong check digit
        "0104006381333932",  # AI 01 with a wrong check digit
        "01040063813339A1",  # a letter where a digit belongs
        "(01)04006381333932",
        f"]C101{GTIN}00{SSCC[:-1]}4",  # wrong SSCC check digit
        f"]C101{GTIN}410{GLN[:-1]}9",  # wrong GLN check digit
        f"01{GTIN}17261301",  # month 13
        f"01{GTIN}17270229",  # not a leap year
        f"01{GTIN}1726123",  # expiry cut short
        f"]C101{GTIN}3106001250",  # no AI 3106: a weight has 0-5 decimals
        f"(01){GTIN}(3959)001250",  # nor 3959
        f"(01){GTIN}(999)X",  # AIs starting 99 have two digits
        f"]C101{GTIN}89{'X' * 91}",  # no AI holds more than 90 characters
        f"]C101{GTIN}89AB CD",  # nor a space
        f"]C101{GTIN}3170001",  # a weight is six digits
        f"(01){GTIN}(3170)001",
        f"]C101{GTIN}10{'L' * 21}",  # lot longer than 20
        f"]C101{GTIN}10{GS}21X",  # empty lot
        f"]C101{GTIN}10ABC{GS}10XYZ",  # two different lots
        f"]C101{GTIN}400PO 1",  # a space is no GS1 character
        f"]C101{GTIN}30123456789",  # count longer than 8 digits
        f"]C101{GTIN}30A",
        f"(01){GTIN}junk",
        f"1726123101{GTIN}",  # no identifier and not starting with a GTIN
        f"]E0{GTIN[1:]}",  # an EAN-13 symbol
        "]C1",
        "A-03-07-B",
        "4006381333931",
        "",
    ],
)
def test_what_is_not_a_well_formed_gs1_scan_is_refused(code):
    assert parse(code) is None


def test_the_same_ai_twice_with_the_same_value_is_accepted():
    scan = parse(f"]C101{GTIN}10ABC{GS}01{GTIN}")

    assert scan is not None
    assert scan.gtin == GTIN


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("4006381333931", {"4006381333931", GTIN}),
        (GTIN, {"4006381333931", GTIN}),
        ("036000291452", {"036000291452", "0036000291452", "00036000291452"}),
        (
            "96385074",
            {"96385074", "000096385074", "0000096385074", "00000096385074"},
        ),
        ("10614141000415", {"10614141000415"}),  # indicator 1: a case, 14 digits only
        (f"]C101{GTIN}10ABC", {"4006381333931", GTIN}),
        (f"(01){GTIN}(21)7", {"4006381333931", GTIN}),
        (f"]E0{GTIN[1:]}", {"4006381333931", GTIN}),
        ("4006381333932", {"4006381333932"}),  # wrong check digit: just text
        (" A-03-07-B\n", {"A-03-07-B"}),
        (f"]C100{SSCC}", {f"00{SSCC}"}),  # no GTIN: the data itself
    ],
)
def test_product_codes_lists_every_stored_form(code, expected):
    assert product_codes(code) == expected


@pytest.mark.parametrize(
    ("scanned", "barcode", "expected"),
    [
        (f"]C101{GTIN}17261231" + f"10ABC{GS}", "4006381333931", True),
        ("4006381333931", GTIN, True),
        ("036000291452", "0036000291452", True),
        (f"]C101{GTIN}", "4006381333948", False),
        ("4006381333931", "4006381333948", False),
        ("SKU-85123A", "SKU-85123A", True),
        ("SKU-85123A", "SKU-85123B", False),
        ("", "", False),
    ],
)
def test_same_product_compares_gtins_not_text(scanned, barcode, expected):
    assert same_product(scanned, barcode) is expected


def test_no_known_ai_is_the_start_of_another():
    # Otherwise an element string could be split in two ways.
    assert not [a for a in AI_SPECS for b in AI_SPECS if a != b and b.startswith(a)]


# GS1 character set 82: what a lot or serial may hold.
CSET82 = (
    "!\"%&'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_"
    "abcdefghijklmnopqrstuvwxyz"
)
gtins = st.from_regex(r"[0-9]{13}", fullmatch=True).map(
    lambda body: body + str(gtin_check_digit(body))
)
# A reader that spells FNC1 out leaves no way to tell it from a lot holding "<GS>".
lots = st.text(CSET82, min_size=1, max_size=20).filter(lambda s: "<GS>" not in s)


@st.composite
def scans(draw):
    """Values for a label, the day it is read, and its element string in any order."""
    today = draw(st.dates(date(2000, 1, 1), date(2098, 12, 31)))
    # The window of two-digit years: 49 years back to 50 ahead.
    dates = st.dates(date(today.year - 49, 1, 1), date(today.year + 50, 12, 31))
    values = {
        "gtin": draw(gtins),
        "lot": draw(st.none() | lots),
        "expiry": draw(st.none() | dates),
        "best_before": draw(st.none() | dates),
        "serial": draw(st.none() | lots),
        "quantity": draw(st.none() | st.integers(0, 99_999_999)),
    }
    fixed = {"gtin": "01", "expiry": "17", "best_before": "15"}
    variable = {"lot": "10", "serial": "21", "quantity": "30"}
    elements = []
    for name, ai in fixed.items():
        value = values[name]
        if value is not None:
            text = value.strftime("%y%m%d") if isinstance(value, date) else value
            separator = draw(st.sampled_from(["", GS]))  # tolerated after fixed ones
            elements.append(f"{ai}{text}{separator}")
    for name, ai in variable.items():
        if values[name] is not None:
            elements.append(f"{ai}{values[name]}{draw(st.sampled_from([GS, '<GS>']))}")
    elements = draw(st.permutations(elements))
    identifiers = ["]C1", "]d2", "]Q3", "]e0"]
    if elements[0].startswith("01"):
        identifiers.append("")
    code = draw(st.sampled_from(identifiers)) + "".join(elements)
    if draw(st.booleans()):
        code = code.removesuffix(GS).removesuffix("<GS>")  # end of data ends it too
    return values, today, code


@given(scans())
def test_an_element_string_in_any_order_reads_back_its_values(label):
    values, today, code = label

    scan = parse(code, today=today)

    assert scan is not None, repr(code)
    assert {name: getattr(scan, name) for name in values} == values
    assert scan.raw == code


# -- peers' vectors -------------------------------------------------------------------
# From the unit tests of GS1's own reader, the GS1 Barcode Syntax Engine
# (gs1/gs1-syntax-engine: src/c-lib/scandata.c, src/c-lib/dl.c): what it reads, with
# the element string it reads it as ("^" for FNC1), and what it refuses.


def fields(scan):
    return None if scan is None else {**vars(scan), "raw": None}


def element_string(engine_output: str) -> str:
    return "]C1" + engine_output.removeprefix("^").replace("^", GS)


@pytest.mark.parametrize(
    "code",
    [
        f"01{GTIN}{ai}{decimals}001250"
        for ai in (
            *range(310, 317),
            *range(320, 338),
            *range(340, 358),
            *range(360, 370),
        )
        for decimals in range(6, 10)
    ]
    + [f"(01){GTIN}(394{n})0299" for n in range(4, 10)]
    + [f"(01){GTIN}(395{n})001250" for n in range(6, 10)],
)
def test_ais_that_cannot_exist_are_refused(code):
    # The last digit of 31nn-36nn is the decimal point's position in six digits.
    assert parse(code) is None


@pytest.mark.parametrize("ai", [ai for ai in AI_SPECS if ai[:2] in "31 32 33 34 35 36"])
def test_every_measure_the_standard_defines_is_read_past(ai):
    scan = parse(f"01{GTIN}{ai}00125010LOT")

    assert scan is not None
    assert (scan.gtin, scan.lot) == (GTIN, "LOT")


@pytest.mark.parametrize(
    ("code", "gtin", "lot"),
    [
        # The Syntax Engine's scan data vectors: (99), (235) and (11) around a lot
        ("]Q3011231231231233310ABC123" + GS + "99TESTING", "12312312312333", "ABC123"),
        ("]e0011231231231233310ABC123" + GS + "1199122598TESTING" + GS + "97XYZ",
         "12312312312333", "ABC123"),
        ("]C10112312312312333235XYZ" + GS + "10ABC", "12312312312333", "ABC"),
        # AIs our old table lacked: date and time of expiry, country of origin, price
        (f"(01){GTIN}(7003)2612311200(422)276(3922)0299(10)L7", GTIN, "L7"),
        # AIs no release defines yet but could: skipped to their end
        (f"]C101{GTIN}89ACME-7{GS}10L8", GTIN, "L8"),  # runs to FNC1
        (f"]C101{GTIN}317000125010L9", GTIN, "L9"),  # a weight: six digits
        (f"]C101{GTIN}04{'0' * 16}10L1", GTIN, "L1"),  # prefix 04: 16 digits
        (f"(01){GTIN}(89)ACME(10)L2", GTIN, "L2"),
        (f"]C101{GTIN}0612", GTIN, None),
    ],
)  # fmt: skip
def test_an_ai_outside_our_table_leaves_the_gtin_and_lot_readable(code, gtin, lot):
    scan = parse(code)

    assert scan is not None
    assert (scan.gtin, scan.lot) == (gtin, lot)


# -- GS1 Digital Link -----------------------------------------------------------------


def test_a_digital_link_reads_as_its_element_string():
    link = f"https://id.gs1.org/01/{GTIN}/10/LOT%2F7/21/S-1?17=261231&3103=000195"

    scan = parse(link, today=TODAY)

    assert scan is not None and scan.raw == link
    assert fields(scan) == fields(
        parse(f"]C101{GTIN}10LOT/7{GS}21S-1{GS}172612313103000195", today=TODAY)
    )
    assert (scan.gtin, scan.lot, scan.serial) == (GTIN, "LOT/7", "S-1")
    assert scan.expiry == date(2026, 12, 31)


@pytest.mark.parametrize(
    ("link", "engine_output"),
    [
        ("http://a/00/006141411234567890", "^00006141411234567890"),
        ("HTTPS://a/00/006141411234567890", "^00006141411234567890"),
        ("https://a/01/12312312312333", "^0112312312312333"),
        ("https://xn--fsq.xn--0zwm56d/01/12312312312333", "^0112312312312333"),
        ("https://a:65535/01/12312312312333", "^0112312312312333"),
        ("https://[2001:db8::1]/01/12312312312333", "^0112312312312333"),
        ("https://a/00/faux/00/006141411234567890", "^00006141411234567890"),
        ("https://a/01/12312312312333/22/TEST/10/ABC/21/XYZ",
         "^011231231231233322TEST^10ABC^21XYZ"),
        ("https://a/01/12312312312333/235/TEST", "^0112312312312333235TEST"),
        ("https://a/stem/00/006141411234567890?", "^00006141411234567890"),
        ("https://a/01/12312312312333?&&&99=ABC&&&&&&98=XYZ&&&",
         "^011231231231233399ABC^98XYZ"),
        ("https://a/01/12312312312333?singleton1&unknown1=555&99=ABC&98=XYZ",
         "^011231231231233399ABC^98XYZ"),
        ("https://a/01/12312312312333/22/ABC%2d123?99=ABC&98=XYZ%2f987",
         "^011231231231233322ABC-123^99ABC^98XYZ/987"),
        ("https://a/01/12312312312333/22/ABC+123?99=ABC",
         "^011231231231233322ABC+123^99ABC"),
        ("https://a/01/12312312312333/22/test/10/abc/21/xyz#fragment",
         "^011231231231233322test^10abc^21xyz"),
        ("https://id.gs1.org/01/09520123456788/10/ABC1/21/12345?17=180426",
         "^010952012345678810ABC1^2112345^17180426"),
        ("https://example.com/01/9520123456788?3103=000195&3922=0299&17=201225",
         "^0109520123456788310300019539220299^17201225"),
        ("https://id.gs1.org/00/952012345678912345?02=09520123456788&37=25&10=ABC123",
         "^0095201234567891234502095201234567883725^10ABC123"),
        ("https://id.gs1.org/01/09520123456788/235/XYZ?10=ABC123",
         "^0109520123456788235XYZ^10ABC123"),
        ("https://a/gtin/12312312312333/ser/ABC123", "^011231231231233321ABC123"),
        ("https://a/01/416000336108", "^0100416000336108"),
        ("https://a/01/02345673", "^0100000002345673"),
    ],
)  # fmt: skip
def test_digital_links_read_as_gs1s_syntax_engine_reads_them(link, engine_output):
    scan = parse(link, today=TODAY)

    assert scan is not None
    assert fields(scan) == fields(parse(element_string(engine_output), today=TODAY))


@pytest.mark.parametrize(
    "link",
    [
        "http://a/b",
        "http://a/",
        "HtTp://a/00/006141411234567890",  # mixed-case scheme
        "https://00/006141411234567890",  # no host
        "https://$a/01/12312312312333",
        "https://[fe80::1%25lo]/01/12312312312333",
        "https://a/01/12312312312333<bad",
        "https://a/01/12312312312333^bad",
        "https://a/cps/12312312312333",  # no such short name
        "https://a/253/1231231231232TEST56789012345678",  # too long
        "https://a/stem/00/006141411234567890/",  # ends in a slash
        "https://a/01//12312312312333",
        "https://a/01/12312312312333?99=",  # empty value
        "https://a/01/12312312312333?99=ABC&999=faux",  # AIs 99... have two digits
        "https://a/01/12312312312333/22/ABC%2d123?99=ABC&98=XYZ+987",  # "+" is a space
        "https://example.com/01/09520123456788?10=ABC123",  # a lot belongs in the path
        "https://id.gs1.org/01/09520123456788/10/ABC123?99=XYZ789&10=ABC123",  # twice
        "https://id.gs1.org/01/09520123456788/10/ABC123?99=XYZ789&99=XYZ789",
        "https://a/01/1231231231233%003",
        "https://a/01/12312312312333/10/",
        "https://a/01/12312312312333/99/ABC",  # not a qualifier of a GTIN
        "https://a/01/12312312312333/10/ABC/22/TEST",  # qualifiers out of order
        "https://a/01/12312312312334",  # wrong check digit
        "https://a/01/12312312312333?3106=001250",  # an AI that cannot exist
        "https://a/01/12312312312333?17=261301",  # month 13
        f"]C1https://a/01/{GTIN}",  # a GS1-128 holds element strings, not links
        f"]E0https://a/01/{GTIN}",
    ],
)
def test_what_is_not_a_digital_link_is_refused(link):
    assert parse(link, today=TODAY) is None


def test_a_digital_link_from_a_qr_code_matches_its_product():
    link = f"]Q1https://shop.example/01/{GTIN}/10/L1?17=270500&linkType=gs1:pip"

    assert same_product(link, "4006381333931")
    assert not same_product(link, "4006381333948")
    assert product_codes(link) == {"4006381333931", GTIN}
    assert product_codes("https://shop.example/p/123") == {"https://shop.example/p/123"}
