"""Big imports run as background jobs: queued by the upload, run by the worker
(`flask jobs work`), followed on the page by a progress bar and then the same
per-row report. The worker's `--once` step runs here in-process."""

import io
from datetime import timedelta

import pytest
import sqlalchemy as sa

from fulfil.extensions import db
from fulfil.models import Event, Job, JobStatus, Order, Product
from fulfil.models.types import utcnow
from fulfil.services import jobs
from tests.conftest import row_counts


@pytest.fixture
def small_inline(app, tmp_path):
    """Files over two rows go to the worker; its files in a folder of the test's."""
    app.config["IMPORT_INLINE_ROWS"] = 2
    app.config["JOB_FILES_DIR"] = str(tmp_path / "job-files")
    return tmp_path / "job-files"


PRODUCTS = (
    b"sku,name,weight_g\n"
    b"MUG-1,Becher,240\n"
    b"MUG-2,Tasse,310\n"
    b"MUG-3,Kanne,\n"
    b"MUG 4,Schale,80\n"
)


def upload(data: bytes, kind: str = "products", name: str = "produkte.csv") -> dict:
    return {"kind": kind, "file": (io.BytesIO(data), name)}


def the_job() -> Job:
    db.session.rollback()  # see what the requests and the worker committed
    return db.session.scalars(sa.select(Job)).one()


def count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def work_once(runner) -> str:
    result = runner.invoke(args=["jobs", "work", "--once"])
    assert result.exit_code == 0, result.output
    return result.output


def test_a_big_upload_is_queued_and_nothing_is_imported_in_the_request(
    client, login, post, small_inline
):
    login("manager")

    response = post("/manage/import", upload(PRODUCTS), headers={"HX-Request": "true"})

    fragment = response.get_data(as_text=True)
    job = the_job()
    assert response.status_code == 200
    assert response.headers["HX-Push-Url"] == f"/manage/import/jobs/{job.id}"
    assert 'id="import-report"' in fragment and "<html" not in fragment
    assert f'hx-get="/manage/import/jobs/{job.id}"' in fragment
    assert 'hx-trigger="every 1s"' in fragment
    assert "Waiting for the background worker" in fragment
    assert count(Product) == 0
    assert (job.status, job.progress_total, job.payload["kind"]) == (
        JobStatus.QUEUED,
        4,
        "products",
    )
    assert (small_inline / job.file).read_bytes() == PRODUCTS  # kept for the worker


def test_the_worker_imports_it_and_the_page_shows_the_same_report(
    client, login, post, runner, small_inline
):
    login("manager")
    post("/manage/import", upload(PRODUCTS))
    job = the_job()

    output = work_once(runner)
    page = client.get(f"/manage/import/jobs/{job.id}", headers={"HX-Request": "true"})

    assert "1 jobs run." in output
    fragment = page.get_data(as_text=True)
    assert "Products imported from produkte.csv" in fragment
    assert "1 of 4 were rejected" in fragment
    assert "MUG 4" in fragment  # the bad row, with its line
    assert '<td class="num">5</td>' in fragment
    assert "hx-trigger" not in fragment  # done: the polling stops
    assert count(Product) == 3
    job = the_job()
    assert (job.status, job.progress_done, job.progress_total) == (
        JobStatus.DONE,
        4,
        4,
    )
    assert not (small_inline / job.file).exists()  # removed after the import


def test_a_plain_form_upload_is_redirected_to_the_jobs_page(
    client, login, post, small_inline
):
    login("manager")

    response = post("/manage/import", upload(PRODUCTS))

    job = the_job()
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/manage/import/jobs/{job.id}")
    page = client.get(f"/manage/import/jobs/{job.id}").get_data(as_text=True)
    assert "<html" in page and 'enctype="multipart/form-data"' in page
    assert "Importing produkte.csv" in page


def test_the_progress_bar_moves_as_the_worker_reports(
    client, login, post, small_inline
):
    login("manager")
    post("/manage/import", upload(PRODUCTS))
    claim = jobs.claim_next()

    jobs.report_progress(claim, 3, 4)
    fragment = client.get(
        f"/manage/import/jobs/{claim.id}", headers={"HX-Request": "true"}
    ).get_data(as_text=True)

    assert '<progress class="import-progress" max="4" value="3"' in fragment
    assert "3 of 4 done" in fragment
    assert 'hx-trigger="every 1s"' in fragment


def test_a_job_nobody_starts_says_the_worker_may_not_be_running(
    client, login, post, small_inline
):
    login("manager")
    post("/manage/import", upload(PRODUCTS))
    job = the_job()
    job.created_at = utcnow() - timedelta(minutes=2)
    db.session.commit()

    page = client.get(f"/manage/import/jobs/{job.id}").get_data(as_text=True)

    assert "has not started this import yet" in page
    assert "flask jobs work" in page


def test_the_report_of_a_job_is_in_the_language_of_who_uploaded_it(
    client, login, post, runner, small_inline
):
    login("manager", language="de")
    post("/manage/import", upload(PRODUCTS.replace(b"Becher", b"")))
    job = the_job()
    waiting = client.get(f"/manage/import/jobs/{job.id}").get_data(as_text=True)

    work_once(runner)
    page = client.get(f"/manage/import/jobs/{job.id}").get_data(as_text=True)

    assert "produkte.csv wird importiert" in waiting
    assert "Wartet darauf, dass der Hintergrund-Worker ihn startet" in waiting
    assert "Artikel aus produkte.csv importiert" in page
    assert "Gelesen als: Spalten von Fulfil, UTF-8" in page
    assert "name</span>: ist erforderlich" in page


def test_a_big_orders_file_is_imported_by_the_job_in_the_managers_name(
    client, login, post, runner, small_inline, warehouse, make_product
):
    make_product("MUG-1")
    manager = login("manager")
    rows = [
        f"BIG-{n},2026-11-26T09:15:00+01:00,Erika,Heidestr. 17,51147,Köln,DE,MUG-1,1"
        for n in range(5)
    ]
    data = "\n".join(
        [
            "external_id,placed_at,customer_name,ship_line1,ship_postal_code,"
            "ship_city,ship_country,sku,quantity",
            *rows,
        ]
    ).encode()

    post("/manage/import", upload(data, kind="orders", name="orders.csv"))
    work_once(runner)

    db.session.rollback()
    assert count(Order) == 5
    actors = set(
        db.session.scalars(
            sa.select(Event.actor_id).where(Event.action == "order.received")
        )
    )
    assert actors == {manager.id}
    job = the_job()
    assert (job.progress_done, job.progress_total) == (5, 5)  # five orders


def test_a_big_file_refused_whole_fails_its_job_with_the_reason(
    client, login, post, runner, small_inline
):
    login("manager")
    post("/manage/import", upload(b"sku,title\nA,B\nC,D\nE,F\n"))
    job = the_job()

    work_once(runner)
    page = client.get(f"/manage/import/jobs/{job.id}").get_data(as_text=True)

    assert the_job().status == JobStatus.FAILED
    assert "produkte.csv: The header lacks the columns: name." in page
    assert not (small_inline / job.file).exists()
    assert count(Product) == 0


def test_a_file_that_cannot_be_read_is_refused_at_once_and_queues_nothing(
    client, login, post, small_inline
):
    login("manager")
    before = row_counts()

    response = post("/manage/import", upload(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"))

    assert response.status_code == 422
    assert "NUL" in response.get_data(as_text=True)
    assert row_counts() == before
    assert not small_inline.exists() or not any(small_inline.iterdir())


def test_small_files_are_still_imported_in_the_request(
    client, login, post, small_inline
):
    login("manager")

    response = post("/manage/import", upload(b"sku,name\nMUG-1,Becher\nMUG-2,Tasse\n"))

    assert response.status_code == 200
    assert "Products imported from produkte.csv" in response.get_data(as_text=True)
    assert count(Product) == 2 and count(Job) == 0


def test_the_cli_imports_a_big_file_in_the_foreground(runner, app, small_inline):
    path = small_inline.parent / "produkte.csv"
    path.write_bytes(PRODUCTS)

    result = runner.invoke(args=["import", "products", str(path)])

    assert result.exit_code == 1  # MUG 4 is rejected
    assert "3 new" in result.output
    assert count(Job) == 0


def test_the_jobs_page_needs_a_manager_and_an_import_job(
    client, login, small_inline, app
):
    job = jobs.enqueue(kind="import", payload={"kind": "products"})
    other = jobs.enqueue(kind="something.else")

    anonymous = client.get(f"/manage/import/jobs/{job.id}")
    login("picker")
    picker = client.get(f"/manage/import/jobs/{job.id}")
    login("manager")

    assert anonymous.status_code == 302 and picker.status_code == 403
    assert client.get(f"/manage/import/jobs/{job.id}").status_code == 200
    assert client.get(f"/manage/import/jobs/{other.id}").status_code == 404
    assert client.get("/manage/import/jobs/999999").status_code == 404


# -- the queue ------------------------------------------------------------------------


def test_each_due_job_is_claimed_once_in_order(app):
    first = jobs.enqueue(kind="import", payload={"n": 1})
    second = jobs.enqueue(kind="import", payload={"n": 2})
    later = jobs.enqueue(kind="import")
    later_job = db.session.get(Job, later.id)
    later_job.run_at = utcnow() + timedelta(hours=1)
    db.session.commit()

    claims = [jobs.claim_next(), jobs.claim_next(), jobs.claim_next()]

    assert [c.id if c else None for c in claims] == [first.id, second.id, None]
    assert claims[0].payload == {"n": 1} and claims[0].attempt == 1
    job = db.session.get(Job, first.id)
    db.session.refresh(job)
    assert job.status == JobStatus.RUNNING and job.started_at is not None


@pytest.mark.postgres
def test_a_job_locked_by_one_worker_is_skipped_by_another(app):
    first = jobs.enqueue(kind="import")
    second = jobs.enqueue(kind="import")

    with db.engine.connect() as other_worker:
        other_worker.execute(
            sa.select(Job.id).where(Job.id == first.id).with_for_update()
        )
        claim = jobs.claim_next()  # does not wait for the other worker's lock
        other_worker.rollback()

    assert claim.id == second.id


def test_a_job_whose_worker_died_is_taken_again_and_the_old_worker_stops(
    app, small_inline
):
    app.config["JOB_MAX_ATTEMPTS"] = 2
    small_inline.mkdir()
    (small_inline / "f.upload").write_bytes(b"x")
    job = jobs.enqueue(kind="import", file="f.upload")
    dead = jobs.claim_next()

    later = utcnow() + timedelta(seconds=app.config["JOB_LEASE_S"] + 1)
    again = jobs.claim_next(now=later)

    assert (again.id, again.attempt) == (job.id, 2)
    with pytest.raises(jobs.LeaseLost):
        jobs.report_progress(dead, 1, 2)  # the first worker learns it lost the job
    with pytest.raises(jobs.LeaseLost):
        jobs.finish(dead, {})
    assert (small_inline / "f.upload").exists()  # still needed by the new worker

    # the second worker dies too: after JOB_MAX_ATTEMPTS the job is given up
    even_later = later + timedelta(seconds=app.config["JOB_LEASE_S"] + 1)
    assert jobs.claim_next(now=even_later) is None
    db.session.rollback()
    failed = db.session.get(Job, job.id)
    assert failed.status == JobStatus.FAILED and "2 times" in failed.error
    assert not (small_inline / "f.upload").exists()


def test_a_job_of_a_kind_no_worker_knows_fails_with_a_reason(app, runner):
    job = jobs.enqueue(kind="nothing.known")

    work_once(runner)

    db.session.rollback()
    failed = db.session.get(Job, job.id)
    assert failed.status == JobStatus.FAILED and "nothing.known" in failed.error


def test_jobs_list_shows_the_latest_jobs(app, runner):
    jobs.enqueue(kind="import", payload={"kind": "products", "filename": "a.csv"})

    result = runner.invoke(args=["jobs", "list"])

    assert result.exit_code == 0
    assert "import" in result.output and "queued" in result.output
    assert "a.csv" in result.output
