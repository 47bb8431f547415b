"""Flask's signed-cookie session, with its serializer made once per key.

Flask builds a new serializer for every request, and building one serializes an
empty dict to learn that the payload is text; a scan request is a few milliseconds,
so that is worth keeping. Rotating SECRET_KEY (or its fallbacks) makes a new one.
"""

from flask import Flask
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import URLSafeTimedSerializer


class SignedCookieSessions(SecureCookieSessionInterface):
    _held: tuple[tuple, URLSafeTimedSerializer | None] | None = None

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        keys = (app.secret_key, tuple(app.config["SECRET_KEY_FALLBACKS"] or ()))
        held = self._held
        if held is None or held[0] != keys:
            held = self._held = (keys, super().get_signing_serializer(app))
        return held[1]
