"""The JSON API under /api/v1 for shops, ERPs, 3PLs and suppliers.

Bearer tokens with scopes (fulfil.api.auth), problem+json errors for everything
(fulfil.api.problems), rate-limited per token, no cookies and so no CSRF.
"""

from flask import Blueprint, current_app, request
from pydantic import ValidationError
from werkzeug.exceptions import HTTPException

from fulfil.api import problems
from fulfil.api.auth import bearer_secret
from fulfil.errors import FulfilError
from fulfil.extensions import csrf, limiter

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)


def _rate_key() -> str:
    secret = bearer_secret()
    return f"token:{secret[:12]}" if secret else f"ip:{request.remote_addr}"


limiter.limit(lambda: current_app.config["API_RATE_LIMIT"], key_func=_rate_key)(bp)


@bp.before_request
def _limit_body() -> None:
    request.max_content_length = current_app.config["API_MAX_BODY"]


@bp.errorhandler(ValidationError)
def _invalid(error: ValidationError):
    return problems.from_validation(error)


@bp.errorhandler(FulfilError)
def _refused(error: FulfilError):
    return problems.from_refusal(error)


@bp.errorhandler(HTTPException)
def _http(error: HTTPException):
    return problems.from_http(error)


@bp.errorhandler(Exception)
def _unexpected(error: Exception):
    current_app.logger.exception("API request failed")
    return problems.problem(
        500, "Something went wrong on our side; nothing was stored."
    )


from fulfil.api import (  # noqa: E402  (the views register themselves on bp)
    catalog,
    layout,
    licences,
    openapi,
    orders,
    shipments,
    stock,
)

__all__ = [
    "bp",
    "catalog",
    "layout",
    "licences",
    "openapi",
    "orders",
    "shipments",
    "stock",
]
