"""Reading JSON bodies and naming warehouses, with problems a client can act on."""

import json
import re
from functools import cache
from typing import TypeVar, get_args

import sqlalchemy as sa
from flask import request
from pydantic import BaseModel
from werkzeug.exceptions import BadRequest, NotFound, UnsupportedMediaType

from fulfil.errors import InvalidRequest
from fulfil.extensions import db
from fulfil.models import Warehouse

M = TypeVar("M", bound=BaseModel)


def body(model: type[M]) -> M:
    """The request body as `model`; 415, 400 or 422 when it is not that."""
    if not request.is_json:
        raise UnsupportedMediaType("Send the body as application/json.")
    raw = request.get_data()
    try:
        data = json.loads(raw, parse_float=_number)
        # a lone surrogate ("\ud800") parses, but is no text anything can store
        text = json.dumps(data, ensure_ascii=False).encode()
    except (ValueError, RecursionError):  # UnicodeError is a ValueError
        data = None
    if data is None:
        raise BadRequest("The body is not valid JSON.")
    # NUL can only come as an escape, null only as itself: most bodies hold neither
    # and skip the walks
    if b"\\u0000" in raw.lower() and (nul := list(_nul_fields(data, ""))):
        raise InvalidRequest([(field, NUL) for field in nul])
    if b"null" in raw and (nulls := _without_nulls(data, model)):
        text = json.dumps(nulls, ensure_ascii=False).encode()
    # Strict, as the published JSON Schema says: no "5" or true for a number (but
    # 2.0 is an integer there, so integral numbers were read as integers).
    return model.model_validate_json(text, strict=True)


def _without_nulls(data, model: type[BaseModel]):
    """`data` without the optional fields it sets to null, at every level (null means
    "not given"), or None when it has none. Done on the parsed JSON, as a validator
    would make pydantic read the rest as Python, where "2026-…" is no datetime."""
    if not isinstance(data, dict):
        return None
    fields, found, kept = model.model_fields, False, {}
    for key, value in data.items():
        field = fields.get(key)
        if field is not None and value is None and not field.is_required():
            found = True
            continue
        inner = _models(field.annotation) if field is not None else []
        items = value if isinstance(value, list) else [value]
        if inner and any(isinstance(item, dict) for item in items):
            cleaned = [_without_nulls(item, inner[0]) for item in items]
            if any(c is not None for c in cleaned):
                found = True
                cleaned = [
                    c if c is not None else i
                    for c, i in zip(cleaned, items, strict=True)
                ]
                value = cleaned if isinstance(value, list) else cleaned[0]
        kept[key] = value
    return kept if found else None


@cache
def _models(annotation) -> list[type[BaseModel]]:
    """The request models inside `LineIn`, `list[LineIn]`, `AddressIn | None`."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [model for arg in get_args(annotation) for model in _models(arg)]


# PostgreSQL text cannot hold U+0000, so no text the API takes may contain it.
NUL = "must not contain NUL characters (U+0000)"


def refuse_nul(path_args: dict) -> None:
    """No identifier can hold NUL (404); no query parameter may (422)."""
    if any("\x00" in str(value) for value in path_args.values()):
        raise NotFound()
    bad = [name for name, value in request.args.items(multi=True) if "\x00" in value]
    if bad:
        raise InvalidRequest([(name, NUL) for name in bad])


def _nul_fields(data, path: str):
    if isinstance(data, str):
        if "\x00" in data:
            yield path or "body"
    elif isinstance(data, dict):
        for key, value in data.items():
            yield from _nul_fields(value, f"{path}.{key}" if path else str(key))
    elif isinstance(data, list):
        for number, value in enumerate(data):
            yield from _nul_fields(value, f"{path}[{number}]")


def _number(text: str) -> int | float:
    value = float(text)
    return int(value) if value.is_integer() else value


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


# Path parameters that name what a PUT creates, as described and as checked: no
# spaces or control characters (spelt out: regex dialects disagree on \s).
SKU_PATH = {"type": "string", "pattern": r"^[^\x00-\x20\x7f-\x9f]{1,64}$"}
SUPPLIER_PATH = {"type": "string", "pattern": r"^[^\x00-\x20\x7f-\x9f]{1,32}$"}
LOCATION_PATH = {"type": "string", "pattern": r"^[A-Za-z0-9][A-Za-z0-9-]{0,31}$"}
WAREHOUSE_PATH = {"type": "string", "pattern": r"^[A-Za-z0-9][A-Za-z0-9-]{0,15}$"}


def path_value(value: str, schema: dict, field: str) -> str:
    """A path parameter its description allows; 422 naming it otherwise."""
    if not re.fullmatch(schema["pattern"].removeprefix("^").removesuffix("$"), value):
        raise InvalidRequest([(field, f"must match {schema['pattern']}")])
    return value
