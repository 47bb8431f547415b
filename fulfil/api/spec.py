"""One decorator per API operation: the route, its scope check, and its OpenAPI entry.

Because the description is built from the same declarations (and the same pydantic
models) that run the requests, /api/v1/openapi.json cannot drift from the API.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import wraps

from flask import Blueprint, g
from pydantic import BaseModel

from fulfil.api.auth import authenticate
from fulfil.api.requests import refuse_nul


@dataclass
class Operation:
    method: str
    path: str
    summary: str
    scope: str | None
    request: type[BaseModel] | None
    response: type[BaseModel] | None
    status: int
    many: bool
    query: list[dict] = field(default_factory=list)
    headers: list[dict] = field(default_factory=list)
    errors: tuple[int, ...] = ()
    also: tuple[int, ...] = ()  # further success statuses (e.g. 200 for a replay)
    path_schemas: dict[str, dict] = field(default_factory=dict)  # by parameter name


OPERATIONS: list[Operation] = []


def operation(
    bp: Blueprint,
    method: str,
    rule: str,
    *,
    summary: str,
    scope: str | None = None,
    request: type[BaseModel] | None = None,
    response: type[BaseModel] | None = None,
    status: int = 200,
    many: bool = False,
    query: list[dict] = (),
    headers: list[dict] = (),
    errors: tuple[int, ...] = (),
    also: tuple[int, ...] = (),
    path: dict[str, dict] | None = None,
) -> Callable:
    """Register `view` at `rule`, require a token (with `scope`), and describe it.

    `path` gives the JSON Schema of path parameters the view accepts, by name.
    """

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def guarded(*args, **kwargs):
            g.api_token = authenticate(scope)
            refuse_nul(kwargs)
            return view(*args, **kwargs)

        # `//` in a path is part of an id (`<text:...>`), not a typo to redirect from
        bp.add_url_rule(rule, view_func=guarded, methods=[method], merge_slashes=False)
        OPERATIONS.append(
            Operation(
                method=method.lower(),
                path=bp.url_prefix + re.sub(r"<(?:[^:<>]+:)?(\w+)>", r"{\1}", rule),
                summary=summary,
                scope=scope,
                request=request,
                response=response,
                status=status,
                many=many,
                query=list(query),
                headers=list(headers),
                errors=errors,
                also=also,
                path_schemas=dict(path or {}),
            )
        )
        return guarded

    return decorate
