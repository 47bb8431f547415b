"""SQLite writers queue on a lock file: the next one starts as the previous one ends."""

import threading
import time

import sqlalchemy as sa

from fulfil.sqlite import write_turn


def test_a_second_writer_waits_until_the_first_has_finished(tmp_path):
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'queue.sqlite'}")
    order: list[str] = []
    first_inside = threading.Event()
    released_at: list[float] = []
    entered_at: list[float] = []

    def first() -> None:
        with write_turn(engine):
            order.append("first in")
            first_inside.set()
            time.sleep(0.3)
            order.append("first out")
            released_at.append(time.monotonic())

    def second() -> None:
        first_inside.wait()
        with write_turn(engine):
            entered_at.append(time.monotonic())
            order.append("second in")

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)

    assert order == ["first in", "first out", "second in"]
    assert entered_at[0] >= released_at[0]


def test_in_memory_databases_need_no_queue():
    engine = sa.create_engine("sqlite://")
    with write_turn(engine), write_turn(engine):  # would deadlock if it locked
        pass
