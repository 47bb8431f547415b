"""Generating a warehouse's bins from a rack layout plan (fulfil.domain.racks)."""

import sqlalchemy as sa

from fulfil.domain.racks import Comparison, RackPlan, compare, plan_bins
from fulfil.errors import NotFound
from fulfil.models import Location, LocationKind, Warehouse
from fulfil.queries.racks import existing_bins
from fulfil.services import events, unit_of_work


def generate_layout(
    *, warehouse_id: int, plan: RackPlan, actor_id: int | None = None
) -> Comparison:
    """Create the plan's bins that are missing and leave every existing one as it is:
    running it again changes nothing. Returns what was created (`new`), found as
    planned (`unchanged`) and found otherwise under a planned code (`conflicts`,
    left alone). BadLayoutPlan for a plan out of bounds or one routing would misread.
    """
    planned = plan_bins(plan)
    with unit_of_work() as session:
        # one generator at a time per warehouse: the second sees the first's bins
        warehouse = session.execute(
            sa.select(Warehouse).where(Warehouse.id == warehouse_id).with_for_update()
        ).scalar_one_or_none()
        if warehouse is None:
            raise NotFound()
        result = compare(planned, existing_bins(warehouse_id))
        if not result.new:
            return result  # a second run changes nothing, and leaves no trace
        session.execute(
            sa.insert(Location),
            [
                {
                    "warehouse_id": warehouse_id,
                    **bin_._asdict(),
                    "kind": LocationKind(bin_.kind),
                    "active": True,
                }
                for bin_ in result.new
            ],
        )
        events.record(
            session,
            "layout.generated",
            warehouse,
            actor_id=actor_id,
            created=len(result.new),
            unchanged=len(result.unchanged),
            conflicting=len(result.conflicts),
            plan=plan.as_dict(),
        )
        return result
