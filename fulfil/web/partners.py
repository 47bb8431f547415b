"""Manager pages for 3PL and dropship shipments."""

from flask import Blueprint

bp = Blueprint("partners", __name__, url_prefix="/manage/partners")
