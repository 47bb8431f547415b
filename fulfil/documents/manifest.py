"""The end-of-day manifest: the parcels handed to a carrier, for the driver to sign,
as a PDF to print and as CSV for the carrier's systems."""

import csv
import io

from reportlab.graphics.barcode.code128 import Code128
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from fulfil.documents.labels import address_lines, draw, kg, pdf_bytes
from fulfil.documents.model import Manifest
from fulfil.documents.slips import (
    GUTTER,
    Column,
    Pages,
    draw_row,
    draw_signature_line,
    draw_table_pages,
)

CSV_HEADER = [
    "tracking_number",
    "order_ref",
    "recipient",
    "postal_code",
    "city",
    "country",
    "parcels",
    "weight_kg",
]
MARGIN, BODY = 14 * mm, 8.5


def manifest_csv(manifest: Manifest) -> str:
    """A header row, then one row per entry, weights in kg to the gram."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_HEADER)
    for entry in manifest.entries:
        to = entry.ship_to
        writer.writerow(
            [
                entry.tracking_number,
                entry.order_ref,
                to.name,
                to.postal_code,
                to.city,
                to.country.upper(),
                entry.parcels,
                kg(entry.weight_g),
            ]
        )
    return out.getvalue()


def manifest_pdf(manifest: Manifest) -> bytes:
    """The manifest on A4: every entry, the totals, and lines for both signatures."""
    return pdf_bytes(
        A4,
        f"Manifest {manifest.carrier} {manifest.number}",
        lambda canvas: _draw_manifest(canvas, manifest),
    )


def _columns() -> list[Column]:
    room = A4[0] - 2 * MARGIN
    return [
        Column("#", 8 * mm),
        Column("Tracking number", 36 * mm),
        Column("Order", 22 * mm),
        Column("Recipient", room - 149 * mm - GUTTER, max_lines=2),
        Column("Postal code", 16 * mm),
        Column("City", 26 * mm, max_lines=2),
        Column("Country", 14 * mm),
        Column("Parcels", 13 * mm, align="right"),
        Column("Weight (kg)", 14 * mm + GUTTER, align="right"),
    ]


def _draw_manifest(canvas: Canvas, manifest: Manifest) -> None:
    rows = [
        (
            str(number),
            entry.tracking_number,
            entry.order_ref,
            entry.ship_to.name,
            entry.ship_to.postal_code,
            entry.ship_to.city,
            entry.ship_to.country.upper(),
            str(entry.parcels),
            kg(entry.weight_g),
        )
        for number, entry in enumerate(manifest.entries, start=1)
    ]
    title = f"Manifest {manifest.number} · {manifest.carrier}"

    def draw_head(canvas: Canvas, page: int) -> None:
        if page == 1:
            _draw_first_head(canvas, manifest)
        else:
            y = A4[1] - MARGIN - BODY * 1.3
            draw(canvas, MARGIN, y, f"{title} (continued)", BODY * 1.3, bold=True)

    pages = Pages(
        size=A4,
        margin=MARGIN,
        heads=(34 * mm, 3 * BODY),
        draw_head=draw_head,
        end_height=64 * mm,
        draw_end=lambda canvas, top: _draw_end(canvas, manifest, top),
        footer=lambda page, pages: f"{title} · page {page} of {pages}",
    )
    draw_table_pages(canvas, pages, _columns(), rows, BODY)


def _draw_first_head(canvas: Canvas, manifest: Manifest) -> None:
    """Carrier and number, with the number as a barcode to scan at pick-up."""
    page_w, page_h = A4
    top = page_h - MARGIN
    draw(
        canvas,
        MARGIN,
        top - 16,
        f"{manifest.carrier} manifest",
        16,
        bold=True,
        room=page_w / 2,
    )
    draw(canvas, MARGIN, top - 30, f"No. {manifest.number}", 11, bold=True)
    draw(
        canvas, MARGIN, top - 43, f"Created {manifest.created_at:%Y-%m-%d %H:%M}", BODY
    )
    modules = Code128(manifest.number, barWidth=1).width  # quiet zones included
    bar_width = min(0.4 * mm, (page_w / 2 - MARGIN) / modules)
    barcode = Code128(
        manifest.number, barWidth=bar_width, barHeight=12 * mm, humanReadable=False
    )
    barcode.drawOn(canvas, page_w - MARGIN - barcode.width, top - 16 * mm)
    y = top - 56
    draw(canvas, MARGIN, y, "FROM", BODY * 0.8, bold=True)
    sender = ", ".join(address_lines(manifest.ship_from))
    draw(
        canvas,
        MARGIN,
        y - BODY * 1.3,
        sender,
        BODY,
        room=page_w - 2 * MARGIN,
        smallest=BODY * 0.8,
    )


def _draw_end(canvas: Canvas, manifest: Manifest, top: float) -> None:
    """Totals, then where the warehouse and the driver sign for the handover."""
    page_w = A4[0]
    parcels = sum(entry.parcels for entry in manifest.entries)
    grams = sum(entry.weight_g for entry in manifest.entries)
    entries = len(manifest.entries)
    totals = ("", f"{entries} entries", "", "", "", "", "", str(parcels), kg(grams))
    top = draw_row(canvas, MARGIN, top, _columns(), totals, BODY, bold=True)
    y = top - BODY * 2.5
    draw(
        canvas,
        MARGIN,
        y,
        f"Handed over: {parcels} parcels, {kg(grams)} kg in total.",
        BODY,
        bold=True,
    )
    y -= 16 * mm
    half = (page_w - 2 * MARGIN) / 2
    for x, who in ((MARGIN, "Warehouse"), (MARGIN + half + 4 * mm, "Driver")):
        length = half - 4 * mm
        draw_signature_line(canvas, x, y, length, f"{who}: name")
        draw_signature_line(canvas, x, y - 14 * mm, length, f"{who}: signature")
    draw_signature_line(
        canvas,
        MARGIN + half + 4 * mm,
        y - 28 * mm,
        half - 4 * mm,
        "Picked up on (date, time)",
    )
