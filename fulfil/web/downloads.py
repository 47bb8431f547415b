"""Signed, expiring download links for digital goods; no login, downloads counted."""

from pathlib import Path

from flask import Blueprint, abort, current_app, send_from_directory

from fulfil.services import digital

bp = Blueprint("downloads", __name__)


@bp.get("/download/<token>")
def fetch(token: str):
    grant_id = digital.grant_for_token(token)
    if grant_id is None:
        abort(404)
    grant = digital.use_download(grant_id)  # refuses expired or used-up links
    directory = Path(current_app.config["DIGITAL_FILES_DIR"])
    return send_from_directory(
        directory, grant.line.product.download_file, as_attachment=True
    )
