"""The public tracking page a label's QR code opens: no login, a signed token."""

from flask import Blueprint, abort

from fulfil.extensions import limit_public_pages
from fulfil.queries.tracking import tracking_for
from fulfil.web.htmx import page_or_fragment

bp = Blueprint("tracking", __name__, url_prefix="/t")
limit_public_pages(bp)


@bp.after_request
def _private(response):
    # The token is a key: keep the page out of shared caches and search engines.
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response


@bp.get("/<token>")
def page(token: str):
    tracking = tracking_for(token)
    if tracking is None:
        abort(404)
    return page_or_fragment("tracking/page.html", "tracking/page.html", t=tracking)
