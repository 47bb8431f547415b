"""The first run: a checklist from an empty installation to a shop sending orders."""

from flask import Blueprint

from fulfil.domain.roles import Role
from fulfil.queries.setup import setup_steps
from fulfil.web.htmx import page_or_fragment
from fulfil.web.session import guard

bp = Blueprint("setup", __name__, url_prefix="/setup")
guard(bp, Role.ADMIN)

# Where each step is done.
STEP_PAGES = {
    "warehouse": "admin.warehouses",
    "layout": "layout.plan",
    "products": "products.home",
    "stock": "receiving.home",
    "people": "admin.home",
    "shipping": "carriers.home",
    "shop": "admin.api_tokens",
}


@bp.get("/")
def checklist():
    steps = setup_steps()
    return page_or_fragment(
        "setup/checklist.html",
        "setup/checklist.html",
        steps=steps,
        pages=STEP_PAGES,
        next_step=next((step for step in steps if not step.done), None),
    )
