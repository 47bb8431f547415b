"""Operations endpoints for load balancers and monitoring."""

import time

import sqlalchemy as sa
from flask import Blueprint, jsonify

from fulfil.extensions import db

bp = Blueprint("ops", __name__)


@bp.get("/healthz")
def healthz():
    """200 when the database answers, 503 when it does not."""
    started = time.perf_counter()
    try:
        db.session.execute(sa.text("SELECT 1"))
    except sa.exc.SQLAlchemyError as error:
        db.session.rollback()
        body = {
            "status": "unavailable",
            "database": {"ok": False, "error": type(error).__name__},
        }
        return jsonify(body), 503
    latency = round((time.perf_counter() - started) * 1000, 2)
    body = {
        "status": "ok",
        "database": {
            "ok": True,
            "dialect": db.engine.dialect.name,
            "latency_ms": latency,
        },
    }
    return jsonify(body)
