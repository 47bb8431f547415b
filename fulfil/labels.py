"""Printable labels: QR codes as inline SVG; location labels, product labels and
badge cards as PDF."""

import io
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import qrcode
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from reportlab.graphics import renderPDF
from reportlab.graphics.barcode.code128 import Code128
from reportlab.graphics.barcode.eanbc import Ean13BarcodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from fulfil.domain.barcodes import Symbology, label_code
from fulfil.errors import NoLabelCode
from fulfil.models import Location, Product
from fulfil.names import LOCATION_KIND_NAMES

PAGE_W, PAGE_H = A4
BOLD, REGULAR = "Helvetica-Bold", "Helvetica"

# Location labels: the 24-up A4 sheet (3 x 8 of 63.5 x 33.9 mm, e.g. Avery L7159).
LABEL_W, LABEL_H = 63.5 * mm, 33.9 * mm
LABEL_COLS, LABEL_ROWS = 3, 8
LABEL_LEFT, LABEL_TOP, LABEL_PITCH_X = 6.46 * mm, 12.9 * mm, 66.04 * mm
LABEL_PAD = 3 * mm

# Badges: ID-1 (credit card) size, 2 x 5 per A4 page, with cut lines.
CARD_W, CARD_H = 85.6 * mm, 54 * mm
CARD_COLS, CARD_ROWS = 2, 5
CARD_LEFT = (PAGE_W - CARD_COLS * CARD_W) / 2
CARD_TOP = (PAGE_H - CARD_ROWS * CARD_H) / 2
CARD_PAD = 4 * mm

# Product labels: 50 x 30 mm, one to a page, for a label printer's roll; or the A4
# sheet of location labels above, for an office printer.
PRODUCT_LABEL_W, PRODUCT_LABEL_H = 50 * mm, 30 * mm
PRODUCT_PAD = 2.5 * mm
ROLL, SHEET = "50x30", "a4"
LABEL_SIZES = (ROLL, SHEET)
# Bars are at most EAN-13's nominal 0.33 mm wide; narrower than 0.19 mm, a 203 dpi
# label printer (dots of 0.125 mm) cannot print them true enough for every scanner.
NARROWEST_BAR, WIDEST_BAR = 0.19 * mm, 0.33 * mm
ROLE_NAMES = {
    "picker": _l("Picker"),
    "packer": _l("Packer"),
    "receiver": _l("Receiver"),
    "manager": _l("Manager"),
    "customer_service": _l("Customer service"),
    "admin": _l("Admin"),
}


def _qr_matrix(text: str, border: int) -> list[list[bool]]:
    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=border)
    qr.add_data(text)
    qr.make(fit=True)
    return qr.get_matrix()


def _runs(row: list[bool]) -> Iterable[tuple[int, int]]:
    """(start, length) of each run of dark modules in one row."""
    start = None
    for i, dark in enumerate([*row, False]):
        if dark and start is None:
            start = i
        elif not dark and start is not None:
            yield start, i - start
            start = None


def qr_svg(text: str, label: str | None = None) -> Markup:
    """An inline SVG QR code of `text` that fills its container; no style attributes."""
    matrix = _qr_matrix(text, border=4)
    n = len(matrix)
    path = "".join(
        f"M{x} {y}h{length}v1h-{length}z"
        for y, row in enumerate(matrix)
        for x, length in _runs(row)
    )
    return Markup(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {n} {n}" width="100%" '
        'height="100%" role="img" aria-label="{label}" shape-rendering="crispEdges">'
        '<rect width="{n}" height="{n}" fill="#fff"/><path d="{path}" fill="#000"/>'
        "</svg>"
    ).format(n=n, label=label or f"QR code: {text}", path=path)


def _draw_qr(canvas: Canvas, text: str, x: float, y: float, size: float) -> None:
    """Draw a QR code of `text` as vector squares, its lower-left corner at (x, y)."""
    matrix = _qr_matrix(text, border=2)
    module = size / len(matrix)
    path = canvas.beginPath()
    for row_number, row in enumerate(matrix):
        top = y + size - (row_number + 1) * module
        for start, length in _runs(row):
            path.rect(x + start * module, top, length * module, module)
    canvas.setFillColorRGB(0, 0, 0)
    canvas.drawPath(path, stroke=0, fill=1)


def _fit(text: str, font: str, largest: float, width: float) -> float:
    """The largest font size up to `largest` at which `text` fits in `width`."""
    return min(largest, largest * width / max(stringWidth(text, font, largest), 1))


def _slots(
    left: float, top: float, pitch_x: float, pitch_y: float, cols: int, rows: int
):
    """Lower-left corners of a page's grid cells, row by row from the top."""
    return [
        (left + col * pitch_x, PAGE_H - top - (row + 1) * pitch_y)
        for row in range(rows)
        for col in range(cols)
    ]


def _pages(canvas: Canvas, items: Sequence, slots: list, draw_one) -> None:
    """Draw the items into the slots, as many pages as needed."""
    for first in range(0, len(items), len(slots)):
        for item, (x, y) in zip(items[first : first + len(slots)], slots, strict=False):
            draw_one(canvas, item, x, y)
        canvas.showPage()


def _location_details(location: Location) -> str:
    parts = [
        f"{name} {value}"
        for name, value in (
            (_("Zone"), location.zone),
            (_("Aisle"), location.aisle),
            (_("Bay"), location.bay),
            (_("Level"), location.level),
        )
        if value
    ]
    kind = str(getattr(location.kind, "value", location.kind))
    return " · ".join([*parts, str(LOCATION_KIND_NAMES.get(kind, _("Location")))])


def _draw_location_label(
    canvas: Canvas, location: Location, x: float, y: float
) -> None:
    inner_w = LABEL_W - 2 * LABEL_PAD
    code_size = _fit(location.code, BOLD, 28, inner_w)
    canvas.setFillColorRGB(0, 0, 0)
    canvas.setFont(BOLD, code_size)
    canvas.drawString(
        x + LABEL_PAD, y + LABEL_H - LABEL_PAD - 0.75 * code_size, location.code
    )
    qr_size = LABEL_H - 2 * LABEL_PAD - 0.8 * code_size
    _draw_qr(
        canvas, location.code, x + LABEL_W - LABEL_PAD - qr_size, y + LABEL_PAD, qr_size
    )
    # Codes of up to about 16 characters keep bars of 0.19 mm or more; scanners need it.
    bars_w = inner_w - qr_size - 1 * mm
    barcode = Code128(
        location.code, barWidth=1, barHeight=1, humanReadable=False, quiet=False
    )
    bar_width = min(0.4 * mm, bars_w / barcode.width)
    bars_h = qr_size - 5 * mm
    barcode = Code128(
        location.code,
        barWidth=bar_width,
        barHeight=bars_h,
        humanReadable=False,
        quiet=False,
    )
    barcode.drawOn(canvas, x + LABEL_PAD, y + LABEL_PAD + 3.5 * mm)
    details = _location_details(location)
    canvas.setFont(REGULAR, _fit(details, REGULAR, 6.5, bars_w))
    canvas.drawString(x + LABEL_PAD, y + LABEL_PAD + 0.5 * mm, details)


def role_names(roles: Iterable[str]) -> str:
    """A badge's roles, named in the language of the person printing."""
    return ", ".join(str(ROLE_NAMES.get(str(role), role)) for role in sorted(roles))


def _draw_badge(
    canvas: Canvas, badge: tuple[str, Iterable[str], str], x: float, y: float
) -> None:
    username, roles, token = badge
    roles = role_names(roles)
    canvas.setStrokeColorRGB(0.7, 0.7, 0.7)
    canvas.setLineWidth(0.5)
    canvas.roundRect(x, y, CARD_W, CARD_H, 3 * mm, stroke=1, fill=0)
    qr_size = CARD_H - 2 * CARD_PAD - 6 * mm
    _draw_qr(canvas, token, x + CARD_W - CARD_PAD - qr_size, y + 7 * mm, qr_size)
    text_w = CARD_W - 3 * CARD_PAD - qr_size
    top = y + CARD_H - CARD_PAD
    canvas.setFillColorRGB(0.35, 0.35, 0.35)
    canvas.setFont(BOLD, 8)
    canvas.drawString(x + CARD_PAD, top - 7, "FULFIL")
    canvas.setFillColorRGB(0, 0, 0)
    name_size = _fit(username, BOLD, 20, text_w)
    canvas.setFont(BOLD, name_size)
    canvas.drawString(x + CARD_PAD, top - 10 * mm, username)
    canvas.setFont(REGULAR, _fit(roles, REGULAR, 9, text_w))
    canvas.drawString(x + CARD_PAD, top - 10 * mm - 14, roles)
    canvas.setFillColorRGB(0.35, 0.35, 0.35)
    canvas.setFont(REGULAR, 6.5)
    lines = (_("Scan to sign in."), _("Keep it like a key."))
    for line_number, line in enumerate(lines):
        canvas.drawString(x + CARD_PAD, y + CARD_PAD + (1 - line_number) * 8, line)


@dataclass(frozen=True)
class ProductLabel:
    """What a product's label shows: its SKU, its name, and the code scanners read."""

    sku: str
    name: str
    symbology: Symbology
    code: str


def product_label(product: Product) -> ProductLabel:
    """The label of a product; refused when it has no barcode and its SKU cannot be
    printed as one."""
    carried = label_code(product.sku, product.barcode)
    if carried is None:
        raise NoLabelCode(sku=product.sku)
    symbology, code = carried
    return ProductLabel(product.sku, product.name, symbology, code)


def _one_line(text: str, font: str, largest: float, smallest: float, width: float):
    """(text, size) that fit `width` on one line: smaller up to `smallest`, then cut
    short with an ellipsis."""
    size = max(_fit(text, font, largest, width), smallest)
    while text and stringWidth(text, font, size) > width:
        text = text[:-2] + "…" if len(text) > 1 else ""
    return text, size


def _draw_product_label(
    canvas: Canvas, label: ProductLabel, width: float, height: float
) -> None:
    """One product label, its lower-left corner at the origin."""
    inner = width - 2 * PRODUCT_PAD
    top = height - PRODUCT_PAD
    canvas.setFillColorRGB(0, 0, 0)
    sku, sku_size = _one_line(label.sku, BOLD, 11, 7, inner)
    canvas.setFont(BOLD, sku_size)
    canvas.drawString(PRODUCT_PAD, top - 0.75 * sku_size, sku)
    name, name_size = _one_line(label.name, REGULAR, 7, 6, inner)
    canvas.setFont(REGULAR, name_size)
    name_base = top - sku_size - 0.85 * name_size
    canvas.drawString(PRODUCT_PAD, name_base, name)
    bars_top = name_base - 0.35 * name_size - 1 * mm
    if label.symbology == Symbology.EAN13:
        _draw_ean13(canvas, label.code, inner, bars_top - PRODUCT_PAD)
    else:
        _draw_code128(canvas, label.code, inner, bars_top - PRODUCT_PAD)


def _draw_ean13(canvas: Canvas, code: str, width: float, height: float) -> None:
    """An EAN-13 with its digits, centred in the label's lower part; its quiet zones
    are part of `width`."""
    measured = Ean13BarcodeWidget(code[:12], barWidth=1)
    bar = min(WIDEST_BAR, width / measured.width)
    font_size = min(8, 7 * bar / (0.26 * mm))
    widget = Ean13BarcodeWidget(
        code[:12], barWidth=bar, barHeight=height, fontSize=font_size
    )
    drawing = Drawing(widget.width, height)
    drawing.add(widget.draw())
    renderPDF.draw(
        drawing, canvas, PRODUCT_PAD + (width - widget.width) / 2, PRODUCT_PAD
    )


def _code128_bar(code: str, width: float) -> float:
    """The width of one module of a Code 128 of `code` that fills `width`."""
    modules = Code128(code, barWidth=1, humanReadable=False, quiet=False).width
    return min(WIDEST_BAR, width / modules)


def is_dense(label: ProductLabel) -> bool:
    """True when the label's Code 128 fits a 50 mm label only with bars narrower than
    scanners read well from a 203 dpi label printer (a long SKU or barcode)."""
    if label.symbology != Symbology.CODE128:
        return False
    return _code128_bar(label.code, PRODUCT_LABEL_W - 2 * PRODUCT_PAD) < NARROWEST_BAR


def _draw_code128(canvas: Canvas, code: str, width: float, height: float) -> None:
    """A Code 128 of `code` as wide as the label allows, its text below the bars. The
    label's margins are its quiet zones (nothing else is printed beside the bars)."""
    text, text_size = _one_line(code, REGULAR, 8, 6, width)
    bars_h = height - 1.2 * text_size
    bar = _code128_bar(code, width)
    barcode = Code128(
        code, barWidth=bar, barHeight=bars_h, humanReadable=False, quiet=False
    )
    left = PRODUCT_PAD + max(width - barcode.width, 0) / 2
    barcode.drawOn(canvas, left, PRODUCT_PAD + 1.2 * text_size)
    canvas.setFont(REGULAR, text_size)
    canvas.drawCentredString(
        PRODUCT_PAD + width / 2, PRODUCT_PAD + 0.2 * text_size, text
    )


def _draw_product_sheets(canvas: Canvas, label: ProductLabel, count: int) -> None:
    """`count` copies of one label on A4 sheets: drawn once as a PDF form and placed
    in each slot."""
    canvas.beginForm("product-label", 0, 0, LABEL_W, LABEL_H)
    _draw_product_label(canvas, label, LABEL_W, LABEL_H)
    canvas.endForm()
    slots = _slots(
        LABEL_LEFT, LABEL_TOP, LABEL_PITCH_X, LABEL_H, LABEL_COLS, LABEL_ROWS
    )

    def place(canvas: Canvas, _copy: int, x: float, y: float) -> None:
        canvas.saveState()
        canvas.translate(x, y)
        canvas.doForm("product-label")
        canvas.restoreState()

    _pages(canvas, range(count), slots, place)


# PDFium may not run in two threads at once (gunicorn runs several per worker).
_PDFIUM = threading.Lock()


def _copies(one_page: io.BytesIO, count: int) -> io.BytesIO:
    """A PDF of `count` copies of a one-page PDF's page. PDFium copies the page's
    content once and points every copy at it: 100,000 labels in about a second, where
    a page drawn each time by reportlab takes half a minute."""
    import pypdfium2 as pdfium

    buffer = io.BytesIO()
    with _PDFIUM:
        source = pdfium.PdfDocument(one_page.getvalue())
        copies = pdfium.PdfDocument.new()
        try:
            copies.import_pages(source, pages=[0] * count)
            copies.save(buffer)
        finally:
            copies.close()
            source.close()
    buffer.seek(0)
    return buffer


def product_labels_pdf(label: ProductLabel, count: int, size: str = ROLL) -> io.BytesIO:
    """A PDF of `count` labels of one product: one 50 x 30 mm label a page for a
    label printer's roll, or A4 sheets of 24 for an office printer."""
    title = _("Labels of %(sku)s", sku=label.sku)
    if size == SHEET:
        return _pdf(title, lambda c: _draw_product_sheets(c, label, count))

    def one_label(canvas: Canvas) -> None:
        _draw_product_label(canvas, label, PRODUCT_LABEL_W, PRODUCT_LABEL_H)
        canvas.showPage()

    one = _pdf(title, one_label, pagesize=(PRODUCT_LABEL_W, PRODUCT_LABEL_H))
    return _copies(one, count)


def _draw_location_labels(canvas: Canvas, locations: Sequence[Location]) -> None:
    slots = _slots(
        LABEL_LEFT, LABEL_TOP, LABEL_PITCH_X, LABEL_H, LABEL_COLS, LABEL_ROWS
    )
    _pages(canvas, locations, slots, _draw_location_label)


Badge = tuple[str, Iterable[str], str]  # username, role codes, badge token


def _draw_badges(canvas: Canvas, badges: Sequence[Badge]) -> None:
    slots = _slots(CARD_LEFT, CARD_TOP, CARD_W, CARD_H, CARD_COLS, CARD_ROWS)
    _pages(canvas, badges, slots, _draw_badge)


def _pdf(title: str, draw, pagesize: tuple[float, float] = A4) -> io.BytesIO:
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=pagesize, pageCompression=1)
    canvas.setTitle(title)
    canvas.setAuthor("Fulfil")
    draw(canvas)
    canvas.save()
    buffer.seek(0)
    return buffer


def location_labels_pdf(locations: Iterable[Location]) -> io.BytesIO:
    """An A4 PDF of location labels (code, Code 128 and QR), 24 to a sheet."""
    locations = list(locations)
    title = _("Location labels")
    return _pdf(title, lambda c: _draw_location_labels(c, locations))


def badges_pdf(badges: list[Badge]) -> io.BytesIO:
    """An A4 PDF of credit-card badges from (username, roles, token), 10 to a sheet."""
    return _pdf(_("Badges"), lambda c: _draw_badges(c, badges))


def demo_sheet_pdf(
    locations: Iterable[Location],
    badges: list[Badge],
    path: Path | None = None,
) -> io.BytesIO:
    """Badges first, then location labels, in one PDF; also saved to `path` if given."""
    locations = list(locations)

    def draw(canvas: Canvas) -> None:
        _draw_badges(canvas, badges)
        _draw_location_labels(canvas, locations)

    pdf = _pdf(_("Badges and location labels"), draw)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(pdf.getvalue())
    return pdf
