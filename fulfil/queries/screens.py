"""What the picker's screen shows, as plain values: made by the queries for a page and
by the scan service for its answer, drawn by templates/picking/_task.html."""

from dataclasses import dataclass


@dataclass(frozen=True)
class TaskLine:
    """One task as the picker's screen shows it."""

    id: int
    location: str
    product_name: str
    sku: str
    lot: str
    picked: int
    remaining: int
    at_location: bool
    skipped: bool
    slot: int
    tote: str


@dataclass(frozen=True)
class PickScreen:
    """The picker's screen: the task at hand and how far the list is, or (done) the
    totes to bring to packing with their orders."""

    list_id: int
    picker_id: int | None
    finished: bool
    done: int
    total: int
    task: TaskLine | None
    totes: list[tuple[str, str]]
