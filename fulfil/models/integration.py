"""What connects Fulfil to the outside: API tokens and webhook subscriptions."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fulfil.extensions import db
from fulfil.models.types import Timestamp, utcnow


class ApiToken(db.Model):
    """A bearer token for the JSON API. Only its SHA-256 is stored."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(80))
    prefix: Mapped[str] = mapped_column(sa.String(16))  # shown in lists, not secret
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    scopes: Mapped[list] = mapped_column(sa.JSON, default=list)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(Timestamp)
    revoked_at: Mapped[datetime | None] = mapped_column(Timestamp)

    @property
    def active(self) -> bool:
        return self.revoked_at is None


class WebhookSubscription(db.Model):
    """Where the shop (or a 3PL, or a supplier) wants to hear about events."""

    __tablename__ = "webhook_subscriptions"

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(sa.String(500))
    events: Mapped[list] = mapped_column(sa.JSON, default=list)  # ["*"] for all
    # Kept in clear: signing needs it. Shown to the admin once, at creation.
    secret: Mapped[str] = mapped_column(sa.String(80))
    description: Mapped[str] = mapped_column(sa.String(200), default="")
    # A 3PL hears only of its mode's shipments, a supplier only of its own.
    fulfilment: Mapped[str] = mapped_column(sa.String(16), default="")
    supplier_id: Mapped[int | None] = mapped_column(sa.ForeignKey("suppliers.id"))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)

    def wants(self, event_type: str, mode: str = "", supplier_id=None) -> bool:
        """Whether an event (of a shipment's mode and supplier) goes here."""
        if not self.active:
            return False
        if "*" not in self.events and event_type not in self.events:
            return False
        if self.fulfilment and mode != self.fulfilment:
            return False
        return self.supplier_id is None or supplier_id == self.supplier_id


class WebhookDelivery(db.Model):
    """The outbox: one event for one subscription, written with the change itself."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        sa.Index("ix_webhook_deliveries_due", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    subscription_id: Mapped[int] = mapped_column(
        sa.ForeignKey("webhook_subscriptions.id"), index=True
    )
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("events.id"))
    event_type: Mapped[str] = mapped_column(sa.String(48))
    payload: Mapped[str] = mapped_column(sa.Text)  # the exact body that is signed
    status: Mapped[str] = mapped_column(sa.String(12), default="pending")
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)
    last_attempt_at: Mapped[datetime | None] = mapped_column(Timestamp)
    response_status: Mapped[int | None]
    last_error: Mapped[str] = mapped_column(sa.Text, default="")
    delivered_at: Mapped[datetime | None] = mapped_column(Timestamp)
    created_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)

    subscription: Mapped[WebhookSubscription] = relationship()
