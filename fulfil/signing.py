"""Signed ids for links that work without a login (supplier pages, parcel tracking).

Each purpose has its own salt, so a token made for one never opens another; the id
is signed with SECRET_KEY and cannot be guessed or altered.
"""

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer


def _serializer(purpose: str) -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=purpose)


def sign_id(purpose: str, value: int) -> str:
    return _serializer(purpose).dumps(value)


def signed_id(purpose: str, token: str) -> int | None:
    """The id a token names, or None if it was made for something else or altered."""
    try:
        value = _serializer(purpose).loads(token)
    except BadSignature:
        return None
    return value if type(value) is int else None
