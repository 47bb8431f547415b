"""Warehouses and their layout: read them, or define them one by one."""

from datetime import time

import sqlalchemy as sa
from flask import jsonify, request

from fulfil.api import bp
from fulfil.api.represent import location_out, warehouse_out
from fulfil.api.requests import (
    LOCATION_PATH,
    WAREHOUSE_PATH,
    WAREHOUSE_QUERY,
    body,
    path_value,
    warehouse,
)
from fulfil.api.spec import operation
from fulfil.errors import InvalidInput, InvalidRequest
from fulfil.extensions import db
from fulfil.models import Location
from fulfil.models.warehouse import VIRTUAL_KINDS
from fulfil.queries.layout import warehouses
from fulfil.schemas import LocationIn, LocationOut, WarehouseIn, WarehouseOut
from fulfil.services import layout


@operation(
    bp,
    "GET",
    "/warehouses",
    summary="Every warehouse, with its time zone, cut-off and working days",
    response=WarehouseOut,
    many=True,
)
def list_warehouses():
    return jsonify(
        [warehouse_out(site).model_dump(mode="json") for site in warehouses()]
    )


@operation(
    bp,
    "PUT",
    "/warehouses/<code>",
    summary="Create a warehouse or make it exactly this (safe to repeat)",
    path={"code": WAREHOUSE_PATH},
    scope="layout:write",
    request=WarehouseIn,
    response=WarehouseOut,
    also=(201,),
    errors=(400, 413, 415, 422),
)
def put_warehouse(code: str):
    path_value(code, WAREHOUSE_PATH, "code")
    data = body(WarehouseIn)
    try:
        site, created = layout.put_warehouse(
            code=code,
            name=data.name,
            timezone=data.timezone,
            address=data.address,
            cutoff_time=time.fromisoformat(data.cutoff_time)
            if data.cutoff_time
            else None,
            working_days=data.working_days,
        )
    except InvalidInput as refusal:  # an unknown zone: the request, not its syntax
        raise InvalidRequest(
            [(refusal.details["field"], str(refusal.details["problem"]))]
        ) from None
    return jsonify(warehouse_out(site).model_dump(mode="json")), 201 if created else 200


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
