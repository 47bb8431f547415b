"""Who is logged in, and what a request may do: Flask-Login hooks and role guards."""

import re

from flask import Blueprint, abort, redirect, request, url_for
from flask_login import current_user

from fulfil.domain.roles import Role
from fulfil.queries.users import user_by_id
from fulfil.web.htmx import wants_fragment

# What login_user stored: the user's id and the session generation at login.
_SESSION_ID = re.compile(r"(\d{1,18}):(\d{1,18})", re.ASCII)


def load_user(session_id: str):
    """The session's user, or None (logged out) when the user was deactivated or
    any of their sessions was ended since this one began (logout, new password,
    roles changed): then the generation in the cookie is no longer theirs."""
    match = _SESSION_ID.fullmatch(session_id)
    if match is None:  # a cookie from before session generations
        return None
    user = user_by_id(int(match[1]))
    if user is None or not user.active:
        return None
    return user if user.session_generation == int(match[2]) else None


def unauthorized():
    """Send anonymous visitors to the login page; htmx follows an HX-Redirect instead
    of swapping the login page into a fragment."""
    target = url_for("auth.login", next=request.full_path.rstrip("?"))
    if wants_fragment():
        return "", 401, {"HX-Redirect": target, "Vary": "HX-Request"}
    return redirect(target)


def guard(bp: Blueprint, *roles: Role) -> None:
    """Every route of `bp` needs a logged-in user holding one of `roles` (or admin)."""

    @bp.before_request
    def _require_role():
        if not current_user.is_authenticated:
            from fulfil.extensions import login_manager

            return login_manager.unauthorized()
        if not current_user.has_role(*roles):
            abort(403)
        return None
