"""The packing slip that goes in the parcel, in the language of the person printing.

Also the paged table the customs declaration and the manifest share: rows wrap to
the lines their columns allow, flow onto further pages under a repeated header, and
the last page keeps room below the last row for totals or a signature.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from flask_babel import gettext as _
from reportlab.lib.pagesizes import A4, A5
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from fulfil.documents.formats import date_text
from fulfil.documents.labels import address_lines, draw, draw_qr, pdf_bytes, wrap
from fulfil.documents.model import Address, Slip

# -- the paged table ------------------------------------------------------------------

LEADING = 1.25
CELL_PAD = 3  # points above and below a row's text
GUTTER = 6  # points between columns
FOOTER = 14  # points kept free above the bottom margin for "Page n of m"


@dataclass(frozen=True)
class Column:
    title: str
    width: float  # points, gutter included
    align: str = "left"  # or "right"
    max_lines: int = 1  # longer text wraps to this many lines, the last shortened


@dataclass(frozen=True)
class Pages:
    """What a table document has around its table on each page."""

    size: tuple[float, float]
    margin: float
    heads: tuple[float, float]  # height of the head on page 1, and on the others
    draw_head: Callable[[Canvas, int], None]  # page number
    end_height: float
    draw_end: Callable[[Canvas, float], None]  # the top of the room below the rows
    footer: Callable[[int, int], str]  # page number, pages
    title_lines: int = 2  # column titles wrap to this many lines


def draw_table_pages(
    canvas: Canvas,
    pages: Pages,
    columns: Sequence[Column],
    rows: Sequence[Sequence[str]],
    size: float,
) -> None:
    """The table over as many pages as it needs, each page closed."""
    cells = [_wrap_row(columns, row, size) for row in rows]
    heights = [_row_height(lines, size) for lines in cells]
    titles = [column.title for column in columns]
    titles = _wrap_row(columns, titles, size, True, pages.title_lines)
    page_w, page_h = pages.size
    room = [
        page_h - 2 * pages.margin - FOOTER - head - _row_height(titles, size)
        for head in pages.heads
    ]
    layout = paginate(heights, room[0], room[1], pages.end_height)
    for number, indexes in enumerate(layout, start=1):
        pages.draw_head(canvas, number)
        top = page_h - pages.margin - pages.heads[number > 1]
        top = _draw_cells(canvas, pages.margin, top, columns, titles, size, bold=True)
        for index in indexes:
            top = _draw_cells(canvas, pages.margin, top, columns, cells[index], size)
        if number == len(layout):
            pages.draw_end(canvas, top)
        footer = pages.footer(number, len(layout))
        draw(canvas, page_w - pages.margin, pages.margin, footer, 7, align="right")
        canvas.showPage()


def paginate(
    heights: Sequence[float], first_room: float, next_room: float, end_height: float
) -> list[range]:
    """Which rows go on which page. The last page keeps `end_height` free below its
    rows; where it cannot, its last row moves on with the end (the end goes alone
    only after a page of a single row)."""
    pages, start, used, room = [], 0, 0.0, first_room
    for index, height in enumerate(heights):
        if used + height > room and index > start:
            pages.append(range(start, index))
            start, used, room = index, 0.0, next_room
        used += height
    if used + end_height > room:
        moving = 1 if len(heights) - start > 1 else 0
        pages.append(range(start, len(heights) - moving))
        start = len(heights) - moving
    pages.append(range(start, len(heights)))
    return pages


def draw_row(
    canvas: Canvas,
    left: float,
    top: float,
    columns: Sequence[Column],
    row: Sequence[str],
    size: float,
    bold: bool = False,
) -> float:
    """One row below `top`, wrapped to its columns, a rule under it; returns its
    bottom."""
    cells = _wrap_row(columns, row, size, bold)
    return _draw_cells(canvas, left, top, columns, cells, size, bold)


def _wrap_row(
    columns: Sequence[Column],
    row: Sequence[str],
    size: float,
    bold: bool = False,
    max_lines: int | None = None,
) -> list[list[str]]:
    return [
        wrap(text, size, column.width - GUTTER, max_lines or column.max_lines, bold)
        for column, text in zip(columns, row, strict=True)
    ]


def _row_height(cells: list[list[str]], size: float) -> float:
    return max(map(len, cells)) * size * LEADING + 2 * CELL_PAD


def _draw_cells(
    canvas: Canvas,
    left: float,
    top: float,
    columns: Sequence[Column],
    cells: list[list[str]],
    size: float,
    bold: bool = False,
) -> float:
    x = left
    for column, cell in zip(columns, cells, strict=True):
        right = column.align == "right"
        for number, line in enumerate(cell):
            y = top - CELL_PAD - size * (0.85 + LEADING * number)
            anchor = x + column.width - GUTTER if right else x
            draw(canvas, anchor, y, line, size, bold=bold, align=column.align)
        x += column.width
    bottom = top - _row_height(cells, size)
    canvas.setLineWidth(0.8 if bold else 0.3)
    canvas.setStrokeGray(0 if bold else 0.6)
    canvas.line(left, bottom, x - GUTTER, bottom)
    canvas.setStrokeGray(0)
    return bottom


def draw_address(
    canvas: Canvas,
    x: float,
    top: float,
    title: str,
    address: Address,
    size: float,
    room: float,
) -> float:
    """A titled address block below `top`; returns its bottom."""
    draw(canvas, x, top - size, title, size * 0.8, bold=True)
    y = top - size
    for number, line in enumerate(address_lines(address)):
        y -= size * LEADING
        draw(canvas, x, y, line, size, bold=number == 0, room=room, smallest=size * 0.7)
    return y - size * 0.4


def draw_signature_line(
    canvas: Canvas, x: float, y: float, length: float, caption: str, value: str = ""
) -> None:
    """A line to sign or write on, its caption below; `value` printed on it."""
    canvas.setLineWidth(0.6)
    canvas.line(x, y, x + length, y)
    draw(canvas, x, y - 9, caption, 7)
    if value:
        draw(canvas, x + 1 * mm, y + 1.5 * mm, value, 9, bold=True, room=length)


# -- the packing slip -----------------------------------------------------------------


@dataclass(frozen=True)
class Sheet:
    page: tuple[float, float]
    margin: float
    body: float  # type size of the lines
    qr: float  # side of the QR code


SHEETS = {"A4": Sheet(A4, 15 * mm, 10, 30 * mm), "A5": Sheet(A5, 11 * mm, 8.5, 24 * mm)}


def packing_slip_pdf(slip: Slip, size: str = "A4") -> bytes:
    """The packing slip, A4 or A5: addresses, the order's QR code and its lines, over
    as many pages as the lines need."""
    if size not in SHEETS:
        raise ValueError(f"size must be one of {', '.join(SHEETS)}, not {size!r}")
    return pdf_bytes(
        SHEETS[size].page,
        _("Packing slip %(order)s", order=slip.order_ref),
        lambda canvas: _draw_slip(canvas, slip, SHEETS[size]),
    )


def page_of(page: int, pages: int) -> str:
    """The footer of every document's pages."""
    return _("Page %(page)s of %(pages)s", page=page, pages=pages)


def _draw_slip(canvas: Canvas, slip: Slip, sheet: Sheet) -> None:
    body, margin = sheet.body, sheet.margin
    room = sheet.page[0] - 2 * margin
    columns = [
        Column(_("SKU"), room * 0.24),
        Column(_("Item"), room * 0.64, max_lines=3),
        Column(_("Qty"), room * 0.12 + GUTTER, align="right"),
    ]
    rows = [
        (
            line.sku,
            _("%(name)s (lot %(lot)s)", name=line.name, lot=line.lot)
            if line.lot
            else line.name,
            str(line.qty),
        )
        for line in slip.lines
    ]
    continued = _("Packing slip %(order)s (continued)", order=slip.order_ref)

    def draw_head(canvas: Canvas, page: int) -> None:
        if page == 1:
            _draw_first_head(canvas, slip, sheet)
        else:
            top = sheet.page[1] - margin - body
            draw(canvas, margin, top, continued, body, bold=True, room=room)

    def draw_end(canvas: Canvas, top: float) -> None:
        units = sum(line.qty for line in slip.lines)
        total = _("Items in total: %(num)s", num=units)
        y = top - CELL_PAD - body
        draw(canvas, margin + room, y, total, body, bold=True, align="right")
        draw(canvas, margin, y - 3 * body, _("Thank you for your order."), body)

    pages = Pages(
        size=sheet.page,
        margin=margin,
        heads=(sheet.qr + 12.5 * body, 2.5 * body),
        draw_head=draw_head,
        end_height=5 * body,
        draw_end=draw_end,
        footer=page_of,
    )
    draw_table_pages(canvas, pages, columns, rows, body)


def _draw_first_head(canvas: Canvas, slip: Slip, sheet: Sheet) -> None:
    """Shop, title and order on the left, the QR code on the right, then addresses."""
    (page_w, page_h), margin, body, qr = sheet.page, sheet.margin, sheet.body, sheet.qr
    top = page_h - margin
    draw_qr(canvas, slip.order_url, page_w - margin - qr, top - qr, qr)
    caption_x, caption_y = page_w - margin - qr / 2, top - qr - body
    scan = _("Scan for your order")
    draw(canvas, caption_x, caption_y, scan, body * 0.7, align="centre")
    room = page_w - 2 * margin - qr - 6 * mm
    order = _("Order %(order)s", order=slip.order_ref)
    placed = _("Order date: %(date)s", date=date_text(slip.placed_at))
    title = _("Packing slip")
    draw(canvas, margin, top - body, slip.shop_name, body * 1.1, room=room)
    draw(canvas, margin, top - 3.4 * body, title, body * 2, bold=True, room=room)
    draw(canvas, margin, top - 5.4 * body, order, body * 1.2, bold=True, room=room)
    draw(canvas, margin, top - 6.8 * body, placed, body, room=room)
    half = (page_w - 2 * margin) / 2
    y = top - qr - 2.5 * body
    ship_to, sender = _("Ship to").upper(), _("From").upper()
    draw_address(canvas, margin, y, ship_to, slip.ship_to, body, half - 6 * mm)
    draw_address(canvas, margin + half, y, sender, slip.ship_from, body, half - 6 * mm)
