"""The service layer: the only code that writes. One call is one transaction."""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from typing import ParamSpec, TypeVar

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from fulfil.errors import InvalidInput
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


# -- text that fits its column ---------------------------------------------------------

# What a refusal calls a column a person types into (others go by their own name).
TEXT_FIELDS = {
    "reference": _l("Reference"),
    "lot": _l("Lot"),
    "code": _l("Code"),
    "name": _l("Name"),
    "username": _l("Username"),
    "description": _l("Description"),
    "services": _l("Services"),
    "service": _l("Service"),
    "carrier": _l("Carrier"),
    "tracking_number": _l("Tracking number"),
    "tracking_url": _l("Tracking link"),
    "note": _l("Note"),
}


@sa.event.listens_for(Session, "before_flush")
def _text_fits(session: Session, flush_context, instances) -> None:
    """Every write, whichever door it came through: text longer than its column or
    holding NUL is refused (400, naming the field) on SQLite as on PostgreSQL, where
    either would otherwise fail the statement."""
    for obj in (*session.new, *session.dirty):
        state = sa.inspect(obj)
        for attr in state.mapper.column_attrs:
            value = state.dict.get(attr.key)
            kind = attr.columns[0].type
            if not isinstance(value, str) or not isinstance(kind, sa.String):
                continue
            field = TEXT_FIELDS.get(attr.key, attr.key)
            if kind.length and len(value) > kind.length:
                raise InvalidInput(
                    field=field,
                    problem=_l("must be at most %(most)s characters")
                    % {"most": kind.length},
                )
            if "\x00" in value:
                raise InvalidInput(
                    field=field, problem=_l("must not contain NUL characters")
                )
