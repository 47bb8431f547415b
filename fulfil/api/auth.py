"""Bearer tokens: 401 without a valid one, 403 without the scope."""

from datetime import timedelta

from flask import request
from werkzeug.exceptions import Forbidden, Unauthorized

from fulfil.models.types import utcnow
from fulfil.services.tokens import mark_used, token_for_secret

# last_used_at is written at most this often, not on every request.
TOUCH_EVERY = timedelta(minutes=5)


def bearer_secret() -> str | None:
    scheme, _, secret = request.headers.get("Authorization", "").partition(" ")
    return secret.strip() if scheme.lower() == "bearer" and secret.strip() else None


def authenticate(scope: str | None):
    """The request's token (its id, name, scopes), or 401/403."""
    secret = bearer_secret()
    if secret is None:
        raise Unauthorized("Send an API token: Authorization: Bearer <token>.")
    token = token_for_secret(secret)
    if token is None:
        raise Unauthorized("This API token is unknown or was revoked.")
    if scope and scope not in token.scopes:
        raise Forbidden(f"This API token lacks the scope {scope}.")
    last = token.last_used_at
    if last is None or last < utcnow() - TOUCH_EVERY:
        mark_used(token.id)
    return token
