"""A spreadsheet file as rows of text: CSV or an Excel workbook, as shops save them.

CSV: UTF-8 (with or without BOM) is tried first and strictly; a file that is not
UTF-8 is read as Windows-1252, what German Excel saves as "CSV (Trennzeichen-getrennt)"
(ä ö ü ß € as single bytes). UTF-16 with a BOM is Excel's "Unicode text". Cells are
separated by commas, semicolons or tabs, whichever the header uses.

.xlsx (Excel 2007 and later, read with openpyxl): the first sheet; the first row that
is not blank is the header. Cells are read as Excel stores them, not as it shows them:
a barcode in a number-formatted column is 4006381333931, not "4.00638E+12"; a date is
ISO 8601.
"""

import codecs
import csv
import io
import re
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal

from flask import current_app
from flask_babel import lazy_gettext as _l

from fulfil.errors import FulfilError

MAX_ROWS = 20_000  # IMPORT_MAX_ROWS in the config overrides it

XLSX_MAGIC = b"PK\x03\x04"  # a zip archive, as .xlsx (and .ods, .docx …) are
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls (Excel 97–2003), .doc
# A character of more than one byte as UTF-8 writes it
UTF8_SEQUENCE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)
ASCII = bytes(range(0x80))
# Control characters no spreadsheet text holds (tab, line feed and return it does)
CONTROL = re.compile(r"[\x01-\x08\x0b\x0c\x0e-\x1f\x7f]")

UTF8, UTF16, CP1252, XLSX = "UTF-8", "UTF-16", "Windows-1252", "xlsx"


class CsvFileError(FulfilError):
    """The file as a whole cannot be imported: nothing of it was stored."""

    status = 422
    message = _l("The file cannot be imported.")


@dataclass
class Table:
    header: list[str]  # the first row that is not blank, each name stripped
    rows: list[tuple[int, list[str]]]  # (line in the file, stripped cells), not blank
    encoding: str  # UTF8, UTF16, CP1252 or XLSX


def read_table(data: bytes) -> Table:
    """The file's header and rows; CsvFileError when it cannot be read at all."""
    limit = current_app.config.get("MAX_CONTENT_LENGTH")
    if limit and len(data) > limit:
        raise CsvFileError(
            _l("The file is larger than %(size)s MB.")
            % {"size": f"{limit / 1024 / 1024:g}"}
        )
    if data.startswith(XLSX_MAGIC):
        return _workbook(data)
    if data.startswith(OLE_MAGIC):
        raise CsvFileError(
            _l(
                "This is an old Excel workbook (.xls). Save it as "
                "“Excel workbook (.xlsx)” or as “CSV UTF-8” and try again."
            )
        )
    text, encoding = decode(data)
    return _csv(text, encoding)


def decode(data: bytes) -> tuple[str, str]:
    """The file's text and the encoding it was found in."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return _text(data.decode("utf-16")), UTF16
        except UnicodeDecodeError as error:
            raise CsvFileError(_not_text() % {"line": _line(data, error)}) from None
    try:
        return _text(data.decode("utf-8-sig")), UTF8
    except UnicodeDecodeError as error:
        line = _line(data, error)
    if _mostly_utf8(data):
        # Windows-1252 would read each of its other characters as two ("Ã¤")
        raise CsvFileError(
            _l(
                "Line %(line)s is not UTF-8 text, although the rest of the file is. "
                "Save the file as “CSV UTF-8” and try again."
            )
            % {"line": line}
        )
    try:
        return _text(data.decode("cp1252")), CP1252
    except UnicodeDecodeError as error:  # a byte Windows-1252 leaves unused
        raise CsvFileError(_not_text() % {"line": _line(data, error)}) from None


def _line(data: bytes, error: UnicodeDecodeError) -> int:
    return data[: error.start].count(b"\n") + 1


def _mostly_utf8(data: bytes) -> bool:
    """More bytes above ASCII form UTF-8 characters than stand alone.

    German Windows-1252 text has ä ö ü ß as single bytes; now and then two of them
    happen to look like UTF-8 ("ß“"), but never most of them.
    """
    high = len(data.translate(None, ASCII))
    paired = sum(len(m.group()) for m in UTF8_SEQUENCE.finditer(data))
    return paired > high - paired


def _text(text: str) -> str:
    """The text, unless it holds what no text file does."""
    if (found := text.find("\x00")) >= 0:
        raise CsvFileError(
            _l(
                "Line %(line)s holds a NUL character, which no text may hold. "
                "Save the file as “CSV UTF-8” and try again."
            )
            % {"line": text[:found].count("\n") + 1}
        )
    if control := CONTROL.search(text):
        raise CsvFileError(
            _not_text() % {"line": text[: control.start()].count("\n") + 1}
        )
    return text


def _not_text():
    return _l(
        "Line %(line)s is not text: this is not a CSV file or an Excel workbook "
        "(.xlsx). Save it as “CSV UTF-8” and try again."
    )


def _max_rows() -> int:
    return current_app.config.get("IMPORT_MAX_ROWS", MAX_ROWS)


def _too_many(max_rows: int) -> CsvFileError:
    return CsvFileError(
        _l("The file has more than %(limit)s rows. Split it into smaller files.")
        % {"limit": max_rows}
    )


def _csv(text: str, encoding: str) -> Table:
    first_line = text.lstrip("\r\n").split("\n", 1)[0]
    if not first_line.strip():
        raise CsvFileError(_l("The file is empty."))
    delimiter = max(";,\t", key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    max_rows = _max_rows()
    try:
        header = [
            name.strip()
            for name in next(names for names in reader if any(n.strip() for n in names))
        ]
        rows: list[tuple[int, list[str]]] = []
        ended = reader.line_num
        for record in reader:
            line, ended = ended + 1, reader.line_num
            cells = [cell.strip() for cell in record]
            if not any(cells):
                continue
            if len(rows) == max_rows:
                raise _too_many(max_rows)
            rows.append((line, cells))
    except csv.Error as error:
        raise CsvFileError(
            _l("Line %(line)s cannot be read: %(error)s")
            % {"line": reader.line_num, "error": error}
        ) from None
    return Table(header, rows, encoding)


def _workbook(data: bytes) -> Table:
    import openpyxl  # only for workbooks: it takes a while to import

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # a zip that is no workbook fails in many ways inside openpyxl
        raise CsvFileError(_not_a_workbook()) from None
    max_rows = _max_rows()
    header: list[str] | None = None
    rows: list[tuple[int, list[str]]] = []
    try:
        if not book.worksheets:
            raise CsvFileError(_l("The file is empty."))
        sheet = book.worksheets[0]
        for line, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            cells = [cell_text(value) for value in values]
            if not any(cells):
                continue
            if header is None:
                header = cells
                continue
            if len(rows) == max_rows:
                raise _too_many(max_rows)
            rows.append((line, cells))
    except CsvFileError:
        raise
    except Exception:  # broken XML inside the archive
        raise CsvFileError(_not_a_workbook()) from None
    finally:
        book.close()
    if header is None:
        raise CsvFileError(_l("The file is empty."))
    while header and not header[-1]:  # columns Excel counts but nobody named
        header.pop()
    return Table(header, rows, XLSX)


def _not_a_workbook():
    return _l(
        "The file cannot be read as an Excel workbook (.xlsx). Save it as "
        "“Excel workbook (.xlsx)” or as “CSV UTF-8” and try again."
    )


def cell_text(value) -> str:
    """A workbook cell as text, the way a CSV file would hold it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))  # 4006381333931.0 is the barcode 4006381333931
        return format(Decimal(repr(value)), "f")  # 1e-05 → 0.00001, no exponent
    if isinstance(value, datetime):
        if value.time() == time(0):
            return value.date().isoformat()
        return value.isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    return str(value).strip()
