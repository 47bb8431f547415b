"""What several command groups share: choosing the warehouse, printing a table."""

from collections.abc import Sequence

import click

from fulfil.queries.layout import warehouses


def chosen_warehouse(code: str | None):
    """The warehouse --warehouse names, or the only one there is (UsageError else)."""
    sites = warehouses()
    if code:
        for site in sites:
            if site.code.upper() == code.strip().upper():
                return site
        raise click.BadParameter(
            f"no warehouse {code}; there are: {_codes(sites)}", param_hint="--warehouse"
        )
    if len(sites) == 1:
        return sites[0]
    if not sites:
        raise click.UsageError("There is no warehouse yet.")
    raise click.UsageError(f"Choose a warehouse with --warehouse: {_codes(sites)}.")


def _codes(sites) -> str:
    return ", ".join(site.code for site in sites) or "none"


def echo_table(
    header: Sequence[str], rows: Sequence[Sequence[str]], right: set[int] = frozenset()
) -> None:
    """Columns padded to their widest cell; the `right` ones aligned right."""
    widths = [max(len(row[i]) for row in (header, *rows)) for i in range(len(header))]
    for row in (header, *rows):
        cells = [
            cell.rjust(width) if i in right else cell.ljust(width)
            for i, (cell, width) in enumerate(zip(row, widths, strict=True))
        ]
        click.echo("  ".join(cells).rstrip())
