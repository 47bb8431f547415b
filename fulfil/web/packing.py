"""The pack station."""

from flask import Blueprint, request
from flask_login import current_user

from fulfil.domain.roles import Role
from fulfil.errors import FulfilError
from fulfil.queries import stock
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
    code = request.args.get("code", "")
    try:
        product = stock.product_by_code(code)
    except FulfilError as refusal:
        return page_or_fragment(
            "packing/home.html", "packing/_item.html", 404, refusal=refusal, code=code
        )
    rows = stock.stock_of(product.id, current_user.warehouse_id)
    return page_or_fragment(
        "packing/home.html", "packing/_item.html", product=product, rows=rows
    )
