"""A proxy the app was not told about: said once in the log, in production."""

from flask import Flask, current_app, request

from fulfil.config import DEV_ENVIRONMENTS

UNTRUSTED_PROXY = (
    "A request came through a proxy (X-Forwarded-For: %s), but TRUSTED_PROXIES is 0: "
    "Fulfil sees the proxy's address as every client's, so the per-address limits "
    "(failed logins, public pages) count all clients together, and HTTPS behind the "
    "proxy is not recognised. Set TRUSTED_PROXIES to the number of proxies in front "
    "of Fulfil (1 for one nginx, Caddy or load balancer)."
)


def warn_when_proxied(app: Flask) -> None:
    """In production without TRUSTED_PROXIES, log the first proxied request (once
    per process: a busy floor would fill the log otherwise)."""
    if app.config["TRUSTED_PROXIES"] or app.config["FULFIL_ENV"] in DEV_ENVIRONMENTS:
        return
    warned = False

    @app.before_request
    def _untrusted_proxy() -> None:
        nonlocal warned
        if warned:
            return
        forwarded = request.headers.get("X-Forwarded-For")
        if forwarded:
            warned = True
            current_app.logger.warning(UNTRUSTED_PROXY, forwarded[:100])
