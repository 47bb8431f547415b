from fulfil.domain.states import ORDER_TRANSITIONS, OrderStatus, can_transition


def test_every_status_has_a_row_in_the_table():
    assert set(ORDER_TRANSITIONS) == set(OrderStatus)


def test_a_shipped_order_cannot_be_cancelled():
    assert not can_transition(
        ORDER_TRANSITIONS, OrderStatus.SHIPPED, OrderStatus.CANCELLED
    )


def test_an_allocated_order_can_start_picking():
    assert can_transition(ORDER_TRANSITIONS, OrderStatus.ALLOCATED, OrderStatus.PICKING)


def test_final_states_lead_nowhere():
    assert ORDER_TRANSITIONS[OrderStatus.DELIVERED] == frozenset()
    assert ORDER_TRANSITIONS[OrderStatus.CANCELLED] == frozenset()
