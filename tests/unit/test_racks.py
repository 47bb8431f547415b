"""The rack layout generator: codes, coordinates, and a layout the router reads."""

import dataclasses

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fulfil.domain.racks import (
    BOUNDS,
    MAX_BINS,
    ExistingBin,
    RackPlan,
    _storage,
    aisle_x,
    bin_count,
    check_plan,
    compare,
    least_cross_aisle,
    plan_bins,
    rack_faces,
)
from fulfil.errors import BadLayoutPlan
from fulfil.routing import Layout, Stop


def storage_stops(bins) -> list[Stop]:
    return [Stop(b.x, b.y, b.aisle) for b in bins if b.kind in ("pick_face", "reserve")]


def depot_of(bins) -> tuple[float, float]:
    pack = min((b for b in bins if b.kind == "packing"), key=lambda b: b.code)
    return pack.x, pack.y


def problems_of(plan: RackPlan) -> dict[str, str]:
    with pytest.raises(BadLayoutPlan) as refused:
        check_plan(plan)
    return dict(refused.value.problems)


def test_codes_read_block_aisle_bay_level_as_in_the_demo():
    bins = {b.code: b for b in plan_bins(RackPlan(aisles=2, bays_per_side=2))}

    bin_ = bins["A-02-04-B"]
    assert (bin_.zone, bin_.aisle, bin_.bay, bin_.level) == ("A", "02", "04", "B")
    assert bin_.kind == "pick_face"
    assert bins["A-02-04-C"].kind == "reserve"  # above the two pick levels
    # bays 3 and 4 face each other across aisle 2, one bay width behind bays 1 and 2
    assert bins["A-02-03-A"][6:] == bin_[6:] == (aisle_x(RackPlan(), 2), 8.8)
    assert bins["A-02-01-A"].y == pytest.approx(7.6)


def test_the_plan_makes_every_bin_once_and_the_front_areas():
    plan = RackPlan(blocks=2, aisles=3, bays_per_side=4, levels=2, packing=3)
    bins = plan_bins(plan)

    codes = [b.code for b in bins]
    assert len(codes) == len(set(codes)) == bin_count(plan) + 1 + 3 + 1
    assert bin_count(plan) == 2 * 3 * 8 * 2
    assert codes[:5] == ["RECV-01", "PACK-01", "PACK-02", "PACK-03", "SHIP-01"]
    front = bins[:5]
    assert all(b.zone == "FRONT" and b.y < min(s.y for s in bins[5:]) for b in front)
    assert [b.x for b in front] == sorted(b.x for b in front)  # left to right
    assert {b.zone for b in bins[5:]} == {"A", "B"}


@st.composite
def plans(draw) -> RackPlan:
    """Plans the generator accepts, over the range people use."""
    blocks = draw(st.integers(1, 4))
    bay_width = draw(st.sampled_from([0.6, 0.9, 1.0, 1.2, 1.3, 1.5, 2.0, 2.7]))
    least = least_cross_aisle(bay_width) if blocks > 1 else 1.0
    rows = max(2, -(-5 // blocks)) if blocks > 1 else 1
    return RackPlan(
        blocks=blocks,
        aisles=draw(st.integers(1, 8)),
        bays_per_side=draw(st.integers(rows, 8)),
        levels=draw(st.integers(1, 3)),
        pick_levels=1,
        bay_width=bay_width,
        aisle_pitch=draw(st.sampled_from([1.5, 2.5, 3.0, 4.5])),
        cross_aisle_width=round(least + draw(st.integers(0, 30)) / 10, 2),
        packing=draw(st.integers(1, 3)),
    )


@settings(max_examples=150, deadline=None)
@given(plans())
def test_the_router_reads_the_generated_aisles_blocks_and_cross_aisles(plan):
    bins = plan_bins(plan)
    layout = Layout.infer(storage_stops(bins), depot_of(bins))

    assert layout.aisles == tuple(aisle_x(plan, n) for n in range(1, plan.aisles + 1))
    assert layout.blocks == plan.blocks
    assert not layout.closed  # every stretch of every aisle walkable
    for bin_ in bins:
        if bin_.kind in ("pick_face", "reserve"):
            assert layout.aisle_index(bin_.x) == int(bin_.aisle) - 1
            assert layout.block_of(bin_.y) == ord(bin_.zone) - ord("A")
    # each cross aisle between blocks runs through the gap between their bays
    for block in range(1, plan.blocks):
        letter, before = chr(ord("A") + block), chr(ord("A") + block - 1)
        last = max(b.y for b in bins if b.zone == before)
        first = min(b.y for b in bins if b.zone == letter)
        assert last < layout.cross_aisles[block] < first


@pytest.mark.parametrize("bay_width", [0.6, 1.2, 1.3, 2.0])
def test_a_cross_aisle_narrower_than_the_router_needs_is_refused_as_it_misreads_it(
    bay_width,
):
    # the router takes a jump of more than 2.5 bay widths (and 1.5 m) for a block's end
    edge = max(2.5 * bay_width, 1.5) - bay_width
    narrow = RackPlan(blocks=2, bay_width=bay_width, cross_aisle_width=edge - 0.01)

    assert "cross_aisle_width" in problems_of(narrow)
    bins = list(_storage(narrow))
    assert Layout.infer(storage_stops(bins), (0.0, 0.0)).blocks == 1
    least = least_cross_aisle(bay_width)
    assert edge < least <= edge + 0.15
    assert "cross_aisle_width" in problems_of(
        dataclasses.replace(narrow, cross_aisle_width=least - 0.01)
    )
    check_plan(dataclasses.replace(narrow, cross_aisle_width=least))


def test_too_few_rows_of_bays_to_tell_blocks_apart_are_refused():
    few = RackPlan(blocks=2, bays_per_side=2)

    assert "at least 3" in problems_of(few)["bays_per_side"]
    assert Layout.infer(storage_stops(_storage(few)), (0.0, 0.0)).blocks == 1
    one_row = RackPlan(blocks=3, bays_per_side=1)
    assert "bays_per_side" in problems_of(one_row)
    check_plan(RackPlan(blocks=3, bays_per_side=2))
    check_plan(RackPlan(blocks=1, bays_per_side=1))  # one block: nothing to tell


def test_out_of_bounds_and_oversized_plans_name_their_fields():
    assert set(problems_of(RackPlan(blocks=0, bay_width=0.1, levels=27))) == {
        "blocks",
        "bay_width",
        "levels",
    }
    assert "pick_levels" in problems_of(RackPlan(levels=2, pick_levels=3))
    assert "packing" in problems_of(RackPlan(packing=0))
    assert "whole" in problems_of(RackPlan(aisles=2.5))["aisles"]
    assert "nan" not in str(problems_of(RackPlan(bay_width=float("nan"))))
    huge = RackPlan(blocks=5, aisles=50, bays_per_side=20, levels=6)
    assert str(MAX_BINS) in problems_of(huge)["aisles"]
    assert set(BOUNDS) == {f.name for f in dataclasses.fields(RackPlan)}


def test_rack_faces_draw_every_bay_on_its_side_of_the_aisle():
    plan = RackPlan(aisles=2, bays_per_side=3)
    faces = {face.prefix: face for face in rack_faces(plan)}

    assert len(faces) == 2 * 2 * 3
    left, right = faces["A-01-01"], faces["A-01-02"]
    assert left.x1 < aisle_x(plan, 1) < right.x0
    assert left.y0 == right.y0 and left.y1 - left.y0 == pytest.approx(1.2)
    # back to back with the next aisle's left-hand racking
    assert right.x1 == pytest.approx(faces["A-02-01"].x0)


def test_comparing_finds_new_unchanged_and_conflicting_bins():
    bins = plan_bins(RackPlan(aisles=1, bays_per_side=1, levels=1, pick_levels=1))
    same, moved, inactive = bins[-2], bins[-1], bins[0]

    def there(bin_, **changes):
        return ExistingBin(*bin_[1:], active=True)._replace(**changes)

    result = compare(
        bins,
        {
            same.code: there(same),
            moved.code: there(moved, y=moved.y + 1, kind="reserve"),
            inactive.code: there(inactive, active=False),
        },
    )

    assert result.unchanged == [same]
    assert [(c.planned, c.differences) for c in result.conflicts] == [
        (inactive, ("active",)),
        (moved, ("kind", "y")),
    ]
    assert len(result.new) == len(bins) - 3
    assert result.planned == len(bins)
