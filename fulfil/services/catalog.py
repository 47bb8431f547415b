"""Products: created and updated here, with their barcodes checked."""

import re

import pycountry
import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from fulfil.domain.barcodes import barcode_problem
from fulfil.errors import DuplicateValue, InvalidInput, InvalidRequest, NotFound
from fulfil.models import FulfilmentMode, Product, Supplier, Tracking
from fulfil.services import events, unit_of_work


def upsert_product(
    *,
    sku: str,
    name: str,
    barcode: str | None = None,
    weight_g: int | None = None,
    length_mm: int | None = None,
    width_mm: int | None = None,
    height_mm: int | None = None,
    fulfilment: str = FulfilmentMode.IN_HOUSE,
    tracking: str = Tracking.NONE,
    hs_code: str = "",
    origin_country: str = "",
    supplier: str | None = None,
    download_file: str = "",
    max_downloads: int = 5,
    active: bool = True,
) -> Product:
    """Create the product with this SKU, or update it. Barcodes stay unique; a
    product may have none (it is scanned by its SKU)."""
    sku, name, barcode = sku.strip(), name.strip(), (barcode or "").strip() or None
    if not sku or len(sku) > 64:
        raise InvalidInput(field="sku", problem=_l("must be 1 to 64 characters"))
    if not name:
        raise InvalidInput(field="name", problem=_l("is required"))
    if barcode is not None and (problem := barcode_problem(barcode)):
        raise InvalidInput(field="barcode", problem=problem)
    try:
        fulfilment, tracking = FulfilmentMode(fulfilment), Tracking(tracking)
    except ValueError as bad:
        raise InvalidInput(field="fulfilment/tracking", problem=str(bad)) from None
    if origin_country and not (len(origin_country) == 2 and origin_country.isalpha()):
        raise InvalidInput(field="origin_country", problem=_l("use a two-letter code"))
    if "/" in download_file or download_file.startswith("."):
        raise InvalidInput(field="download_file", problem=_l("a plain file name"))
    with unit_of_work() as session:
        supplier_id = None
        if supplier:
            supplier_id = session.scalar(
                sa.select(Supplier.id).where(Supplier.code == supplier)
            )
            if supplier_id is None:
                raise InvalidInput(
                    field="supplier",
                    problem=_l("no supplier %(code)s") % {"code": supplier},
                )
        if fulfilment == FulfilmentMode.DROPSHIP and supplier_id is None:
            raise InvalidInput(
                field="supplier", problem=_l("a dropship product needs its supplier")
            )
        product = session.execute(
            sa.select(Product).where(Product.sku == sku)
        ).scalar_one_or_none()
        owner = barcode and session.scalar(
            sa.select(Product.sku).where(Product.barcode == barcode)
        )
        if owner and owner != sku:
            raise DuplicateValue(field="barcode", value=barcode)
        if product is None:
            product = Product(sku=sku)
            session.add(product)
        product.name, product.barcode = name[:255], barcode
        product.weight_g, product.length_mm = weight_g, length_mm
        product.width_mm, product.height_mm = width_mm, height_mm
        product.fulfilment, product.tracking = fulfilment, tracking
        product.hs_code, product.origin_country = hs_code, origin_country.upper()
        product.supplier_id, product.download_file = supplier_id, download_file
        product.max_downloads, product.active = max_downloads, active
        return product


HS_CODE = re.compile(r"^\d{6,10}$")


def set_customs_data(
    product_id: int, *, hs_code: str, origin_country: str, actor_id: int | None
) -> Product:
    """The two facts a customs declaration needs of a product: its HS tariff number
    (6 digits, or the 8 or 10 of the EU's CN and TARIC) and its country of origin."""
    hs_code = hs_code.replace(".", "").replace(" ", "").strip()
    origin_country = origin_country.strip().upper()
    problems = []
    if not HS_CODE.match(hs_code):
        problems.append((_l("HS code"), _l("6 to 10 digits, as in 6912 00 23")))
    if (
        len(origin_country) != 2
        or pycountry.countries.get(alpha_2=origin_country) is None
    ):
        problems.append(
            (_l("Country of origin"), _l("a two-letter country code, as DE or CN"))
        )
    if problems:
        raise InvalidRequest(problems)
    with unit_of_work() as session:
        product = session.get(Product, product_id)
        if product is None:
            raise NotFound()
        product.hs_code, product.origin_country = hs_code, origin_country
        events.record(
            session,
            "product.customs_data",
            product,
            actor_id=actor_id,
            hs_code=hs_code,
            origin_country=origin_country,
        )
        return product


def upsert_supplier(
    *,
    code: str,
    name: str,
    email: str = "",
    webhook_url: str = "",
    actor_id: int | None = None,
) -> Supplier:
    """Create or update a supplier (who ships dropship products)."""
    code, name = code.strip(), name.strip()
    if not code or len(code) > 32:
        raise InvalidInput(field="code", problem=_l("must be 1 to 32 characters"))
    if not name:
        raise InvalidInput(field="name", problem=_l("is required"))
    if webhook_url and not webhook_url.startswith(("https://", "http://")):
        raise InvalidInput(field="webhook_url", problem=_l("must be an http(s) URL"))
    with unit_of_work() as session:
        supplier = session.scalar(sa.select(Supplier).where(Supplier.code == code))
        if supplier is None:
            supplier = Supplier(code=code)
            session.add(supplier)
        supplier.name, supplier.email, supplier.webhook_url = name, email, webhook_url
        events.record(session, "supplier.saved", supplier, actor_id=actor_id)
        from fulfil.services import partners  # its webhook hears of its POs

        partners.subscribe_supplier(session, supplier)
        return supplier
