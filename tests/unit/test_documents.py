"""Labels, packing slips, customs declarations and manifests, read back as a person
or a scanner would: page sizes, text, and the codes decoded from rendered pages."""

import ast
import base64
import csv
import io
import re
from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pypdfium2 as pdfium
import pytest
import zxingcpp
from flask import Flask
from flask_babel import Babel, force_locale, gettext
from PIL import Image

from fulfil.documents import customs, labels
from fulfil.documents.customs import customs_declaration_pdf, needs_customs
from fulfil.documents.labels import face, label_pdf, label_zpl
from fulfil.documents.manifest import CSV_HEADER, manifest_csv, manifest_pdf
from fulfil.documents.model import (
    Address,
    Line,
    Manifest,
    ManifestEntry,
    Parcel,
    Slip,
)
from fulfil.documents.slips import packing_slip_pdf, paginate
from fulfil.labels import badges_pdf, location_labels_pdf
from fulfil.models import Location, LocationKind
from tests.node import run_node
from tests.untranslated import untranslated

MM = 72 / 25.4
WAREHOUSE = Address(
    "Fulfil Demo GmbH", "Hafenlogistikweg 7", "", "21129", "Hamburg", "DE"
)
ZURICH = Address("Jürg Müller", "Bahnhofstrasse 12", "", "8001", "Zürich", "CH")
LODZ = Address(
    "Małgorzata Wiśniewska", "ul. Piotrkowska 104/12", "", "90-006", "Łódź", "PL"
)
LINES = (
    Line(
        "20724", "RED RETROSPOT CHARLOTTE BAG", 10, Decimal("0.85"), "420292", "CN", 40
    ),
    Line("21232", "STRAWBERRY CERAMIC TRINKET BOX", 2, Decimal("1.25"), "691200", "CN"),
    Line("85014B", "RED RETROSPOT UMBRELLA", 1, Decimal("5.95"), weight_g=350),
)
PARCEL = Parcel(
    order_ref="UK-552319",
    number=1,
    count=2,
    ship_from=WAREHOUSE,
    ship_to=ZURICH,
    carrier="DHL",
    service="Paket International",
    tracking_number="00340434161094042557",
    tracking_url="https://fulfil.example/track/00340434161094042557",
    weight_g=2350,
    box="M-30",
    lines=LINES,
    shipped_on=date(2026, 11, 26),
)
SLIP = Slip(
    order_ref="UK-552319",
    placed_at=datetime(2026, 11, 25, 14, 3),
    ship_to=ZURICH,
    ship_from=WAREHOUSE,
    shop_name="Retrospot Homewares",
    lines=LINES,
    order_url="https://shop.example/orders/UK-552319",
)


# -- reading documents back -----------------------------------------------------------


def page_sizes_mm(pdf: bytes) -> list[tuple[float, float]]:
    document = pdfium.PdfDocument(pdf)
    sizes = [
        tuple(round(side / MM, 1) for side in page.get_size()) for page in document
    ]
    document.close()
    return sizes


def text_of(pdf: bytes) -> str:
    document = pdfium.PdfDocument(pdf)
    text = "\n".join(page.get_textpage().get_text_range() for page in document)
    document.close()
    return text


def codes_on(pdf: bytes, page: int = 0) -> dict[str, str]:
    """What a scanner reads on a page printed at about 200 dpi, by symbology."""
    document = pdfium.PdfDocument(pdf)
    image = document[page].render(scale=200 / 72).to_pil()
    document.close()
    return {code.format.name: code.text for code in zxingcpp.read_barcodes(image)}


def text_off_the_page(pdf: bytes) -> list[str]:
    """Characters drawn partly outside their page."""
    document = pdfium.PdfDocument(pdf)
    outside = []
    for page in document:
        width, height = page.get_size()
        text = page.get_textpage()
        for index in range(text.count_chars()):
            left, bottom, right, top = text.get_charbox(index)
            if left < 0 or bottom < 0 or right > width or top > height:
                outside.append(text.get_text_range(index, 1))
    document.close()
    return outside


# -- the shipping label ---------------------------------------------------------------


def test_the_label_is_a_single_4_by_6_inch_page():
    assert page_sizes_mm(label_pdf(PARCEL)) == [(101.6, 152.4)]


def test_the_label_qr_code_opens_the_tracking_page():
    assert codes_on(label_pdf(PARCEL))["QRCode"] == PARCEL.tracking_url


def test_the_label_barcode_scans_as_the_tracking_number():
    assert codes_on(label_pdf(PARCEL))["Code128"] == PARCEL.tracking_number


def test_the_label_shows_addresses_carrier_order_weight_and_parcel_count():
    text = text_of(label_pdf(PARCEL))

    for expected in ("Jürg Müller", "8001 Zürich", "SWITZERLAND", "Fulfil Demo GmbH"):
        assert expected in text
    assert "DHL Paket International" in text
    assert "1/2" in text
    assert "UK-552319" in text
    assert "2.35 kg" in text
    assert "0034 0434 1610 9404 2557" in text


def test_a_pickup_point_and_an_appointment_stand_out_on_the_label():
    parcel = replace(
        PARCEL,
        pickup_point_id="PS-4711",
        appointment=(datetime(2026, 11, 27, 8), datetime(2026, 11, 27, 12)),
    )

    text = text_of(label_pdf(parcel))

    assert "PICKUP POINT PS-4711" in text
    assert "APPOINTMENT 27 NOV 2026, 08:00–12:00" in text


def test_a_domestic_label_leaves_the_country_out():
    hamburg = Address("Erika Mustermann", "Heidestraße 17", "", "51147", "Köln", "DE")

    text = text_of(label_pdf(replace(PARCEL, ship_to=hamburg)))

    assert "51147 Köln" in text
    assert text.count("GERMANY") == 1  # the sender's


def test_long_names_are_shortened_and_nothing_runs_off_the_label():
    long_name = "Aktiengesellschaft für Lagerlogistik und Versandhandel " * 4
    parcel = replace(
        PARCEL,
        ship_to=replace(ZURICH, name=long_name, line2="c/o " + long_name),
        service="Paket International Premium Express Plus",
        order_ref="ORDER-" + "9" * 40,
    )

    pdf = label_pdf(parcel)

    assert "…" in text_of(pdf)
    assert text_off_the_page(pdf) == []


def test_a_polish_address_prints_its_own_letters():
    text = text_of(label_pdf(replace(PARCEL, ship_to=LODZ)))

    expected = "90-006 Łódź" if labels.UNICODE_FONTS else "90-006 Lódz"
    assert expected in text


def test_without_a_unicode_font_letters_lose_their_accents_not_their_place(
    monkeypatch,
):
    monkeypatch.setattr(labels, "UNICODE_FONTS", {})

    assert face("Łódź, Brno-Žabovřesky", bold=True) == (
        "Helvetica-Bold",
        "Lódz, Brno-Žabovresky",  # ó and Ž are in the base font, Ł ź ř are not
    )
    assert face("Zürich") == ("Helvetica", "Zürich")


# -- the label as ZPL -----------------------------------------------------------------


def test_the_zpl_label_is_one_utf8_label_of_4_by_6_inches():
    zpl = label_zpl(PARCEL)

    assert zpl.startswith("^XA\n^CI28\n^PW812\n^LL1218\n")
    assert zpl.endswith("^XZ")
    for x, y in re.findall(r"\^FO(\d+),(\d+)", zpl):
        assert 0 <= int(x) < 812 and 0 <= int(y) < 1218


def test_the_zpl_barcode_is_code_128_of_the_tracking_number():
    barcode = re.search(r"\^BC[^\^]*\^FH\\\^FD([^\^]*)\^FS", label_zpl(PARCEL))

    assert barcode and barcode.group(1) == PARCEL.tracking_number


def test_the_zpl_qr_code_holds_the_tracking_url():
    qr = re.search(r"\^BQN,2,\d+\^FH\\\^FD(..),([^\^]*)\^FS", label_zpl(PARCEL))

    assert qr and qr.group(2) == PARCEL.tracking_url


def test_carets_and_tildes_in_an_address_cannot_end_or_command_the_label():
    parcel = replace(PARCEL, ship_to=replace(ZURICH, name="Evil^XZ~JA Corp\\"))

    zpl = label_zpl(parcel)

    assert zpl.count("^XZ") == 1 and zpl.endswith("^XZ")
    assert "~" not in zpl
    assert "^FDEvil\\5EXZ\\7EJA Corp\\5C^FS" in zpl


def test_the_zpl_label_keeps_non_ascii_text_as_utf8():
    zpl = label_zpl(replace(PARCEL, ship_to=LODZ))

    assert "^FD90-006 Łódź^FS" in zpl
    assert "^FDMałgorzata Wiśniewska^FS" in zpl


# -- the ZPL label as a printer draws it ----------------------------------------------
# zpl-renderer-js (an npm dev dependency) runs Zebrash, a ZPL renderer that follows
# Zebra printers' quirks, offline; scripts/setup --dev installs it.

RENDERER = """
const { ready } = require("zpl-renderer-js");
const [labels, inches] = JSON.parse(require("fs").readFileSync(0, "utf8"));
ready.then(async ({ api }) => {
  const pictures = [];
  for (const zpl of labels) {
    pictures.push(await api.zplToBase64Async(zpl, 101.6, inches * 25.4, 8));
  }
  console.log(JSON.stringify(pictures));
});
"""
LONG_PARCEL = replace(
    PARCEL,
    carrier="Österreichische Post",
    service="Premium International Express Plus",
    number=12,
    count=12,
    ship_from=Address(
        "Fulfil Demo Großhandelsgesellschaft mit beschränkter Haftung",
        "Hafenlogistikweg 7-11, Halle 3, Rampe 14-16",
        "",
        "21129",
        "Hamburg-Finkenwerder",
        "DE",
    ),
    ship_to=Address(
        "Maximilian Alexander Freiherr von Hohenzollern-Sigmaringen",
        "Wilhelmstraße 144-146, Hinterhaus, 4. Obergeschoss links",
        "c/o Internationale Handelsgesellschaft Szczebrzeszyn",
        "22-460",
        "Szczebrzeszyn-Wielkopolski",
        "PL",
    ),
    tracking_number="JJD000390007123456789012345678901234567890AB",
    tracking_url="https://fulfil.example/track/" + "x7Kp2QvL9sRt4WmZ8nBy3HcJ6dFg5" * 4,
    order_ref="SO/2026/0001-EXPRESS-REPLACEMENT-ORDER",
    box="XXL-LONG-BOX-NAME-1200x800",
    pickup_point_id="DHL-PACKSTATION-4711-HAMBURG-ALTONA-BAHRENFELD-NORD",
    appointment=(datetime(2026, 12, 6, 14, 0), datetime(2026, 12, 7, 18, 30)),
)
TEXT_FIELD = re.compile(
    r"\^FO(\d+),(\d+)\^FB(\d+),1,0,[LCR]\^A0N,(\d+),\d+(\^FR)?\^FH\\\^FD[^\^]*\^FS"
)


def printed(*labels: str, inches: float = 8) -> list[Image.Image]:
    """Each ZPL label as a 203 dpi printer would print it on 4 inches wide paper;
    on 8 inches, whatever a 6 inch label draws below its end shows."""
    pictures = run_node(RENDERER, data=[labels, inches])
    return [
        Image.open(io.BytesIO(base64.b64decode(png))).convert("L") for png in pictures
    ]


def ink(picture: Image.Image) -> tuple[int, int, int, int] | None:
    """The box around every dark dot: left, top, right, bottom (exclusive)."""
    return picture.point(lambda value: 255 if value < 128 else 0).getbbox()


@pytest.mark.parametrize("parcel", [PARCEL, LONG_PARCEL], ids=["usual", "long"])
def test_the_printed_zpl_label_stays_on_4_by_6_inches_and_scans(parcel):
    (picture,) = printed(label_zpl(parcel))

    codes = {code.format.name: code for code in zxingcpp.read_barcodes(picture)}
    assert codes["QRCode"].text == parcel.tracking_url
    assert codes["Code128"].text == parcel.tracking_number
    _, _, right, bottom = ink(picture)
    assert right <= 812 and bottom <= 1218
    qr = codes["QRCode"].position
    assert max(qr.bottom_left.y, qr.bottom_right.y) < 1218 - 24  # above the margin


def test_every_text_of_the_zpl_label_prints_inside_its_box():
    zpl = label_zpl(LONG_PARCEL)
    fields = list(TEXT_FIELD.finditer(zpl))
    assert len(fields) == zpl.count("^A0N")  # every text is in a field block

    # Each text alone, black on white and moved up to y = 40, so its own dots can
    # be measured on a short strip of paper.
    alone = [
        f"^XA^CI28^PW812^LL200{field[0].replace('^FR', '')}^XZ".replace(
            f"^FO{field[1]},{field[2]}", f"^FO{field[1]},40"
        )
        for field in fields
    ]
    outside = []
    for field, picture in zip(fields, printed(*alone, inches=1), strict=True):
        x, room, height = int(field[1]), int(field[3]), int(field[4])
        left, top, right, bottom = ink(picture)
        # accents may rise a little above the line; a second line would sit below
        if (
            left < x
            or right > x + room
            or top < 40 - height // 4
            or bottom > 40 + height
        ):
            outside.append(field[0])
    assert not outside


# -- the packing slip -----------------------------------------------------------------


def test_the_slip_qr_code_opens_the_order():
    assert codes_on(packing_slip_pdf(SLIP))["QRCode"] == SLIP.order_url


def test_the_slip_lists_sku_name_and_quantity_of_every_line():
    text = text_of(packing_slip_pdf(SLIP))

    for line in LINES:
        assert line.sku in text and line.name in text
    assert "Items in total: 13" in text
    assert "SHIP TO" in text and "Jürg Müller" in text


def test_the_slip_is_a4_or_a5():
    assert page_sizes_mm(packing_slip_pdf(SLIP)) == [(210.0, 297.0)]
    assert page_sizes_mm(packing_slip_pdf(SLIP, size="A5")) == [(148.0, 210.0)]
    with pytest.raises(ValueError):
        packing_slip_pdf(SLIP, size="Letter")


def test_many_lines_flow_onto_further_pages_with_nothing_lost():
    lines = tuple(
        Line(f"SKU-{n:03d}", f"Item number {n}", 1, Decimal("1.00")) for n in range(90)
    )

    pdf = packing_slip_pdf(replace(SLIP, lines=lines), size="A5")

    text = text_of(pdf)
    pages = len(page_sizes_mm(pdf))
    assert pages > 2
    assert all(f"SKU-{n:03d}" in text for n in range(90))
    assert f"Page {pages} of {pages}" in text
    assert "Items in total: 90" in text


def test_long_item_names_wrap_and_stay_on_the_page():
    name = "WHITE HANGING HEART T-LIGHT HOLDER IN A GIFT BOX WITH RIBBON " * 5
    lines = (Line("85123A", name, 3, Decimal("2.55")),)

    pdf = packing_slip_pdf(replace(SLIP, lines=lines), size="A5")

    assert "WHITE HANGING HEART" in text_of(pdf)
    assert text_off_the_page(pdf) == []


def test_the_slip_speaks_the_language_of_the_person_printing(german):
    text = text_of(packing_slip_pdf(SLIP))

    assert "Lieferschein" in text
    assert "Bestelldatum: 25.11.2026" in text
    assert "LIEFERADRESSE" in text and "ABSENDER" in text
    assert "Seite 1 von 1" in text
    assert untranslated(text) == []


def test_english_dates_are_british():
    assert "Order date: 25 Nov 2026" in text_of(packing_slip_pdf(SLIP))


def test_paginate_keeps_room_for_the_end_and_never_leaves_it_alone():
    assert paginate([10] * 5, 100, 100, 20) == [range(0, 5)]
    assert paginate([10] * 10, 45, 100, 0) == [range(0, 4), range(4, 10)]
    # the end does not fit under the last row: that row moves on with it
    assert paginate([10] * 9, 100, 100, 20) == [range(0, 8), range(8, 9)]
    assert paginate([], 100, 100, 20) == [range(0, 0)]


# -- customs --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("origin", "destination", "needed"),
    [
        ("DE", "CH", True),
        ("DE", "GB", True),
        ("DE", "NO", True),
        ("DE", "US", True),
        ("DE", "FR", False),
        ("DE", "AT", False),
        ("de", "fr", False),
        ("DE", "DE", False),
        ("DE", "MC", False),  # Monaco is in the EU customs territory
        ("FR", "RE", True),  # Réunion is outside the EU VAT area
        ("GB", "DE", True),
        ("CH", "CH", False),
    ],
)
def test_customs_is_needed_outside_the_eu_customs_territory(
    origin, destination, needed
):
    assert needs_customs(origin, destination) is needed


def test_the_declaration_lists_contents_with_tariff_numbers_origin_and_totals():
    text = text_of(customs_declaration_pdf(PARCEL))

    assert "CN 23" in text
    assert "RED RETROSPOT CHARLOTTE BAG" in text
    assert "420292" in text and "China (CN)" in text
    assert "8.50" in text  # 10 x 0.85
    assert "0.400" in text  # 10 x 40 g net
    assert "Total value / Valeur totale: 16.95 EUR" in text
    assert "Total gross weight / Poids brut total: 2.350 kg" in text
    assert "Sale of goods / Vente de marchandises" in text
    assert "Sender's signature / Signature de l'expéditeur" in text
    assert "26 Nov 2026" in text


def test_lines_without_a_tariff_number_or_origin_are_printed_and_marked():
    text = text_of(customs_declaration_pdf(PARCEL))

    assert "RED RETROSPOT UMBRELLA" in text
    assert text.count("MISSING") >= 3  # two cells, and the note
    assert "1 line lacks an HS tariff number" in text


# -- the manifest ---------------------------------------------------------------------


def manifest(entries: int) -> Manifest:
    return Manifest(
        carrier="DHL",
        number="M-2026-11-26-01",
        created_at=datetime(2026, 11, 26, 17, 5),
        ship_from=WAREHOUSE,
        entries=tuple(
            ManifestEntry(
                tracking_number=f"0034043416109404{n:04d}",
                order_ref=f"UK-{n}",
                ship_to=LODZ if n % 2 else ZURICH,
                weight_g=1000 + n,
                parcels=2 if n == 0 else 1,
            )
            for n in range(entries)
        ),
    )


def test_the_manifest_csv_has_a_header_and_exactly_one_row_per_entry():
    rows = list(csv.reader(io.StringIO(manifest_csv(manifest(3)))))

    assert rows == [
        CSV_HEADER,
        [
            "00340434161094040000",
            "UK-0",
            "Jürg Müller",
            "8001",
            "Zürich",
            "CH",
            "2",
            "1.000",
        ],
        [
            "00340434161094040001",
            "UK-1",
            "Małgorzata Wiśniewska",
            "90-006",
            "Łódź",
            "PL",
            "1",
            "1.001",
        ],
        [
            "00340434161094040002",
            "UK-2",
            "Jürg Müller",
            "8001",
            "Zürich",
            "CH",
            "1",
            "1.002",
        ],
    ]
    assert CSV_HEADER == [
        "tracking_number",
        "order_ref",
        "recipient",
        "postal_code",
        "city",
        "country",
        "parcels",
        "weight_kg",
    ]


def test_the_manifest_pdf_lists_every_parcel_with_totals_and_the_driver_signs():
    pdf = manifest_pdf(manifest(70))

    text = text_of(pdf)
    pages = len(page_sizes_mm(pdf))
    assert pages > 1 and f"page {pages} of {pages}" in text
    assert all(f"0034043416109404{n:04d}" in text for n in range(70))
    assert "Handed over: 71 parcels, 72.415 kg in total." in text
    assert "Driver: signature" in text
    assert text_off_the_page(pdf) == []


def test_the_manifest_number_is_a_barcode_for_the_driver_to_scan():
    assert codes_on(manifest_pdf(manifest(1)))["Code128"] == "M-2026-11-26-01"


# -- in the language of the person printing -------------------------------------------


@pytest.fixture
def german():
    """Printing as a German user: the request's locale, here forced."""
    app = Flask("fulfil")  # its translations are fulfil/translations
    Babel(app)
    with app.app_context(), force_locale("de"):
        yield


def official_headings() -> list[tuple[str, str]]:
    """The CN 23's headings, (English, French), as customs.py gives them: in calls
    official(N_("English"), "French") and in (N_("English"), "French") pairs."""
    tree = ast.parse(Path(customs.__file__).read_text())
    pairs = [
        node.args if isinstance(node, ast.Call) else node.elts
        for node in ast.walk(tree)
        if (isinstance(node, ast.Call) and getattr(node.func, "id", "") == "official")
        or (isinstance(node, ast.Tuple) and len(node.elts) == 2)
    ]
    return [
        (english.args[0].value, french.value)
        for english, french, *_ in pairs
        if isinstance(english, ast.Call)
        and getattr(english.func, "id", "") == "N_"
        and isinstance(french, ast.Constant)
    ]


def test_the_label_in_german_has_no_english_left(german):
    parcel = replace(
        PARCEL,
        pickup_point_id="PS-4711",
        appointment=(datetime(2026, 11, 27, 8), datetime(2026, 11, 27, 12)),
    )

    text = text_of(label_pdf(parcel))

    assert "ABSENDER" in text and "EMPFÄNGER" in text
    assert "ABHOLSTATION PS-4711" in text
    assert "TERMIN 27.11.2026, 08:00–12:00" in text
    assert "1 von 2" in text and "2,35 kg" in text and "26.11.2026" in text
    assert untranslated(text) == []
    assert "ABSENDER" in label_zpl(parcel) and "EMPFÄNGER" in label_zpl(parcel)


def test_the_manifest_in_german_has_no_english_left(german):
    text = text_of(manifest_pdf(manifest(70)))

    assert "Übergabeliste DHL" in text
    assert "Übergeben: 71 Pakete, insgesamt 72,415 kg." in text
    assert "Fahrer: Unterschrift" in text
    assert "Erstellt 26.11.2026, 17:05" in text
    assert untranslated(text) == []


def test_the_cn23_keeps_english_and_french_and_adds_german(german):
    text = " ".join(text_of(customs_declaration_pdf(PARCEL)).split())

    assert "CUSTOMS DECLARATION / DÉCLARATION EN DOUANE / ZOLLINHALTSERKLÄRUNG" in text
    assert "Sale of goods / Vente de marchandises / Verkauf von Waren" in text
    assert "Total value / Valeur totale / Gesamtwert: 16,95 EUR" in text
    headings = official_headings()
    assert len(headings) > 20
    for english, _french in headings:
        german_heading = gettext(english, currency="EUR")
        assert german_heading != english or english == "Documents", english
        for words in (english % {"currency": "EUR"}, german_heading):
            for word in words.split():  # table heads wrap word by word
                assert word.lower() in text.lower(), (english, word)
    rest = text  # what is left once the official English and French are taken out
    for said in sorted({said for pair in headings for said in pair}, key=len)[::-1]:
        said = re.escape(said % {"currency": "EUR"})
        rest = re.sub(said, "", rest, flags=re.IGNORECASE)
    assert "1 Zeile ohne Zolltarifnummer" in rest and "FEHLT" in rest
    assert untranslated(rest) == []


def test_bin_labels_and_badges_in_german_have_no_english_left(german):
    bin_ = Location(code="A-01-02-B", kind=LocationKind.PICK_FACE, zone="A")
    bin_.aisle, bin_.bay, bin_.level = "01", "02", "B"

    labels_text = text_of(location_labels_pdf([bin_]).getvalue())
    badge_text = text_of(badges_pdf([("anna", ["picker", "packer"], "t0k3n")]).read())

    assert "Gang 01 · Regal 02 · Ebene B · Kommissionierplatz" in labels_text
    assert "Kommissionierer" in badge_text and "Zum Anmelden scannen." in badge_text
    assert untranslated(labels_text + badge_text) == []
