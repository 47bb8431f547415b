"""Users for login, badges and the admin pages."""

from functools import cache

import sqlalchemy as sa
from itsdangerous import BadSignature
from sqlalchemy.orm import joinedload
from werkzeug.security import check_password_hash, generate_password_hash

from fulfil.errors import InvalidBadge
from fulfil.extensions import db
from fulfil.models import User
from fulfil.services.users import badge_serializer


@cache
def _dummy_hash() -> str:
    """Checked when the username is unknown, so a wrong name costs as long as a wrong
    password and response times do not reveal which usernames exist."""
    return generate_password_hash("not a password")


def user_by_id(user_id: int) -> User | None:
    """The user and their roles in one read (every request asks for both)."""
    return db.session.get(User, user_id, options=[joinedload(User.role_rows)])


def user_by_credentials(username: str, password: str) -> User | None:
    """The active user with this username and password, else None."""
    user = db.session.execute(
        sa.select(User).where(User.username == username.strip().lower())
    ).scalar_one_or_none()
    if user is None:
        check_password_hash(_dummy_hash(), password)
        return None
    if not check_password_hash(user.password_hash, password) or not user.active:
        return None
    return user


def user_by_badge(token: str) -> User:
    """The active user whose current badge this is; InvalidBadge otherwise."""
    try:
        user_id, nonce = badge_serializer().loads(token.strip())
    except (BadSignature, ValueError, TypeError):
        raise InvalidBadge() from None
    user = db.session.get(User, user_id)
    if user is None or not user.active or not nonce or user.badge_nonce != nonce:
        raise InvalidBadge()
    return user


def all_users() -> list[User]:
    return list(db.session.execute(sa.select(User).order_by(User.username)).scalars())


def user_by_username(username: str) -> User | None:
    return db.session.execute(
        sa.select(User).where(User.username == username.strip().lower())
    ).scalar_one_or_none()
