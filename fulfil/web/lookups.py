"""Lookups several floor screens share: a scanned product and where it is stocked."""

from flask import Response
from flask_login import current_user

from fulfil.errors import FulfilError
from fulfil.queries import stock
from fulfil.web.htmx import page_or_fragment


def product_stock(page: str, fragment: str, code: str) -> Response:
    """The product behind a scanned SKU or barcode with its bins, or the refusal."""
    try:
        product = stock.product_by_code(code)
    except FulfilError as refusal:
        return page_or_fragment(
            page, fragment, refusal.status, refusal=refusal, code=code
        )
    rows = stock.stock_of(product.id, current_user.warehouse_id)
    return page_or_fragment(page, fragment, product=product, rows=rows, code=code)
