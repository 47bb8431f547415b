"""Webhooks: the outbox row is written with the change, the worker delivers it signed
to a real HTTP receiver, retries with backoff, gives up, and can be told to resend."""

import hashlib
import hmac
import json
import os
import signal
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import sqlalchemy as sa

from fulfil.errors import FulfilError, InvalidInput
from fulfil.extensions import db
from fulfil.models import Event, Order, WebhookDelivery
from fulfil.models.types import utcnow
from fulfil.services import events, inventory, unit_of_work, webhooks
from fulfil.webhook_sender import deliver_due, retry_delay
from tests.conftest import order_payload

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

# -- a real receiver ------------------------------------------------------------------


class Receiver:
    """An HTTP server on 127.0.0.1 that records every POST and answers from a script
    of status codes (200 once the script runs out)."""

    def __init__(self, answers=(), delay: float = 0.0):
        self.answers, self.delay = list(answers), delay
        self.requests: list[tuple[dict, str]] = []
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                time.sleep(receiver.delay)
                with receiver.lock:
                    receiver.requests.append((dict(self.headers), body.decode()))
                    status = receiver.answers.pop(0) if receiver.answers else 200
                try:
                    self.send_response(status)
                    self.send_header("Content-Length", "2")
                    self.end_headers()
                    self.wfile.write(b"ok" if status < 300 else b"no")
                except ConnectionError:
                    pass  # the sender gave up waiting (its timeout)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hooks"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def events(self) -> list[str]:
        return [headers["Fulfil-Event"] for headers, _ in self.requests]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()


@pytest.fixture
def receiver():
    server = Receiver()
    yield server
    server.close()


def verify(secret: str, header: str, body: str, tolerance: int = 300) -> bool:
    """What a shop does with a webhook (the README's snippet)."""
    fields = dict(part.split("=", 1) for part in header.split(","))
    signed = f"{fields['t']}.{body}".encode()
    expected = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    fresh = abs(time.time() - int(fields["t"])) < tolerance
    return fresh and hmac.compare_digest(expected, fields["v1"])


# -- the shop and its orders ----------------------------------------------------------


@pytest.fixture
def shop(api, make_product, loc):
    """The shop's API client; SKU-0001 has ten units in a pick face."""
    product = make_product(sku="SKU-0001")
    inventory.receive(
        product_id=product.id, location_id=loc("A-01-1-A"), qty=10, key="stock-1"
    )
    return api("orders:write", "orders:read")


def take_order(shop, external_id: str = "SHOP-1001", **overrides):
    response = shop.post("/api/v1/orders", json=order_payload(external_id, **overrides))
    assert response.status_code == 201, response.get_data(as_text=True)
    return response


def deliveries(**where) -> list[WebhookDelivery]:
    db.session.rollback()  # a fresh look, after the worker's own transactions
    query = sa.select(WebhookDelivery).order_by(WebhookDelivery.id)
    for name, value in where.items():
        query = query.where(getattr(WebhookDelivery, name) == value)
    return list(db.session.scalars(query))


def aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def later(minutes: float) -> datetime:
    return utcnow() + timedelta(minutes=minutes)


# -- delivery -------------------------------------------------------------------------


def test_an_order_taken_in_reaches_the_receiver_signed(shop, receiver):
    _, secret = webhooks.subscribe(receiver.url, ["*"], "the shop")

    take_order(shop)
    counts = deliver_due()

    assert counts == {"delivered": 3, "retrying": 0, "failed": 0}
    assert receiver.events() == [
        "order.received",
        "shipment.allocated",
        "order.allocated",
    ]
    sent = deliveries()
    for (headers, body), delivery in zip(receiver.requests, sent, strict=True):
        assert verify(secret, headers["Fulfil-Signature"], body)
        assert headers["Content-Type"] == "application/json"
        assert headers["Fulfil-Delivery"] == str(delivery.id)
        assert body == delivery.payload  # byte for byte what the outbox holds
        assert json.loads(body)["type"] == headers["Fulfil-Event"]
        assert delivery.status == "delivered" and delivery.attempts == 1
        assert delivery.response_status == 200 and delivery.delivered_at is not None
    order = json.loads(receiver.requests[0][1])
    assert order["data"]["order"]["external_id"] == "SHOP-1001"


def test_a_signature_made_with_another_secret_does_not_verify(shop, receiver):
    webhooks.subscribe(receiver.url, ["order.received"])
    take_order(shop)

    deliver_due()

    ((headers, body),) = receiver.requests
    assert not verify("whsec_someone-else", headers["Fulfil-Signature"], body)
    assert not verify(
        deliveries()[0].subscription.secret, headers["Fulfil-Signature"], body + " "
    )


def test_a_receiver_that_fails_first_gets_the_delivery_on_a_retry(shop, receiver):
    receiver.answers = [500]
    webhooks.subscribe(receiver.url, ["order.received"])
    take_order(shop)

    first = deliver_due()
    (delivery,) = deliveries()
    after_first = (delivery.status, delivery.attempts, delivery.response_status)
    error = delivery.last_error
    wait = aware(delivery.next_attempt_at) - aware(delivery.last_attempt_at)
    early = deliver_due()  # the retry is not due yet
    second = deliver_due(now=later(5))

    assert first == {"delivered": 0, "retrying": 1, "failed": 0}
    assert after_first == ("pending", 1, 500)
    assert error.startswith("HTTP 500")
    assert timedelta(seconds=29) < wait < timedelta(seconds=34)  # base 30 s, jitter
    assert early == {"delivered": 0, "retrying": 0, "failed": 0}
    assert second == {"delivered": 1, "retrying": 0, "failed": 0}
    (delivery,) = deliveries()
    assert delivery.status == "delivered" and delivery.attempts == 2
    assert delivery.response_status == 200 and delivery.last_error == ""
    (h1, b1), (h2, b2) = receiver.requests
    assert b1 == b2 and h1["Fulfil-Delivery"] == h2["Fulfil-Delivery"]


def test_retries_back_off_exponentially_up_to_six_hours():
    assert timedelta(seconds=30) <= retry_delay(1, 30) <= timedelta(seconds=33)
    assert timedelta(seconds=240) <= retry_delay(4, 30) <= timedelta(seconds=264)
    assert retry_delay(20, 30) == timedelta(hours=6)


def test_after_the_last_attempt_a_delivery_is_failed(app, shop, receiver):
    app.config["WEBHOOK_MAX_ATTEMPTS"] = 3
    receiver.answers = [503] * 10
    webhooks.subscribe(receiver.url, ["order.received"])
    take_order(shop)

    results = [deliver_due(now=later(60 * hour)) for hour in range(4)]

    assert [r["retrying"] for r in results] == [1, 1, 0, 0]
    assert [r["failed"] for r in results] == [0, 0, 1, 0]
    (delivery,) = deliveries()
    assert delivery.status == "failed" and delivery.attempts == 3
    assert delivery.response_status == 503 and "503" in delivery.last_error
    assert len(receiver.requests) == 3


def test_an_unreachable_receiver_is_retried_with_the_reason(shop):
    closed = Receiver()
    closed.close()  # nothing listens on that port any more
    webhooks.subscribe(closed.url, ["order.received"])
    take_order(shop)

    counts = deliver_due()

    assert counts["retrying"] == 1
    (delivery,) = deliveries()
    assert delivery.response_status is None
    assert "ConnectionError" in delivery.last_error


def test_a_redirect_is_not_followed_and_counts_as_a_failure(shop, receiver):
    receiver.answers = [302]
    webhooks.subscribe(receiver.url, ["order.received"])
    take_order(shop)

    assert deliver_due()["retrying"] == 1
    assert deliveries()[0].response_status == 302


def test_two_workers_never_send_the_same_delivery(app, shop):
    slow = Receiver(delay=0.02)
    webhooks.subscribe(slow.url, ["*"])
    for n in range(4):
        take_order(shop, f"SHOP-{n}")
    expected = {str(d.id) for d in deliveries()}
    db.session.rollback()

    def work():
        with app.app_context():
            while sum(deliver_due(limit=2).values()):
                pass
            db.session.remove()

    workers = [threading.Thread(target=work) for _ in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)
    slow.close()

    sent = [headers["Fulfil-Delivery"] for headers, _ in slow.requests]
    assert len(expected) == 12
    assert sorted(sent) == sorted(expected)  # each once: no twin, no gap
    assert {d.status for d in deliveries()} == {"delivered"}


# -- resend ---------------------------------------------------------------------------


def test_resend_sends_a_delivery_again_and_records_who_asked(
    app, shop, receiver, make_user
):
    app.config["WEBHOOK_MAX_ATTEMPTS"] = 1
    receiver.answers = [500]
    webhooks.subscribe(receiver.url, ["order.received"])
    take_order(shop)
    deliver_due()
    (failed,) = deliveries()
    status_before = failed.status
    admin = make_user("admin")

    webhooks.resend(failed.id, actor_id=admin.id)
    counts = deliver_due()

    assert status_before == "failed"
    assert counts == {"delivered": 1, "retrying": 0, "failed": 0}
    (delivery,) = deliveries()
    assert delivery.status == "delivered" and delivery.attempts == 1
    assert len(receiver.requests) == 2
    event = db.session.scalar(sa.select(Event).where(Event.action == "webhook.resent"))
    assert event.actor_id == admin.id and event.subject_id == delivery.id
    assert event.data == {"previous_status": "failed", "previous_attempts": 1}


def test_a_delivered_webhook_can_be_resent(shop, receiver):
    webhooks.subscribe(receiver.url, ["order.received"])
    take_order(shop)
    deliver_due()
    (delivery,) = deliveries()

    webhooks.resend(delivery.id)
    deliver_due()

    (first_headers, first_body), (again_headers, again_body) = receiver.requests
    assert again_body == first_body
    assert again_headers["Fulfil-Delivery"] == first_headers["Fulfil-Delivery"]


def test_nothing_is_resent_to_a_deactivated_subscription(shop, receiver):
    subscription, _ = webhooks.subscribe(receiver.url, ["order.received"])
    take_order(shop)
    (delivery,) = deliveries()

    webhooks.deactivate(subscription.id)

    assert deliveries()[0].status == "failed"
    assert deliveries()[0].last_error == "subscription deactivated"
    with pytest.raises(FulfilError):
        webhooks.resend(delivery.id)
    take_order(shop, "SHOP-1002")
    assert deliver_due() == {"delivered": 0, "retrying": 0, "failed": 0}
    assert len(deliveries()) == 1 and receiver.requests == []


# -- the outbox and its filters -------------------------------------------------------


def test_a_refused_order_writes_no_delivery(shop, receiver):
    webhooks.subscribe(receiver.url, ["*"])
    body = order_payload(lines=[{"sku": "NO-SUCH", "quantity": 1}])

    response = shop.post("/api/v1/orders", json=body)

    assert response.status_code in (400, 422)
    assert deliveries() == []
    assert deliver_due() == {"delivered": 0, "retrying": 0, "failed": 0}


def test_the_outbox_row_lives_and_dies_with_the_change(shop, receiver):
    webhooks.subscribe(receiver.url, ["order.cancelled"])
    take_order(shop)
    db.session.rollback()

    with pytest.raises(RuntimeError), unit_of_work() as session:
        order = session.scalar(sa.select(Order))
        events.record(session, "order.cancelled", order, actor_id=None)
        seen = session.scalar(sa.select(sa.func.count(WebhookDelivery.id)))
        raise RuntimeError("the change fails after the event was recorded")

    assert seen == 1  # written in the change's own transaction…
    assert deliveries() == []  # …and rolled back with it


def test_subscriptions_hear_only_the_events_and_modes_they_asked_for(
    shop, receiver, make_product
):
    received, _ = webhooks.subscribe(receiver.url, ["order.received"])
    third_party, _ = webhooks.subscribe(receiver.url, ["*"], fulfilment="3pl")
    requested, _ = webhooks.subscribe(receiver.url, ["shipment.requested"])
    make_product(sku="SKU-3PL", fulfilment="3pl")

    take_order(shop, "SHOP-IN-HOUSE")
    take_order(
        shop, "SHOP-3PL", lines=[{"sku": "SKU-3PL", "quantity": 2, "unit_price": "5"}]
    )

    def heard(subscription):
        return [d.event_type for d in deliveries(subscription_id=subscription.id)]

    assert heard(received) == ["order.received", "order.received"]
    assert heard(third_party) == ["shipment.requested"]
    assert heard(requested) == ["shipment.requested"]
    payload = json.loads(deliveries(subscription_id=third_party.id)[0].payload)
    assert payload["data"]["shipment"]["mode"] == "3pl"
    assert payload["data"]["shipment"]["lines"][0]["sku"] == "SKU-3PL"


def test_a_new_orders_webhooks_describe_it_as_each_event_saw_it(shop, receiver):
    webhooks.subscribe(receiver.url, ["*"])

    take_order(shop, lines=[{"sku": "SKU-0001", "quantity": 12}])  # 10 in stock

    order = db.session.scalar(sa.select(Order))
    shipment = order.shipments[0]
    recorded = db.session.scalars(sa.select(Event).order_by(Event.id)).all()[-3:]
    sent = deliveries()
    assert [d.event_id for d in sent] == [e.id for e in recorded]
    payloads = [json.loads(d.payload) for d in sent]
    for payload, event, delivery in zip(payloads, recorded, sent, strict=True):
        assert payload["id"] == f"evt_{event.id}"
        assert payload["type"] == event.action == delivery.event_type
        assert datetime.fromisoformat(payload["created_at"]) == aware(event.at)
        assert aware(delivery.next_attempt_at) == aware(event.at)
        assert payload["data"]["event"] == event.data
    assert [p["type"] for p in payloads] == [
        "order.received",
        "shipment.backordered",
        "order.backordered",
    ]
    assert payloads[0]["data"]["order"] == {
        "id": order.id,
        "external_id": "SHOP-1001",
        "status": "received",
    }
    assert payloads[1]["data"]["shipment"] == {
        "id": shipment.id,
        "order_external_id": "SHOP-1001",
        "mode": "in_house",
        "status": "backordered",
        "supplier": None,
        "carrier": "",
        "tracking_number": "",
        "tracking_url": "",
        "lines": [
            {
                "sku": "SKU-0001",
                "name": order.lines[0].product.name,
                "quantity": 12,
                "shipped": 0,
            }
        ],
        "shipping_address": order.shipping_address,
    }
    assert payloads[2]["data"]["order"]["status"] == "backordered"


@pytest.mark.parametrize("twice", [False, True], ids=["distinct", "one-twice"])
def test_events_recorded_together_keep_their_order_and_their_webhooks(
    app, receiver, twice
):
    webhooks.subscribe(receiver.url, ["*"])
    db.session.rollback()
    said = webhooks.order_described(7, "X-7", "received")
    actions = ["order.received", "order.received" if twice else "order.backordered"]

    with unit_of_work() as session:
        events.record_all(
            session,
            [
                events.Entry(action, "orders", 7, {"n": n}, said)
                for n, action in enumerate(actions + ["order.allocated"])
            ],
            actor_id=None,
        )

    recorded = db.session.scalars(sa.select(Event).order_by(Event.id)).all()[-3:]
    assert [(e.action, e.data) for e in recorded] == [
        (action, {"n": n}) for n, action in enumerate(actions + ["order.allocated"])
    ]
    sent = deliveries()
    assert [d.event_id for d in sent] == [e.id for e in recorded]
    for delivery, event in zip(sent, recorded, strict=True):
        payload = json.loads(delivery.payload)
        assert payload["id"] == f"evt_{event.id}"
        assert payload["data"] == said | {"event": event.data}


def test_a_subscription_is_checked_before_it_is_stored(app):
    with pytest.raises(InvalidInput, match="url"):
        webhooks.subscribe("ftp://shop.example/hooks", ["*"])
    with pytest.raises(InvalidInput, match="url"):
        webhooks.subscribe("https:///no-host", ["*"])
    with pytest.raises(InvalidInput, match="events"):
        webhooks.subscribe("https://shop.example/hooks", ["order.teleported"])
    with pytest.raises(InvalidInput, match="events"):
        webhooks.subscribe("https://shop.example/hooks", [])
    with pytest.raises(InvalidInput, match="fulfilment"):
        webhooks.subscribe("https://shop.example/hooks", ["*"], fulfilment="drone")

    subscription, secret = webhooks.subscribe(
        " https://shop.example/hooks ", ["order.shipped", "*"]
    )

    assert subscription.url == "https://shop.example/hooks"
    assert subscription.events == ["*"]
    assert secret.startswith("whsec_") and len(secret) > 40
    assert subscription.secret == secret


# -- the command line -----------------------------------------------------------------


def test_subscribing_from_the_command_line_prints_the_secret_last(runner):
    result = runner.invoke(
        args=[
            "webhooks",
            "subscribe",
            "https://shop.example/hooks",
            "--event",
            "order.shipped",
            "--event",
            "order.delivered",
            "--description",
            "Shop",
        ]
    )

    assert result.exit_code == 0, result.output
    secret = result.output.strip().splitlines()[-1]
    (subscription,) = webhooks._active_subscriptions(db.session)
    assert subscription.secret == secret
    assert subscription.events == ["order.delivered", "order.shipped"]


def test_a_bad_subscription_from_the_command_line_exits_1(runner):
    result = runner.invoke(
        args=["webhooks", "subscribe", "ftp://shop.example", "--event", "*"]
    )

    assert result.exit_code == 1
    assert "url" in result.output


def test_the_worker_sends_what_is_due_once_and_lists_resends(runner, shop, receiver):
    runner.invoke(args=["webhooks", "subscribe", receiver.url, "--event", "*"])
    take_order(shop)

    sent = runner.invoke(args=["webhooks", "work", "--once"])
    listed = runner.invoke(args=["webhooks", "list"])
    first = deliveries()[0]
    resent = runner.invoke(args=["webhooks", "resend", str(first.id)])
    again = runner.invoke(args=["webhooks", "work", "--once", "--batch", "1"])

    assert sent.exit_code == 0, sent.output
    assert sent.output.strip() == "delivered 3, retrying 0, failed 0"
    assert receiver.url in listed.output and "3 delivered" in listed.output
    assert resent.exit_code == 0 and "queued again" in resent.output
    assert again.output.strip() == "delivered 1, retrying 0, failed 0"
    assert len(receiver.requests) == 4


def test_the_worker_process_sends_until_it_is_stopped(database_url, shop, receiver):
    webhooks.subscribe(receiver.url, ["*"])
    take_order(shop)
    db.session.rollback()
    worker = subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "app", "webhooks", "work"]
        + ["--interval", "0.2"],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": database_url, "FULFIL_ENV": "test"},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        wait_for(lambda: len(receiver.requests) == 3)
        take_order(shop, "SHOP-1002")  # while it runs
        db.session.rollback()
        wait_for(lambda: len(receiver.requests) == 6)
        worker.send_signal(signal.SIGTERM)
        output, _ = worker.communicate(timeout=20)
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.communicate()

    assert worker.returncode == 0, output
    assert "delivered 3, retrying 0, failed 0" in output
    assert output.strip().endswith("Stopped.")
    assert {d.status for d in deliveries()} == {"delivered"}


def wait_for(condition, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "gave up waiting"
        time.sleep(0.05)


def test_resending_an_unknown_delivery_exits_1(runner, app):
    result = runner.invoke(args=["webhooks", "resend", "999"])

    assert result.exit_code == 1
    assert "Not found" in result.output


def test_deactivating_from_the_command_line(runner, receiver):
    subscription, _ = webhooks.subscribe(receiver.url, ["*"])

    result = runner.invoke(args=["webhooks", "deactivate", str(subscription.id)])
    listed = runner.invoke(args=["webhooks", "list"])

    assert result.exit_code == 0, result.output
    assert "inactive" in listed.output


def test_a_receiver_slower_than_the_timeout_is_retried(app, shop):
    app.config["WEBHOOK_TIMEOUT_S"] = 0.1
    slow = Receiver(delay=0.5)
    webhooks.subscribe(slow.url, ["order.received"])
    take_order(shop)

    started = time.monotonic()
    counts = deliver_due()
    took = time.monotonic() - started
    slow.close()

    assert counts["retrying"] == 1
    assert took < 0.45
    (delivery,) = deliveries()
    assert delivery.last_error.startswith("ReadTimeout: Read timed out")
