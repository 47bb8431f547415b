"""flask webhooks …: the delivery worker and subscriptions."""

import click
from flask import current_app
from flask.cli import AppGroup

from fulfil.cli import refusals_exit
from fulfil.commands import stop_event
from fulfil.models import FulfilmentMode
from fulfil.services import webhooks

webhooks_cli = AppGroup(
    "webhooks", help="Webhook subscriptions and the delivery worker."
)


@webhooks_cli.command("work")
@click.option("--once", is_flag=True, help="Send what is due now, print the counts.")
@click.option(
    "--interval",
    type=click.FloatRange(min=0.1),
    default=5.0,
    show_default=True,
    help="Seconds to wait when nothing is due.",
)
@click.option(
    "--batch",
    type=click.IntRange(1, 500),
    default=50,
    show_default=True,
    help="Deliveries claimed at a time.",
)
def work(once, interval, batch):
    """Send due webhook deliveries until stopped (SIGTERM or Ctrl-C)."""
    from fulfil.extensions import db
    from fulfil.models.types import utcnow
    from fulfil.webhook_sender import deliver_due

    if once:
        # Everything due now, batch after batch; retries fall due later.
        now, total = utcnow(), {"delivered": 0, "retrying": 0, "failed": 0}
        while True:
            counts = deliver_due(now=now, limit=batch)
            for state, n in counts.items():
                total[state] += n
            if sum(counts.values()) < batch:
                break
        click.echo(_summary(total))
        return
    stop = stop_event()
    click.echo(f"Sending webhooks every {interval:g} s when idle; stop with Ctrl-C.")
    while not stop.is_set():
        try:
            counts = deliver_due(limit=batch)
        except Exception:  # the database restarting must not end the worker
            current_app.logger.exception("Sending webhooks failed; trying again")
            counts = {}
        finally:
            db.session.remove()  # a fresh session (and identity map) per batch
        if sum(counts.values()):
            click.echo(_summary(counts))
        if sum(counts.values()) < batch:
            stop.wait(interval)
    click.echo("Stopped.")


@webhooks_cli.command("subscribe")
@click.argument("url")
@click.option(
    "--event",
    "events",
    multiple=True,
    required=True,
    type=click.Choice(["*", *webhooks.EVENT_TYPES]),
    help="Repeat for several; * for all.",
)
@click.option("--description", default="")
@click.option(
    "--fulfilment",
    type=click.Choice([m.value for m in FulfilmentMode]),
    help="Only shipments of this fulfilment mode.",
)
def subscribe(url, events, description, fulfilment):
    """Send EVENTs to URL; the signing secret is printed once, on the last line."""
    with refusals_exit():
        subscription, secret = webhooks.subscribe(
            url, list(events), description, fulfilment=fulfilment or ""
        )
    click.echo(
        f"Subscription {subscription.id}: {', '.join(subscription.events)} "
        f"→ {subscription.url}"
    )
    click.echo("Signing secret (shown only now):")
    click.echo(secret)


@webhooks_cli.command("list")
def list_subscriptions():
    """Every subscription: id, state, events, URL and its deliveries by status."""
    from fulfil.queries.integration import all_subscriptions, delivery_counts

    counts = delivery_counts()
    for s in all_subscriptions():
        state = "active" if s.active else "inactive"
        tally = ", ".join(
            f"{counts[(s.id, status)]} {status}"
            for status in ("pending", "delivered", "failed")
            if counts.get((s.id, status))
        )
        only = f" ({s.fulfilment} only)" if s.fulfilment else ""
        click.echo(
            f"{s.id:>4}  {state:<8} {s.url}  {' '.join(s.events)}{only}"
            + (f"  [{tally}]" if tally else "")
            + (f"  {s.description}" if s.description else "")
        )


@webhooks_cli.command("resend")
@click.argument("delivery_id", type=int)
def resend(delivery_id):
    """Queue delivery DELIVERY_ID again, due now (the worker sends it)."""
    with refusals_exit():
        delivery = webhooks.resend(delivery_id)
    click.echo(f"Delivery {delivery.id} ({delivery.event_type}) queued again.")


@webhooks_cli.command("deactivate")
@click.argument("subscription_id", type=int)
def deactivate(subscription_id):
    """Stop sending to a subscription; its unsent deliveries are given up."""
    with refusals_exit():
        subscription = webhooks.deactivate(subscription_id)
    click.echo(f"Subscription {subscription.id} ({subscription.url}) deactivated.")


def _summary(counts: dict[str, int]) -> str:
    return (
        f"delivered {counts.get('delivered', 0)}, "
        f"retrying {counts.get('retrying', 0)}, failed {counts.get('failed', 0)}"
    )
