"""Pages show the current warehouse's things only: another site's are not found."""

from flask import abort
from flask_login import current_user


def in_my_warehouse(warehouse_id: int | None) -> None:
    if warehouse_id != current_user.warehouse_id:
        abort(404)
