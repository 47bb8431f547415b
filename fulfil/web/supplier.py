"""The supplier's page, reached by a signed link without an account."""

from flask import Blueprint

bp = Blueprint("supplier", __name__, url_prefix="/supplier")
