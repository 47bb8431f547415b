"""flask import …: products and orders from CSV files."""

from flask.cli import AppGroup

import_cli = AppGroup("import", help="Import products and orders from CSV files.")
