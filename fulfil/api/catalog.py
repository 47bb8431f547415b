"""Products and suppliers."""

import sqlalchemy as sa
from flask import jsonify

from fulfil.api import bp
from fulfil.api.represent import product_out
from fulfil.api.requests import SKU_PATH, SUPPLIER_PATH, body, path_value
from fulfil.api.spec import operation
from fulfil.errors import NotFound
from fulfil.extensions import db
from fulfil.models import Product, Supplier
from fulfil.schemas import ProductIn, ProductOut, SupplierIn, SupplierOut
from fulfil.services import catalog


@operation(
    bp,
    "PUT",
    "/products/<sku>",
    summary="Create or update a product",
    path={"sku": SKU_PATH},
    scope="products:write",
    request=ProductIn,
    response=ProductOut,
    also=(201,),
    errors=(400, 409, 413, 415, 422),
)
def put_product(sku: str):
    path_value(sku, SKU_PATH, "sku")
    data = body(ProductIn)
    existed = db.session.scalar(sa.select(Product.id).where(Product.sku == sku))
    product = catalog.upsert_product(
        sku=sku,
        **data.model_dump(exclude={"origin_country"}),
        origin_country=data.origin_country or "",
    )
    return jsonify(product_out(product).model_dump(mode="json")), (
        200 if existed else 201
    )


@operation(
    bp,
    "GET",
    "/products/<sku>",
    summary="A product",
    response=ProductOut,
    errors=(404,),
)
def get_product(sku: str):
    product = db.session.scalar(sa.select(Product).where(Product.sku == sku))
    if product is None:
        raise NotFound(f"No product {sku}.")
    return jsonify(product_out(product).model_dump(mode="json"))


@operation(
    bp,
    "PUT",
    "/suppliers/<code>",
    summary="Create or update a supplier (for dropship products)",
    path={"code": SUPPLIER_PATH},
    scope="products:write",
    request=SupplierIn,
    response=SupplierOut,
    also=(201,),
    errors=(400, 413, 415, 422),
)
def put_supplier(code: str):
    path_value(code, SUPPLIER_PATH, "code")
    data = body(SupplierIn)
    existed = db.session.scalar(sa.select(Supplier.id).where(Supplier.code == code))
    supplier = catalog.upsert_supplier(code=code, **data.model_dump())
    out = SupplierOut(
        code=supplier.code,
        name=supplier.name,
        email=supplier.email,
        webhook_url=supplier.webhook_url,
    )
    return jsonify(out.model_dump(mode="json")), 200 if existed else 201
