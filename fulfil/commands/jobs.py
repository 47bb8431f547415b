"""flask jobs …: the background worker (big imports) and a look at the queue."""

import click
from flask import current_app
from flask.cli import AppGroup

from fulfil.commands import stop_event

jobs_cli = AppGroup("jobs", help="Background jobs (big imports) and their worker.")


@jobs_cli.command("work")
@click.option("--once", is_flag=True, help="Run the jobs due now, then exit.")
@click.option(
    "--interval",
    type=click.FloatRange(min=0.1),
    default=2.0,
    show_default=True,
    help="Seconds to wait when no job is due.",
)
def work(once, interval):
    """Run queued jobs one at a time until stopped (SIGTERM or Ctrl-C).

    A job in hand is finished first (an import may take minutes; if the process is
    killed meanwhile, a worker takes the job again once its lease has run out).
    """
    from fulfil.extensions import db
    from fulfil.worker import run_due, run_next

    if once:
        click.echo(f"{run_due()} jobs run.")
        return
    stop = stop_event()
    click.echo(f"Running jobs; looking every {interval:g} s when idle. Ctrl-C stops.")
    while not stop.is_set():
        try:
            claim = run_next()
        except Exception:  # the database restarting must not end the worker
            current_app.logger.exception("Running a job failed; trying again")
            claim = None
        finally:
            db.session.remove()  # a fresh session (and identity map) per job
        if claim is not None:
            click.echo(f"Job {claim.id} ({claim.kind}) ended.")
        else:
            stop.wait(interval)
    click.echo("Stopped.")


@jobs_cli.command("list")
@click.option("--limit", type=click.IntRange(1, 1000), default=20, show_default=True)
def list_jobs(limit):
    """The latest jobs: id, kind, status, progress, when queued, error."""
    from fulfil.queries.jobs import latest_jobs

    for job in latest_jobs(limit):
        progress = f"{job.progress_done}/{job.progress_total or '?'}"
        click.echo(
            f"{job.id:>5}  {job.kind:<10} {job.status:<8} {progress:>13}  "
            f"{job.created_at:%Y-%m-%d %H:%M}"
            + (f"  {job.payload.get('filename', '')}" if job.payload else "")
            + (f"  {job.error}" if job.error else "")
        )
