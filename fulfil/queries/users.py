"""Users for login, badges and the admin pages."""

from dataclasses import dataclass
from functools import cache

import sqlalchemy as sa
from flask_login import UserMixin
from itsdangerous import BadSignature
from werkzeug.security import check_password_hash, generate_password_hash

from fulfil.direct import Direct
from fulfil.domain.roles import Role
from fulfil.errors import InvalidBadge
from fulfil.extensions import db
from fulfil.models import User, UserRole, Warehouse
from fulfil.models.users import session_id
from fulfil.services.users import badge_serializer


@cache
def _dummy_hash() -> str:
    """Checked when the username is unknown, so a wrong name costs as long as a wrong
    password and response times do not reveal which usernames exist."""
    return generate_password_hash("not a password")


@dataclass(frozen=True)
class SignedInUser(UserMixin):
    """Who a request is from: what pages and guards ask of the logged-in user, read
    as plain rows. Every request loads it, so no ORM object is built, tracked or
    expired for it; services take its id, never the object. (The ORM User is the
    current user only in the login request, which answers with a redirect.)"""

    id: int
    username: str
    language: str | None
    active: bool
    warehouse_id: int | None
    warehouse_code: str | None
    warehouse_timezone: str | None  # the zone every time on their pages is shown in
    roles: frozenset[Role]
    session_generation: int

    def get_id(self) -> str:
        return session_id(self.id, self.session_generation)

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active

    def has_role(self, *roles: Role) -> bool:
        return Role.ADMIN in self.roles or any(role in self.roles for role in roles)


# On the driver's cursor (fulfil.direct): every request reads it.
_SIGNED_IN = Direct(
    sa.select(
        User.id,
        User.username,
        User.language,
        User.active,
        User.session_generation,
        User.warehouse_id,
        Warehouse.code,
        Warehouse.timezone,
        UserRole.role,
    )
    .outerjoin(Warehouse, User.warehouse_id == Warehouse.id)
    .outerjoin(UserRole, UserRole.user_id == User.id)
    .where(User.id == sa.bindparam("user_id"))
)


def user_by_id(user_id: int) -> SignedInUser | None:
    """The user, their session generation, their warehouse's code and zone and their
    roles in one read."""
    rows = _SIGNED_IN.all(db.session.connection(), {"user_id": user_id})
    if not rows:
        return None
    first = rows[0]
    return SignedInUser(
        id=first.id,
        username=first.username,
        language=first.language,
        active=first.active,
        warehouse_id=first.warehouse_id,
        warehouse_code=first.code,
        warehouse_timezone=first.timezone,
        roles=frozenset(row.role for row in rows if row.role is not None),
        session_generation=first.session_generation,
    )


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


def people_per_warehouse() -> dict[int | None, int]:
    """How many active users work in each warehouse (None: in none yet)."""
    return dict(
        db.session.execute(
            sa.select(User.warehouse_id, sa.func.count())
            .where(User.active)
            .group_by(User.warehouse_id)
        ).all()
    )
