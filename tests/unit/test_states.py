from hypothesis import given
from hypothesis import strategies as st

from fulfil.domain.states import (
    CANCELLABLE,
    SHIPMENT_TRANSITIONS,
    OrderStatus,
    ShipmentStatus,
    can_transition,
    order_status,
)

S = ShipmentStatus


def test_every_shipment_status_has_a_row_in_the_table():
    assert set(SHIPMENT_TRANSITIONS) == set(ShipmentStatus)


def test_a_shipped_shipment_cannot_be_cancelled():
    assert not can_transition(SHIPMENT_TRANSITIONS, S.SHIPPED, S.CANCELLED)
    assert S.PACKED not in CANCELLABLE


def test_final_states_lead_nowhere():
    assert SHIPMENT_TRANSITIONS[S.DELIVERED] == frozenset()
    assert SHIPMENT_TRANSITIONS[S.CANCELLED] == frozenset()


def test_a_mixed_order_is_as_far_as_its_slowest_shipment():
    # the e-book is delivered, the book still waits for stock
    assert order_status([S.DELIVERED, S.BACKORDERED]) == OrderStatus.BACKORDERED
    assert order_status([S.DELIVERED, S.REQUESTED]) == OrderStatus.ALLOCATED
    assert order_status([S.SHIPPED, S.DELIVERED]) == OrderStatus.SHIPPED


def test_cancelled_shipments_do_not_hold_an_order_back():
    assert order_status([S.CANCELLED, S.SHIPPED]) == OrderStatus.SHIPPED
    assert order_status([S.CANCELLED, S.CANCELLED]) == OrderStatus.CANCELLED


@given(st.lists(st.sampled_from(list(ShipmentStatus)), min_size=1, max_size=4))
def test_the_order_never_claims_more_than_a_live_shipment(statuses):
    derived = order_status(statuses)
    live = [s for s in statuses if s != S.CANCELLED]
    if live:
        assert derived != OrderStatus.CANCELLED
        if derived == OrderStatus.DELIVERED:
            assert all(s == S.DELIVERED for s in live)
    else:
        assert derived == OrderStatus.CANCELLED
