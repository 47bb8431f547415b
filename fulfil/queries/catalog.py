"""Products and suppliers as the manager's pages find and list them."""

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from fulfil.domain import gs1
from fulfil.extensions import db
from fulfil.models import Event, Product, Supplier

PER_PAGE = 25


@dataclass(frozen=True)
class ProductPage:
    """One page of a product search: its products, and where it stands."""

    products: list[Product]
    total: int  # products the search found, on all pages
    page: int  # from 1
    pages: int


def find_products(
    text: str = "", *, page: int = 1, without_barcode: bool = False
) -> ProductPage:
    """Products whose SKU or name holds `text` or whose barcode it is (a scan: any
    GTIN form of it), those it names exactly first, then by SKU; PER_PAGE a page.
    A page past the last gives the last."""
    text = text.strip()
    where = []
    exact = sa.false()
    if text:
        codes = gs1.product_codes(text) | {text}
        exact = sa.or_(Product.sku == text, Product.barcode.in_(codes))
        where.append(
            sa.or_(
                exact,
                Product.sku.icontains(text, autoescape=True),
                Product.name.icontains(text, autoescape=True),
            )
        )
    if without_barcode:
        where.append(Product.barcode.is_(None))
    total = db.session.scalar(sa.select(sa.func.count(Product.id)).where(*where))
    pages = max(1, -(-total // PER_PAGE))
    page = min(max(page, 1), pages)
    products = db.session.scalars(
        sa.select(Product)
        .where(*where)
        .options(joinedload(Product.supplier))
        .order_by(sa.case((exact, 0), else_=1), Product.sku)
        .limit(PER_PAGE)
        .offset((page - 1) * PER_PAGE)
    ).all()
    return ProductPage(list(products), total, page, pages)


def suppliers() -> list[Supplier]:
    """Every supplier, by code (a product form's choices)."""
    return list(db.session.scalars(sa.select(Supplier).order_by(Supplier.code)))


def product_events(product_id: int, limit: int = 20) -> list[Event]:
    """What people did to a product's record (created, changed, barcode given,
    customs data), newest first."""
    return list(
        db.session.scalars(
            sa.select(Event)
            .where(Event.subject_type == "products", Event.subject_id == product_id)
            .options(joinedload(Event.actor))
            .order_by(Event.at.desc(), Event.id.desc())
            .limit(limit)
        )
    )
