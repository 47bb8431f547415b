"""Every string the UI shows has a German translation, with the same placeholders."""

import re
from pathlib import Path

from babel.messages.pofile import read_po

CATALOG = Path(__file__).parents[2] / "fulfil/translations/de/LC_MESSAGES/messages.po"
PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def test_the_german_catalogue_is_complete_and_keeps_placeholders():
    with CATALOG.open("rb") as file:
        catalog = read_po(file)
    messages = [m for m in catalog if m.id]

    assert not catalog.fuzzy, "a fuzzy header makes pybabel compile skip the catalogue"
    assert str(catalog.locale) == "de"

    assert len(messages) > 100
    for message in messages:
        assert message.string, f"untranslated: {message.id!r}"
        assert "fuzzy" not in message.flags, message.id
        assert set(PLACEHOLDER.findall(message.id)) == set(
            PLACEHOLDER.findall(message.string)
        )
