"""Who is logged in, and what a request may do: Flask-Login hooks and role guards."""

from flask import Blueprint, abort, redirect, request, url_for
from flask_login import current_user

from fulfil.domain.roles import Role
from fulfil.queries.users import user_by_id
from fulfil.web.htmx import wants_fragment


def load_user(user_id: str):
    user = user_by_id(int(user_id)) if user_id.isdigit() else None
    return user if user is not None and user.active else None


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
