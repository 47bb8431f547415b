"""Traceability for managers and customer service: the whole path of anything."""

from flask import Blueprint, request

from fulfil.domain.roles import Role
from fulfil.queries.trace import KINDS, trace
from fulfil.web.htmx import page_or_fragment
from fulfil.web.session import guard

bp = Blueprint("trace", __name__, url_prefix="/trace")
guard(bp, Role.MANAGER, Role.CUSTOMER_SERVICE)


@bp.get("/")
def search():
    kind = request.args.get("kind", "order")
    value = request.args.get("q", "")
    entries = trace(kind, value) if value else None
    status = 404 if value and entries is None else 200
    return page_or_fragment(
        "trace/page.html",
        "trace/_results.html",
        status,
        kinds=KINDS,
        kind=kind,
        value=value,
        entries=entries,
    )
