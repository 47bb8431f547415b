from decimal import Decimal
from itertools import permutations
from math import prod

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fulfil.domain.boxes import Box, Item, choose_box, expected_weight_g

SMALL = Box("S-10", (250, 175, 100), 5_000, Decimal("0.45"), tare_g=120)
MEDIUM = Box("M-30", (400, 300, 200), 15_000, Decimal("0.80"), tare_g=300)
LARGE = Box("L-60", (600, 400, 400), 30_000, Decimal("1.60"), tare_g=650)
BOXES = [LARGE, SMALL, MEDIUM]  # not in order: the chooser must not rely on it

MUG = Item(120, 90, 100, 350)
BOOK = Item(240, 170, 30, 600)


def test_the_cheapest_box_the_items_fit_is_chosen():
    assert choose_box([MUG, BOOK], BOXES) == SMALL


def test_items_fit_lying_down_or_on_their_side():
    # 170 long, 240 wide and 30 high still fits the 250 x 175 x 100 box
    assert choose_box([Item(30, 240, 170, 600)], BOXES) == SMALL


def test_an_item_longer_than_every_box_fits_none():
    rug = Item(1_200, 150, 150, 4_000)

    assert choose_box([rug], BOXES) is None
    assert choose_box([rug, MUG], BOXES) is None


def test_the_weight_with_the_empty_box_must_stay_within_its_limit():
    weights = Item(100, 100, 100, 2_440, qty=2)  # 4880 g: with 120 g of box, 5000

    assert choose_box([weights], BOXES) == SMALL
    assert choose_box([replace_qty(weights, 3)], BOXES) == MEDIUM
    assert choose_box([Item(100, 100, 100, 31_000)], BOXES) is None


def test_items_must_leave_room_for_padding():
    # each fits the small box, but 3.75 l of mugs is over 85 % of its 4.375 l
    mugs = replace_qty(Item(125, 100, 100, 200), 3)

    assert choose_box([mugs], BOXES) == MEDIUM
    assert choose_box([mugs], BOXES, fill=1.0) == SMALL


def test_at_the_same_cost_the_smaller_box_wins():
    roomy = Box("S-10-XL", (300, 200, 150), 5_000, SMALL.cost)

    assert choose_box([MUG], [roomy, SMALL]) == SMALL


def test_items_of_unknown_size_fit_and_take_no_room_but_weigh():
    unknown = Item(0, 0, 0, 4_000)

    assert choose_box([unknown], BOXES) == SMALL
    assert choose_box([unknown, replace_qty(unknown, 1)], BOXES) == MEDIUM


def test_no_boxes_no_choice():
    assert choose_box([MUG], []) is None


def test_fill_must_be_a_share_of_the_box():
    with pytest.raises(ValueError):
        choose_box([MUG], BOXES, fill=0)
    with pytest.raises(ValueError):
        choose_box([MUG], BOXES, fill=1.5)


def test_the_expected_weight_is_the_items_and_the_empty_box():
    assert expected_weight_g([MUG, replace_qty(BOOK, 2)], MEDIUM) == 350 + 1_200 + 300


def replace_qty(item: Item, qty: int) -> Item:
    return Item(item.length_mm, item.width_mm, item.height_mm, item.weight_g, qty)


# -- properties -----------------------------------------------------------------------


def fits(items: list[Item], box: Box, fill: float) -> bool:
    """The rule, written out the long way: some orientation of each item fits."""
    sized = [item for item in items if all(item.dimensions) and item.qty]
    in_some_orientation = all(
        any(
            all(side <= room for side, room in zip(turned, box.inner_mm, strict=True))
            for turned in permutations(item.dimensions)
        )
        for item in sized
    )
    volume = sum(prod(item.dimensions) * item.qty for item in sized)
    weight = sum(item.weight_g * item.qty for item in items) + box.tare_g
    return (
        in_some_orientation
        and volume <= fill * prod(box.inner_mm)
        and weight <= box.max_weight_g
    )


side = st.integers(min_value=0, max_value=450)
items = st.lists(
    st.builds(
        Item,
        side,
        side,
        side,
        st.integers(min_value=0, max_value=5_000),
        st.integers(min_value=1, max_value=4),
    ),
    max_size=6,
)
boxes = st.lists(
    st.builds(
        Box,
        st.text("ABCDEFGH", min_size=1, max_size=3),
        st.tuples(*[st.integers(min_value=50, max_value=800)] * 3),
        st.integers(min_value=1_000, max_value=40_000),
        st.decimals(min_value=0, max_value=5, places=2),
        st.integers(min_value=0, max_value=1_000),
    ),
    max_size=6,
)


@given(items, boxes)
def test_the_chosen_box_fits_and_no_cheaper_box_does(items, boxes):
    chosen = choose_box(items, boxes)

    fitting = [box for box in boxes if fits(items, box, 0.85)]
    if chosen is None:
        assert fitting == []
    else:
        assert fits(items, chosen, 0.85)
        assert all(box.cost >= chosen.cost for box in fitting)
        same_cost = [box for box in fitting if box.cost == chosen.cost]
        assert all(prod(box.inner_mm) >= prod(chosen.inner_mm) for box in same_cost)
