"""Work done outside any web request: queued here, run by `flask jobs work`."""

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from fulfil.extensions import db
from fulfil.models.types import Timestamp, utcnow


class JobStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class Job(db.Model):
    """One piece of slow work (a big import), its progress and its outcome.

    A worker claims a due job (PostgreSQL: FOR UPDATE SKIP LOCKED, so workers never
    take the same one), holds it on a lease it renews while reporting progress, and
    records the result. A job whose worker died is taken again once the lease has
    run out, up to JOB_MAX_ATTEMPTS times.
    """

    __tablename__ = "jobs"
    __table_args__ = (sa.Index("ix_jobs_due", "status", "run_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(48))  # "import.products", …
    status: Mapped[str] = mapped_column(sa.String(12), default=JobStatus.QUEUED)
    payload: Mapped[dict] = mapped_column(sa.JSON, default=dict)  # small, plain data
    # A file the job works on, by its name in JOB_FILES_DIR; removed when it ends.
    file: Mapped[str] = mapped_column(sa.String(80), default="")
    progress_done: Mapped[int] = mapped_column(default=0)
    progress_total: Mapped[int | None]
    result: Mapped[dict | None] = mapped_column(sa.JSON)
    error: Mapped[str] = mapped_column(sa.Text, default="")
    attempts: Mapped[int] = mapped_column(default=0)
    run_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)  # not before
    locked_until: Mapped[datetime | None] = mapped_column(Timestamp)  # the lease
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(Timestamp)
    finished_at: Mapped[datetime | None] = mapped_column(Timestamp)

    @property
    def pending(self) -> bool:
        return self.status in (JobStatus.QUEUED, JobStatus.RUNNING)
