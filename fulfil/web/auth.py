"""Logging in by password or by scanning a badge, and logging out."""

import time

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_limiter import RateLimitExceeded
from flask_login import current_user, login_user, logout_user

from fulfil.errors import InvalidBadge
from fulfil.extensions import limiter
from fulfil.queries.users import user_by_badge, user_by_credentials
from fulfil.services import users
from fulfil.web.navigation import safe_next

bp = Blueprint("auth", __name__)


def _failed(response) -> bool:
    """Only refused attempts count towards the limits; a shift of logins does not."""
    return response.status_code == 401


def _username() -> str:
    """The username an attempt names, as accounts are looked up (none is longer)."""
    return request.form.get("username", "").strip().lower()[:64]


# Failed logins count twice. Per username: one account is not guessed at, from any
# number of addresses. Per address, with a far higher limit: one person's typos do
# not lock out everyone behind the same address (a floor behind one NAT), and one
# address cannot go through many names. Shared scopes: one count across workers
# (in Redis) and, per address, across password and badge logins.
per_username = limiter.shared_limit(
    lambda: current_app.config["LOGIN_RATE_LIMIT"],
    scope="login-username",
    key_func=lambda: f"user:{_username()}",
    deduct_when=_failed,
)
per_address = limiter.shared_limit(
    lambda: current_app.config["LOGIN_ADDRESS_RATE_LIMIT"],
    scope="login-address",
    deduct_when=_failed,
)


@bp.get("/login")
def login():
    return render_template("auth/login.html", next=safe_next(request.args.get("next")))


@bp.post("/login")
@per_username
@per_address
def password_login():
    user = user_by_credentials(
        request.form.get("username", ""), request.form.get("password", "")
    )
    if user is None:
        return _refused(_("Wrong username or password."))
    return _welcome(user)


@bp.post("/login/badge")
@per_address  # a badge is signed: it cannot be guessed, only mistyped or revoked
def badge_login():
    try:
        user = user_by_badge(request.form.get("badge", ""))
    except InvalidBadge as refusal:
        return _refused(str(refusal))
    return _welcome(user)


@bp.errorhandler(RateLimitExceeded)
def locked_out(error: RateLimitExceeded):
    """The login page again, saying how long to wait (others can still log in)."""
    reset = max(limit.reset_at for limit in limiter.current_limits if limit.breached)
    seconds = max(1, reset - int(time.time()))
    if error.limit.scope == "login-username":
        message = _(
            "Too many failed logins for %(username)s. Wait %(seconds)d seconds, "
            "then try again.",
            username=_username(),
            seconds=seconds,
        )
    else:
        message = _(
            "Too many failed logins from this network. Wait %(seconds)d seconds, "
            "then try again.",
            seconds=seconds,
        )
    return _refused(message, status=429)


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


def _refused(message: str, status: int = 401):
    badge = request.endpoint == "auth.badge_login"
    return (
        render_template(
            "auth/login.html",
            error=message,
            next=safe_next(request.form.get("next")),
            username="" if badge else request.form.get("username", ""),
            badge_error=badge,
        ),
        status,
    )
