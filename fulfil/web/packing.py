"""The pack station."""

from flask import Blueprint, request

from fulfil.domain.roles import Role
from fulfil.web import lookups
from fulfil.web.htmx import page_or_fragment
from fulfil.web.session import guard

bp = Blueprint("packing", __name__, url_prefix="/pack")
guard(bp, Role.PACKER)


@bp.get("/")
def home():
    return page_or_fragment("packing/home.html", "packing/_item.html")


@bp.get("/item")
def item():
    """The product behind a scanned barcode, and where it is stocked."""
    return lookups.product_stock(
        "packing/home.html", "packing/_item.html", request.args.get("code", "")
    )
