"""RFC 9457 problem details for every API error, listing each problem with its field."""

import re

from flask import Response, json
from pydantic import ValidationError
from werkzeug.exceptions import HTTPException

from fulfil.errors import FulfilError, InvalidRequest

MEDIA_TYPE = "application/problem+json"
TITLES = {
    400: "Bad request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    409: "Conflict",
    413: "Payload too large",
    415: "Unsupported media type",
    422: "Unprocessable content",
    429: "Too many requests",
    500: "Internal server error",
}


def problem(status: int, detail: str, errors: list[tuple[str, str]] = ()) -> Response:
    body = {
        "type": "about:blank",
        "title": TITLES.get(status, "Error"),
        "status": status,
        "detail": detail,
        "errors": [{"field": field, "message": message} for field, message in errors],
    }
    response = Response(json.dumps(body), status=status, mimetype=MEDIA_TYPE)
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="fulfil"'
    return response


def validation_items(error: ValidationError) -> list[tuple[str, str]]:
    return [(_field(item["loc"], ""), item["msg"]) for item in error.errors()]


def from_validation(error: ValidationError) -> Response:
    errors = validation_items(error)
    return problem(422, f"The request has {len(errors)} problem(s).", errors)


def from_refusal(error: FulfilError) -> Response:
    if isinstance(error, InvalidRequest):
        errors = error.problems
    elif "field" in error.details:
        errors = [(str(error.details["field"]), str(error.details.get("problem", "")))]
    else:
        errors = []
    return problem(error.status, str(error), errors)


def from_http(error: HTTPException) -> Response:
    code = error.code or 500
    response = problem(code, error.description or TITLES.get(code, "Error"))
    for name, value in error.get_headers():  # Allow on 405, Retry-After on 429, ...
        if name.lower() != "content-type":
            response.headers[name] = value
    return response


UNION_MEMBER = re.compile(r"^[a-z-]+\[.*\]$")


def _field(loc: tuple, prefix: str) -> str:
    path = prefix
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        elif UNION_MEMBER.match(part):
            continue  # which member of `EmailStr | Literal[""]` failed: not a field
        else:
            path += f".{part}" if path else str(part)
    return path or "body"
