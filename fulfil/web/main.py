"""The landing route and the per-user switches: language and warehouse."""

from flask import Blueprint, abort, current_app, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from fulfil.domain.roles import HOME_ENDPOINTS, Role
from fulfil.queries.setup import setup_done
from fulfil.services import users
from fulfil.web.forms import whole_number
from fulfil.web.navigation import safe_next

bp = Blueprint("main", __name__)


@bp.get("/")
@login_required
def home():
    """Straight to the first area the user works in; an admin of an installation not
    yet set up goes to the first-run checklist."""
    if Role.ADMIN in current_user.roles and not setup_done():
        return redirect(url_for("setup.checklist"))
    first = next(role for role in Role if role in current_user.roles)
    return redirect(url_for(HOME_ENDPOINTS[first]))


@bp.post("/language")
def set_language():
    language = request.form.get("language", "")
    if language not in current_app.config["LANGUAGES"]:
        abort(400, description="Unsupported language")
    if current_user.is_authenticated:
        users.set_language(user_id=current_user.id, language=language)
    session["language"] = language
    return redirect(safe_next(request.form.get("next")) or url_for("main.home"), 303)


@bp.post("/warehouse")
@login_required
def set_warehouse():
    users.set_warehouse(
        user_id=current_user.id,
        warehouse_id=whole_number("warehouse", _("Warehouse")),
        actor_id=current_user.id,
    )
    return redirect(safe_next(request.form.get("next")) or url_for("main.home"), 303)
