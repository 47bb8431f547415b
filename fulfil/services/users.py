"""Users, their roles, passwords, language and badges."""

import re
import secrets

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l
from itsdangerous import URLSafeSerializer
from werkzeug.security import generate_password_hash

from fulfil.domain.roles import Role
from fulfil.errors import DuplicateValue, InvalidInput, UnknownUser
from fulfil.models import User, UserRole, Warehouse
from fulfil.services import events, unit_of_work

USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
MIN_PASSWORD = 8
BADGE_SALT = "fulfil.badge"


def badge_serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key, salt=BADGE_SALT)


def create_user(
    *,
    username: str,
    password: str,
    roles: list[str],
    language: str | None = None,
    warehouse_id: int | None = None,
    actor_id: int | None = None,
) -> User:
    """Create an active user with at least one role and a strongly hashed password."""
    username = username.strip().lower()
    if not USERNAME.match(username):
        raise InvalidInput(
            field="username", problem=_l("use 2-64 of a-z, 0-9, dot, dash, underscore")
        )
    role_set = _roles(roles)
    _check_password(password)
    _check_language(language)
    with unit_of_work() as session:
        if session.scalar(sa.select(User.id).where(User.username == username)):
            raise DuplicateValue(field="username", value=username)
        if warehouse_id is None:  # one site: everyone works there (else the first)
            warehouse_id = session.scalar(sa.select(sa.func.min(Warehouse.id)))
        else:
            _check_warehouse(session, warehouse_id)
        user = User(
            username=username,
            password_hash=generate_password_hash(password),
            language=language,
            warehouse_id=warehouse_id,
            role_rows=[UserRole(role=role) for role in sorted(role_set)],
        )
        session.add(user)
        events.record(
            session, "user.created", user, actor_id=actor_id, roles=sorted(role_set)
        )
        return user


def set_password(*, username: str, password: str, actor_id: int | None = None) -> User:
    """Replace a user's password; every session of theirs ends."""
    _check_password(password)
    with unit_of_work() as session:
        user = _user(session, username)
        user.password_hash = generate_password_hash(password)
        _end_sessions(session, user.id)
        events.record(session, "user.password_reset", user, actor_id=actor_id)
        return user


def set_active(*, username: str, active: bool, actor_id: int | None = None) -> User:
    """Deactivate (or reactivate) a user; a deactivated user cannot log in at all,
    and every session of theirs ends. Saying what already is changes nothing."""
    with unit_of_work() as session:
        user = _user(session, username)
        if user.active == active:
            return user
        user.active = active
        _end_sessions(session, user.id)
        events.record(
            session,
            "user.activated" if active else "user.deactivated",
            user,
            actor_id=actor_id,
        )
        return user


def set_roles(*, username: str, roles: list[str], actor_id: int | None = None) -> User:
    """Give a user exactly these roles; a change ends every session of theirs, so
    no page opened under the old roles stays open."""
    role_set = _roles(roles)
    with unit_of_work() as session:
        user = _user(session, username)
        if role_set != user.roles:
            user.role_rows = [row for row in user.role_rows if row.role in role_set] + [
                UserRole(role=role) for role in sorted(role_set - user.roles)
            ]
            _end_sessions(session, user.id)
            events.record(
                session,
                "user.roles_changed",
                user,
                actor_id=actor_id,
                roles=sorted(role_set),
            )
        return user


def end_sessions(*, user_id: int) -> None:
    """Log the user out everywhere: every session cookie of theirs, on any device,
    stops working at its next request."""
    with unit_of_work() as session:
        _end_sessions(session, user_id)


def _end_sessions(session, user_id: int) -> None:
    # In SQL, so two changes at once each end the sessions (none is lost).
    session.execute(
        sa.update(User)
        .where(User.id == user_id)
        .values(session_generation=User.session_generation + 1)
    )


def issue_badge(*, username: str, actor_id: int | None = None) -> str:
    """Print a new badge token for the user; every older badge stops working."""
    with unit_of_work() as session:
        user = _user(session, username)
        user.badge_nonce = secrets.token_urlsafe(12)
        events.record(session, "user.badge_issued", user, actor_id=actor_id)
        return badge_serializer().dumps([user.id, user.badge_nonce])


def revoke_badge(*, username: str, actor_id: int | None = None) -> User:
    """Invalidate the user's badge without issuing a new one (a lost badge): the
    sessions it may have opened end too."""
    with unit_of_work() as session:
        user = _user(session, username)
        user.badge_nonce = None
        _end_sessions(session, user.id)
        events.record(session, "user.badge_revoked", user, actor_id=actor_id)
        return user


def set_language(*, user_id: int, language: str) -> User:
    """Remember the language a user chose."""
    _check_language(language)
    with unit_of_work() as session:
        user = session.get(User, user_id)
        user.language = language
        return user


def set_warehouse(
    *, user_id: int, warehouse_id: int, actor_id: int | None = None
) -> User:
    """Move a user to another site: their own switch in the menu (actor_id is
    theirs), or an admin's choice. Saying where they already work changes nothing."""
    with unit_of_work() as session:
        _check_warehouse(session, warehouse_id)
        user = session.get(User, user_id)
        if user is None:
            raise InvalidInput(field="user", problem=_l("does not exist"))
        if user.warehouse_id == warehouse_id:
            return user
        user.warehouse_id = warehouse_id
        if actor_id == user_id:
            events.record(
                session,
                "user.warehouse_switched",
                user,
                actor_id=actor_id,
                warehouse_id=warehouse_id,
            )
        else:
            events.record(
                session,
                "user.warehouse_assigned",
                user,
                actor_id=actor_id,
                warehouse_id=warehouse_id,
                code=user.warehouse.code,
            )
        return user


def _check_warehouse(session, warehouse_id: int) -> None:
    if session.get(Warehouse, warehouse_id) is None:
        raise InvalidInput(field="warehouse", problem=_l("does not exist"))


def _user(session, username: str) -> User:
    user = session.execute(
        sa.select(User).where(User.username == username.strip().lower())
    ).scalar_one_or_none()
    if user is None:
        raise UnknownUser(username=username)
    return user


def _roles(roles: list[str]) -> set[Role]:
    if not roles:
        raise InvalidInput(field="roles", problem=_l("give at least one role"))
    try:
        return {Role(role) for role in roles}
    except ValueError:
        raise InvalidInput(
            field="roles",
            problem=_l("choose from %(roles)s") % {"roles": ", ".join(Role)},
        ) from None


def _check_password(password: str) -> None:
    if len(password or "") < MIN_PASSWORD:
        raise InvalidInput(field="password", problem=_l("needs at least 8 characters"))


def _check_language(language: str | None) -> None:
    if language is not None and language not in current_app.config["LANGUAGES"]:
        raise InvalidInput(field="language", problem=_l("unsupported language"))
