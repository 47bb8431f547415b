"""The job worker's half of the queue: take a due job, run it by its kind, record
what came of it (fulfil/services/jobs.py has the queue itself).

A kind's runner takes the claim and a progress callback and returns the result as
plain data (JSON), which the job's page shows. A refusal (FulfilError) fails the
job with its message, in the language of whoever queued it; anything else fails it
with a short note and goes to the log.
"""

from collections.abc import Callable

from flask import current_app
from flask_babel import force_locale

from fulfil.errors import FulfilError
from fulfil.services import csv_import, jobs

Runner = Callable[[jobs.Claim, Callable[[int, int], None]], dict]
RUNNERS: dict[str, Runner] = {
    csv_import.JOB_KIND: csv_import.run_job,
}


def run_next() -> jobs.Claim | None:
    """Claim the next due job and run it to its end; None when none is due."""
    claim = jobs.claim_next()
    if claim is None:
        return None
    runner = RUNNERS.get(claim.kind)
    locale = claim.payload.get("locale") or current_app.config["BABEL_DEFAULT_LOCALE"]
    with force_locale(locale):
        try:
            if runner is None:
                raise FulfilError(f"No worker knows jobs of kind {claim.kind!r}.")
            result = runner(claim, lambda done, total: _progress(claim, done, total))
        except jobs.LeaseLost:
            current_app.logger.warning("Job %s was taken over; stopped", claim.id)
            return claim
        except FulfilError as refusal:
            jobs.fail(claim, str(refusal))
            return claim
        except Exception as error:
            current_app.logger.exception("Job %s (%s) failed", claim.id, claim.kind)
            jobs.fail(claim, f"{type(error).__name__}: {error}"[:500])
            return claim
    jobs.finish(claim, result)
    return claim


def _progress(claim: jobs.Claim, done: int, total: int) -> None:
    jobs.report_progress(claim, done, total)


def run_due() -> int:
    """Run every job due now, one after another; how many were run."""
    ran = 0
    while run_next() is not None:
        ran += 1
    return ran
