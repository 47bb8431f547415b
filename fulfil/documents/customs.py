"""Whether a parcel needs a customs declaration, and the CN 23 to go with it.

The customs territory here is the EU's: the 27 member states plus Monaco, which is
in it through France. Special territories that ISO 3166 codes apart (Åland AX,
Réunion RE, Greenland GL, ...) count as outside: carriers ask for a declaration
there, as they are outside the EU's VAT area. Those without a code of their own
(Canary Islands, Heligoland, Ceuta) cannot be told apart and count as inside.
"""

from decimal import Decimal

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from fulfil.documents.labels import country_name, draw, kg, pdf_bytes, width, wrap
from fulfil.documents.model import Line, Parcel
from fulfil.documents.slips import (
    GUTTER,
    Column,
    Pages,
    draw_address,
    draw_row,
    draw_signature_line,
    draw_table_pages,
)

EU_CUSTOMS_TERRITORY = frozenset(
    "AT BE BG CY CZ DE DK EE ES FI FR GR HR HU IE IT LT LU LV MT NL PL PT RO SE SI SK"
    " MC".split()
)
MARGIN, BODY = 14 * mm, 8.5
MISSING = "MISSING"
CATEGORIES = [
    "Gift",
    "Commercial sample",
    "Documents",
    "Returned goods",
    "Sale of goods",
    "Other",
]


def needs_customs(from_country: str, to_country: str) -> bool:
    """True when the parcel leaves one customs territory for another."""
    origin, destination = from_country.strip().upper(), to_country.strip().upper()
    if origin == destination:
        return False
    return not (origin in EU_CUSTOMS_TERRITORY and destination in EU_CUSTOMS_TERRITORY)


def customs_declaration_pdf(parcel: Parcel) -> bytes:
    """A CN 23-style customs declaration on A4 for a parcel of goods sold. Lines
    without an HS code or a country of origin are printed, marked MISSING."""
    return pdf_bytes(
        A4,
        f"Customs declaration CN 23 {parcel.order_ref} {parcel.tracking_number}",
        lambda canvas: _draw_declaration(canvas, parcel),
    )


def incomplete_lines(parcel: Parcel) -> list[Line]:
    """The lines customs would query: no HS tariff number or no country of origin."""
    return [line for line in parcel.lines if _incomplete(line)]


def _incomplete(line: Line) -> bool:
    return not line.hs_code.strip() or not line.origin_country.strip()


def _columns(currency: str) -> list[Column]:
    room = A4[0] - 2 * MARGIN
    return [
        Column("No.", 9 * mm),
        Column("Detailed description of contents", room - 118 * mm, max_lines=3),
        Column("Quantity", 16 * mm, align="right"),
        Column("Net weight (kg)", 18 * mm, align="right"),
        Column(f"Value ({currency})", 20 * mm, align="right"),
        Column("HS tariff number", 25 * mm),
        Column("Country of origin", 30 * mm + GUTTER),
    ]


def _draw_declaration(canvas: Canvas, parcel: Parcel) -> None:
    room = A4[0] - 2 * MARGIN
    columns = _columns(parcel.currency)
    rows = [_row(number, line) for number, line in enumerate(parcel.lines, start=1)]

    def draw_head(canvas: Canvas, page: int) -> None:
        if page == 1:
            _draw_first_head(canvas, parcel)
        else:
            draw(
                canvas,
                MARGIN,
                A4[1] - MARGIN - BODY * 1.3,
                f"CN 23 (continued) · {parcel.order_ref} · {parcel.tracking_number}",
                BODY * 1.3,
                bold=True,
                room=room,
            )

    pages = Pages(
        size=A4,
        margin=MARGIN,
        heads=(66 * mm, 3 * BODY),
        draw_head=draw_head,
        end_height=78 * mm,
        draw_end=lambda canvas, top: _draw_end(canvas, parcel, top),
        footer=lambda page, pages: (
            f"CN 23 · {parcel.order_ref} · page {page} of {pages}"
        ),
    )
    draw_table_pages(canvas, pages, columns, rows, BODY)


def _row(number: int, line: Line) -> tuple[str, ...]:
    flag = " !" if _incomplete(line) else ""
    origin = line.origin_country.strip().upper()
    return (
        f"{number}{flag}",
        line.name,
        str(line.qty),
        kg(line.weight_g * line.qty),
        f"{line.unit_price * line.qty:.2f}",
        line.hs_code.strip() or MISSING,
        f"{country_name(origin)} ({origin})" if origin else MISSING,
    )


def _draw_first_head(canvas: Canvas, parcel: Parcel) -> None:
    """Title, sender and addressee side by side, then the references."""
    page_w, page_h = A4
    top = page_h - MARGIN
    draw(canvas, MARGIN, top - 16, "CUSTOMS DECLARATION", 16, bold=True)
    draw(canvas, page_w - MARGIN, top - 16, "CN 23", 16, bold=True, align="right")
    draw(canvas, MARGIN, top - 28, "May be opened officially", BODY)
    half = (page_w - 2 * MARGIN) / 2
    boxes_top, boxes_h = top - 36, 34 * mm
    canvas.setLineWidth(0.8)
    for x in (MARGIN, MARGIN + half):
        canvas.rect(x, boxes_top - boxes_h, half, boxes_h)
    for x, title, address in (
        (MARGIN, "From (sender)", parcel.ship_from),
        (MARGIN + half, "To (addressee)", parcel.ship_to),
    ):
        draw_address(
            canvas,
            x + 2 * mm,
            boxes_top - 1 * mm,
            title.upper(),
            address,
            BODY * 1.15,
            half - 4 * mm,
        )
    y = boxes_top - boxes_h - 6 * mm
    references = [
        ("Invoice / order", parcel.order_ref),
        ("Tracking number", parcel.tracking_number),
        ("Carrier", f"{parcel.carrier} {parcel.service}"),
        ("Parcel", f"{parcel.number} of {parcel.count}"),
    ]
    quarter = (page_w - 2 * MARGIN) / 4
    for number, (name, value) in enumerate(references):
        x = MARGIN + number * quarter
        draw(canvas, x, y, name, BODY * 0.8)
        draw(canvas, x, y - BODY * 1.3, value, BODY, bold=True, room=quarter - 3 * mm)


def _draw_end(canvas: Canvas, parcel: Parcel, top: float) -> None:
    """Totals, the category, what is missing, and the sender's signature."""
    page_w = A4[0]
    net = sum(line.weight_g * line.qty for line in parcel.lines)
    value = sum((line.unit_price * line.qty for line in parcel.lines), Decimal(0))
    units = sum(line.qty for line in parcel.lines)
    totals = ("", "Total", str(units), kg(net), f"{value:.2f}", "", "")
    top = draw_row(canvas, MARGIN, top, _columns(parcel.currency), totals, BODY, True)
    y = top - BODY * 2
    draw(
        canvas,
        MARGIN,
        y,
        f"Total gross weight: {kg(parcel.weight_g)} kg",
        BODY,
        bold=True,
    )
    draw(
        canvas,
        MARGIN + 70 * mm,
        y,
        f"Total value: {value:.2f} {parcel.currency}",
        BODY,
        bold=True,
    )
    y -= BODY * 2.6
    draw(canvas, MARGIN, y, "Category of item:", BODY)
    x = MARGIN + 28 * mm
    for category in CATEGORIES:
        _draw_checkbox(canvas, x, y, category == "Sale of goods")
        draw(canvas, x + 4.5 * mm, y, category, BODY)
        x += 4.5 * mm + width(category, BODY) + 5 * mm
    y -= BODY * 2.4
    incomplete = incomplete_lines(parcel)
    if incomplete:
        note = (
            f"! {len(incomplete)} line(s) lack an HS tariff number or a country of "
            "origin (marked MISSING): complete them before the parcel leaves, or "
            "customs may hold it."
        )
        for line in wrap(note, BODY, page_w - 2 * MARGIN, 2, bold=True):
            draw(canvas, MARGIN, y, line, BODY, bold=True)
            y -= BODY * 1.3
        y -= BODY
    certificate = (
        "I certify that the particulars given in this customs declaration are correct "
        "and that this item does not contain any dangerous article or articles "
        "prohibited by legislation or by postal or customs regulations."
    )
    for line in wrap(certificate, BODY * 0.9, page_w - 2 * MARGIN, 3):
        draw(canvas, MARGIN, y, line, BODY * 0.9)
        y -= BODY * 1.15
    y -= 12 * mm
    shipped = f"{parcel.shipped_on:%Y-%m-%d}" if parcel.shipped_on else ""
    draw_signature_line(canvas, MARGIN, y, 50 * mm, "Date", shipped)
    draw_signature_line(
        canvas, MARGIN + 65 * mm, y, page_w - 2 * MARGIN - 65 * mm, "Sender's signature"
    )


def _draw_checkbox(canvas: Canvas, x: float, y: float, ticked: bool) -> None:
    size = 3 * mm
    canvas.setLineWidth(0.8)
    canvas.rect(x, y - 0.5 * mm, size, size)
    if ticked:
        canvas.line(x, y - 0.5 * mm, x + size, y + 2.5 * mm)
        canvas.line(x, y + 2.5 * mm, x + size, y - 0.5 * mm)
