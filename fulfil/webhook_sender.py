"""The webhook worker: sends due outbox rows, signed, and records what happened.

Three short transactions per batch, none of them open while a receiver answers:

1. claim: lock due pending rows (PostgreSQL skips rows another worker holds; SQLite
   serialises writers), count the attempt and push `next_attempt_at` forward as a
   lease, commit;
2. send: POST the stored body, signed now, outside any transaction;
3. record: write the outcome, but only while the lease is still ours (a resend or a
   worker that took over after the lease ran out wins).

A worker that dies between 1 and 3 leaves its rows to be sent again once the lease
runs out; receivers de-duplicate by the Fulfil-Delivery header.
"""

import random
import re
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

import requests
import sqlalchemy as sa
from flask import current_app

from fulfil.models import WebhookDelivery, WebhookSubscription
from fulfil.models.types import utcnow
from fulfil.services import unit_of_work
from fulfil.services.webhooks import (
    DELIVERY_HEADER,
    EVENT_HEADER,
    SIGNATURE_HEADER,
    sign,
)

MAX_DELAY = timedelta(hours=6)
LEASE_MARGIN = timedelta(seconds=60)
USER_AGENT = "Fulfil-Webhooks/1"


@dataclass(frozen=True)
class Claim:
    """What sending needs, copied out of the session so sending touches no row."""

    id: int
    url: str
    secret: str
    event_type: str
    payload: str
    attempts: int
    lease: datetime


@dataclass(frozen=True)
class Outcome:
    ok: bool
    status: int | None = None
    error: str = ""


def deliver_due(now: datetime | None = None, limit: int = 50) -> dict[str, int]:
    """Send the deliveries due at `now` (aware; default: the present), each once
    among concurrent workers; counts of delivered, retrying and failed."""
    now = now or utcnow()
    started = time.monotonic()
    counts = {"delivered": 0, "retrying": 0, "failed": 0}
    claims = _claim(now, limit)
    if not claims:
        return counts
    config = current_app.config
    with requests.Session() as http:
        for claim in claims:
            outcome = _send(http, claim, config["WEBHOOK_TIMEOUT_S"])
            # The clock of the caller's `now`, moved on by the time spent sending.
            at = now + timedelta(seconds=time.monotonic() - started)
            state = _record(claim, outcome, at, config)
            if state:
                counts[state] += 1
    return counts


def retry_delay(attempts: int, base_s: float) -> timedelta:
    """Exponential backoff after the n-th failed attempt, with up to 10 % jitter."""
    seconds = base_s * 2 ** max(attempts - 1, 0) * random.uniform(1.0, 1.1)
    return min(timedelta(seconds=seconds), MAX_DELAY)


def _claim(now: datetime, limit: int) -> list[Claim]:
    timeout = timedelta(seconds=current_app.config["WEBHOOK_TIMEOUT_S"])
    with unit_of_work() as session:
        rows = session.execute(
            sa.select(WebhookDelivery, WebhookSubscription)
            .join(WebhookDelivery.subscription)
            .where(
                WebhookDelivery.status == "pending",
                WebhookDelivery.next_attempt_at <= now,
                WebhookSubscription.active.is_(True),
            )
            .order_by(WebhookDelivery.next_attempt_at, WebhookDelivery.id)
            .limit(limit)
            # Only the delivery rows; SQLite renders no FOR UPDATE (BEGIN IMMEDIATE
            # already keeps a second worker out).
            .with_for_update(skip_locked=True, of=WebhookDelivery)
        ).all()
        # Sent one after another: the lease covers the whole batch at full timeout.
        lease = now + timeout * (len(rows) + 1) + LEASE_MARGIN
        claims = []
        for delivery, subscription in rows:
            delivery.attempts += 1
            delivery.last_attempt_at = now
            delivery.next_attempt_at = lease
            claims.append(
                Claim(
                    id=delivery.id,
                    url=subscription.url,
                    secret=subscription.secret,
                    event_type=delivery.event_type,
                    payload=delivery.payload,
                    attempts=delivery.attempts,
                    lease=lease,
                )
            )
        return claims


def _send(http: requests.Session, claim: Claim, timeout: float) -> Outcome:
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        SIGNATURE_HEADER: sign(claim.secret, int(time.time()), claim.payload),
        EVENT_HEADER: claim.event_type,
        DELIVERY_HEADER: str(claim.id),
    }
    try:
        # No redirects: the receiver is the URL the admin entered, nothing else.
        with http.post(
            claim.url,
            data=claim.payload.encode(),
            headers=headers,
            timeout=timeout,
            allow_redirects=False,
            stream=True,
        ) as response:
            if 200 <= response.status_code < 300:
                return Outcome(ok=True, status=response.status_code)
            excerpt = next(response.iter_content(300, decode_unicode=False), b"")
            text = excerpt.decode("utf-8", "replace").strip()
            return Outcome(
                ok=False,
                status=response.status_code,
                error=f"HTTP {response.status_code} {response.reason or ''}".strip()
                + (f": {text}" if text else ""),
            )
    except requests.RequestException as error:
        return Outcome(
            ok=False, error=f"{type(error).__name__}: {_reason(error)}"[:500]
        )


# urllib3 names the connection before the reason: "HTTPConnection(host=…, port=…): "
_CONNECTION_PREFIX = re.compile(r"^(?:\w*Connection(?:Pool)?\([^)]*\)|<[^>]*>): ")


def _reason(error: BaseException) -> str:
    """The innermost cause ("Connection refused"), not urllib3's nested retelling."""
    while True:
        cause = getattr(error, "reason", None)
        if cause is None and error.args and isinstance(error.args[0], BaseException):
            cause = error.args[0]
        if not isinstance(cause, BaseException) or cause is error:
            break
        error = cause
    return _CONNECTION_PREFIX.sub("", str(error))


def _record(claim: Claim, outcome: Outcome, now: datetime, config) -> str | None:
    """Write the outcome if the lease is still ours; the state it led to, or None."""
    if outcome.ok:
        state = "delivered"
        values = {
            "status": "delivered",
            "delivered_at": now,
            "last_error": "",
        }
    elif claim.attempts >= config["WEBHOOK_MAX_ATTEMPTS"]:
        state = "failed"
        values = {"status": "failed", "last_error": outcome.error}
    else:
        state = "retrying"
        values = {
            "last_error": outcome.error,
            "next_attempt_at": now
            + retry_delay(claim.attempts, config["WEBHOOK_RETRY_BASE_S"]),
        }
    with unit_of_work() as session:
        updated = session.execute(
            sa.update(WebhookDelivery)
            .where(
                WebhookDelivery.id == claim.id,
                WebhookDelivery.status == "pending",
                WebhookDelivery.next_attempt_at == claim.lease,
            )
            .values(response_status=outcome.status, **values)
            .execution_options(synchronize_session=False)
        ).rowcount
    return state if updated else None
