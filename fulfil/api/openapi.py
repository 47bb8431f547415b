"""GET /api/v1/openapi.json: the OpenAPI 3.1 description, built from the operations."""

from flask import jsonify
from pydantic.json_schema import models_json_schema

from fulfil.api import bp
from fulfil.api.problems import MEDIA_TYPE, TITLES
from fulfil.api.spec import OPERATIONS, Operation
from fulfil.limits import MAX_ID
from fulfil.schemas import Problem
from fulfil.services.tokens import SCOPES

REF = "#/components/schemas/{model}"


@bp.get("/openapi.json")
def openapi_json():
    return jsonify(describe())


def describe() -> dict:
    wanted = {(Problem, "serialization")}
    for op in OPERATIONS:
        if op.request:
            wanted.add((op.request, "validation"))
        if op.response:
            wanted.add((op.response, "serialization"))
    keys, top = models_json_schema(
        sorted(wanted, key=lambda pair: (pair[0].__name__, pair[1])), ref_template=REF
    )
    paths: dict[str, dict] = {}
    for op in OPERATIONS:
        paths.setdefault(op.path, {})[op.method] = _operation(op, keys)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Fulfil API",
            "version": "1.0.0",
            "description": (
                "Orders, products, layout and stock for shops, ERPs, 3PLs and "
                "suppliers. Authenticate with `Authorization: Bearer <token>`; "
                f"scopes: {', '.join(SCOPES)}. Errors are RFC 9457 problem details "
                "listing every problem with its field. No text may contain NUL "
                "(U+0000)."
            ),
        },
        "servers": [{"url": "/"}],
        "paths": paths,
        "components": {
            "schemas": top.get("$defs", {}),
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
    }


def _operation(op: Operation, keys: dict) -> dict:
    doc: dict = {
        "summary": op.summary,
        "operationId": f"{op.method}_{op.path.removeprefix('/api/v1/')}",
        "security": [{"bearer": [op.scope] if op.scope else []}],
        "parameters": _path_parameters(op) + op.query + op.headers,
        "responses": {},
    }
    if op.request:
        doc["requestBody"] = {
            "required": True,
            "content": {
                "application/json": {"schema": keys[(op.request, "validation")]}
            },
        }
    if op.response:
        schema = keys[(op.response, "serialization")]
        if op.many:
            schema = {"type": "array", "items": schema}
        for status in (op.status, *op.also):
            doc["responses"][str(status)] = {
                "description": "OK",
                "content": {"application/json": {"schema": schema}},
            }
    problem = {MEDIA_TYPE: {"schema": keys[(Problem, "serialization")]}}
    errors = {401, 429, *op.errors}
    if op.scope:
        errors.add(403)
    if "{" in op.path:
        errors.add(404)
    for status in sorted(errors):
        doc["responses"][str(status)] = {
            "description": TITLES.get(status, "Error"),
            "content": problem,
        }
    return doc


def _path_parameters(op: Operation) -> list[dict]:
    params = []
    for part in op.path.split("/"):
        if part.startswith("{"):
            name = part.strip("{}")
            schema = op.path_schemas.get(name) or (
                {"type": "integer", "minimum": 1, "maximum": MAX_ID}
                if name.endswith("_id") and name != "external_id"
                else {"type": "string", "minLength": 1, "maxLength": 64}
            )
            params.append(
                {"name": name, "in": "path", "required": True, "schema": schema}
            )
    return params
