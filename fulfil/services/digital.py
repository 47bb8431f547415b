"""Digital goods: licence keys from a pool (never issued twice) or download links."""

from datetime import timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy.orm import Session

from fulfil.errors import DownloadUnavailable, InvalidInput, UnknownProduct
from fulfil.models import DigitalGrant, FulfilmentMode, LicenceKey, Product, Shipment
from fulfil.models.types import utcnow
from fulfil.services import events, unit_of_work


def deliver(session: Session, shipment: Shipment) -> bool:
    """Issue what is still missing for each line. True when every line has it all."""
    complete = True
    for line in shipment.lines:
        product = line.product
        if product.download_file:
            if not line.grants:
                days = current_app.config["DOWNLOAD_LINK_DAYS"]
                session.add(
                    DigitalGrant(
                        line=line,
                        max_downloads=product.max_downloads * line.qty,
                        expires_at=utcnow() + timedelta(days=days),
                    )
                )
            continue
        missing = line.qty - len(line.grants)
        for key in _free_keys(session, product.id, missing):
            key.order_line_id, key.issued_at = line.id, utcnow()
            session.add(DigitalGrant(line=line, licence_key=key))
            missing -= 1
        complete = complete and missing == 0
    session.flush()
    return complete


def add_licence_keys(*, sku: str, keys: list[str], actor_id: int | None = None) -> int:
    """Add keys to a product's pool; keys already there are skipped. Returns added."""
    keys = [k.strip() for k in keys if k.strip()]
    if any(len(k) > 200 for k in keys):
        raise InvalidInput(field="keys", problem=_l("a key is at most 200 characters"))
    with unit_of_work() as session:
        product = session.scalar(sa.select(Product).where(Product.sku == sku))
        if product is None:
            raise UnknownProduct(code=sku)
        if product.fulfilment != FulfilmentMode.DIGITAL:
            raise InvalidInput(field="sku", problem=_l("is not a digital product"))
        known = set(
            session.scalars(
                sa.select(LicenceKey.key).where(LicenceKey.product_id == product.id)
            )
        )
        fresh = list(dict.fromkeys(k for k in keys if k not in known))
        session.add_all(LicenceKey(product_id=product.id, key=k) for k in fresh)
        session.flush()
        events.record(
            session, "licence_keys.added", product, actor_id=actor_id, count=len(fresh)
        )
        _fill_waiting(session, product.id)
        return len(fresh)


def _fill_waiting(session: Session, product_id: int) -> None:
    from fulfil.domain.states import ShipmentStatus
    from fulfil.models import OrderLine
    from fulfil.services import fulfilment

    # Locked: of two batches of keys arriving at once, the second sees what the first
    # issued (PostgreSQL re-reads a row it waited for) and fills each line only once.
    waiting = session.scalars(
        sa.select(Shipment)
        .where(
            Shipment.mode == FulfilmentMode.DIGITAL,
            Shipment.status == ShipmentStatus.BACKORDERED,
            Shipment.lines.any(OrderLine.product_id == product_id),
        )
        .order_by(Shipment.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).all()
    for shipment in waiting:
        if deliver(session, shipment):
            fulfilment.set_status(session, shipment, ShipmentStatus.DELIVERED)


def _free_keys(session: Session, product_id: int, count: int) -> list[LicenceKey]:
    if count <= 0:
        return []
    return list(
        session.scalars(
            sa.select(LicenceKey)
            .where(
                LicenceKey.product_id == product_id,
                LicenceKey.order_line_id.is_(None),
            )
            .order_by(LicenceKey.id)
            .limit(count)
            .with_for_update(skip_locked=True)
        )
    )


# -- signed download links ------------------------------------------------------------


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="download")


def download_token(grant: DigitalGrant) -> str:
    return _serializer().dumps(grant.id)


def grant_for_token(token: str) -> int | None:
    """The grant id a download token names, or None if it was tampered with."""
    try:
        return int(_serializer().loads(token))
    except (BadSignature, ValueError, TypeError):
        return None


def download_refusal(grant: DigitalGrant | None) -> DownloadUnavailable | None:
    """Why this grant's link may not download now (expired, used up), or None."""
    if grant is None or grant.licence_key_id is not None:
        return DownloadUnavailable()
    if grant.expires_at is not None and grant.expires_at < utcnow():
        return DownloadUnavailable(_l("This download link has expired."))
    if grant.downloads >= grant.max_downloads:
        return DownloadUnavailable(
            _l(
                "This download link has been used %(count)s times, "
                "as often as it allows."
            ),
            count=grant.max_downloads,
        )
    return None


def use_download(grant_id: int) -> DigitalGrant:
    """Count one download; refused when the link expired or is used up."""
    with unit_of_work() as session:
        grant = session.execute(
            sa.select(DigitalGrant).where(DigitalGrant.id == grant_id).with_for_update()
        ).scalar_one_or_none()
        if refusal := download_refusal(grant):
            raise refusal
        grant.downloads += 1
        return grant
