"""What the imports read: spreadsheet files (tables.py) and shops' own product exports
(shops.py). Pure parsing, no database: fulfil.services.csv_import stores the rows."""
