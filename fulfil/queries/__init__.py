"""Read-only selects for pages, the API and the CLI. No writes, no commits."""
