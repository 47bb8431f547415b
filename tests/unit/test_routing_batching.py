"""Filling carts: capacity, promises, every order once, and walking saved."""

from datetime import datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fulfil.routing import Cart, Layout, Load, plan_batches, route
from fulfil.routing.batching import WINDOW

LAYOUT, FACES = Layout.grid(blocks=2, aisles=6, bays=8)
START = datetime(2024, 3, 4, 8, 0)
METHODS = ["first-fit", "seed", "savings"]


@st.composite
def waves(draw):
    count = draw(st.integers(1, 30))
    loads, stops = [], {}
    for key in range(count):
        due = draw(st.one_of(st.none(), st.integers(0, 48 * 60)))
        loads.append(
            Load(
                key=f"order-{key}",
                volume_l=draw(st.floats(0, 120)),
                weight_kg=draw(st.floats(0, 40)),
                due=None if due is None else START + timedelta(minutes=due),
            )
        )
        stops[f"order-{key}"] = draw(st.lists(st.sampled_from(FACES), max_size=6))
    cart = Cart(
        totes=draw(st.integers(1, 8)),
        volume_l=draw(st.floats(50, 400)),
        weight_kg=draw(st.floats(20, 150)),
    )
    return loads, stops, cart


def urgency(load: Load):
    return (load.due is None, load.due or datetime.min)


@settings(deadline=None, max_examples=60)
@given(waves(), st.sampled_from(METHODS))
def test_carts_respect_capacity_and_promises_and_take_every_order_once(wave, method):
    loads, stops, cart = wave
    by_key = {load.key: load for load in loads}

    batches = plan_batches(
        loads, cart, stops, LAYOUT.depot, layout=LAYOUT, method=method
    )

    keys = [key for batch in batches for key in batch]
    assert sorted(keys) == sorted(by_key)
    for batch in batches:
        members = [by_key[key] for key in batch]
        if len(members) > 1:  # an order too big for any cart goes alone
            assert len(members) <= cart.totes
            assert sum(m.volume_l for m in members) <= cart.volume_l + 1e-6
            assert sum(m.weight_kg for m in members) <= cart.weight_kg + 1e-6
        dues = [m.due for m in members if m.due]
        assert not dues or max(dues) - min(dues) <= WINDOW
        assert members == sorted(members, key=urgency)  # earliest promise first
    firsts = [urgency(by_key[batch[0]]) for batch in batches]
    assert firsts == sorted(firsts)  # the most urgent cart first


@settings(deadline=None, max_examples=30)
@given(waves())
def test_without_locations_carts_are_filled_first_fit_in_promise_order(wave):
    loads, _, cart = wave

    batches = plan_batches(loads, cart)

    assert batches == plan_batches(loads, cart, {}, LAYOUT.depot, method="first-fit")
    assert sorted(k for b in batches for k in b) == sorted(load.key for load in loads)


def test_orders_in_the_same_aisles_share_a_cart():
    left = [f for f in FACES if f.x < 5 and f.aisle.startswith("1-")]
    right = [f for f in FACES if f.x > 20 and f.aisle.startswith("1-")]
    loads = [Load(f"L{i}", 1, 1) for i in range(4)] + [
        Load(f"R{i}", 1, 1) for i in range(4)
    ]
    # interleaved, so first fit mixes the two ends of the warehouse
    loads = [loads[i // 2 + (4 if i % 2 else 0)] for i in range(8)]
    stops = {f"L{i}": left[i::4] for i in range(4)} | {
        f"R{i}": right[i::4] for i in range(4)
    }
    cart = Cart(totes=4, volume_l=100, weight_kg=100)

    for method in ("seed", "savings"):
        batches = plan_batches(
            loads, cart, stops, LAYOUT.depot, layout=LAYOUT, method=method
        )
        assert sorted(sorted(b) for b in batches) == [
            [f"L{i}" for i in range(4)],
            [f"R{i}" for i in range(4)],
        ]


def test_orders_promised_far_apart_never_share_a_cart():
    morning = START
    loads = [Load("a", 1, 1, morning), Load("b", 1, 1, morning + timedelta(hours=5))]
    stops = {"a": FACES[:2], "b": FACES[:2]}  # the very same bins

    batches = plan_batches(loads, Cart(8, 100, 100), stops, LAYOUT.depot, layout=LAYOUT)

    assert batches == [["a"], ["b"]]


def test_batching_by_location_walks_less_per_line_than_first_fit():
    loads, stops = [], {}
    for i in range(40):
        key = f"o{i}"
        loads.append(Load(key, 1, 1, START))
        base = (i * 37) % (len(FACES) - 4)
        stops[key] = FACES[base : base + 2]
    cart = Cart(totes=6, volume_l=100, weight_kg=100)

    def walked(method):
        batches = plan_batches(
            loads, cart, stops, LAYOUT.depot, layout=LAYOUT, method=method
        )
        total = 0.0
        for batch in batches:
            spots = list({LAYOUT.spot_of(s) for key in batch for s in stops[key]})
            total += route(LAYOUT, spots)[1]
        return total

    assert walked("savings") < walked("first-fit")
    assert walked("seed") < walked("first-fit")


def test_an_unknown_method_is_refused():
    with pytest.raises(ValueError, match="unknown"):
        plan_batches(
            [Load("a", 1, 1)], Cart(1, 1, 1), {"a": FACES[:1]}, (0, 0), method="magic"
        )
