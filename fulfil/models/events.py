from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fulfil.extensions import db
from fulfil.models.types import Timestamp, utcnow


class Event(db.Model):
    """Audit trail: who did what to which object, when. Append-only.

    A service that takes an idempotency key and writes no stock move stores the key
    here, so a replay finds its earlier outcome.
    """

    __tablename__ = "events"
    __table_args__ = (sa.Index("ix_events_subject", "subject_type", "subject_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(sa.String(48))
    subject_type: Mapped[str] = mapped_column(sa.String(32))
    subject_id: Mapped[int]
    data: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    key: Mapped[str | None] = mapped_column(sa.String(100), unique=True)

    actor = relationship("User")
