"""3PLs and suppliers: the 3PL's CSV hand-over, purchase orders and supplier links.

A supplier needs no account. The link to its purchase order is signed (salt
"supplier") and names one shipment; whoever holds it may see that purchase order and
enter its tracking, nothing else. A supplier with a webhook URL is subscribed to its
own shipments' `requested` and `cancelled` events, whose data carry the link.
A 3PL takes requested shipments as CSV (or by a webhook subscribed to mode "3pl")
and reports back through POST /api/v1/shipments/<id>/report.
"""

import csv
import io
import secrets
import smtplib
from dataclasses import dataclass, field
from datetime import timedelta
from email.message import EmailMessage

import sqlalchemy as sa
from flask import current_app, has_request_context, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from sqlalchemy.orm import Session

from fulfil.domain.states import ShipmentStatus
from fulfil.errors import (
    InvalidInput,
    InvalidRequest,
    LinkExpired,
    MailFailed,
    MailNotConfigured,
    NotFound,
    ShipmentCancelled,
)
from fulfil.limits import is_web_address
from fulfil.localtime import local_date
from fulfil.models import FulfilmentMode, Shipment, Supplier, WebhookSubscription
from fulfil.models.types import utcnow
from fulfil.names import METHOD_NAMES
from fulfil.queries import partners as queries
from fulfil.queries.partners import EXPORTED, PO_SENT
from fulfil.schemas import ShipmentReport
from fulfil.services import events, orders, unit_of_work
from fulfil.signing import sign_id, signed_id

S = ShipmentStatus
SUPPLIER_EVENTS = ["shipment.requested", "shipment.cancelled"]
SUBSCRIPTION_NOTE = "Purchase orders for supplier {code} (follows its webhook_url)"
CSV_COLUMNS = [
    "shipment_id",
    "order",
    "placed_at",
    "shipping_method",
    "ship_name",
    "ship_line1",
    "ship_line2",
    "ship_postal_code",
    "ship_city",
    "ship_country",
    "customer_email",
    "customer_phone",
    "sku",
    "name",
    "quantity",
]


# -- signed supplier links ------------------------------------------------------------


def supplier_token(shipment_id: int) -> str:
    # Never expires: a shipment has one link, the same in the PDF, e-mail and webhook.
    return sign_id("supplier", shipment_id)


def shipment_for_token(token: str) -> int | None:
    """The shipment a supplier link names; None if it was tampered with."""
    return signed_id("supplier", token)


def check_link_open(shipment: Shipment) -> None:
    """A supplier link works while its shipment waits for the supplier, and for
    SUPPLIER_LINK_DAYS after it shipped (or was cancelled); then it is refused."""
    days = current_app.config.get("SUPPLIER_LINK_DAYS", 180)
    if shipment.status == S.REQUESTED or not days:
        return
    since = shipment.delivered_at or shipment.shipped_at or shipment.created_at
    if since < utcnow() - timedelta(days=days):
        raise LinkExpired()


def public_url(endpoint: str, **values) -> str:
    """An absolute URL, also outside a request (CLI, e-mail): PUBLIC_URL first."""
    base = current_app.config.get("PUBLIC_URL", "")
    if not base and (has_request_context() or current_app.config.get("SERVER_NAME")):
        return url_for(endpoint, _external=True, **values)
    path = current_app.url_map.bind("localhost").build(endpoint, values)
    return (base or "http://127.0.0.1:5000").rstrip("/") + path


def supplier_url(shipment_id: int) -> str:
    return public_url("supplier.order", token=supplier_token(shipment_id))


def supplier_links(session: Session, shipment: Shipment) -> dict[str, str]:
    """What a dropship shipment's `requested` event tells its supplier: the links."""
    if shipment.mode != FulfilmentMode.DROPSHIP:
        return {}
    if shipment.id is None:
        session.flush()
    token = supplier_token(shipment.id)
    return {
        "supplier_url": public_url("supplier.order", token=token),
        "purchase_order_pdf": public_url("supplier.purchase_order", token=token),
    }


def subscribe_supplier(
    session: Session, supplier: Supplier
) -> WebhookSubscription | None:
    """Keep the supplier's own webhook subscription in step with its webhook_url."""
    note = SUBSCRIPTION_NOTE.format(code=supplier.code)
    subscription = session.scalar(
        sa.select(WebhookSubscription)
        .where(
            WebhookSubscription.supplier_id == supplier.id,
            WebhookSubscription.description.like("Purchase orders for supplier %"),
        )
        .order_by(WebhookSubscription.id)
        .limit(1)
    )
    if subscription is None:
        if not supplier.webhook_url:
            return None
        subscription = WebhookSubscription(
            supplier_id=supplier.id,
            fulfilment=FulfilmentMode.DROPSHIP.value,
            events=list(SUPPLIER_EVENTS),
            secret=secrets.token_urlsafe(32),
        )
        session.add(subscription)
    subscription.description = note[:200]
    subscription.active = bool(supplier.webhook_url)
    if supplier.webhook_url:
        subscription.url = supplier.webhook_url
    return subscription


# -- the supplier reports -------------------------------------------------------------


def report_by_supplier(
    *, token: str, carrier: str, tracking_number: str, tracking_url: str = ""
) -> Shipment:
    """The supplier's tracking, entered through its link: the shipment is shipped.
    Refused for a tampered link, a cancelled order or a missing tracking number;
    a second report changes nothing."""
    shipment_id = shipment_for_token(token)
    if shipment_id is None:
        raise NotFound()
    carrier, number = carrier.strip(), tracking_number.strip()
    tracking_url = tracking_url.strip()
    problems = []
    if not number:
        problems.append(("tracking_number", _l("is required")))
    elif len(number) > 64:
        problems.append(("tracking_number", _l("is at most 64 characters")))
    if len(carrier) > 64:
        problems.append(("carrier", _l("is at most 64 characters")))
    if tracking_url and not is_web_address(tracking_url):
        problems.append(("tracking_url", _l("must be a web address (https://…)")))
    if problems:
        raise InvalidRequest(problems)
    with unit_of_work() as session:
        shipment = session.get(Shipment, shipment_id, with_for_update=True)
        if shipment is None or shipment.mode != FulfilmentMode.DROPSHIP:
            raise NotFound()
        check_link_open(shipment)
        if shipment.status == S.CANCELLED:
            raise ShipmentCancelled(order=shipment.order.external_id)
        if shipment.status != S.REQUESTED:
            return shipment  # already shipped: the first report stands
        report = ShipmentReport(
            status="shipped",
            carrier=carrier,
            tracking_number=number,
            tracking_url=tracking_url,
        )
        return orders.report_shipment(shipment.id, report)


# -- the 3PL's hand-over --------------------------------------------------------------


@dataclass
class Handover:
    """A CSV of 3PL shipments and which shipments it holds."""

    csv: str
    shipment_ids: list[int] = field(default_factory=list)


def export_3pl(
    *,
    include_exported: bool = False,
    mark_exported: bool = False,
    actor_id: int | None = None,
) -> Handover:
    """Requested 3PL shipments as CSV, one row per line. Marked ones are left out of
    the next export unless `include_exported`; without marking nothing is written."""
    if not mark_exported:
        shipments = queries.requested_3pl(include_exported)
        return Handover(threepl_csv(shipments), [s.id for s in shipments])
    with unit_of_work() as session:
        shipments = list(
            session.scalars(
                queries.requested_3pl_select(include_exported).with_for_update(
                    of=Shipment
                )
            )
        )
        for shipment in shipments:
            events.record(
                session,
                EXPORTED,
                shipment,
                actor_id=actor_id,
                lines=len(shipment.lines),
            )
        return Handover(threepl_csv(shipments), [s.id for s in shipments])


def threepl_csv(shipments: list[Shipment]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for shipment in shipments:
        order = shipment.order
        for line in shipment.lines:
            writer.writerow(
                [
                    shipment.id,
                    order.external_id,
                    order.placed_at.isoformat(),
                    order.shipping_method.value,
                    order.ship_name,
                    order.ship_line1,
                    order.ship_line2,
                    order.ship_postal_code,
                    order.ship_city,
                    order.ship_country,
                    order.customer_email,
                    order.customer_phone,
                    line.product.sku,
                    line.product.name,
                    line.qty,
                ]
            )
    return out.getvalue()


# -- purchase orders: PDF and e-mail --------------------------------------------------


def purchase_order_pdf(shipment: Shipment, link: str) -> io.BytesIO:
    """A dropship shipment's purchase order as A4 PDF, with a QR code of `link`."""
    from fulfil.labels import _pdf

    title = _("Purchase order %(number)s", number=shipment.id)
    return _pdf(
        f"{title} · {shipment.order.external_id}",
        lambda canvas: _draw_purchase_order(canvas, shipment, link, title),
    )


def _draw_purchase_order(
    canvas: Canvas, shipment: Shipment, link: str, title: str
) -> None:
    from fulfil.labels import BOLD, PAGE_H, PAGE_W, REGULAR, _draw_qr, _fit

    order, supplier = shipment.order, shipment.supplier
    method = order.shipping_method.value
    left, right, width = 18 * mm, PAGE_W - 18 * mm, PAGE_W - 36 * mm
    qr = 38 * mm
    top = PAGE_H - 18 * mm
    _draw_qr(canvas, link, right - qr, top - qr, qr)
    canvas.setFont(REGULAR, 7)
    canvas.drawCentredString(right - qr / 2, top - qr - 9, _("Scan to enter tracking"))
    canvas.setFont(BOLD, _fit(title, BOLD, 22, width - qr - 6 * mm))
    canvas.drawString(left, top - 18, title)

    def block(y: float, heading: str, rows: list[str]) -> float:
        canvas.setFont(BOLD, 9)
        canvas.drawString(left, y, heading.upper())
        for row in rows:  # left of the QR code's column
            y -= 14
            canvas.setFont(REGULAR, _fit(row, REGULAR, 11, width - qr - 6 * mm))
            canvas.drawString(left, y, row)
        return y - 22

    locale = get_locale()
    placed = local_date(order.placed_at, order.timezone, locale)  # the warehouse's day
    y = top - 48
    y = block(
        y,
        _("Supplier"),
        [f"{supplier.name} ({supplier.code})", supplier.email] if supplier else [],
    )
    y = block(
        y,
        _("Order"),
        [
            _("Order reference: %(order)s", order=order.external_id),
            _("Order date: %(date)s", date=placed),
            _("Shipping method: %(method)s", method=METHOD_NAMES[method]),
        ],
    )
    address = [
        order.ship_name,
        order.ship_line1,
        order.ship_line2,
        f"{order.ship_postal_code} {order.ship_city}".strip(),
        locale.territories.get(order.ship_country, order.ship_country)
        if locale
        else order.ship_country,
        order.customer_phone,
    ]
    y = block(y, _("Ship to"), [row for row in address if row])

    canvas.setFont(BOLD, 9)
    sku_x, qty_x = left, right
    name_x = left + 45 * mm
    canvas.drawString(sku_x, y, _("SKU").upper())
    canvas.drawString(name_x, y, _("Product").upper())
    canvas.drawRightString(qty_x, y, _("Qty").upper())
    canvas.setLineWidth(0.5)
    canvas.line(left, y - 4, right, y - 4)
    for line in shipment.lines:
        y -= 16
        if y < 50 * mm:  # continue on the next page
            canvas.showPage()
            y = PAGE_H - 25 * mm
        canvas.setFont(REGULAR, _fit(line.product.sku, REGULAR, 10, 43 * mm))
        canvas.drawString(sku_x, y, line.product.sku)
        canvas.setFont(REGULAR, _fit(line.product.name, REGULAR, 10, 110 * mm))
        canvas.drawString(name_x, y, line.product.name)
        canvas.setFont(BOLD, 10)
        canvas.drawRightString(qty_x, y, str(line.qty))

    canvas.setFont(REGULAR, 9)
    notes = [
        _("Please ship directly to the customer, without prices or invoice."),
        _("Then enter the carrier and tracking number at:"),
    ]
    for number, note in enumerate(notes):
        canvas.drawString(left, 34 * mm - number * 12, note)
    canvas.setFont(BOLD, _fit(link, BOLD, 9, width))
    canvas.drawString(left, 34 * mm - 28, link)


def email_purchase_order(shipment_id: int, *, actor_id: int | None = None) -> Shipment:
    """E-mail a requested dropship shipment's purchase order (PDF and link) to its
    supplier. Refused without MAIL_SERVER or the supplier's address."""
    config = current_app.config
    if not config.get("MAIL_SERVER"):
        raise MailNotConfigured()
    with unit_of_work() as session:
        shipment = session.get(Shipment, shipment_id, with_for_update=True)
        if shipment is None or shipment.mode != FulfilmentMode.DROPSHIP:
            raise NotFound()
        if shipment.status == S.CANCELLED:
            raise ShipmentCancelled(order=shipment.order.external_id)
        if shipment.status != S.REQUESTED:
            raise InvalidInput(
                field=_l("Shipment %(id)s") % {"id": shipment.id},
                problem=_l("is already %(status)s") % {"status": shipment.status},
            )
        supplier = shipment.supplier
        if not supplier.email:
            raise InvalidInput(field=supplier.code, problem=_l("has no e-mail address"))
        link = supplier_url(shipment.id)
        _send(_purchase_order_mail(shipment, link))
        events.record(session, PO_SENT, shipment, actor_id=actor_id, to=supplier.email)
        return shipment


def email_unsent_purchase_orders(
    *, actor_id: int | None = None
) -> list[tuple[int, str]]:
    """E-mail every purchase order not sent yet; (shipment id, problem or "") each."""
    if not current_app.config.get("MAIL_SERVER"):
        raise MailNotConfigured()
    results = []
    for shipment_id in [s.id for s in queries.unsent_purchase_orders()]:
        try:
            email_purchase_order(shipment_id, actor_id=actor_id)
            results.append((shipment_id, ""))
        except (MailFailed, InvalidInput, NotFound, ShipmentCancelled) as problem:
            results.append((shipment_id, str(problem)))
    return results


def _purchase_order_mail(shipment: Shipment, link: str) -> EmailMessage:
    config = current_app.config
    order = shipment.order
    title = _("Purchase order %(number)s", number=shipment.id)
    message = EmailMessage()
    message["Subject"] = f"{title} · {order.external_id}"
    message["From"] = config.get("MAIL_FROM") or config.get("MAIL_USERNAME")
    message["To"] = shipment.supplier.email
    lines = "\n".join(
        f"  {line.qty} × {line.product.sku}  {line.product.name}"
        for line in shipment.lines
    )
    message.set_content(
        "\n\n".join(
            [
                _("Please ship these items directly to the customer:"),
                lines,
                _("Ship to")
                + ":\n"
                + "\n".join(
                    row
                    for row in (
                        order.ship_name,
                        order.ship_line1,
                        order.ship_line2,
                        f"{order.ship_postal_code} {order.ship_city}",
                        order.ship_country,
                    )
                    if row.strip()
                ),
                _("Then enter the carrier and tracking number at:") + f"\n{link}",
            ]
        )
    )
    message.add_attachment(
        purchase_order_pdf(shipment, link).getvalue(),
        maintype="application",
        subtype="pdf",
        filename=f"purchase-order-{shipment.id}.pdf",
    )
    return message


def _send(message: EmailMessage) -> None:
    config = current_app.config
    try:
        with smtplib.SMTP(
            config["MAIL_SERVER"], config.get("MAIL_PORT", 587), timeout=15
        ) as smtp:
            if config.get("MAIL_USE_TLS", True):
                smtp.starttls()
            if config.get("MAIL_USERNAME"):
                smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD", ""))
            smtp.send_message(message)
    except (smtplib.SMTPException, OSError) as error:
        raise MailFailed(to=message["To"], reason=str(error)) from None
