"""The manager's products: find (by typing or scanning), create, edit, give a product
without a barcode a GTIN, and print its labels."""

import re
import unicodedata
from functools import cache

import pycountry
from flask import Blueprint, current_app, flash, redirect, request, send_file, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from pydantic import ValidationError

from fulfil import validation
from fulfil.domain.barcodes import barcode_problem
from fulfil.domain.roles import Role
from fulfil.errors import FulfilError, InvalidInput, InvalidRequest
from fulfil.history import event_sentence
from fulfil.labels import LABEL_SIZES, ROLL, is_dense, product_label
from fulfil.labels import product_labels_pdf as labels_pdf
from fulfil.limits import max_qty
from fulfil.models import Product
from fulfil.queries import catalog as queries
from fulfil.queries import stock
from fulfil.schemas import Code, ProductIn
from fulfil.services import catalog
from fulfil.web.documents import file_safe
from fulfil.web.forms import whole_number
from fulfil.web.htmx import page_or_fragment, wants_fragment
from fulfil.web.session import guard

bp = Blueprint("products", __name__, url_prefix="/manage/products")
guard(bp, Role.MANAGER)

# Each field as the form names it: refusals name the field in these words.
LABELS = {
    "sku": _l("SKU"),
    "name": _l("Name"),
    "barcode": _l("Barcode"),
    "weight_g": _l("Weight (g)"),
    "length_mm": _l("Length (mm)"),
    "width_mm": _l("Width (mm)"),
    "height_mm": _l("Height (mm)"),
    "fulfilment": _l("Fulfilment"),
    "tracking": _l("Tracking"),
    "hs_code": _l("HS code"),
    "origin_country": _l("Country of origin"),
    "supplier": _l("Supplier"),
    "download_file": _l("Download file"),
    "max_downloads": _l("Downloads per order"),
    "active": _l("Active"),
}
NUMBERS = ("weight_g", "length_mm", "width_mm", "height_mm", "max_downloads")
TRACKING_NAMES = {
    "none": _l("No lots or serial numbers"),
    "lot": _l("By lot (batch)"),
    "serial": _l("By serial number"),
}
SIZE_NAMES = {
    "50x30": _l("50 × 30 mm labels on a roll (label printer)"),
    "a4": _l("A4 sheet of 24 (63.5 × 33.9 mm)"),
}


class ProductForm(ProductIn):
    """What the product form sends: a product as the API takes it, with its SKU."""

    sku: Code


@bp.get("/")
def home():
    """Products found by SKU, name or barcode, a page at a time. A search sent (not
    typed live) that finds one product opens it: scanning a label lands on its page."""
    text = request.args.get("q", "")[:200]
    page = whole_number("page", _("Page"), required=False, source=request.args)
    without_barcode = request.args.get("missing") == "barcode"
    found = queries.find_products(text, page=page or 1, without_barcode=without_barcode)
    if text.strip() and found.total == 1 and not request.args.get("live"):
        target = url_for("products.edit", product_id=found.products[0].id)
        if wants_fragment():
            return "", 204, {"HX-Redirect": target, "Vary": "HX-Request"}
        return redirect(target, 303)
    return page_or_fragment(
        "products/home.html",
        "products/_list.html",
        found=found,
        q=text,
        without_barcode=without_barcode,
        tracking_names=TRACKING_NAMES,
    )


@bp.get("/new")
def new():
    return _product_page(None)


@bp.post("/")
def create():
    try:
        product = catalog.upsert_product(
            **_product_form(request.form.get("sku", "")),
            only="create",
            actor_id=current_user.id,
        )
    except FulfilError as refusal:
        return _product_page(None, refusal.status, refusal=_in_words(refusal))
    flash(_("Product %(sku)s created.", sku=product.sku))
    return redirect(url_for("products.edit", product_id=product.id), 303)


@bp.get("/<id:product_id>")
def edit(product_id: int):
    return _product_page(stock.product(product_id))


@bp.post("/<id:product_id>")
def save(product_id: int):
    product = stock.product(product_id)
    try:
        catalog.upsert_product(
            **_product_form(product.sku), only="update", actor_id=current_user.id
        )
    except FulfilError as refusal:
        return _product_page(
            stock.product(product_id), refusal.status, refusal=_in_words(refusal)
        )
    flash(_("Product %(sku)s saved.", sku=product.sku))
    return redirect(url_for("products.edit", product_id=product_id), 303)


@bp.post("/<id:product_id>/gtin")
def assign_gtin(product_id: int):
    """Number a GTIN-13 for a product without a barcode (GS1_COMPANY_PREFIX)."""
    try:
        product = catalog.assign_gtin(product_id, actor_id=current_user.id)
    except FulfilError as refusal:
        return _product_page(
            stock.product(product_id), refusal.status, label_refusal=refusal
        )
    flash(
        _(
            "%(sku)s now has the barcode %(gtin)s.",
            sku=product.sku,
            gtin=product.barcode,
        )
    )
    return redirect(url_for("products.edit", product_id=product_id), 303)


@bp.get("/<id:product_id>/labels.pdf")
def labels(product_id: int):
    """Any number of the product's labels, for a label printer or A4 sheets."""
    product = stock.product(product_id)
    asked, size = request.args.get("count", ""), request.args.get("size", ROLL)
    try:
        count = whole_number(
            "count", _("Number of labels"), maximum=max_qty(), source=request.args
        )
        if count == 0:
            raise InvalidInput(
                field=_("Number of labels"), problem=_("must be at least 1")
            )
        if size not in LABEL_SIZES:
            raise InvalidInput(
                field=_("Label size"), problem=_("choose one of the sizes")
            )
        label = product_label(product)
    except FulfilError as refusal:
        return _product_page(
            product,
            refusal.status,
            label_refusal=refusal,
            count=asked[:12],
            size=size if size in LABEL_SIZES else ROLL,
        )
    return send_file(
        labels_pdf(label, count, size),
        mimetype="application/pdf",
        download_name=f"labels-{file_safe(product.sku)}.pdf",
    )


def _product_form(sku: str) -> dict:
    """The form as upsert_product's fields. Every problem is named at once, each with
    the field's label (InvalidRequest: 422), before anything is written."""
    form = request.form
    problems: list[tuple[str, str]] = []
    values: dict = {}
    for name in NUMBERS:
        try:
            number = whole_number(name, str(LABELS[name]), required=False)
        except InvalidInput as refusal:
            problems.append((refusal.details["field"], refusal.details["problem"]))
        else:
            if number is not None:
                values[name] = number
    barcode = form.get("barcode", "").strip()
    if barcode and (problem := barcode_problem(barcode)):
        problems.append((str(LABELS["barcode"]), catalog.BARCODE_PROBLEMS[problem]))
        barcode = ""
    hs_code = re.sub(r"[\s.]", "", form.get("hs_code", ""))
    if hs_code and not catalog.HS_CODE.match(hs_code):
        problems.append((str(LABELS["hs_code"]), _("6 to 10 digits, as in 6912 00 23")))
        hs_code = ""
    values |= {
        "barcode": barcode or None,
        "fulfilment": form.get("fulfilment", "in_house"),
        "tracking": form.get("tracking", "none"),
        "hs_code": hs_code,
        "origin_country": form.get("origin_country", "").strip() or None,
        "supplier": form.get("supplier", "").strip() or None,
        "download_file": form.get("download_file", "").strip(),
        "active": form.get("active") == "yes",
    }
    # left out when empty, so that pydantic says "is required"
    values |= {
        name: value
        for name, value in (("sku", sku.strip()), ("name", form.get("name", "")))
        if value.strip()
    }
    data = None
    try:
        data = ProductForm.model_validate(values)
    except ValidationError as error:
        problems += [(_label(e["loc"]), validation.message(e)) for e in error.errors()]
    if problems or data is None:
        raise InvalidRequest(problems)
    fields = data.model_dump()
    fields["origin_country"] = data.origin_country or ""
    return fields


def _label(loc: tuple) -> str:
    name = str(loc[0]) if loc else ""
    return str(LABELS.get(name, name))


def _in_words(refusal: FulfilError) -> FulfilError:
    """A service's refusal naming a field by its code (`barcode`), as the same refusal
    naming it by the form's label."""
    field = refusal.details.get("field")
    if isinstance(refusal, InvalidRequest) or str(field) not in LABELS:
        return refusal
    return type(refusal)(**{**refusal.details, "field": LABELS[str(field)]})


def _product_page(
    product: Product | None,
    status: int = 200,
    *,
    refusal: FulfilError | None = None,
    label_refusal: FulfilError | None = None,
    count: str = "1",
    size: str = ROLL,
):
    """The product's page, or the new product's form: with the refusal of what was
    sent (the form's, or the label card's: then the count and size asked) and its
    status."""
    label = dense = None
    if product is not None and product.is_physical:
        try:
            label = product_label(product)
            dense = is_dense(label)
        except FulfilError as cannot:  # said in the label card, not a failed request
            label_refusal = label_refusal or cannot
    return page_or_fragment(
        "products/product.html",
        "products/product.html",
        status,
        product=product,
        form=request.form if refusal else None,
        refusal=refusal,
        invalid=_invalid_fields(refusal),
        label=label,
        dense=dense,
        label_refusal=label_refusal,
        count=count,
        size=size,
        sizes=SIZE_NAMES,
        prefix=current_app.config.get("GS1_COMPANY_PREFIX") or "",
        suppliers=queries.suppliers(),
        countries=_countries(str(get_locale() or "en")),
        tracking_names=TRACKING_NAMES,
        labels=LABELS,
        history=[
            (event_sentence(event), event)
            for event in (queries.product_events(product.id) if product else [])
        ],
        max_qty=max_qty(),
    )


def _invalid_fields(refusal: FulfilError | None) -> set[str]:
    """The form's fields a refusal blames (to mark them)."""
    if refusal is None:
        return set()
    if isinstance(refusal, InvalidRequest):
        blamed = {field for field, _text in refusal.problems}
    else:
        blamed = {str(refusal.details.get("field", ""))}
    return {name for name, label in LABELS.items() if str(label) in blamed}


@cache
def _countries(language: str) -> list[tuple[str, str]]:
    """(code, name) of every country, named and sorted in `language`."""
    from babel import Locale

    names = Locale.parse(language).territories
    countries = [(c.alpha_2, names.get(c.alpha_2, c.name)) for c in pycountry.countries]
    return sorted(countries, key=lambda c: _sort_key(c[1]))


def _sort_key(name: str) -> str:
    return (
        unicodedata.normalize("NFKD", name)
        .encode("ascii", "ignore")
        .decode()
        .casefold()
    )
