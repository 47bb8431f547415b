"""The end-of-day manifest: the parcels handed to a carrier, for the driver to sign,
as a PDF to print and as CSV for the carrier's systems."""

import csv
import io

from flask_babel import gettext as _
from flask_babel import ngettext
from reportlab.graphics.barcode.code128 import Code128
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from fulfil.documents.formats import datetime_text, kg_text
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
        _("Manifest %(number)s · %(carrier)s", **_names(manifest)),
        lambda canvas: _draw_manifest(canvas, manifest),
    )


def _names(manifest: Manifest) -> dict[str, str]:
    return {"number": manifest.number, "carrier": manifest.carrier}


def _columns() -> list[Column]:
    room = A4[0] - 2 * MARGIN
    return [
        Column("#", 8 * mm),
        Column(_("Tracking number"), 36 * mm),
        Column(_("Order"), 22 * mm),
        Column(_("Recipient"), room - 149 * mm - GUTTER, max_lines=2),
        Column(_("Postal code"), 16 * mm),
        Column(_("City"), 26 * mm, max_lines=2),
        Column(_("Country"), 14 * mm),
        Column(_("Parcels"), 13 * mm, align="right"),
        Column(_("Weight (kg)"), 14 * mm + GUTTER, align="right"),
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
            kg_text(entry.weight_g),
        )
        for number, entry in enumerate(manifest.entries, start=1)
    ]
    names = _names(manifest)
    continued = _("Manifest %(number)s · %(carrier)s (continued)", **names)

    def draw_head(canvas: Canvas, page: int) -> None:
        if page == 1:
            _draw_first_head(canvas, manifest)
        else:
            y = A4[1] - MARGIN - BODY * 1.3
            draw(canvas, MARGIN, y, continued, BODY * 1.3, bold=True)

    pages = Pages(
        size=A4,
        margin=MARGIN,
        heads=(34 * mm, 3 * BODY),
        draw_head=draw_head,
        end_height=64 * mm,
        draw_end=lambda canvas, top: _draw_end(canvas, manifest, top),
        footer=lambda page, pages: _(
            "Manifest %(number)s · %(carrier)s · page %(page)s of %(pages)s",
            page=page,
            pages=pages,
            **names,
        ),
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
        _("%(carrier)s manifest", carrier=manifest.carrier),
        16,
        bold=True,
        room=page_w / 2,
    )
    number = _("No. %(number)s", number=manifest.number)
    draw(canvas, MARGIN, top - 30, number, 11, bold=True)
    created = _("Created %(when)s", when=datetime_text(manifest.created_at))
    draw(canvas, MARGIN, top - 43, created, BODY)
    modules = Code128(manifest.number, barWidth=1).width  # quiet zones included
    bar_width = min(0.4 * mm, (page_w / 2 - MARGIN) / modules)
    barcode = Code128(
        manifest.number, barWidth=bar_width, barHeight=12 * mm, humanReadable=False
    )
    barcode.drawOn(canvas, page_w - MARGIN - barcode.width, top - 16 * mm)
    y = top - 56
    draw(canvas, MARGIN, y, _("From").upper(), BODY * 0.8, bold=True)
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
    count = ngettext("%(num)s entry", "%(num)s entries", entries)
    totals = ("", count, "", "", "", "", "", str(parcels), kg_text(grams))
    top = draw_row(canvas, MARGIN, top, _columns(), totals, BODY, bold=True)
    y = top - BODY * 2.5
    handed = ngettext(
        "Handed over: %(num)s parcel, %(kg)s kg in total.",
        "Handed over: %(num)s parcels, %(kg)s kg in total.",
        parcels,
        kg=kg_text(grams),
    )
    draw(canvas, MARGIN, y, handed, BODY, bold=True)
    y -= 16 * mm
    half = (page_w - 2 * MARGIN) / 2
    signers = (
        (MARGIN, _("Warehouse: name"), _("Warehouse: signature")),
        (MARGIN + half + 4 * mm, _("Driver: name"), _("Driver: signature")),
    )
    for x, name, signature in signers:
        length = half - 4 * mm
        draw_signature_line(canvas, x, y, length, name)
        draw_signature_line(canvas, x, y - 14 * mm, length, signature)
    draw_signature_line(
        canvas,
        MARGIN + half + 4 * mm,
        y - 28 * mm,
        half - 4 * mm,
        _("Picked up on (date, time)"),
    )
