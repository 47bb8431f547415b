"""API tokens: created by an admin, shown once, stored as a SHA-256, revocable."""

import hashlib
import secrets

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from fulfil.direct import Direct
from fulfil.errors import InvalidInput, NotFound
from fulfil.models import ApiToken
from fulfil.models.types import utcnow
from fulfil.services import events, unit_of_work

SCOPES = (
    "orders:write",
    "orders:read",
    "products:write",
    "stock:read",
    "stock:write",
    "layout:write",
    "shipments:write",  # what a 3PL or supplier needs to report tracking back
)
PREFIX = "ful_"


def digest(secret: str) -> str:
    # The secret is 256 random bits, so a fast hash is as safe as a slow one here.
    return hashlib.sha256(secret.encode()).hexdigest()


def create_token(
    *, name: str, scopes: list[str], actor_id: int | None = None
) -> tuple[ApiToken, str]:
    """A new token and its secret; the secret is never stored nor shown again."""
    name = name.strip()
    if not name or len(name) > 80:
        raise InvalidInput(field="name", problem=_l("must be 1 to 80 characters"))
    unknown = sorted(set(scopes) - set(SCOPES))
    if unknown or not scopes:
        raise InvalidInput(
            field="scope",
            problem=_l("choose from %(choices)s") % {"choices": ", ".join(SCOPES)},
        )
    secret = PREFIX + secrets.token_urlsafe(32)
    with unit_of_work() as session:
        token = ApiToken(
            name=name,
            prefix=secret[:12],
            token_hash=digest(secret),
            scopes=sorted(set(scopes)),
            created_by_id=actor_id,
        )
        session.add(token)
        events.record(
            session, "token.created", token, actor_id=actor_id, scopes=token.scopes
        )
        return token, secret


def revoke_token(token_id: int, *, actor_id: int | None = None) -> ApiToken:
    with unit_of_work() as session:
        token = session.get(ApiToken, token_id)
        if token is None:
            raise NotFound()
        if token.revoked_at is None:
            token.revoked_at = utcnow()
            events.record(session, "token.revoked", token, actor_id=actor_id)
        return token


def token_for_secret(secret: str):
    """The active token with this secret, or None: a row with its id, name, scopes
    and when it was last used."""
    from fulfil.extensions import db

    return _ACTIVE_WITH_HASH.first(db.session.connection(), {"hash": digest(secret)})


# Every API request asks: a plain row, read on the driver's cursor (fulfil.direct).
_ACTIVE_WITH_HASH = Direct(
    sa.select(ApiToken.id, ApiToken.name, ApiToken.scopes, ApiToken.last_used_at).where(
        ApiToken.token_hash == sa.bindparam("hash"), ApiToken.revoked_at.is_(None)
    )
)


def mark_used(token_id: int) -> None:
    with unit_of_work() as session:
        session.execute(
            sa.update(ApiToken)
            .where(ApiToken.id == token_id)
            .values(last_used_at=utcnow())
        )
