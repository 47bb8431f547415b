"""API tokens, webhook subscriptions and their deliveries, for the admin."""

import sqlalchemy as sa

from fulfil.extensions import db
from fulfil.models import ApiToken


def all_tokens() -> list[ApiToken]:
    return list(db.session.scalars(sa.select(ApiToken).order_by(ApiToken.id)))
