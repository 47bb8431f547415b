"""The installable app: web app manifest, service worker and the offline page.

The service worker precaches the app shell (styles, scripts, icons, the offline page)
under a version made from the shell's own bytes: a release that changes any of them
installs a new cache and deletes the old one, so no page runs on stale files.
"""

import hashlib
from functools import cache
from pathlib import Path

from flask import Blueprint, Response, current_app, jsonify, render_template, url_for
from flask_babel import gettext as _

bp = Blueprint("pwa", __name__)

THEME = "#12372a"
BACKGROUND = "#f2f4f3"
# What a handheld needs to draw any screen without the network.
SHELL_FILES = (
    "css/app.css",
    "js/app.js",
    "js/picking.js",
    "js/gs1.js",
    "js/offline.js",
    "vendor/htmx.min.js",
    "vendor/idb-keyval.js",
    "icons/icon.svg",
    "icons/icon-192.png",
)


def shell_urls() -> list[str]:
    return [url_for("static", filename=name) for name in SHELL_FILES] + [
        url_for("pwa.offline")
    ]


@cache
def _version_of(static_folder: str) -> str:
    digest = hashlib.sha256()
    for name in SHELL_FILES:
        path = Path(static_folder) / name
        digest.update(path.read_bytes() if path.exists() else name.encode())
    return digest.hexdigest()[:12]


def shell_version() -> str:
    return current_app.config.get("SHELL_VERSION") or _version_of(
        current_app.static_folder
    )


@bp.app_context_processor
def release() -> dict:
    return {"release": shell_version}


@bp.get("/manifest.webmanifest")
def manifest():
    icon = "icons/{}".format
    response = jsonify(
        {
            "name": "Fulfil",
            "short_name": "Fulfil",
            "description": _("Picking, packing and shipping for online shops."),
            "start_url": "/",
            "scope": "/",
            "display": "standalone",
            "orientation": "portrait",
            "theme_color": THEME,
            "background_color": BACKGROUND,
            "icons": [
                {
                    "src": url_for("static", filename=icon("icon-192.png")),
                    "sizes": "192x192",
                    "type": "image/png",
                    "purpose": "any",
                },
                {
                    "src": url_for("static", filename=icon("icon-512.png")),
                    "sizes": "512x512",
                    "type": "image/png",
                    "purpose": "any",
                },
                {
                    "src": url_for("static", filename=icon("maskable-512.png")),
                    "sizes": "512x512",
                    "type": "image/png",
                    "purpose": "maskable",
                },
            ],
        }
    )
    response.mimetype = "application/manifest+json"
    return response


@bp.get("/sw.js")
def service_worker():
    body = render_template("pwa/sw.js", version=shell_version(), shell=shell_urls())
    return Response(
        body,
        mimetype="text/javascript",
        # the browser must see a new release at once: never cache the worker itself
        headers={"Cache-Control": "no-cache", "Service-Worker-Allowed": "/"},
    )


@bp.get("/offline")
def offline():
    return render_template("pwa/offline.html")
