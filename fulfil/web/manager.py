"""The manager's tablet: the floor at a glance, stock, labels, imports."""

from datetime import timedelta
from pathlib import Path

from flask import Blueprint, abort, redirect, request, send_file, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from fulfil.domain.roles import Role
from fulfil.models import Job, JobStatus
from fulfil.models.types import utcnow
from fulfil.queries import jobs, layout, orders, stock
from fulfil.services import csv_import
from fulfil.web import lookups
from fulfil.web.htmx import page_or_fragment, wants_fragment
from fulfil.web.session import guard

bp = Blueprint("manager", __name__, url_prefix="/manage")
guard(bp, Role.MANAGER)


@bp.get("/")
def home():
    warehouse_id = current_user.warehouse_id
    return page_or_fragment(
        "manager/home.html",
        "manager/_stock.html",
        totals=stock.stock_totals(warehouse_id),
        statuses=orders.orders_by_status(),
        moves=stock.recent_moves(warehouse_id),
    )


@bp.get("/stock")
def product_stock():
    """Where one product is, found by SKU or barcode."""
    return lookups.product_stock(
        "manager/stock.html", "manager/_stock.html", request.args.get("code", "")
    )


@bp.get("/labels.pdf")
def location_labels():
    """A printable sheet of every bin's label in the current warehouse."""
    from fulfil.labels import location_labels_pdf

    pdf = location_labels_pdf(layout.physical_locations(current_user.warehouse_id))
    return send_file(
        pdf, mimetype="application/pdf", download_name="location-labels.pdf"
    )


IMPORT_EXAMPLES = Path(__file__).parents[1] / "demo" / "data"
IMPORT_FORMATS = {  # kind -> (columns, required columns)
    "orders": (csv_import.ORDER_COLUMNS, csv_import.ORDER_REQUIRED),
    "products": (csv_import.PRODUCT_COLUMNS, csv_import.PRODUCT_REQUIRED),
    "locations": (csv_import.LOCATION_COLUMNS, csv_import.LOCATION_REQUIRED),
}


def _import_page(status: int = 200, *, kind: str, **context):
    return page_or_fragment(
        "manager/import.html",
        "manager/_import.html",
        status,
        kind=kind if kind in csv_import.IMPORTERS else "orders",
        formats=IMPORT_FORMATS,
        **context,
    )


@bp.get("/import")
def imports():
    """The upload form for products and orders."""
    return _import_page(kind=request.args.get("kind", "orders"), report=None)


@bp.post("/import")
def import_file():
    """Import an uploaded file and show what was taken and what was rejected; a big
    file goes to the job worker and the answer is its progress page.

    The report is the answer (there is nothing to redirect to): importing the same
    file again is harmless, as every row is an idempotent upsert or order intake.
    """
    kind = request.form.get("kind", "")
    upload = request.files.get("file")
    filename = upload.filename if upload else ""
    if kind not in csv_import.IMPORTERS:
        refusal = _("Choose what the file holds: products, orders or locations.")
    elif not filename:
        refusal = _("Choose a CSV file to import.")
    else:
        try:
            started = csv_import.start_import(
                kind,
                upload.read(),
                filename=filename,
                actor_id=current_user.id,
                locale=str(get_locale()),
            )
        except csv_import.CsvFileError as error:
            refusal = str(error)
        else:
            if isinstance(started, Job):
                url = url_for("manager.import_job", job_id=started.id)
                if not wants_fragment():
                    return redirect(url, 303)
                response = _job_page(started)
                response.headers["HX-Push-Url"] = url
                return response
            return _import_page(kind=kind, report=started, filename=filename)
    return _import_page(422, kind=kind, report=None, refusal=refusal, filename=filename)


STALLED = timedelta(seconds=30)  # queued this long: is the worker running at all?


@bp.get("/import/jobs/<id:job_id>")
def import_job(job_id: int):
    """A big import's progress (htmx polls this fragment), then its report."""
    job = jobs.job(job_id, kind=csv_import.JOB_KIND)
    if job is None:
        abort(404)
    return _job_page(job)


def _job_page(job: Job):
    done = job.status == JobStatus.DONE and job.result is not None
    return _import_page(
        kind=job.payload.get("kind", ""),
        job=job,
        stalled=job.status == JobStatus.QUEUED and utcnow() - job.created_at > STALLED,
        report=csv_import.ImportReport.from_dict(job.result) if done else None,
        refusal=job.error if job.status == JobStatus.FAILED else None,
        filename=job.payload.get("filename", ""),
    )


@bp.get("/import/example-<kind>.csv")
def import_example(kind: str):
    """A small CSV file of each kind to start from."""
    if kind not in csv_import.IMPORTERS:
        abort(404)
    return send_file(
        IMPORT_EXAMPLES / f"import-{kind}.csv",
        mimetype="text/csv",
        as_attachment=True,
        download_name=f"fulfil-{kind}.csv",
    )
