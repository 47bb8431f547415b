"""Customer service: find any order and see what happened to it."""

from flask import Blueprint, abort, request

from fulfil.domain.roles import Role
from fulfil.history import order_history
from fulfil.queries import lines, orders
from fulfil.web.htmx import page_or_fragment
from fulfil.web.session import guard

bp = Blueprint("service", __name__, url_prefix="/service")
guard(bp, Role.CUSTOMER_SERVICE)


@bp.get("/")
def home():
    query = request.args.get("q", "")
    return page_or_fragment(
        "service/home.html",
        "service/_results.html",
        q=query,
        orders=orders.search_orders(query),
    )


@bp.get("/orders/<id:order_id>")
def order(order_id: int):
    found = orders.order_with_lines(order_id)
    if found is None:
        abort(404)
    return page_or_fragment(
        "service/order.html",
        "service/_order.html",
        order=found,
        figures=lines.quantities(found),
        history=order_history(
            orders.order_timeline(found), shipments=len(found.shipments)
        ),
        parcels=orders.order_parcels(found),
    )
