"""Reading JSON bodies and naming warehouses, with problems a client can act on."""

from typing import TypeVar

import sqlalchemy as sa
from flask import request
from pydantic import BaseModel
from werkzeug.exceptions import BadRequest, UnsupportedMediaType

from fulfil.errors import InvalidRequest
from fulfil.extensions import db
from fulfil.models import Warehouse

M = TypeVar("M", bound=BaseModel)


def body(model: type[M]) -> M:
    """The request body as `model`; 415, 400 or 422 when it is not that."""
    if not request.is_json:
        raise UnsupportedMediaType("Send the body as application/json.")
    data = request.get_json(silent=True)
    if data is None:
        raise BadRequest("The body is not valid JSON.")
    return model.model_validate(data)


def warehouse(code: str | None, field: str = "warehouse") -> Warehouse:
    """The named warehouse, or the only one there is."""
    if code:
        found = db.session.scalar(
            sa.select(Warehouse).where(Warehouse.code == code.upper())
        )
        if found is None:
            raise InvalidRequest([(field, f"no warehouse {code}")])
        return found
    all_ = db.session.scalars(
        sa.select(Warehouse).order_by(Warehouse.id).limit(2)
    ).all()
    if len(all_) == 1:
        return all_[0]
    if not all_:
        raise InvalidRequest([(field, "no warehouse is set up yet")])
    raise InvalidRequest([(field, "there are several warehouses: name one")])


WAREHOUSE_QUERY = {
    "name": "warehouse",
    "in": "query",
    "required": False,
    "schema": {"type": "string"},
    "description": "Warehouse code; may be left out when there is only one.",
}
