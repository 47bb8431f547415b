"""The shipping label, 4 x 6 in: as a PDF, and as ZPL II for 203 dpi Zebra printers.

Also the text helpers the other documents share. Addresses from anywhere in Europe
must print as written: text the PDF base fonts can draw uses them (nothing to embed,
so a label stays a few KB); other text (Łódź, Αθήνα) uses a Unicode TrueType font
when the system has one (Liberation Sans, metric-compatible with Helvetica, or DejaVu
Sans); without one, letters lose their accents (Ł → L) rather than print as boxes.
"""

import io
import unicodedata
from collections.abc import Callable

import pycountry
import qrcode
from flask_babel import gettext as _
from reportlab.graphics.barcode.code128 import Code128
from reportlab.lib.units import inch, mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFError, TTFont
from reportlab.pdfgen.canvas import Canvas

from fulfil.documents.formats import date_text, datetime_text, kg_text, time_text
from fulfil.documents.model import Address, Parcel
from fulfil.labels import _draw_qr, _fit

# -- shared by the documents ----------------------------------------------------------

draw_qr = _draw_qr
BASE_FONTS = {False: "Helvetica", True: "Helvetica-Bold"}  # by bold
FONT_FILES = [  # regular, bold; looked for on reportlab's TrueType search path
    ("LiberationSans-Regular.ttf", "LiberationSans-Bold.ttf"),
    ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf"),
]


def _unicode_fonts() -> dict[bool, str]:
    for regular, bold in FONT_FILES:
        try:
            fonts = [TTFont(f"Doc-{name[:-4]}", name) for name in (regular, bold)]
        except (OSError, TTFError):
            continue
        for font in fonts:
            pdfmetrics.registerFont(font)
        return {False: fonts[0].fontName, True: fonts[1].fontName}
    return {}


UNICODE_FONTS = _unicode_fonts()
STROKED = str.maketrans("ŁłĐđĦħıŦŧ", "LlDdHhiTt")  # no accent to take off


def face(text: str, bold: bool = False) -> tuple[str, str]:
    """The font to draw `text` in, and the text as drawn (on one line)."""
    text = " ".join(text.split())
    if all(map(_in_base_font, text)):
        return BASE_FONTS[bold], text
    if UNICODE_FONTS:
        return UNICODE_FONTS[bold], text
    plain = "".join(char if _in_base_font(char) else _plain(char) for char in text)
    return BASE_FONTS[bold], plain


def _in_base_font(char: str) -> bool:
    try:
        char.encode("cp1252")  # the base fonts' encoding
    except UnicodeEncodeError:
        return False
    return True


def _plain(char: str) -> str:
    bare = "".join(
        part
        for part in unicodedata.normalize("NFKD", char.translate(STROKED))
        if not unicodedata.combining(part)
    )
    return bare if bare and all(map(_in_base_font, bare)) else "?"


def width(text: str, size: float, bold: bool = False) -> float:
    font, text = face(text, bold)
    return pdfmetrics.stringWidth(text, font, size)


def shorten(
    text: str,
    size: float,
    room: float,
    bold: bool = False,
    ellipsis: str = "…",
    measure: Callable[[str], float] | None = None,
) -> str:
    """`text`, cut and ending in an ellipsis if it is wider than `room` (as drawn
    in the documents' fonts at `size`, or as `measure` says)."""
    measure = measure or (lambda line: width(line, size, bold))
    text = " ".join(text.split())
    if measure(text) <= room:
        return text
    while text and measure(text + ellipsis) > room:
        text = text[:-1]
    return text.rstrip() + ellipsis


def fit_size(
    text: str, largest: float, room: float, smallest: float, bold: bool = False
) -> float:
    """The largest size up to `largest` at which `text` fits `room`, at least
    `smallest`."""
    font, text = face(text, bold)
    return max(_fit(text, font, largest, room), smallest)


def draw(
    canvas: Canvas,
    x: float,
    y: float,
    text: str,
    size: float,
    *,
    bold: bool = False,
    align: str = "left",
    room: float | None = None,
    smallest: float | None = None,
) -> float:
    """Draw one line of text; with `room`, in a smaller size down to `smallest`
    (default `size`), then shortened. Returns the size drawn."""
    if room is not None:
        size = fit_size(text, size, room, smallest or size, bold)
        text = shorten(text, size, room, bold)
    font, text = face(text, bold)
    canvas.setFont(font, size)
    if align == "right":
        canvas.drawRightString(x, y, text)
    elif align == "centre":
        canvas.drawCentredString(x, y, text)
    else:
        canvas.drawString(x, y, text)
    return size


def wrap(
    text: str, size: float, room: float, max_lines: int, bold: bool = False
) -> list[str]:
    """`text` in lines no wider than `room`; past `max_lines`, the last is shortened."""
    lines: list[str] = []
    for word in text.split():
        if lines and width(f"{lines[-1]} {word}", size, bold) <= room:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines += _pieces(word, size, room, bold)
    if len(lines) > max_lines:
        rest = " ".join(lines[max_lines - 1 :])
        lines = [*lines[: max_lines - 1], shorten(rest, size, room, bold)]
    return lines or [""]


def _pieces(word: str, size: float, room: float, bold: bool) -> list[str]:
    """A word too long for a line (a URL, a run of SKUs) cut where it must be."""
    pieces = []
    while len(word) > 1 and width(word, size, bold) > room:
        cut = len(word) - 1
        while cut > 1 and width(word[:cut], size, bold) > room:
            cut -= 1
        pieces.append(word[:cut])
        word = word[cut:]
    return [*pieces, word]


def country_name(code: str) -> str:
    country = pycountry.countries.get(alpha_2=code.upper()) if len(code) == 2 else None
    if country is None:
        return code.upper()
    return getattr(country, "common_name", None) or country.name


def address_lines(address: Address, *, country: bool = True) -> list[str]:
    """Name, street lines, postal code and city, and the country in capitals."""
    lines = [address.name, address.line1, address.line2]
    lines.append(f"{address.postal_code} {address.city}".strip())
    if country:
        lines.append(country_name(address.country).upper())
    return [line for line in lines if line.strip()]


def kg(grams: int, places: int = 3) -> str:
    return f"{grams / 1000:.{places}f}"


def pdf_bytes(
    pagesize: tuple[float, float], title: str, paint: Callable[[Canvas], None]
) -> bytes:
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=pagesize, pageCompression=1)
    canvas.setTitle(title)
    canvas.setAuthor("Fulfil")
    paint(canvas)
    canvas.save()
    return buffer.getvalue()


# -- the label as PDF -----------------------------------------------------------------

LABEL_W, LABEL_H = 4 * inch, 6 * inch
PAD = 3 * mm
DOT = inch / 203  # one dot of a 203 dpi thermal printer
QR_SIZE = 30 * mm
BARS_H = 20 * mm


def label_pdf(parcel: Parcel) -> bytes:
    """A 4 x 6 in shipping label: addresses, carrier, tracking barcode and QR code."""
    return pdf_bytes(
        (LABEL_W, LABEL_H),
        _("Label %(tracking)s", tracking=parcel.tracking_number),
        lambda canvas: _draw_label(canvas, parcel),
    )


def _draw_label(canvas: Canvas, parcel: Parcel) -> None:
    """Top down to the sender, bottom up to the notes; the recipient gets the rest."""
    top = _draw_header(canvas, parcel, LABEL_H - PAD - 18)
    top = _draw_sender(canvas, parcel.ship_from, top - 11)
    bottom = _draw_bottom(canvas, parcel)
    bottom = _draw_tracking(canvas, parcel.tracking_number, bottom + 3 * mm)
    for text in reversed(_delivery_notes(parcel)):
        bottom = _draw_band(canvas, text, bottom + 3 * mm)
    canvas.setLineWidth(1)
    canvas.line(PAD, bottom + 1.5 * mm, LABEL_W - PAD, bottom + 1.5 * mm)
    _draw_recipient(canvas, parcel, top - 4 * mm, bottom + 3 * mm)


def _draw_header(canvas: Canvas, parcel: Parcel, baseline: float) -> float:
    room = LABEL_W - 2 * PAD
    of = f"{parcel.number}/{parcel.count}"
    draw(canvas, PAD + room, baseline, of, 20, bold=True, align="right")
    carrier = f"{parcel.carrier} {parcel.service}"
    room -= width(of, 20, bold=True) + 4 * mm
    draw(canvas, PAD, baseline, carrier, 20, bold=True, room=room, smallest=10)
    rule = baseline - 2 * mm
    canvas.setLineWidth(1.5)
    canvas.line(PAD, rule, LABEL_W - PAD, rule)
    return rule


def _draw_sender(canvas: Canvas, sender: Address, top: float) -> float:
    draw(canvas, PAD, top, _("From").upper(), 6, bold=True)
    y = top
    for number, line in enumerate(address_lines(sender)):
        y -= 8.5
        room = LABEL_W - 2 * PAD
        draw(canvas, PAD, y, line, 8, bold=number == 0, room=room, smallest=6)
    rule = y - 2 * mm
    canvas.setLineWidth(0.75)
    canvas.line(PAD, rule, LABEL_W - PAD, rule)
    return rule


def _draw_recipient(canvas: Canvas, parcel: Parcel, top: float, bottom: float) -> None:
    """The address in the largest type that fits between `top` and `bottom`."""
    to = parcel.ship_to
    lines = [(to.name, True), (to.line1, False), (to.line2, False)]
    lines.append((f"{to.postal_code} {to.city}", True))
    if to.country.upper() != parcel.ship_from.country.upper():
        lines.append((country_name(to.country).upper(), True))
    lines = [(text, bold) for text, bold in lines if text.strip()]
    draw(canvas, PAD, top, _("To").upper(), 7, bold=True)
    largest = min(17, (top - bottom - 2 * mm) / (1.2 * len(lines)))
    room = LABEL_W - 2 * PAD - 4 * mm
    y = top - 2 * mm
    for text, bold in lines:
        size = fit_size(text, largest, room, 7, bold)
        y -= size * 1.2
        draw(canvas, PAD + 4 * mm, y, text, size, bold=bold, room=room)


def _delivery_notes(parcel: Parcel) -> list[str]:
    notes = []
    if parcel.pickup_point_id:
        note = _("Pickup point %(id)s", id=parcel.pickup_point_id)
        notes.append(note.upper())
    if parcel.appointment:
        start, end = parcel.appointment
        same_day = end.date() == start.date()
        until = time_text(end) if same_day else datetime_text(end)
        slot = f"{datetime_text(start)}–{until}"
        notes.append(_("Appointment %(slot)s", slot=slot).upper())
    return notes


def _draw_band(canvas: Canvas, text: str, bottom: float) -> float:
    """White on black across the label, so the driver cannot miss it."""
    height = 9 * mm
    canvas.rect(PAD, bottom, LABEL_W - 2 * PAD, height, stroke=0, fill=1)
    canvas.setFillColorRGB(1, 1, 1)
    room = LABEL_W - 2 * PAD - 4 * mm
    y = bottom + 3 * mm
    draw(
        canvas,
        LABEL_W / 2,
        y,
        text,
        15,
        bold=True,
        align="centre",
        room=room,
        smallest=8,
    )
    canvas.setFillColorRGB(0, 0, 0)
    return bottom + height


def _draw_tracking(canvas: Canvas, tracking_number: str, bottom: float) -> float:
    """Code 128 across the label, the number in type below; returns the top."""
    room = LABEL_W - 2 * PAD
    modules = (
        Code128(tracking_number, barWidth=1, quiet=False).width + 20
    )  # quiet zones
    # Bars of whole printer dots: a 203 dpi printer would round others unevenly.
    dots = min(4, int(room / (modules * DOT)))
    bar_width = dots * DOT if dots else room / modules
    barcode = Code128(
        tracking_number,
        barWidth=bar_width,
        barHeight=BARS_H,
        humanReadable=False,
        quiet=False,
    )
    text = " ".join(_groups(tracking_number))
    size = draw(
        canvas, LABEL_W / 2, bottom, text, 13, bold=True, align="centre", room=room
    )
    bars_bottom = bottom + size + 1 * mm
    barcode.drawOn(canvas, (LABEL_W - barcode.width) / 2, bars_bottom)
    return bars_bottom + BARS_H


def _groups(number: str) -> list[str]:
    """A long number in groups of four, as carriers print them, for reading aloud."""
    return [number[i : i + 4] for i in range(0, len(number), 4)]


def _details(parcel: Parcel) -> list[tuple[str, str]]:
    of = _("%(number)s of %(count)s", number=parcel.number, count=parcel.count)
    details = [
        (_("Order"), parcel.order_ref),
        (_("Parcel"), of),
        (_("Weight"), f"{kg_text(parcel.weight_g, 2)} kg"),
        (_("Box"), parcel.box),
        (_("Shipped"), date_text(parcel.shipped_on) if parcel.shipped_on else ""),
    ]
    return [(name, value) for name, value in details if value]


def _draw_bottom(canvas: Canvas, parcel: Parcel) -> float:
    """The QR code to the tracking page, and the parcel's details; returns the top."""
    draw_qr(canvas, parcel.tracking_url, PAD, PAD, QR_SIZE)
    left = PAD + QR_SIZE + 3 * mm
    room = LABEL_W - PAD - left - 14 * mm
    y = PAD + QR_SIZE - 9
    for name, value in _details(parcel):
        draw(canvas, left, y, name, 7)
        draw(canvas, left + 14 * mm, y, value, 10, bold=True, room=room, smallest=6)
        y -= 13
    draw(canvas, left, PAD + 1, _("Scan the code to track this parcel"), 6)
    return PAD + QR_SIZE


# -- the label as ZPL -----------------------------------------------------------------

ZPL_W, ZPL_H, ZPL_PAD = 812, 1218, 24  # dots at 203 dpi: 4 x 6 in, 3 mm
ZPL_ROOM = ZPL_W - 2 * ZPL_PAD
ZPL_QR_BOX = 250  # the QR code's square in the bottom left corner
ZPL_QR_TOP = ZPL_H - ZPL_PAD - ZPL_QR_BOX
ZPL_BARS_H = 160
# A printer places a QR code lower than its ^FO by the bar code height of the last
# ^BY (a Code 128 above it would push it 160 dots down, off the label), so the QR
# code's field first resets ^BY to the printer's defaults: 10 dots.
ZPL_QR_DEFAULTS = "^BY2,3,10"
ZPL_QR_SHIFT = 10
# Text in the printer's font 0 is measured as Helvetica Bold of the same height with
# these characters widened: a ZPL renderer draws no character wider (its hyphen is
# as wide as an M), and a printer's condensed font 0 is narrower still, so text
# fitted to a box with this measure stays inside it.
ZPL_WIDE = str.maketrans({"-": "M", "*": "n", ".": "t", ",": "t", "·": "t", "'": "l"})


def label_zpl(parcel: Parcel) -> str:
    """The same label as ZPL II for a 203 dpi Zebra printer; send it UTF-8 encoded.

    Every text sits in a field block (^FB) as wide as its box, in the largest size
    up to its own that fits; what does not fit even in the smallest size is
    shortened, except the tracking number, which always fits whole."""
    of = f"{parcel.number}/{parcel.count}"
    of_room = int(_zpl_width(of, 52)) + 8
    fields = [
        _zpl_text(
            ZPL_PAD,
            24,
            f"{parcel.carrier} {parcel.service}",
            52,
            ZPL_ROOM - of_room - 24,
            smallest=30,
        ),
        _zpl_text(ZPL_W - ZPL_PAD - of_room, 24, of, 52, of_room, "R"),
        f"^FO{ZPL_PAD},88^GB{ZPL_ROOM},4,4^FS",
        *_zpl_sender(parcel.ship_from),
    ]
    notes = _delivery_notes(parcel)
    bars_top = ZPL_QR_TOP - 40 - 12 - ZPL_BARS_H - 16
    notes_top = bars_top - 80 * len(notes)
    fields += _zpl_recipient(parcel, top=260, bottom=notes_top - 16)
    fields.append(f"^FO{ZPL_PAD},{notes_top - 10}^GB{ZPL_ROOM},3,3^FS")
    for number, note in enumerate(notes):
        y = notes_top + 80 * number
        fields.append(f"^FO{ZPL_PAD},{y}^GB{ZPL_ROOM},70,70^FS")
        fields.append(
            _zpl_text(
                ZPL_PAD + 8,
                y + 14,
                note,
                44,
                ZPL_ROOM - 16,
                "C",
                smallest=24,
                reverse=True,
            )
        )
    fields += _zpl_tracking(parcel.tracking_number, bars_top)
    fields += _zpl_bottom(parcel)
    return "\n".join(["^XA", "^CI28", f"^PW{ZPL_W}", f"^LL{ZPL_H}", *fields, "^XZ"])


def _zpl_sender(sender: Address) -> list[str]:
    fields = [_zpl_text(ZPL_PAD, 104, _("From").upper(), 18, ZPL_ROOM)]
    y = 128
    for number, line in enumerate(address_lines(sender)):
        height = 24 if number == 0 else 22
        fields.append(_zpl_text(ZPL_PAD, y, line, height, ZPL_ROOM, smallest=16))
        y += 26
    fields.append(f"^FO{ZPL_PAD},240^GB{ZPL_ROOM},2,2^FS")
    return fields


def _zpl_recipient(parcel: Parcel, top: int, bottom: int) -> list[str]:
    to = parcel.ship_to
    lines = [to.name, to.line1, to.line2, f"{to.postal_code} {to.city}"]
    if to.country.upper() != parcel.ship_from.country.upper():
        lines.append(country_name(to.country).upper())
    lines = [line for line in lines if line.strip()]
    fields = [_zpl_text(ZPL_PAD, top, _("To").upper(), 20, ZPL_ROOM)]
    step = min(60, (bottom - top - 28) // len(lines))
    for number, line in enumerate(lines):
        y = top + 28 + number * step
        fields.append(
            _zpl_text(ZPL_PAD + 32, y, line, step - 10, ZPL_ROOM - 32, smallest=24)
        )
    return fields


def _zpl_tracking(tracking_number: str, top: int) -> list[str]:
    modules = int(Code128(tracking_number, barWidth=1, quiet=False).width)
    module = max(1, min(4, ZPL_ROOM // (modules + 20)))  # 10 modules quiet each side
    left = (ZPL_W - modules * module) // 2
    text = " ".join(_groups(tracking_number))
    return [
        f"^FO{left},{top}^BY{module},3,{ZPL_BARS_H}^BCN,{ZPL_BARS_H},N,N,N,A"
        f"^FH\\^FD{_zpl_escape(tracking_number)}^FS",
        # a size at which any tracking number fits, rather than cut it
        _zpl_text(ZPL_PAD, top + ZPL_BARS_H + 12, text, 40, ZPL_ROOM, "C", smallest=1),
    ]


def _zpl_bottom(parcel: Parcel) -> list[str]:
    url = _zpl_escape(parcel.tracking_url)
    # The largest whole-dot modules that keep the QR code in its square, with four
    # modules to spare for a printer choosing the next larger version and four for
    # a quiet zone before the details.
    modules = _qr_modules(parcel.tracking_url)
    magnification = max(1, min(10, ZPL_QR_BOX // (modules + 8)))
    fields = [
        f"^FO{ZPL_PAD},{ZPL_QR_TOP + 8 - ZPL_QR_SHIFT}{ZPL_QR_DEFAULTS}"
        f"^BQN,2,{magnification}^FH\\^FDMA,{url}^FS"
    ]
    left = ZPL_PAD + ZPL_QR_BOX + 20
    room = ZPL_W - ZPL_PAD - left - 120
    y = ZPL_QR_TOP + 24
    for name, value in _details(parcel):
        fields.append(_zpl_text(left, y + 6, name, 22, 110, smallest=14))
        fields.append(_zpl_text(left + 120, y, value, 32, room, smallest=20))
        y += 40
    return fields


def _qr_modules(text: str) -> int:
    """Modules across the smallest QR code (error correction M) that holds `text`."""
    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M)
    qr.add_data(text)
    return 17 + 4 * qr.best_fit()


def _zpl_width(text: str, height: float) -> float:
    """How wide `text` prints in the printer's font 0 at `height` dots, at most."""
    return width(text.translate(ZPL_WIDE), height, bold=True)


def _zpl_text(
    x: int,
    y: int,
    text: str,
    height: int,
    room: int,
    align: str = "L",
    *,
    smallest: int | None = None,
    reverse: bool = False,
) -> str:
    """One line of text in the printer's font 0 in a box `room` dots wide: in the
    largest size up to `height` that fits, down to `smallest` (default `height`),
    then shortened."""
    text = " ".join(text.split())
    fits = int(height * room / max(_zpl_width(text, height), 1))
    size = max(min(height, fits), smallest or height)
    text = shorten(
        text, size, room, ellipsis="...", measure=lambda line: _zpl_width(line, size)
    )
    return (
        f"^FO{x},{y}^FB{room},1,0,{align}^A0N,{size},{size}"
        f"{'^FR' if reverse else ''}^FH\\^FD{_zpl_escape(text)}^FS"
    )


def _zpl_escape(text: str) -> str:
    """Field data with ^ ~ and the escape character itself as ^FH hex codes."""
    text = "".join(char for char in text if char.isprintable())
    return text.replace("\\", "\\5C").replace("^", "\\5E").replace("~", "\\7E")
