"""Logging in by password or by scanning a badge, and logging out."""

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from fulfil.errors import InvalidBadge
from fulfil.extensions import limiter
from fulfil.queries.users import user_by_badge, user_by_credentials
from fulfil.services import users
from fulfil.web.navigation import safe_next

bp = Blueprint("auth", __name__)


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _failed(response) -> bool:
    """Only refused attempts count towards the limit; a shift of logins does not."""
    return response.status_code == 401


@bp.get("/login")
def login():
    return render_template("auth/login.html", next=safe_next(request.args.get("next")))


@bp.post("/login")
@limiter.limit(_login_limit, deduct_when=_failed)
def password_login():
    user = user_by_credentials(
        request.form.get("username", ""), request.form.get("password", "")
    )
    if user is None:
        return _refused(
            _("Wrong username or password."), username=request.form.get("username", "")
        )
    return _welcome(user)


@bp.post("/login/badge")
@limiter.limit(_login_limit, deduct_when=_failed)
def badge_login():
    try:
        user = user_by_badge(request.form.get("badge", ""))
    except InvalidBadge as refusal:
        return _refused(str(refusal), badge_error=True)
    return _welcome(user)


@bp.post("/logout")
def logout():
    """Log out here and on every other device: a copied or forgotten session cookie
    of this user stops working too."""
    if current_user.is_authenticated:
        users.end_sessions(user_id=current_user.id)
    logout_user()
    return redirect(url_for("auth.login"), 303)


def _welcome(user):
    login_user(user)  # the cookie holds the user's id and session generation
    return redirect(safe_next(request.form.get("next")) or url_for("main.home"), 303)


def _refused(message: str, **context):
    return (
        render_template(
            "auth/login.html",
            error=message,
            next=safe_next(request.form.get("next")),
            **context,
        ),
        401,
    )
