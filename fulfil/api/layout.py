"""The warehouse layout: read it, or define locations one by one."""

import sqlalchemy as sa
from flask import jsonify, request

from fulfil.api import bp
from fulfil.api.represent import location_out
from fulfil.api.requests import (
    LOCATION_PATH,
    WAREHOUSE_QUERY,
    body,
    path_value,
    warehouse,
)
from fulfil.api.spec import operation
from fulfil.extensions import db
from fulfil.models import Location
from fulfil.models.warehouse import VIRTUAL_KINDS
from fulfil.schemas import LocationIn, LocationOut
from fulfil.services import layout


@operation(
    bp,
    "GET",
    "/locations",
    summary="The physical locations of a warehouse, with their coordinates",
    response=LocationOut,
    many=True,
    query=[WAREHOUSE_QUERY],
    errors=(422,),
)
def list_locations():
    site = warehouse(request.args.get("warehouse"))
    locations = db.session.scalars(
        sa.select(Location)
        .where(Location.warehouse_id == site.id, Location.kind.not_in(VIRTUAL_KINDS))
        .order_by(Location.code)
    )
    return jsonify([location_out(loc).model_dump(mode="json") for loc in locations])


@operation(
    bp,
    "PUT",
    "/locations/<code>",
    summary="Create or update a location (its code is what its label encodes)",
    path={"code": LOCATION_PATH},
    scope="layout:write",
    request=LocationIn,
    response=LocationOut,
    also=(201,),
    errors=(400, 409, 413, 415, 422),
)
def put_location(code: str):
    path_value(code, LOCATION_PATH, "code")
    data = body(LocationIn)
    site = warehouse(data.warehouse)
    existed = db.session.scalar(
        sa.select(Location.id).where(
            Location.warehouse_id == site.id, Location.code == code.strip().upper()
        )
    )
    location = layout.define_location(
        warehouse_id=site.id, code=code, **data.model_dump(exclude={"warehouse"})
    )
    return jsonify(location_out(location).model_dump(mode="json")), (
        200 if existed else 201
    )
