"""Background jobs as their pages and the CLI show them."""

import sqlalchemy as sa

from fulfil.extensions import db
from fulfil.models import Job


def job(job_id: int, kind: str | None = None) -> Job | None:
    """One job (of that kind, when given)."""
    found = db.session.get(Job, job_id)
    if found is None or (kind is not None and found.kind != kind):
        return None
    return found


def latest_jobs(limit: int = 20) -> list[Job]:
    """The most recently queued jobs first."""
    return list(db.session.scalars(sa.select(Job).order_by(Job.id.desc()).limit(limit)))
