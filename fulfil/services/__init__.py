"""The service layer: the only code that writes. One call is one transaction."""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from typing import ParamSpec, TypeVar

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from fulfil.extensions import db

P = ParamSpec("P")
R = TypeVar("R")


@contextmanager
def unit_of_work() -> Iterator[Session]:
    """Commit on success, roll back on any error: a refused call leaves no trace."""
    try:
        yield db.session
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise


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
