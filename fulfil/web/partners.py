"""Manager pages for 3PL and dropship shipments, and the licence key pools."""

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from fulfil.domain.roles import Role
from fulfil.errors import FulfilError
from fulfil.models import FulfilmentMode
from fulfil.models.types import utcnow
from fulfil.queries import partners as queries
from fulfil.services import partners
from fulfil.web.htmx import page_or_fragment, wants_fragment
from fulfil.web.session import guard

bp = Blueprint("partners", __name__, url_prefix="/manage/partners")
guard(bp, Role.MANAGER)


def _overview(status: int = 200, **context):
    threepl = queries.open_partner_shipments(FulfilmentMode.THIRD_PARTY)
    dropship = queries.open_partner_shipments(FulfilmentMode.DROPSHIP)
    return page_or_fragment(
        "partners/home.html",
        "partners/_shipments.html",
        status,
        threepl=threepl,
        dropship=dropship,
        exported=queries.marks([s.id for s in threepl], queries.EXPORTED),
        sent=queries.marks([s.id for s in dropship], queries.PO_SENT),
        links={s.id: partners.supplier_url(s.id) for s in dropship},
        pools=queries.licence_pools(),
        mail=bool(current_app.config.get("MAIL_SERVER")),
        **context,
    )


@bp.get("/")
def home():
    return _overview()


@bp.get("/3pl.csv")
def export_3pl():
    """Every requested 3PL shipment, exported before or not; writes nothing."""
    return _csv(partners.export_3pl(include_exported=True))


@bp.post("/3pl.csv")
def hand_over_3pl():
    """The requested 3PL shipments not exported yet, marked as handed over."""
    return _csv(partners.export_3pl(mark_exported=True, actor_id=current_user.id))


def _csv(handover: partners.Handover) -> Response:
    name = f"3pl-shipments-{utcnow():%Y%m%d-%H%M%S}.csv"
    return Response(
        handover.csv,
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "Cache-Control": "no-store",
        },
    )


@bp.get("/shipments/<id:shipment_id>/purchase-order.pdf")
def purchase_order(shipment_id: int):
    shipment = queries.supplier_shipment(shipment_id)
    if shipment is None:
        abort(404)
    pdf = partners.purchase_order_pdf(shipment, partners.supplier_url(shipment.id))
    return send_file(
        pdf,
        mimetype="application/pdf",
        download_name=f"purchase-order-{shipment.id}.pdf",
    )


@bp.post("/shipments/<id:shipment_id>/email")
def email_purchase_order(shipment_id: int):
    try:
        shipment = partners.email_purchase_order(shipment_id, actor_id=current_user.id)
    except FulfilError as refusal:
        if not wants_fragment():
            flash(str(refusal))
            return redirect(url_for("partners.home"), 303)
        return _overview(refusal.status, refusal=refusal)
    done = _("Purchase order %(number)s sent to %(email)s.") % {
        "number": shipment.id,
        "email": shipment.supplier.email,
    }
    if not wants_fragment():
        flash(done)
        return redirect(url_for("partners.home"), 303)
    return _overview(done=done)


@bp.post("/purchase-orders/email")
def email_unsent():
    try:
        results = partners.email_unsent_purchase_orders(actor_id=current_user.id)
    except FulfilError as refusal:
        if not wants_fragment():
            flash(str(refusal))
            return redirect(url_for("partners.home"), 303)
        return _overview(refusal.status, refusal=refusal)
    failed = [
        f"{shipment_id}: {problem}" for shipment_id, problem in results if problem
    ]
    done = _("%(count)s purchase orders sent.") % {"count": len(results) - len(failed)}
    if not wants_fragment():
        flash(done)
        for problem in failed:
            flash(problem)
        return redirect(url_for("partners.home"), 303)
    return _overview(done=done, problems=failed)
