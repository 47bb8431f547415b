"""API tokens, webhook subscriptions and their deliveries, for the admin."""

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from fulfil.extensions import db
from fulfil.models import ApiToken, WebhookDelivery, WebhookSubscription

DELIVERY_STATUSES = ("pending", "delivered", "failed")


def all_tokens() -> list[ApiToken]:
    return list(db.session.scalars(sa.select(ApiToken).order_by(ApiToken.id)))


def all_subscriptions() -> list[WebhookSubscription]:
    """Active ones first, newest first."""
    return list(
        db.session.scalars(
            sa.select(WebhookSubscription).order_by(
                WebhookSubscription.active.desc(), WebhookSubscription.id.desc()
            )
        )
    )


def delivery_counts() -> dict[tuple[int, str], int]:
    """How many deliveries each subscription has in each status."""
    rows = db.session.execute(
        sa.select(
            WebhookDelivery.subscription_id,
            WebhookDelivery.status,
            sa.func.count(),
        ).group_by(WebhookDelivery.subscription_id, WebhookDelivery.status)
    )
    return {(sub, status): n for sub, status, n in rows}


def webhook_deliveries(
    *, status: str = "", before: int | None = None, limit: int = 50
) -> list[WebhookDelivery]:
    """The delivery log, newest first; `before` pages back by delivery id."""
    query = (
        sa.select(WebhookDelivery)
        .options(joinedload(WebhookDelivery.subscription))
        .order_by(WebhookDelivery.id.desc())
        .limit(limit)
    )
    if status:
        query = query.where(WebhookDelivery.status == status)
    if before:
        query = query.where(WebhookDelivery.id < before)
    return list(db.session.scalars(query))
