"""URL converters for what routes name: database ids and shops' own text.

Registered once in create_app; every route uses them (`<id:parcel_id>`,
`<text:external_id>`), so a bound is never repeated per route.
"""

from urllib.parse import quote

from werkzeug.routing import IntegerConverter, PathConverter

from fulfil.limits import MAX_ID


class IdConverter(IntegerConverter):
    """A database id: ASCII digits from 1 to MAX_ID. Anything else (0, ١٢, 2^31)
    matches no route, so it is a 404 before any query runs."""

    regex = r"[0-9]+"

    def __init__(self, map) -> None:
        super().__init__(map, min=1, max=MAX_ID)


class TextConverter(PathConverter):
    """Any text a shop writes, slashes included (`SO/2026/0001`, `/A`). Built URLs
    percent-encode everything but letters and digits, so `/`, `#`, `?`, `%` and
    spaces survive proxies and clients and come back as they were."""

    regex = ".+?"
    part_isolating = False  # said outright: werkzeug guesses from a "/" in regex

    def to_url(self, value) -> str:
        return quote(str(value), safe="")


CONVERTERS = {"id": IdConverter, "text": TextConverter}
