"""The layout generator, the bins page and the locations CSV: what a manager sees."""

import re

import pypdfium2 as pdfium
import pytest
import sqlalchemy as sa

from fulfil.domain.racks import RackPlan, aisle_x
from fulfil.errors import BadLayoutPlan, LocationInUse
from fulfil.extensions import db
from fulfil.models import Event, Location
from fulfil.queries.racks import locations_csv
from fulfil.services import inventory, layout, waves
from fulfil.services.csv_import import import_locations
from fulfil.services.racks import generate_layout
from tests.conftest import assert_ledger_balanced, row_counts

TWO_AISLES = RackPlan(blocks=1, aisles=2, bays_per_side=3, levels=2, pick_levels=1)
TWO_BLOCKS = RackPlan(blocks=2, aisles=3, bays_per_side=4, levels=2, pick_levels=1)


@pytest.fixture
def hall(app):
    """An empty warehouse: no bins, no areas."""
    return layout.create_warehouse(code="HALL", name="New hall")


def bins_of(warehouse_id: int) -> dict[str, Location]:
    return {
        loc.code: loc
        for loc in db.session.scalars(
            sa.select(Location).where(
                Location.warehouse_id == warehouse_id, ~Location.code.startswith("@")
            )
        )
    }


def pages_of(pdf: bytes) -> int:
    document = pdfium.PdfDocument(pdf)
    pages = len(document)
    document.close()
    return pages


# -- the generator ------------------------------------------------------------------


def test_the_layout_generator_run_twice_creates_the_bins_once(hall):
    first = generate_layout(warehouse_id=hall.id, plan=TWO_AISLES)
    made = bins_of(hall.id)
    before = row_counts()

    again = generate_layout(warehouse_id=hall.id, plan=TWO_AISLES)

    assert len(first.new) == len(made) == 2 * 2 * 3 * 2 + 4  # bins and front areas
    assert again.new == [] and len(again.unchanged) == len(made)
    assert row_counts() == before  # not a row more, not even an event
    assert {code: (loc.x, loc.y) for code, loc in bins_of(hall.id).items()} == {
        code: (loc.x, loc.y) for code, loc in made.items()
    }
    bin_ = made["A-02-04-B"]
    assert (bin_.kind.value, bin_.zone, bin_.aisle, bin_.bay, bin_.level) == (
        "reserve",
        "A",
        "02",
        "04",
        "B",
    )


def test_the_router_reads_a_generated_warehouse_as_planned(hall):
    generate_layout(warehouse_id=hall.id, plan=TWO_BLOCKS)

    depot = waves.packing_area(db.session, hall.id)
    graph = waves.warehouse_layout(db.session, hall.id, depot)

    assert depot.code == "PACK-01"
    assert graph.aisles == tuple(aisle_x(TWO_BLOCKS, n) for n in (1, 2, 3))
    assert graph.blocks == 2 and not graph.closed
    bins = bins_of(hall.id)
    last_of_a, first_of_b = bins["A-01-08-A"].y, bins["B-01-01-A"].y
    assert last_of_a < graph.cross_aisles[1] < first_of_b
    assert graph.depot == (depot.x, depot.y) and depot.y < graph.cross_aisles[0]


def test_existing_bins_are_left_alone_and_reported(hall):
    layout.define_location(
        warehouse_id=hall.id, code="PACK-01", kind="packing", x=40, y=1
    )
    generate_layout(warehouse_id=hall.id, plan=TWO_AISLES)
    layout.set_location_active(
        warehouse_id=hall.id,
        location_id=bins_of(hall.id)["A-01-01-A"].id,
        active=False,
    )

    result = generate_layout(warehouse_id=hall.id, plan=TWO_AISLES)

    conflicts = {c.planned.code: c.differences for c in result.conflicts}
    assert conflicts == {"PACK-01": ("zone", "x", "y"), "A-01-01-A": ("active",)}
    assert bins_of(hall.id)["PACK-01"].x == 40
    assert not bins_of(hall.id)["A-01-01-A"].active
    assert result.new == []


def test_a_plan_the_router_would_misread_is_refused_and_writes_nothing(hall):
    before = row_counts()

    with pytest.raises(BadLayoutPlan) as refused:
        generate_layout(
            warehouse_id=hall.id,
            plan=RackPlan(blocks=2, bay_width=1.2, cross_aisle_width=1.5),
        )

    assert dict(refused.value.problems)["cross_aisle_width"].startswith(
        "must be at least 1.9 m"
    )
    assert row_counts() == before


def test_generating_records_one_event_for_the_warehouse(hall):
    generate_layout(warehouse_id=hall.id, plan=TWO_AISLES, actor_id=None)

    events = db.session.scalars(
        sa.select(Event).where(Event.action == "layout.generated")
    ).all()
    assert [(e.subject_id, e.data["created"]) for e in events] == [(hall.id, 28)]


# -- bins: edit, deactivate, kinds ---------------------------------------------------


def test_a_bin_holding_stock_is_neither_deactivated_nor_made_a_packing_area(
    warehouse, loc, make_product
):
    product = make_product()
    inventory.receive(
        product_id=product.id, location_id=loc("A-01-1-A"), qty=3, key="in-1"
    )
    before = row_counts()

    with pytest.raises(LocationInUse, match="A-01-1-A holds 3 units"):
        layout.set_location_active(
            warehouse_id=warehouse.id, location_id=loc("A-01-1-A"), active=False
        )
    with pytest.raises(LocationInUse, match="another kind"):
        layout.define_location(
            warehouse_id=warehouse.id, code="A-01-1-A", kind="packing", x=3, y=2
        )

    assert row_counts() == before
    # from pick face to reserve it stays where stock is kept: allowed
    moved = layout.define_location(
        warehouse_id=warehouse.id, code="A-01-1-A", kind="reserve", x=3.5, y=2
    )
    assert moved.kind.value == "reserve" and moved.active
    assert_ledger_balanced()


def test_an_empty_bin_goes_out_of_use_and_back_with_its_history(warehouse, loc):
    layout.set_location_active(
        warehouse_id=warehouse.id, location_id=loc("A-01-2-A"), active=False
    )
    layout.set_location_active(
        warehouse_id=warehouse.id, location_id=loc("A-01-2-A"), active=True
    )

    actions = db.session.scalars(
        sa.select(Event.action)
        .where(Event.subject_type == "locations", Event.subject_id == loc("A-01-2-A"))
        .order_by(Event.id)
    ).all()
    assert actions == ["location.deactivated", "location.reactivated"]


# -- the pages ------------------------------------------------------------------------


def test_the_generator_page_previews_creates_and_then_has_nothing_to_create(
    client, login, hall, post
):
    login("manager", warehouse_id=hall.id)
    query = "?blocks=1&aisles=2&bays_per_side=3&levels=2&pick_levels=1"

    page = client.get("/manage/layout/" + query)
    fragment = client.get(
        "/manage/layout/" + query, headers={"HX-Request": "true"}
    ).get_data(as_text=True)
    created = post("/manage/layout/", dict(TWO_AISLES.as_dict()))
    again = post(
        "/manage/layout/", TWO_AISLES.as_dict(), headers={"HX-Request": "true"}
    )

    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "HX-Request" in page.headers["Vary"]
    assert "Create 28 locations" in text and "<svg" in text and "A-02-06-B" in text
    assert "<html" not in fragment and 'id="layout-preview"' in fragment
    assert created.status_code == 200
    assert "28 locations created." in created.get_data(as_text=True)
    assert len(bins_of(hall.id)) == 28
    said = again.get_data(as_text=True)
    assert "Nothing new to create" in said and "<html" not in said
    assert "Print the labels (PDF)" in said


def test_the_generator_page_names_what_to_change_in_a_plan(client, login, hall):
    login("manager", warehouse_id=hall.id)

    response = client.get(
        "/manage/layout/?blocks=2&bays_per_side=2&bay_width=1,2&aisles=2.5"
    )

    text = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Aisles per block</strong>: must be a whole number" in text


def test_the_plan_labels_print_the_plans_bins(client, login, hall):
    login("manager", warehouse_id=hall.id)
    generate_layout(warehouse_id=hall.id, plan=TWO_AISLES)

    response = client.get(
        "/manage/layout/labels.pdf?aisles=2&bays_per_side=3&levels=2&pick_levels=1"
    )

    assert response.mimetype == "application/pdf"
    assert pages_of(response.data) == 2  # 28 labels, 24 to a sheet


def test_a_manager_finds_a_bin_and_moves_it(client, login, warehouse, loc, post):
    login("manager")

    found = client.get("/manage/layout/bins?q=a-01&kind=pick_face").get_data(
        as_text=True
    )
    saved = post(
        f"/manage/layout/bins/{loc('A-01-2-A')}",
        {
            "kind": "reserve",
            "zone": "A",
            "aisle": "A-01",
            "bay": "2",
            "level": "A",
            "x": "3,5",
            "y": "6",
        },
    )

    assert re.findall(r"A-01-\d-[AC]", found) == ["A-01-1-A", "A-01-2-A"]
    assert saved.status_code == 303
    moved = db.session.get(Location, loc("A-01-2-A"))
    db.session.refresh(moved)
    assert (moved.kind.value, moved.aisle, moved.x, moved.y) == (
        "reserve",
        "A-01",
        3.5,
        6.0,
    )
    page = client.get(saved.headers["Location"]).get_data(as_text=True)
    assert "A-01-2-A saved." in page


def test_taking_a_stocked_bin_out_of_use_is_refused_with_the_reason(
    client, login, warehouse, loc, make_product, post
):
    login("manager")
    product = make_product()
    inventory.receive(
        product_id=product.id, location_id=loc("A-01-1-A"), qty=2, key="in-2"
    )

    page = client.get(f"/manage/layout/bins/{loc('A-01-1-A')}").get_data(as_text=True)
    refused = post(f"/manage/layout/bins/{loc('A-01-1-A')}/active", {"active": "no"})
    emptied = post(f"/manage/layout/bins/{loc('A-01-2-A')}/active", {"active": "no"})

    assert "holds 2 units" in page and "disabled" in page
    assert refused.status_code == 409
    assert "A-01-1-A holds 2 units" in refused.get_data(as_text=True)
    assert db.session.get(Location, loc("A-01-1-A")).active
    assert emptied.status_code == 303
    hx = {"HX-Request": "true"}
    hidden = client.get("/manage/layout/bins?q=A-01-2", headers=hx)
    shown = client.get("/manage/layout/bins?q=A-01-2&inactive=yes", headers=hx)
    assert "A-01-2-A" not in hidden.get_data(as_text=True)
    assert "A-01-2-A" in shown.get_data(as_text=True)


def test_a_bin_of_another_warehouse_is_not_found(client, login, hall, loc, post):
    login("manager", warehouse_id=hall.id)

    assert client.get(f"/manage/layout/bins/{loc('A-01-1-A')}").status_code == 404
    refused = post(f"/manage/layout/bins/{loc('A-01-1-A')}/active", {"active": "no"})
    assert refused.status_code == 404


# -- the locations CSV ----------------------------------------------------------------


def test_exported_locations_import_back_unchanged_and_an_edit_updates_one(hall):
    generate_layout(warehouse_id=hall.id, plan=TWO_AISLES)
    exported = locations_csv(hall.id)

    same = import_locations(exported.encode())
    edited = exported.replace(
        "A-01-01-A,pick_face,A,01,01,A,1.5,", "A-01-01-A,pick_face,A,01,01,A,2,"
    )
    changed = import_locations(edited.encode())

    assert (
        exported.splitlines()[0]
        == "code,kind,zone,aisle,bay,level,x,y,active,warehouse"
    )
    assert (same.rows, same.unchanged, same.rejected) == (28, 28, 0)
    assert (changed.updated, changed.unchanged) == (1, 27)
    assert bins_of(hall.id)["A-01-01-A"].x == 2.0


def test_each_bad_location_row_is_reported_with_its_line_and_reason(hall):
    data = (
        b"code;kind;x;y;active\n"
        b"R-1;reserve;1,5;2;ja\n"
        b"R-2;cellar;1;2;\n"
        b"R-1;reserve;1;2;\n"
        b"@SCRAP;reserve;0;0;\n"
        b"R-3;pick_face;1;2;maybe\n"
    )

    report = import_locations(data, warehouse_id=hall.id)

    assert (report.created, report.rejected) == (1, 4)
    problems = {
        r.lines_label: (r.problems[0].field, r.problems[0].message)
        for r in report.rejections
    }
    assert problems["3"][0] == "kind"
    assert problems["4"] == ("code", "already on line 2 of this file")
    assert problems["5"][0] == "code"
    assert problems["6"] == ("active", "must be yes or no")
    assert bins_of(hall.id)["R-1"].x == 1.5


def test_the_cli_generates_once_prints_the_table_and_exports(runner, hall, tmp_path):
    args = ["layout", "generate", "--warehouse", "HALL", "--aisles", "2"]
    args += ["--bays-per-side", "3", "--levels", "2", "--pick-levels", "1"]

    dry = runner.invoke(args=[*args, "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "Would create 28 locations" in dry.output and bins_of(hall.id) == {}
    first = runner.invoke(args=[*args, "--labels", str(tmp_path / "l.pdf")])
    second = runner.invoke(args=args)
    exported = runner.invoke(args=["layout", "export", "--warehouse", "HALL"])

    assert first.exit_code == 0, first.output
    assert re.search(
        r"A\s+02\s+4.5\s+7.6-10\s+12\s+A-02-01-A \.\.\. A-02-06-B", first.output
    )
    assert "Created 28 locations" in first.output
    assert pages_of((tmp_path / "l.pdf").read_bytes()) == 2
    assert (
        second.exit_code == 0
        and "Created 0 locations; 28 already there" in second.output
    )
    assert exported.output.count("\n") == 29


def test_the_cli_names_the_option_to_change(runner, hall):
    result = runner.invoke(
        args=["layout", "generate", "--blocks", "2", "--cross-aisle-width", "1"]
    )

    assert result.exit_code == 1
    assert "--cross-aisle-width must be at least 1.9 m" in result.output
    assert bins_of(hall.id) == {}


def test_the_cli_imports_a_locations_file(runner, hall, tmp_path):
    path = tmp_path / "bins.csv"
    path.write_text("code,kind,x,y\nR-1,reserve,1,2\nR-2,nope,1,2\n")

    result = runner.invoke(args=["layout", "import", str(path), "--warehouse", "HALL"])

    assert result.exit_code == 1
    assert "1 new, 0 updated, 0 unchanged, 1 rejected" in result.output
    assert "line 3 R-2: rejected: kind" in result.output


def test_more_labels_than_one_print_takes_are_refused_saying_how(
    client, login, hall, monkeypatch
):
    from fulfil.web import layout as pages

    login("manager", warehouse_id=hall.id)
    generate_layout(warehouse_id=hall.id, plan=TWO_AISLES)
    monkeypatch.setattr(pages, "LABELS_AT_ONCE", 10)

    everything = client.get("/manage/layout/bins/labels.pdf")
    one_bay = client.get("/manage/layout/bins/labels.pdf?q=A-01-01")

    assert everything.status_code == 422
    assert "28 labels are more than 10 at once" in everything.get_data(as_text=True)
    assert one_bay.status_code == 200 and pages_of(one_bay.data) == 1
