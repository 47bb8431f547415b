"""flask command groups beyond the core ones in fulfil.cli, one module per area."""
