"""What a German reader must never be shown: an English text the German catalogue
translates, or a raw event code. Shared by the document and the page tests."""

import re
from functools import cache
from html.parser import HTMLParser
from pathlib import Path

from babel.messages.pofile import read_po

CATALOG = Path(__file__).parents[1] / "fulfil/translations/de/LC_MESSAGES/messages.po"
PLACEHOLDER = re.compile(r"%\(\w+\)s")
# What an event code looks like: the subjects the code base records events about.
EVENT_CODE = re.compile(
    r"(?<![\w./@-])(order|shipment|pick|pack|parcel|picklist|manifest|slotting|stock"
    r"|user|token|webhook|warehouse|supplier|licence_keys)\.[a-z_]+(?![\w.-])"
)


@cache
def english_patterns() -> list[tuple[str, re.Pattern]]:
    """(English text, how to find it) for every text whose German differs. Texts
    German uses too (a msgid found inside some German translation, like "Code") are
    left out: seeing them proves nothing."""
    with CATALOG.open("rb") as file:
        catalog = read_po(file)
    german = PLACEHOLDER.sub(
        " ",
        " ".join(
            " ".join(m.string) if isinstance(m.string, tuple) else m.string
            for m in catalog
            if m.id
        ),
    )
    patterns = []
    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = (
            message.string if isinstance(message.string, tuple) else (message.string,)
        )
        for english in ids:
            if english in strings or not _has_words(english):
                continue
            literal = PLACEHOLDER.sub("", english).strip(" .,:;!?·()")
            if re.search(rf"(?<!\w){re.escape(literal)}(?!\w)", german):
                continue
            chunks = [re.escape(chunk) for chunk in PLACEHOLDER.split(english)]
            body = r"\S+".join(chunks).strip()
            # not inside an address, an e-mail or a code: /parcel/, orders@, a.b
            alone = rf"(?<![\w@./:-]){body}(?![\w@]|[./:-]\w)"
            patterns.append((english, re.compile(alone)))
    return patterns


def _has_words(text: str) -> bool:
    """At least one word of three letters: "No." or "%(n)s g" say nothing."""
    return bool(re.search(r"[A-Za-z]{3,}", PLACEHOLDER.sub("", text)))


def untranslated(text: str) -> list[str]:
    """The English texts and the event codes in `text` (one line per finding)."""
    text = " ".join(text.split())
    found = [english for english, pattern in english_patterns() if pattern.search(text)]
    return found + [f"event code {m.group(0)}" for m in EVENT_CODE.finditer(text)]


class _Visible(HTMLParser):
    """The text a person sees or hears on a page: text nodes outside script and
    style, and the attributes read out or shown (labels, placeholders, titles,
    button values, and sentences kept for scripts in data-* attributes). What a
    page marks as <code> (webhook event names, API scopes) is a machine's word."""

    SHOWN = {"placeholder", "aria-label", "title", "alt"}

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "code"):
            self.hidden += 1
        for name, value in attrs:
            if not value:
                continue
            # an <input type="submit"> shows its value; a <button> its content
            shown = name in self.SHOWN or (
                tag == "input" and name == "value" and ("type", "submit") in attrs
            )
            if shown or (name.startswith("data-") and " " in value.strip()):
                self.parts.append(value)

    def handle_endtag(self, tag):
        if tag in ("script", "style", "code") and self.hidden:
            self.hidden -= 1

    def handle_data(self, data):
        if not self.hidden:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _Visible()
    parser.feed(html)
    return "\n".join(parser.parts)
