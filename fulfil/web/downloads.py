"""Signed, expiring download links for digital goods; no login, downloads counted.

Only a GET counts: a HEAD (link previews, download managers probing) is answered
without using up the allowance. A link that expired or is used up gets a page that
says which, with status 410.
"""

from pathlib import Path

from flask import (
    Blueprint,
    abort,
    current_app,
    render_template,
    request,
    send_from_directory,
)
from flask_babel import gettext as _

from fulfil.errors import DownloadUnavailable
from fulfil.extensions import limit_public_pages
from fulfil.queries import partners as queries
from fulfil.services import digital

bp = Blueprint("downloads", __name__)
limit_public_pages(bp)


@bp.get("/download/<token>")
def fetch(token: str):
    grant_id = digital.grant_for_token(token)
    grant = queries.download_grant(grant_id) if grant_id else None
    if grant is None or grant.licence_key_id is not None:
        abort(404)
    directory = Path(current_app.config["DIGITAL_FILES_DIR"])
    name = grant.line.product.download_file
    if not name or not (directory / name).is_file():
        current_app.logger.error("Download file missing: %s", directory / name)
        return _page(503, _("The file is not available right now. Try again later."))
    try:
        if request.method == "HEAD":
            if refusal := digital.download_refusal(grant):
                raise refusal
        else:
            digital.use_download(grant.id)  # refuses expired or used-up links
    except DownloadUnavailable as refusal:
        return _page(refusal.status, str(refusal))
    response = send_from_directory(directory, name, as_attachment=True)
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _page(status: int, message: str):
    response = render_template(
        "downloads/unavailable.html", status=status, message=message
    )
    return response, status, {"Cache-Control": "no-store"}
