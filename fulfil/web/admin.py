"""Users, roles and badges."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from fulfil.domain.roles import Role
from fulfil.errors import FulfilError
from fulfil.queries import users as user_queries
from fulfil.services import users
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


@bp.post("/users/<username>/badge")
def issue_badge(username: str):
    """Issue a new badge (the old one stops working) and show it for printing."""
    from fulfil.labels import qr_svg  # reportlab and qrcode load only when printing

    token = users.issue_badge(username=username, actor_id=current_user.id)
    return render_template(
        "admin/badge.html", username=username, token=token, qr=qr_svg(token)
    )
