"""How far an installation is from its first pick: the first-run checklist's steps,
each read from what the database holds (nothing is ticked by hand)."""

from dataclasses import dataclass

import sqlalchemy as sa

from fulfil.domain.roles import Role
from fulfil.extensions import db
from fulfil.models import (
    ApiToken,
    Box,
    Carrier,
    Location,
    LocationKind,
    Product,
    Stock,
    User,
    UserRole,
    Warehouse,
)
from fulfil.models.warehouse import STORAGE_KINDS


@dataclass(frozen=True)
class Step:
    key: str  # warehouse, layout, products, stock, people, shipping, shop
    done: bool


def setup_steps() -> list[Step]:
    """The steps from an empty database to a shop sending orders, in order."""
    return [
        Step("warehouse", _exists(sa.select(Warehouse.id))),
        Step(
            "layout",
            _exists(
                sa.select(Location.id).where(
                    Location.kind.in_(STORAGE_KINDS), Location.active.is_(True)
                )
            )
            and _exists(
                sa.select(Location.id).where(Location.kind == LocationKind.PACKING)
            ),
        ),
        Step("products", _exists(sa.select(Product.id))),
        Step(
            "stock",
            _exists(
                sa.select(Stock.id)
                .join(Location, Stock.location_id == Location.id)
                .where(Stock.on_hand > 0, Location.kind.in_(STORAGE_KINDS))
            ),
        ),
        Step(
            "people",
            _exists(
                sa.select(User.id)
                .join(UserRole, UserRole.user_id == User.id)
                .where(User.active.is_(True), UserRole.role == Role.PICKER)
            ),
        ),
        Step(
            "shipping",
            _exists(sa.select(Carrier.id).where(Carrier.active.is_(True)))
            and _exists(sa.select(Box.id).where(Box.active.is_(True))),
        ),
        Step(
            "shop", _exists(sa.select(ApiToken.id).where(ApiToken.revoked_at.is_(None)))
        ),
    ]


def setup_done() -> bool:
    return all(step.done for step in setup_steps())


def _exists(query) -> bool:
    return db.session.scalar(query.limit(1)) is not None
