"""Answer an htmx request with a fragment and any other request with the full page."""

from flask import Response, make_response, render_template
from flask_htmx import HTMX

from fulfil.extensions import htmx


def wants_fragment(hx: HTMX = htmx) -> bool:
    """True for htmx swaps; boosted navigation and history restores need the page."""
    return bool(hx) and not hx.boosted and not hx.history_restore_request


def page_or_fragment(
    page: str, fragment: str, status: int = 200, **context
) -> Response:
    template = fragment if wants_fragment() else page
    response = make_response(render_template(template, **context), status)
    response.vary.add("HX-Request")
    return response
