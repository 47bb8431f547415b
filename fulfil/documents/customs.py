"""Whether a parcel needs a customs declaration, and the CN 23 to go with it.

The customs territory here is the EU's: the 27 member states plus Monaco, which is
in it through France. Special territories that ISO 3166 codes apart (Åland AX,
Réunion RE, Greenland GL, ...) count as outside: carriers ask for a declaration
there, as they are outside the EU's VAT area. Those without a code of their own
(Canary Islands, Heligoland, Ceuta) cannot be told apart and count as inside.

The form's headings are the UPU's official English and French, with the language of
the person printing beside them when it is another (German: "Zollinhaltserklärung").
"""

from decimal import Decimal

from flask_babel import gettext, ngettext
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from fulfil.documents.formats import date_text, decimal_text, kg_text
from fulfil.documents.labels import country_name, draw, pdf_bytes, wrap
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


def N_(english: str) -> str:
    """Marks an official heading for pybabel extract; `official` translates it."""
    return english


def official(english: str, french: str, **values) -> str:
    """A heading as the UPU form has it, English / French, and beside them the same
    in the language of the person printing when that is neither."""
    said = [english % values if values else english]
    if french != english:
        said.append(french % values if values else french)
    local = gettext(english, **values)
    return " / ".join(said if local in said else [*said, local])


CATEGORIES = [  # (English, French); the declaration ticks "Sale of goods"
    (N_("Gift"), "Cadeau"),
    (N_("Commercial sample"), "Échantillon commercial"),
    (N_("Documents"), "Documents"),
    (N_("Returned goods"), "Retour de marchandise"),
    (N_("Sale of goods"), "Vente de marchandises"),
    (N_("Other"), "Autre"),
]
SALE = "Sale of goods"

CERTIFICATE = N_(
    "I certify that the particulars given in this customs declaration are correct "
    "and that this item does not contain any dangerous article or articles "
    "prohibited by legislation or by postal or customs regulations."
)


def needs_customs(from_country: str, to_country: str) -> bool:
    """True when the parcel leaves one customs territory for another."""
    origin, destination = from_country.strip().upper(), to_country.strip().upper()
    if origin == destination:
        return False
    return not (origin in EU_CUSTOMS_TERRITORY and destination in EU_CUSTOMS_TERRITORY)


def customs_declaration_pdf(parcel: Parcel) -> bytes:
    """A CN 23-style customs declaration on A4 for a parcel of goods sold. Lines
    without an HS code or a country of origin are printed, marked as missing."""
    return pdf_bytes(
        A4,
        f"CN 23 {parcel.order_ref} {parcel.tracking_number}",
        lambda canvas: _draw_declaration(canvas, parcel),
    )


def incomplete_lines(parcel: Parcel) -> list[Line]:
    """The lines customs would query: no HS tariff number or no country of origin."""
    return [line for line in parcel.lines if _incomplete(line)]


def _incomplete(line: Line) -> bool:
    return not line.hs_code.strip() or not line.origin_country.strip()


def _columns(currency: str) -> list[Column]:
    room = A4[0] - 2 * MARGIN
    description = official(
        N_("Detailed description of contents"), "Description détaillée du contenu"
    )
    return [
        Column(official(N_("No."), "N°"), 9 * mm),
        Column(description, room - 122 * mm, max_lines=3),
        Column(official(N_("Quantity"), "Quantité"), 16 * mm, align="right"),
        Column(
            official(N_("Net weight (kg)"), "Poids net (kg)"), 22 * mm, align="right"
        ),
        Column(
            official(
                N_("Value (%(currency)s)"), "Valeur (%(currency)s)", currency=currency
            ),
            20 * mm,
            align="right",
        ),
        Column(official(N_("HS tariff number"), "N° tarifaire du SH"), 25 * mm),
        Column(official(N_("Country of origin"), "Pays d'origine"), 30 * mm + GUTTER),
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
                gettext(
                    "CN 23 (continued) · %(order)s · %(tracking)s",
                    order=parcel.order_ref,
                    tracking=parcel.tracking_number,
                ),
                BODY * 1.3,
                bold=True,
                room=room,
            )

    pages = Pages(
        size=A4,
        margin=MARGIN,
        heads=(66 * mm, 3 * BODY),
        draw_head=draw_head,
        end_height=END_HEIGHT,
        draw_end=lambda canvas, top: _draw_end(canvas, parcel, top),
        footer=lambda page, pages: gettext(
            "CN 23 · %(order)s · page %(page)s of %(pages)s",
            order=parcel.order_ref,
            page=page,
            pages=pages,
        ),
        title_lines=6,
    )
    draw_table_pages(canvas, pages, columns, rows, BODY)


def _row(number: int, line: Line) -> tuple[str, ...]:
    flag = " !" if _incomplete(line) else ""
    origin = line.origin_country.strip().upper()
    missing = gettext("MISSING")
    return (
        f"{number}{flag}",
        line.name,
        str(line.qty),
        kg_text(line.weight_g * line.qty),
        decimal_text(line.unit_price * line.qty, 2),
        line.hs_code.strip() or missing,
        f"{country_name(origin)} ({origin})" if origin else missing,
    )


def _draw_first_head(canvas: Canvas, parcel: Parcel) -> None:
    """Title, sender and addressee side by side, then the references."""
    page_w, page_h = A4
    top = page_h - MARGIN
    title = official(N_("Customs declaration"), "Déclaration en douane").upper()
    room = page_w - 2 * MARGIN - 24 * mm
    draw(canvas, MARGIN, top - 16, title, 16, bold=True, room=room, smallest=9)
    draw(canvas, page_w - MARGIN, top - 16, "CN 23", 16, bold=True, align="right")
    opened = official(N_("May be opened officially"), "Peut être ouvert d'office")
    draw(canvas, MARGIN, top - 28, opened, BODY)
    half = (page_w - 2 * MARGIN) / 2
    boxes_top, boxes_h = top - 36, 34 * mm
    canvas.setLineWidth(0.8)
    for x in (MARGIN, MARGIN + half):
        canvas.rect(x, boxes_top - boxes_h, half, boxes_h)
    for x, title, address in (
        (MARGIN, official(N_("From"), "De"), parcel.ship_from),
        (MARGIN + half, official(N_("To"), "À"), parcel.ship_to),
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
        (official(N_("Order number"), "N° de commande"), parcel.order_ref),
        (official(N_("Tracking number"), "N° de suivi"), parcel.tracking_number),
        (official(N_("Carrier"), "Transporteur"), f"{parcel.carrier} {parcel.service}"),
        (official(N_("Parcel"), "Colis"), f"{parcel.number}/{parcel.count}"),
    ]
    quarter = (page_w - 2 * MARGIN) / 4
    for number, (name, value) in enumerate(references):
        x = MARGIN + number * quarter
        draw(canvas, x, y, name, BODY * 0.8, room=quarter - 3 * mm, smallest=5)
        draw(canvas, x, y - BODY * 1.3, value, BODY, bold=True, room=quarter - 3 * mm)


END_HEIGHT = 112 * mm  # totals, category, a note, the certificate, the signatures


def _draw_end(canvas: Canvas, parcel: Parcel, top: float) -> None:
    """Totals, the category, what is missing, and the sender's signature."""
    page_w = A4[0]
    room = page_w - 2 * MARGIN
    net = sum(line.weight_g * line.qty for line in parcel.lines)
    value = sum((line.unit_price * line.qty for line in parcel.lines), Decimal(0))
    units = sum(line.qty for line in parcel.lines)
    total = official(N_("Total"), "Total")
    totals = ("", total, str(units), kg_text(net), decimal_text(value, 2), "", "")
    top = draw_row(canvas, MARGIN, top, _columns(parcel.currency), totals, BODY, True)
    y = top - BODY * 2
    gross = official(N_("Total gross weight"), "Poids brut total")
    draw(canvas, MARGIN, y, f"{gross}: {kg_text(parcel.weight_g)} kg", BODY, bold=True)
    y -= BODY * 1.5
    worth = official(N_("Total value"), "Valeur totale")
    amount = f"{decimal_text(value, 2)} {parcel.currency}"
    draw(canvas, MARGIN, y, f"{worth}: {amount}", BODY, bold=True)
    y -= BODY * 2.4
    draw(
        canvas,
        MARGIN,
        y,
        official(N_("Category of item"), "Catégorie de l'envoi"),
        BODY,
    )
    half = room / 2
    for number, (english, french) in enumerate(CATEGORIES):
        x = MARGIN + (number % 2) * half
        row_y = y - BODY * 1.8 * (1 + number // 2)
        _draw_checkbox(canvas, x, row_y, english == SALE)
        label = official(english, french)
        draw(canvas, x + 4.5 * mm, row_y, label, BODY, room=half - 6 * mm, smallest=6)
    y -= BODY * 1.8 * (len(CATEGORIES) // 2) + BODY * 2.6
    incomplete = incomplete_lines(parcel)
    if incomplete:
        note = ngettext(
            "! %(num)s line lacks an HS tariff number or a country of origin (marked "
            "%(missing)s): complete it before the parcel leaves, or customs may hold "
            "it.",
            "! %(num)s lines lack an HS tariff number or a country of origin (marked "
            "%(missing)s): complete them before the parcel leaves, or customs may "
            "hold it.",
            len(incomplete),
            missing=gettext("MISSING"),
        )
        for line in wrap(note, BODY, room, 2, bold=True):
            draw(canvas, MARGIN, y, line, BODY, bold=True)
            y -= BODY * 1.3
        y -= BODY
    certificate = [
        CERTIFICATE,
        "Je certifie que les renseignements donnés dans la présente déclaration sont "
        "exacts et que cet envoi ne contient aucun objet dangereux ou interdit par la "
        "législation ou la réglementation postale ou douanière.",
    ]
    local = gettext(CERTIFICATE)
    if local != CERTIFICATE:
        certificate.append(local)
    for paragraph in certificate:
        for line in wrap(paragraph, BODY * 0.85, room, 3):
            draw(canvas, MARGIN, y, line, BODY * 0.85)
            y -= BODY * 1.1
        y -= BODY * 0.4
    y -= 10 * mm
    shipped = date_text(parcel.shipped_on) if parcel.shipped_on else ""
    draw_signature_line(
        canvas, MARGIN, y, 50 * mm, official(N_("Date"), "Date"), shipped
    )
    signature = official(N_("Sender's signature"), "Signature de l'expéditeur")
    draw_signature_line(canvas, MARGIN + 65 * mm, y, room - 65 * mm, signature)


def _draw_checkbox(canvas: Canvas, x: float, y: float, ticked: bool) -> None:
    size = 3 * mm
    canvas.setLineWidth(0.8)
    canvas.rect(x, y - 0.5 * mm, size, size)
    if ticked:
        canvas.line(x, y - 0.5 * mm, x + size, y + 2.5 * mm)
        canvas.line(x, y + 2.5 * mm, x + size, y - 0.5 * mm)
