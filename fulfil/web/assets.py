"""Static files under URLs that carry a hash of their bytes (`?v=…`).

A browser (or a proxy) keeps such a file for a year without asking again, and a
release that changes a file changes its URL, so nobody runs yesterday's script.
"""

import hashlib
import os
from functools import lru_cache

from flask import Flask, Response, current_app, request

A_YEAR = 365 * 24 * 3600
TEXT = frozenset(
    {"text/css", "text/javascript", "application/javascript", "image/svg+xml"}
)


@lru_cache(maxsize=512)
def _digest(path: str, mtime_ns: int, size: int) -> str:
    with open(path, "rb") as file:
        return hashlib.sha256(file.read()).hexdigest()[:12]


def file_hash(filename: str) -> str | None:
    """The hash of a file in the static folder (None if there is no such file)."""
    path = os.path.join(current_app.static_folder, filename)
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return _digest(path, stat.st_mtime_ns, stat.st_size)


def _add_hash(endpoint: str, values: dict) -> None:
    if endpoint == "static" and "filename" in values and "v" not in values:
        digest = file_hash(values["filename"])
        if digest:
            values["v"] = digest


def _static_headers(response: Response) -> Response:
    if request.endpoint != "static":
        return response
    if response.direct_passthrough and response.mimetype in TEXT:
        # Read it now: Flask-Compress then compresses bytes (and the file is closed
        # with the response) instead of wrapping a stream it would leave open.
        response.direct_passthrough = False
        response.make_sequence()
    if (
        response.status_code in (200, 304)
        and request.args.get("v")
        and request.args["v"] == file_hash(request.view_args["filename"])
    ):
        response.cache_control.public = True
        response.cache_control.max_age = A_YEAR
        response.cache_control.immutable = True
        response.cache_control.no_cache = None
    return response


def init_app(app: Flask) -> None:
    app.url_defaults(_add_hash)
    app.after_request(
        _static_headers
    )  # runs before Flask-Compress's (registered first)
