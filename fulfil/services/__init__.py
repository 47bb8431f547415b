"""The service layer: the only code that writes. One call is one transaction."""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from typing import ParamSpec, TypeVar

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from fulfil.extensions import db
from fulfil.sqlite import IMMEDIATE, write_turn

_DEPTH = "fulfil_unit_of_work_depth"

P = ParamSpec("P")
R = TypeVar("R")


@contextmanager
def unit_of_work() -> Iterator[Session]:
    """Commit on success, roll back on any error: a refused call leaves no trace.

    A unit of work inside another joins it: the outer one commits or rolls back.
    """
    session = db.session()  # the request's Session behind the scoped proxy
    if session.info.get(_DEPTH):
        session.info[_DEPTH] += 1
        try:
            yield session
        finally:
            session.info[_DEPTH] -= 1
        return
    with _writing(session):
        session.info[_DEPTH] = 1
        try:
            yield session
            session.commit()
        except Exception:
            session.rollback()
            raise
        finally:
            session.info[_DEPTH] = 0


@contextmanager
def _writing(session: Session) -> Iterator[None]:
    """On SQLite, queue for the write lock and take it before the first read."""
    engine = session.get_bind()
    if engine.dialect.name != "sqlite":
        yield
        return
    if session.in_transaction():
        session.commit()  # ends the request's read transaction; nothing is pending
    with write_turn(engine):
        session.connection(execution_options={IMMEDIATE: True})
        yield


def replay_safe(service: Callable[P, R]) -> Callable[P, R]:
    """Run an idempotent service once more if a concurrent twin won the key's race.

    Two requests with the same idempotency key can both pass the "seen it?" check; the
    unique key lets only one commit. The loser retries, finds the winner's row and
    returns it as a replay.
    """

    @wraps(service)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return service(*args, **kwargs)
        except IntegrityError:
            return service(*args, **kwargs)

    return wrapper
