"""The picker's handheld screens."""

from flask import Blueprint, request
from flask_login import current_user

from fulfil.domain.roles import Role
from fulfil.errors import FulfilError
from fulfil.queries import stock
from fulfil.web.htmx import page_or_fragment
from fulfil.web.session import guard

bp = Blueprint("picking", __name__, url_prefix="/pick")
guard(bp, Role.PICKER)


@bp.get("/")
def home():
    return page_or_fragment("picking/home.html", "picking/_bin.html")


@bp.get("/bin")
def bin_contents():
    """What is in the bin whose label was scanned."""
    code = request.args.get("code", "")
    try:
        location = stock.location_by_code(current_user.warehouse_id, code)
    except FulfilError as refusal:
        return page_or_fragment(
            "picking/home.html", "picking/_bin.html", 404, refusal=refusal, code=code
        )
    return page_or_fragment(
        "picking/home.html",
        "picking/_bin.html",
        location=location,
        rows=stock.stock_at(location.id),
    )
