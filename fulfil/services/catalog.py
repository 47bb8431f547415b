"""Products: created and updated here, with their barcodes checked; GTINs numbered
under the shop's own GS1 company prefix."""

import re
from enum import StrEnum
from typing import Literal

import pycountry
import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from fulfil.domain.barcodes import (
    BarcodeProblem,
    barcode_problem,
    item_reference,
    make_ean13,
    next_item_reference,
)
from fulfil.errors import (
    DuplicateValue,
    HasBarcode,
    InvalidInput,
    InvalidRequest,
    NoCompanyPrefix,
    NotFound,
    PrefixFull,
    UnknownProduct,
)
from fulfil.models import FulfilmentMode, Product, Supplier, Tracking
from fulfil.services import events, unit_of_work

BARCODE_PROBLEMS = {
    BarcodeProblem.EMPTY: _l("is empty"),
    BarcodeProblem.CHECK_DIGIT: _l("has a wrong GTIN check digit"),
    BarcodeProblem.CHARACTERS: _l(
        "may hold only letters, digits and - . _ / + (at most 48)"
    ),
}
# What a person's save may change, compared to record a change only when there is one.
SAVED = tuple(c.key for c in Product.__table__.columns if c.key not in ("id", "sku"))


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
    only: Literal["create", "update"] | None = None,
    actor_id: int | None = None,
) -> Product:
    """Create the product with this SKU, or update it. Barcodes stay unique; a
    product may have none (it is scanned by its SKU). `only="create"` refuses a SKU
    that exists, `only="update"` one that does not. A person's save (`actor_id`) is
    recorded in the product's history when it changes something."""
    sku, name, barcode = sku.strip(), name.strip(), (barcode or "").strip() or None
    if not sku or len(sku) > 64:
        raise InvalidInput(field="sku", problem=_l("must be 1 to 64 characters"))
    if not name:
        raise InvalidInput(field="name", problem=_l("is required"))
    if barcode is not None and (problem := barcode_problem(barcode)):
        raise InvalidInput(field="barcode", problem=BARCODE_PROBLEMS[problem])
    fulfilment = _choice("fulfilment", FulfilmentMode, fulfilment)
    tracking = _choice("tracking", Tracking, tracking)
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
        if product is not None and only == "create":
            raise DuplicateValue(field="sku", value=sku)
        if product is None and only == "update":
            raise UnknownProduct(code=sku)
        owner = barcode and session.scalar(
            sa.select(Product.sku).where(Product.barcode == barcode)
        )
        if owner and owner != sku:
            raise DuplicateValue(field="barcode", value=barcode)
        created = product is None
        if created:
            product = Product(sku=sku)
            session.add(product)
        before = _saved(product)
        product.name, product.barcode = name[:255], barcode
        product.weight_g, product.length_mm = weight_g, length_mm
        product.width_mm, product.height_mm = width_mm, height_mm
        product.fulfilment, product.tracking = fulfilment, tracking
        product.hs_code, product.origin_country = hs_code, origin_country.upper()
        product.supplier_id, product.download_file = supplier_id, download_file
        product.max_downloads, product.active = max_downloads, active
        if actor_id is not None and (created or _saved(product) != before):
            events.record(
                session,
                "product.created" if created else "product.changed",
                product,
                actor_id=actor_id,
                sku=sku,
            )
        return product


def _choice(field: str, kind: type[StrEnum], value: str):
    try:
        return kind(value)
    except ValueError:
        expected = ", ".join(member.value for member in kind)
        raise InvalidInput(
            field=field,
            problem=_l("must be one of %(expected)s") % {"expected": expected},
        ) from None


def _saved(product: Product) -> tuple:
    return tuple(getattr(product, column) for column in SAVED)


# Tries before giving up when other writers keep taking the number in between.
GTIN_ATTEMPTS = 8
GTIN_LOCK = 0x4754494E  # PostgreSQL advisory lock key of GTIN numbering ("GTIN")


def assign_gtin(product_id: int, *, actor_id: int | None) -> Product:
    """Give a product without a barcode the next GTIN-13 under the shop's GS1 company
    prefix (GS1_COMPANY_PREFIX): item references count up, and no number a product
    holds, in any GTIN form, is given again. Numberings take turns; a barcode saved
    another way (the API, an import) at the same moment as the number chosen meets
    the barcode's unique constraint, and the numbering counts again."""
    prefix = current_app.config.get("GS1_COMPANY_PREFIX") or ""
    if not prefix:
        raise NoCompanyPrefix()
    for _attempt in range(GTIN_ATTEMPTS - 1):
        try:
            return _assign_gtin(product_id, prefix, actor_id)
        except sa.exc.IntegrityError:
            continue  # another product took this number meanwhile: count again
    return _assign_gtin(product_id, prefix, actor_id)


def _assign_gtin(product_id: int, prefix: str, actor_id: int | None) -> Product:
    with unit_of_work() as session:
        if session.get_bind().dialect.name == "postgresql":
            # Fulfil's own numberings take turns (SQLite's writers always do); the
            # unique constraint still catches a barcode written another way meanwhile.
            session.execute(sa.select(sa.func.pg_advisory_xact_lock(GTIN_LOCK)))
        product = session.execute(
            sa.select(Product).where(Product.id == product_id).with_for_update()
        ).scalar_one_or_none()
        if product is None:
            raise NotFound()
        if product.barcode:
            raise HasBarcode(sku=product.sku, barcode=product.barcode)
        number = next_item_reference(prefix, _item_references(session, prefix))
        if number is None:
            raise PrefixFull(prefix=prefix)
        product.barcode = make_ean13(prefix, number)
        session.flush()  # a number taken meanwhile fails here, inside the transaction
        events.record(
            session,
            "product.gtin_assigned",
            product,
            actor_id=actor_id,
            sku=product.sku,
            gtin=product.barcode,
        )
        return product


def _item_references(session, prefix: str) -> list[int]:
    """The item references products hold under `prefix`, as GTIN-13, GTIN-14 or
    (for a prefix starting with 0) GTIN-12."""
    stored_as = [prefix, "0" + prefix]
    if prefix.startswith("0"):
        stored_as.append(prefix[1:])
    barcodes = session.scalars(
        sa.select(Product.barcode).where(
            sa.or_(*(Product.barcode.startswith(start) for start in stored_as))
        )
    )
    found = (item_reference(prefix, barcode) for barcode in barcodes)
    return [number for number in found if number is not None]


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
