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
        # plural entries are tuples: (singular, plural) in, one form per number out
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = (
            message.string if isinstance(message.string, tuple) else (message.string,)
        )
        assert all(strings), f"untranslated: {message.id!r}"
        assert "fuzzy" not in message.flags, message.id
        wanted = set(PLACEHOLDER.findall(ids[-1]))
        for string in strings:
            assert set(PLACEHOLDER.findall(string)) == wanted, message.id


def test_every_text_marked_in_the_code_is_in_the_german_catalogue():
    """What `pybabel extract` finds (babel.cfg) must be translated: a new text left
    out of the catalogue would show in English on a German screen."""
    from babel.messages.extract import extract_from_dir

    root = CATALOG.parents[4]
    method_map = [("fulfil/**.py", "python"), ("templates/**.html", "jinja2")]
    keywords = {"_": None, "_l": None, "N_": None, "gettext": None, "ngettext": (1, 2)}
    with CATALOG.open("rb") as file:
        catalog = read_po(file)
    found = {
        message if isinstance(message, str) else message[0]
        for _, _, message, _, _ in extract_from_dir(root, method_map, keywords=keywords)
    }

    missing = sorted(
        m for m in found if m and not (catalog.get(m) and catalog[m].string)
    )
    assert not missing, missing
