"""Shops' own product exports, recognised by their header, as rows of Fulfil's columns.

Every sellable variant becomes one product with its own SKU; the rest of a row
(prices, descriptions, images, stock levels, SEO) is not Fulfil's business and is
ignored. A row that describes no product of its own is skipped with the reason, and
a row Fulfil cannot take (a variant without an SKU, a weight that is no number)
carries its problem, named by the file's own column, to the report.

Where the columns are documented (read to write this module and its test files):

- Shopify: help.shopify.com, "Using CSV files to import and export products"
  (manual/products/import-export/using-csv). One row per variant; the product's
  columns (Title, options' names) are filled on its first row only, later rows of
  the same Handle leave them empty; rows that hold only a further image have neither
  SKU nor option values. "Variant Grams" is the weight in grams whatever unit the
  shop shows ("Variant Weight Unit" is that display unit only). Exports since 2024
  name the same columns "URL handle", "SKU", "Barcode", "Weight value (grams)",
  "Option1 value", "Requires shipping".
- WooCommerce: woocommerce.com, "Product CSV Importer and Exporter", and its
  exporter (WC_Product_CSV_Exporter). One row per product and per variation; Type is
  simple, variable, variation, grouped or external, plus ", virtual" and
  ", downloadable"; a variation names its variable product in Parent (that one's SKU,
  or id:ID) and leaves weight and dimensions empty when it has the parent's.
  "Weight (kg)" and "Length (cm)" name the shop's units (kg, g, lbs, oz; m, cm, mm,
  in, yd). The barcode is "GTIN, UPC, EAN, or ISBN" (WooCommerce 9.2 and later), or a
  "Meta: …" column of a GTIN plugin (_ts_gtin, _alg_ean, _wpm_gtin_code …).
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l

from fulfil.domain import units
from fulfil.imports.tables import CsvFileError, Table

SHOPIFY, WOOCOMMERCE = "shopify", "woocommerce"
DIMENSIONS = ("length_mm", "width_mm", "height_mm")
NOTHING_ENTERED = 0  # what both shops write for a weight or size nobody entered

NO_SKU = _l(
    "is empty: Fulfil needs an SKU for each variant to pick it; "
    "give it one in the shop and export again"
)
# The reasons a row is skipped; shown in the report next to the lines.
IMAGE_ROW = _l("a further image of the product above, no variant")
VARIABLE = _l("a variable product: its variations are imported, each with its SKU")
GROUPED = _l("a grouped product: a set of other products")
EXTERNAL = _l("an external product, sold by another shop")


@dataclass
class ShopRow:
    line: int
    cells: dict[str, str]  # by Fulfil's product column
    problems: list[tuple[str, str]] = field(default_factory=list)  # Fulfil column


@dataclass
class ShopFile:
    format: str  # SHOPIFY or WOOCOMMERCE
    rows: list[ShopRow]
    given: set[str]  # Fulfil's columns the file's header feeds
    sources: dict[str, str]  # Fulfil's column -> the file's, for the report
    skipped: list[tuple[int, str]]  # (line, reason)


def product_rows(table: Table) -> ShopFile | None:
    """The file's products if it is a shop's product export; None if it is not."""
    keys = [_key(name) for name in table.header]
    for recognises, read in ((_is_shopify, _shopify), (_is_woocommerce, _woocommerce)):
        if recognises(keys):
            return read(table, keys)
    return None


def _key(name: str) -> str:
    return " ".join(name.split()).lower()


class _Columns:
    """The file's cells by the names the shop's documentation gives its columns."""

    def __init__(self, table: Table, keys: list[str]):
        self.header = table.header
        self.index: dict[str, int] = {}
        for position, key in enumerate(keys):
            self.index.setdefault(key, position)

    def find(self, *names: str) -> int | None:
        return next((self.index[n] for n in names if n in self.index), None)

    def name(self, position: int | None) -> str:
        return self.header[position] if position is not None else ""

    @staticmethod
    def cell(cells: list[str], position: int | None) -> str:
        if position is None or position >= len(cells):
            return ""
        return cells[position]


def _product_row(line: int, sku: str) -> ShopRow:
    row = ShopRow(line, {"sku": sku})
    if not sku:
        row.problems.append(("sku", str(NO_SKU)))
    return row


def _number_problem() -> str:
    return str(_l("is not a number"))


def _measure(text: str, unit: str, convert: Callable, column: str, row: ShopRow) -> str:
    """A weight or length in Fulfil's unit as text, "" for none; a problem if bad."""
    if not text:
        return ""
    value = units.parse_number(text)
    if value is None:
        row.problems.append((column, _number_problem()))
        return ""
    if value == NOTHING_ENTERED:
        return ""
    return str(convert(value, unit))


# -- Shopify --------------------------------------------------------------------------


def _is_shopify(keys: list[str]) -> bool:
    return "title" in keys and ("handle" in keys or "url handle" in keys)


def _shopify(table: Table, keys: list[str]) -> ShopFile:
    columns = _Columns(table, keys)
    handle = columns.find("handle", "url handle")
    title = columns.find("title")
    sku = columns.find("variant sku", "sku")
    grams = columns.find("variant grams", "weight value (grams)")
    barcode = columns.find("variant barcode", "barcode")
    shipping = columns.find("variant requires shipping", "requires shipping")
    options = [columns.find(f"option{n} value") for n in (1, 2, 3)]
    if sku is None:
        raise CsvFileError(
            _l(
                "This Shopify export has no SKU column (“Variant SKU”). Export the "
                "products again with all columns."
            )
        )
    sources = {"sku": columns.name(sku), "name": columns.name(title)}
    given = {"name"}
    if grams is not None:
        sources["weight_g"], given = columns.name(grams), given | {"weight_g"}
    if barcode is not None:
        sources["barcode"], given = columns.name(barcode), given | {"barcode"}
    cell = columns.cell
    rows: list[ShopRow] = []
    skipped: list[tuple[int, str]] = []
    titles: dict[str, str] = {}  # the product's title, from its handle's first row
    for line, cells in table.rows:
        key = cell(cells, handle)
        values = [cell(cells, o) for o in options]
        variant = [cell(cells, sku), cell(cells, grams), cell(cells, barcode), *values]
        if key in titles and not any(variant):
            skipped.append((line, str(IMAGE_ROW)))
            continue
        titles.setdefault(key, cell(cells, title))
        row = _product_row(line, cell(cells, sku))
        named = [v for v in values if v and v != "Default Title"]
        product = cell(cells, title) or titles[key]
        row.cells["name"] = f"{product} – {' / '.join(named)}" if named else product
        if grams is not None:
            row.cells["weight_g"] = _measure(
                cell(cells, grams), "g", units.to_grams, "weight_g", row
            )
        if barcode is not None:
            row.cells["barcode"] = cell(cells, barcode).lstrip("'")
        if cell(cells, shipping).lower() in ("false", "no", "0"):
            row.cells["fulfilment"] = "digital"  # a gift card or a service
        rows.append(row)
    return ShopFile(SHOPIFY, rows, given, sources, skipped)


# -- WooCommerce ----------------------------------------------------------------------

WEIGHT = re.compile(r"^weight \((\w+)\)$")
DIMENSION = re.compile(r"^(length|width|height) \((\w+)\)$")
GTIN_META = re.compile(r"^meta: .*[_\W](gtin\d*|ean\d*|upc|isbn|barcode)([_\W]|$)")


def _is_woocommerce(keys: list[str]) -> bool:
    return {"type", "sku", "name"} <= set(keys)


def _woocommerce(table: Table, keys: list[str]) -> ShopFile:
    columns = _Columns(table, keys)
    kind, sku, name = columns.find("type"), columns.find("sku"), columns.find("name")
    parent_ref, product_id = columns.find("parent"), columns.find("id")
    gtins = [
        columns.find(k)
        for k in keys
        if k in ("gtin, upc, ean, or isbn", "gtin, upc, ean or isbn")
        or GTIN_META.match(k)
    ]
    measures: dict[str, tuple[int, str, Callable]] = {}  # Fulfil column -> where, unit
    for position, key in enumerate(keys):
        if match := WEIGHT.match(key):
            measures["weight_g"] = (position, match[1], units.to_grams)
        elif match := DIMENSION.match(key):
            measures[f"{match[1]}_mm"] = (position, match[2], units.to_millimetres)
    for column, (position, unit, _) in measures.items():
        known = units.GRAMS_PER_UNIT if column == "weight_g" else units.MM_PER_UNIT
        if unit not in known:
            raise CsvFileError(
                _l("The column %(column)s has a unit Fulfil does not know: %(unit)s.")
                % {"column": table.header[position], "unit": unit}
            )
    sources = {"sku": columns.name(sku), "name": columns.name(name)}
    sources |= {c: table.header[p] for c, (p, _, _) in measures.items()}
    given = {"name", *measures}
    if gtins:
        sources["barcode"], given = columns.name(gtins[0]), given | {"barcode"}
    cell = columns.cell

    def types(cells: list[str]) -> set[str]:
        return {t.strip().lower() for t in cell(cells, kind).split(",")}

    # Variations take what they leave empty from their variable product, which the
    # exporter writes before them, but a file put together by hand may not.
    parents: dict[str, list[str]] = {}
    for _, cells in table.rows:
        if "variable" in types(cells):
            if cell(cells, sku):
                parents[cell(cells, sku)] = cells
            if cell(cells, product_id):
                parents[f"id:{cell(cells, product_id)}"] = cells
    rows: list[ShopRow] = []
    skipped: list[tuple[int, str]] = []
    for line, cells in table.rows:
        found = types(cells)
        reason = next(
            (
                r
                for t, r in (
                    ("variable", VARIABLE),
                    ("grouped", GROUPED),
                    ("external", EXTERNAL),
                )
                if t in found
            ),
            None,
        )
        if reason is not None:
            skipped.append((line, str(reason)))
            continue
        parent = []
        if "variation" in found:
            parent = parents.get(cell(cells, parent_ref), [])
        row = _product_row(line, cell(cells, sku))
        row.cells["name"] = cell(cells, name) or cell(parent, name)
        for column, (position, unit, convert) in measures.items():
            text = cell(cells, position) or cell(parent, position)
            row.cells[column] = _measure(text, unit, convert, column, row)
        if gtins:
            row.cells["barcode"] = next((c for g in gtins if (c := cell(cells, g))), "")
        if "virtual" in found:
            row.cells["fulfilment"] = "digital"
        rows.append(row)
    return ShopFile(WOOCOMMERCE, rows, given, sources, skipped)
