"""Events told as sentences, an order's milestones, and unit events grouped."""

import ast
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from flask import Flask
from flask_babel import Babel, force_locale

from fulfil.domain.states import OrderStatus, ShipmentStatus
from fulfil.history import SENTENCES, order_history, sentence
from fulfil.services.webhooks import EVENT_TYPES

ROOT = Path(__file__).parents[2] / "fulfil"
T0 = datetime(2026, 12, 6, 13, 2, tzinfo=UTC)


@dataclass
class User:
    username: str


@dataclass
class Event:
    action: str
    data: dict = field(default_factory=dict)
    at: datetime = T0
    subject_id: int = 7
    actor: User | None = None


ANNA, BEN = User("anna"), User("ben")


@pytest.fixture
def german():
    app = Flask("fulfil")  # its translations are fulfil/translations
    Babel(app)
    with app.app_context(), force_locale("de"):
        yield


# -- every action the code base records has a sentence --------------------------------


def recorded_actions() -> set[str]:
    """The action codes passed to events.record / events.Entry anywhere in fulfil/,
    as literals, module constants, or f"order.{status}" / f"shipment.{status}"."""
    trees = [ast.parse(path.read_text()) for path in ROOT.rglob("*.py")]
    constants = {
        target.id: node.value.value
        for tree in trees
        for node in tree.body
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant)
        for target in node.targets
        if isinstance(target, ast.Name) and isinstance(node.value.value, str)
    }
    statuses = {
        "order.": [s.value for s in OrderStatus],
        "shipment.": [s.value for s in ShipmentStatus],
    }
    actions = set()
    for tree in trees:
        for call in ast.walk(tree):
            if not (
                isinstance(call, ast.Call)
                and isinstance(call.func, ast.Attribute)
                and isinstance(call.func.value, ast.Name)
                and call.func.value.id in ("events", "audit")
                and call.func.attr in ("record", "Entry")
            ):
                continue
            argument = call.args[1 if call.func.attr == "record" else 0]
            if isinstance(argument, ast.Constant):
                actions.add(argument.value)
            elif isinstance(argument, ast.Name):
                actions.add(constants[argument.id])
            elif isinstance(argument, ast.IfExp):
                actions |= {argument.body.value, argument.orelse.value}
            elif isinstance(argument, ast.JoinedStr):
                prefix = argument.values[0].value
                actions |= {prefix + status for status in statuses[prefix]}
            else:
                raise AssertionError(f"an action the test cannot read: {argument}")
    return actions


def test_the_scan_finds_the_actions_of_the_floor():
    actions = recorded_actions()

    assert {"pick.confirmed", "pack.item", "order.picked", "shipment.shipped"} <= (
        actions
    )
    assert "slotting.moved" in actions  # a module constant
    assert "user.deactivated" in actions  # one of two in a conditional


def test_every_recorded_action_and_webhook_event_has_a_sentence():
    missing = sorted((recorded_actions() | set(EVENT_TYPES)) - set(SENTENCES))

    assert not missing, missing


def test_no_sentence_shows_a_raw_code_or_an_unfilled_placeholder(german):
    for action in SENTENCES:
        text = sentence(action, {"sku": "21238", "qty": 3}, 12)
        assert action not in text
        assert "%(" not in text and not re.search(r"\b[a-z_]+\.[a-z_]+\b", text)


def test_an_unknown_action_still_reads_as_a_sentence():
    assert sentence("order.weighed_twice", {}, 4) == "Order updated"
    assert sentence("shipment.relabelled", {}, 4) == "Shipment 4 updated"
    assert sentence("robot.danced", {}) == "Something was recorded"


def test_a_pick_reads_as_what_a_picker_did():
    data = {"sku": "21238", "qty": 8, "location": "A-02-04-B", "tote": "T-006"}

    assert sentence("pick.confirmed", data) == (
        "8 × 21238 picked from A-02-04-B into T-006"
    )


def test_picked_is_kommissioniert_in_german(german):
    data = {"sku": "21238", "qty": 8, "location": "A-02-04-B", "tote": "T-006"}

    assert sentence("order.picked") == "Bestellung kommissioniert"
    assert sentence("pick.confirmed", data) == (
        "8 × 21238 aus A-02-04-B in T-006 kommissioniert"
    )
    weights = {"parcel": 1, "box": "M", "weight_g": 2350, "carrier": "DHL"}
    assert "2,35 kg" in sentence("parcel.packed", weights | {"tracking_number": "1"})


def test_a_short_line_says_what_becomes_of_the_missing_units():
    data = {"sku": "21238", "qty": 1, "ordered": 8}

    assert sentence("order.line_short", data | {"decision": "backorder"}) == (
        "21238: 1 of 8 short, backordered to ship later"
    )
    assert sentence("order.line_short", data | {"decision": "cancel"}) == (
        "21238: 1 of 8 short, cancelled"
    )


# -- an order's history ---------------------------------------------------------------


def picks(count: int, *, actor=ANNA, start=T0, every=timedelta(seconds=5), **data):
    data = {"sku": "21238", "location": "A-02-04-B", "tote": "T-006", **data}
    return [
        Event("pick.confirmed", {**data, "qty": 1}, start + n * every, actor=actor)
        for n in range(count)
    ]


def test_a_run_of_unit_picks_is_one_line_with_the_summed_quantity():
    history = order_history(picks(8))

    assert [step.text for step in history.steps] == [
        "8 × 21238 picked from A-02-04-B into T-006"
    ]
    assert history.steps[0].who == "anna" and history.steps[0].at == T0
    assert history.steps[0].events == 8
    assert len(history.log) == 8


def test_another_product_bin_tote_person_or_a_long_pause_starts_a_new_line():
    later = T0 + timedelta(hours=1)
    events = [
        *picks(2),
        *picks(1, sku="22111"),
        *picks(1, location="B-01-01-A"),
        *picks(1, tote="T-007"),
        *picks(1, actor=BEN),
        *picks(2, start=later),
    ]

    history = order_history(events)

    assert [step.text.split(" ")[0] for step in history.steps] == [
        "2",
        "1",
        "1",
        "1",
        "1",
        "2",
    ]


def test_packing_units_group_per_product_and_parcel():
    events = [
        Event("pack.item", {"sku": "21238", "parcel": 1}, T0, actor=BEN),
        Event("pack.item", {"sku": "21238", "parcel": 1}, T0, actor=BEN),
        Event("pack.item", {"sku": "21238", "parcel": 2}, T0, actor=BEN),
    ]

    texts = [step.text for step in order_history(events).steps]

    assert texts == [
        "2 × 21238 packed into parcel 1",
        "1 × 21238 packed into parcel 2",
    ]


def test_milestones_lead_once_each_and_every_short_line_counts():
    events = [
        Event("order.received", {"source": "csv"}),
        Event("order.allocated"),
        Event("order.picking"),
        *picks(3),
        Event("order.line_short", {"sku": "1", "qty": 1, "ordered": 2}),
        Event("order.line_short", {"sku": "2", "qty": 1, "ordered": 2}),
        Event("order.backordered"),
        Event("order.allocated"),
        Event("order.picked"),
    ]

    history = order_history(events)

    assert [step.action for step in history.milestones] == [
        "order.received",
        "order.allocated",
        "order.line_short",
        "order.line_short",
        "order.picked",
    ]
    assert history.milestones[0].text == "Order received from a CSV import"
    assert [step.action for step in history.steps] == [
        "order.picking",
        "pick.confirmed",
        "order.backordered",
    ]
    assert len(history.log) == len(events)


def test_with_one_shipment_its_status_events_do_not_echo_the_orders():
    events = [
        Event("shipment.picked", subject_id=3),
        Event("order.picked"),
        Event("shipment.requested", {"mode": "3pl"}, subject_id=4),
    ]

    one = order_history(events, shipments=1)
    two = order_history(events, shipments=2)

    assert [step.action for step in one.steps] == ["shipment.requested"]
    assert [step.text for step in two.steps] == [
        "Shipment 3 picked",
        "Shipment 4 handed to the logistics provider",
    ]
