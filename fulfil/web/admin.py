"""Users, roles and badges; warehouses; API tokens and webhooks for the shop's
developers."""

from functools import cache
from zoneinfo import available_timezones

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_user

from fulfil.domain.roles import Role
from fulfil.errors import FulfilError
from fulfil.localtime import day_names
from fulfil.models import FulfilmentMode
from fulfil.queries import integration
from fulfil.queries import layout as layout_queries
from fulfil.queries import users as user_queries
from fulfil.services import layout, tokens, users, webhooks
from fulfil.web.forms import clock_time, ids, whole_number
from fulfil.web.navigation import AREA_NAMES
from fulfil.web.session import guard

bp = Blueprint("admin", __name__, url_prefix="/admin")
guard(bp, Role.ADMIN)


def _page(status: int = 200, **context):
    return (
        render_template(
            "admin/home.html",
            users=user_queries.all_users(),
            role_names=AREA_NAMES,
            roles=list(Role),
            warehouses=layout_queries.warehouses(),
            **context,
        ),
        status,
    )


@bp.get("/")
def home():
    return _page()


@bp.post("/users")
def create_user():
    form = request.form
    try:
        user = users.create_user(
            username=form.get("username", ""),
            password=form.get("password", ""),
            roles=form.getlist("roles"),
            warehouse_id=whole_number("warehouse", _("Warehouse"), required=False),
            actor_id=current_user.id,
        )
    except FulfilError as refusal:
        return _page(refusal.status, refusal=refusal, values=form)
    flash(_("User %(name)s created.", name=user.username))
    return redirect(url_for("admin.home"), 303)


@bp.post("/users/<username>/active")
def set_active(username: str):
    active = request.form.get("active") == "1"
    if not active and username == current_user.username:
        return _page(422, refusal=_("You cannot deactivate yourself."))
    users.set_active(username=username, active=active, actor_id=current_user.id)
    return redirect(url_for("admin.home"), 303)


@bp.post("/users/<username>/roles")
def set_roles(username: str):
    """New roles end the user's sessions: no page opened under the old ones stays."""
    try:
        users.set_roles(
            username=username,
            roles=request.form.getlist("roles"),
            actor_id=current_user.id,
        )
    except FulfilError as refusal:
        return _page(refusal.status, refusal=refusal)
    _stay_signed_in(username)
    flash(_("Roles of %(name)s changed.", name=username))
    return redirect(url_for("admin.home"), 303)


@bp.post("/users/<username>/password")
def set_password(username: str):
    """A new password (a forgotten one, or one seen by others) ends every session."""
    try:
        users.set_password(
            username=username,
            password=request.form.get("password", ""),
            actor_id=current_user.id,
        )
    except FulfilError as refusal:
        return _page(refusal.status, refusal=refusal)
    _stay_signed_in(username)
    flash(_("New password set for %(name)s: they are logged out.", name=username))
    return redirect(url_for("admin.home"), 303)


@bp.post("/users/<username>/warehouse")
def set_user_warehouse(username: str):
    """Where the user works from their next page on."""
    user = user_queries.user_by_username(username)
    if user is None:
        abort(404)
    try:
        site = users.set_warehouse(
            user_id=user.id,
            warehouse_id=whole_number("warehouse", _("Warehouse")),
            actor_id=current_user.id,
        ).warehouse
    except FulfilError as refusal:
        return _page(refusal.status, refusal=refusal)
    flash(_("%(name)s works in %(code)s.", name=user.username, code=site.code))
    return redirect(url_for("admin.home"), 303)


def _stay_signed_in(username: str) -> None:
    """An admin changing their own password or roles ends their other sessions, not
    this one: it carries the new session generation on."""
    if username.strip().lower() == current_user.username:
        login_user(user_queries.user_by_id(current_user.id))


@bp.post("/users/<username>/badge")
def issue_badge(username: str):
    """Issue a new badge (the old one stops working) and show it for printing."""
    from fulfil.labels import qr_svg  # reportlab and qrcode load only when printing

    token = users.issue_badge(username=username, actor_id=current_user.id)
    return render_template(
        "admin/badge.html", username=username, token=token, qr=qr_svg(token)
    )


# -- warehouses ---------------------------------------------------------------------


def _warehouses_page(status: int = 200, **context):
    config = current_app.config
    return (
        render_template(
            "admin/warehouses.html",
            warehouses=layout_queries.warehouses(),
            people=user_queries.people_per_warehouse(),
            zones=_zones(),
            day_names=day_names(get_locale()),
            default_cutoff=config["CUTOFF_TIME"],
            default_days=config["WORKING_DAYS"],
            **context,
        ),
        status,
    )


@bp.get("/warehouses")
def warehouses():
    """Every site with its zone, cut-off and working days; a form for a new one."""
    return _warehouses_page()


@bp.post("/warehouses")
def create_warehouse():
    form = request.form
    try:
        site = layout.create_warehouse(
            code=form.get("code", ""),
            actor_id=current_user.id,
            **_warehouse_settings(),
        )
    except FulfilError as refusal:
        return _warehouses_page(refusal.status, refusal=_worded(refusal), values=form)
    flash(_("Warehouse %(code)s created.", code=site.code))
    return redirect(url_for("admin.warehouses"), 303)


@bp.post("/warehouses/<warehouse>")
def change_warehouse(warehouse: str):
    try:
        site = layout.change_warehouse(
            code=warehouse, actor_id=current_user.id, **_warehouse_settings()
        )
    except FulfilError as refusal:
        return _warehouses_page(
            refusal.status,
            refusal=_worded(refusal),
            values=request.form,
            editing=warehouse.strip().upper(),
        )
    flash(_("Warehouse %(code)s saved.", code=site.code))
    return redirect(url_for("admin.warehouses"), 303)


def _warehouse_settings() -> dict:
    """The warehouse form's fields: an empty cut-off and no day ticked are the
    configuration's."""
    form = request.form
    return dict(
        name=form.get("name", ""),
        address=form.get("address", ""),
        timezone=form.get("timezone", ""),
        cutoff_time=clock_time("cutoff_time", _("Cut-off time")),
        working_days=ids("working_days", _("Working days")) or None,
    )


WAREHOUSE_FIELDS = {
    "code": _l("Code"),
    "name": _l("Name"),
    "address": _l("Address"),
    "timezone": _l("Time zone"),
    "cutoff_time": _l("Cut-off time"),
    "working_days": _l("Working days"),
}


def _worded(refusal: FulfilError) -> str:
    """The refusal naming the field as the form labels it ("Time zone", not
    "timezone")."""
    label = WAREHOUSE_FIELDS.get(refusal.details.get("field"))
    if label is None:
        return str(refusal)
    return str(refusal.message) % {**refusal.details, "field": label}


# The zones of places (Europe/Berlin), offered while typing; any IANA name is taken.
ZONE_AREAS = (
    "Africa/",
    "America/",
    "Antarctica/",
    "Asia/",
    "Atlantic/",
    "Australia/",
    "Europe/",
    "Indian/",
    "Pacific/",
)


@cache
def _zones() -> list[str]:
    return [
        "UTC",
        *sorted(z for z in available_timezones() if z.startswith(ZONE_AREAS)),
    ]


# -- API tokens ---------------------------------------------------------------------

SCOPE_HELP = {
    "orders:write": _l("take in and cancel orders"),
    "orders:read": _l("read orders, their shipments and timeline"),
    "products:write": _l("create and update products and suppliers"),
    "stock:read": _l("read stock levels"),
    "stock:write": _l("book stock in, move and adjust it"),
    "layout:write": _l("define warehouse locations"),
    "shipments:write": _l("report tracking and delivery (3PL, supplier)"),
}


def _tokens_page(status: int = 200, **context):
    return (
        render_template(
            "admin/tokens.html",
            tokens=integration.all_tokens(),
            scopes=tokens.SCOPES,
            scope_help=SCOPE_HELP,
            **context,
        ),
        status,
    )


@bp.get("/tokens")
def api_tokens():
    return _tokens_page()


@bp.post("/tokens")
def create_token():
    form = request.form
    try:
        token, secret = tokens.create_token(
            name=form.get("name", ""),
            scopes=form.getlist("scopes"),
            actor_id=current_user.id,
        )
    except FulfilError as refusal:
        return _tokens_page(refusal.status, refusal=refusal, values=form)
    return _shown_once(
        title=_("API token %(name)s", name=token.name),
        secret=secret,
        warning=_(
            "Copy this token now: it is shown only once. Fulfil keeps only a hash of "
            "it; if it is lost, revoke it and create a new one."
        ),
        label=_("Token"),
        usage_intro=_("Send it with every API request, as this header:"),
        usage="Authorization: Bearer <token>",
        back=url_for("admin.api_tokens"),
        back_label=_("Back to API tokens"),
    )


@bp.post("/tokens/<id:token_id>/revoke")
def revoke_token(token_id: int):
    try:
        token = tokens.revoke_token(token_id, actor_id=current_user.id)
    except FulfilError as refusal:
        abort(refusal.status)
    flash(_("Token %(name)s revoked: it no longer works.", name=token.name))
    return redirect(url_for("admin.api_tokens"), 303)


# -- webhooks -----------------------------------------------------------------------

DELIVERY_STATUS_NAMES = {
    "pending": _l("pending"),
    "delivered": _l("delivered"),
    "failed": _l("failed"),
}
MODE_NAMES = {
    FulfilmentMode.IN_HOUSE.value: _l("in-house"),
    FulfilmentMode.THIRD_PARTY.value: _l("3PL"),
    FulfilmentMode.DROPSHIP.value: _l("dropship"),
    FulfilmentMode.DIGITAL.value: _l("digital"),
}
LOG_PAGE = 50


def _webhooks_page(status: int = 200, **context):
    return (
        render_template(
            "admin/webhooks.html",
            subscriptions=integration.all_subscriptions(),
            counts=integration.delivery_counts(),
            event_types=webhooks.EVENT_TYPES,
            mode_names=MODE_NAMES,
            delivery_status_names=DELIVERY_STATUS_NAMES,
            **context,
        ),
        status,
    )


@bp.get("/webhooks")
def webhook_subscriptions():
    return _webhooks_page()


@bp.post("/webhooks")
def subscribe():
    form = request.form
    events = ["*"] if form.get("all_events") else form.getlist("events")
    try:
        subscription, secret = webhooks.subscribe(
            form.get("url", ""),
            events,
            form.get("description", ""),
            fulfilment=form.get("fulfilment", ""),
            actor_id=current_user.id,
        )
    except FulfilError as refusal:
        return _webhooks_page(refusal.status, refusal=refusal, values=form)
    return _shown_once(
        title=_("Webhook to %(url)s", url=subscription.url),
        secret=secret,
        warning=_(
            "Copy this signing secret now: it is shown only once. The receiver "
            "checks the Fulfil-Signature header of every webhook with it."
        ),
        label=_("Signing secret"),
        usage_intro=_("Every webhook carries this header, made with the secret:"),
        usage=f"{webhooks.SIGNATURE_HEADER}: t=<unix time>,v1=<HMAC-SHA256 of t.body>",
        back=url_for("admin.webhook_subscriptions"),
        back_label=_("Back to webhooks"),
    )


@bp.post("/webhooks/<id:subscription_id>/deactivate")
def deactivate_webhook(subscription_id: int):
    try:
        subscription = webhooks.deactivate(subscription_id, actor_id=current_user.id)
    except FulfilError as refusal:
        abort(refusal.status)
    flash(_("Webhooks to %(url)s stopped.", url=subscription.url))
    return redirect(url_for("admin.webhook_subscriptions"), 303)


@bp.get("/webhooks/deliveries")
def webhook_deliveries():
    return _deliveries_page(
        request.args.get("status", ""),
        whole_number("before", "before", required=False, source=request.args),
    )


@bp.post("/webhooks/deliveries/<id:delivery_id>/resend")
def resend_delivery(delivery_id: int):
    status = request.form.get("status", "")
    try:
        webhooks.resend(delivery_id, actor_id=current_user.id)
    except FulfilError as refusal:
        return _deliveries_page(status, None, refusal.status, refusal=refusal)
    flash(_("Delivery %(id)s queued again: it is sent within moments.", id=delivery_id))
    return redirect(
        url_for("admin.webhook_deliveries", status=_known_status(status) or None), 303
    )


def _known_status(status: str) -> str:
    return status if status in integration.DELIVERY_STATUSES else ""


def _deliveries_page(status: str, before: int | None, code: int = 200, **context):
    status = _known_status(status)
    deliveries = integration.webhook_deliveries(
        status=status, before=before, limit=LOG_PAGE
    )
    return (
        render_template(
            "admin/deliveries.html",
            deliveries=deliveries,
            status=status,
            statuses=integration.DELIVERY_STATUSES,
            delivery_status_names=DELIVERY_STATUS_NAMES,
            older=deliveries[-1].id if len(deliveries) == LOG_PAGE else None,
            paged=before is not None,
            **context,
        ),
        code,
    )


def _shown_once(**context):
    """A page with a secret on it: never cached, never stored in the history."""
    response = make_response(render_template("admin/secret.html", **context))
    response.headers["Cache-Control"] = "no-store"
    return response
