"""Licence keys for digital products."""

from typing import Annotated

import sqlalchemy as sa
from flask import jsonify
from pydantic import BaseModel, Field, StringConstraints

from fulfil.api import bp
from fulfil.api.requests import body
from fulfil.api.spec import operation
from fulfil.errors import NotFound
from fulfil.extensions import db
from fulfil.models import Product
from fulfil.queries.partners import licence_pool
from fulfil.schemas import Strict
from fulfil.services import digital

LicenceKey = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True,
        min_length=1,
        max_length=200,
        # printable, not blank: keys are shown and e-mailed
        pattern=r"^[^\x00-\x1f\x7f]*[^\x00-\x20\x7f][^\x00-\x1f\x7f]*$",
    ),
]


class LicenceKeysIn(Strict):
    keys: list[LicenceKey] = Field(
        min_length=1,
        max_length=10_000,
        description="New keys; keys the pool already holds are skipped.",
    )


class LicenceKeysOut(BaseModel):
    sku: str
    added: int = Field(description="Keys new to the pool in this request.")
    available: int = Field(description="Keys in the pool not issued yet.")
    issued: int


@operation(
    bp,
    "POST",
    "/products/<sku>/licence-keys",
    summary="Add licence keys to a digital product's pool; waiting orders get theirs",
    scope="products:write",
    request=LicenceKeysIn,
    response=LicenceKeysOut,
    errors=(400, 413, 415, 422),
)
def add_licence_keys(sku: str):
    data = body(LicenceKeysIn)
    _product_id(sku)
    added = digital.add_licence_keys(sku=sku, keys=data.keys)
    return jsonify(_pool(sku, added).model_dump(mode="json"))


@operation(
    bp,
    "GET",
    "/products/<sku>/licence-keys",
    summary="How many licence keys a digital product has left",
    response=LicenceKeysOut,
)
def licence_stock(sku: str):
    return jsonify(_pool(sku, 0).model_dump(mode="json"))


def _product_id(sku: str) -> int:
    product_id = None
    if "\x00" not in sku:  # PostgreSQL text cannot hold NUL: no such product
        product_id = db.session.scalar(sa.select(Product.id).where(Product.sku == sku))
    if product_id is None:
        raise NotFound(f"No product {sku}.")
    return product_id


def _pool(sku: str, added: int) -> LicenceKeysOut:
    available, issued = licence_pool(_product_id(sku))
    return LicenceKeysOut(sku=sku, added=added, available=available, issued=issued)
