"""The job queue: slow work written down in the database and done by a worker.

A job is queued in the transaction of the change that causes it (`add`), or on its
own (`enqueue`). Workers (`flask jobs work`, fulfil/worker.py) take them one at a
time in short transactions, none of them open while the work runs:

1. claim: lock the next due job (PostgreSQL skips rows another worker holds; SQLite
   serialises writers), count the attempt, lease it for JOB_LEASE_S, commit;
2. run it, renewing the lease with each progress report;
3. record the result or the error, but only while the lease is still ours.

A worker that dies leaves its job to be taken again once the lease has run out; after
JOB_MAX_ATTEMPTS such attempts the job is failed. Jobs must therefore be safe to run
again (an import is: products are upserts, orders idempotent by external id).
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from fulfil.models import Job, JobStatus
from fulfil.models.types import utcnow
from fulfil.services import unit_of_work


class LeaseLost(Exception):
    """Another worker took the job over (ours was thought dead): stop, write nothing."""


@dataclass(frozen=True)
class Claim:
    """What running a job needs, copied out of the session."""

    id: int
    kind: str
    payload: dict
    file: str
    attempt: int
    created_by_id: int | None

    @property
    def path(self) -> Path | None:
        return files_dir() / self.file if self.file else None


def files_dir() -> Path:
    return Path(current_app.config["JOB_FILES_DIR"])


def add(
    session: Session,
    *,
    kind: str,
    payload: dict | None = None,
    file: str = "",
    total: int | None = None,
    actor_id: int | None = None,
) -> Job:
    """Queue a job in the caller's transaction: it exists if the change does."""
    job = Job(
        kind=kind,
        payload=payload or {},
        file=file,
        progress_total=total,
        created_by_id=actor_id,
        run_at=utcnow(),
    )
    session.add(job)
    session.flush()
    return job


def enqueue(**fields) -> Job:
    """Queue a job on its own (see `add`)."""
    with unit_of_work() as session:
        return add(session, **fields)


def claim_next(now: datetime | None = None) -> Claim | None:
    """The next due job, leased to the caller; None when there is none."""
    now = now or utcnow()
    config = current_app.config
    lease = timedelta(seconds=config["JOB_LEASE_S"])
    abandoned: list[str] = []
    try:
        with unit_of_work() as session:
            while True:
                job = session.scalar(
                    sa.select(Job)
                    .where(
                        sa.or_(
                            sa.and_(Job.status == JobStatus.QUEUED, Job.run_at <= now),
                            # its worker died: the lease ran out without a word
                            sa.and_(
                                Job.status == JobStatus.RUNNING,
                                Job.locked_until < now,
                            ),
                        )
                    )
                    .order_by(Job.run_at, Job.id)
                    .limit(1)
                    .with_for_update(skip_locked=True)
                )
                if job is None:
                    return None
                if job.attempts >= config["JOB_MAX_ATTEMPTS"]:
                    job.status, job.finished_at = JobStatus.FAILED, now
                    job.error = str(
                        _l("The worker stopped while running it, %(n)s times.")
                        % {"n": job.attempts}
                    )
                    abandoned.append(job.file)
                    continue
                job.status, job.attempts = JobStatus.RUNNING, job.attempts + 1
                job.started_at = job.started_at or now
                job.locked_until = now + lease
                return Claim(
                    id=job.id,
                    kind=job.kind,
                    payload=dict(job.payload),
                    file=job.file,
                    attempt=job.attempts,
                    created_by_id=job.created_by_id,
                )
    finally:
        for file in abandoned:
            remove_file(file)


def report_progress(claim: Claim, done: int, total: int) -> None:
    """Record how far the job is and renew its lease; LeaseLost if no longer ours."""
    lease = timedelta(seconds=current_app.config["JOB_LEASE_S"])
    _update(
        claim, progress_done=done, progress_total=total, locked_until=utcnow() + lease
    )


def finish(claim: Claim, result: dict) -> None:
    """The job is done; `result` is what its page shows."""
    _end(claim, JobStatus.DONE, result=result)


def fail(claim: Claim, error: str) -> None:
    """The job cannot be done; `error` says why, in words for its page."""
    _end(claim, JobStatus.FAILED, error=error)


def _end(claim: Claim, status: JobStatus, **values) -> None:
    _update(claim, status=status, finished_at=utcnow(), locked_until=None, **values)
    remove_file(claim.file)


def _update(claim: Claim, **values) -> None:
    with unit_of_work() as session:
        updated = session.execute(
            sa.update(Job)
            .where(
                Job.id == claim.id,
                Job.status == JobStatus.RUNNING,
                Job.attempts == claim.attempt,
            )
            .values(**values)
            .execution_options(synchronize_session=False)
        ).rowcount
    if not updated:
        raise LeaseLost(claim.id)


def remove_file(file: str) -> None:
    """Remove a job's file once nothing will read it again."""
    if file:
        (files_dir() / file).unlink(missing_ok=True)
