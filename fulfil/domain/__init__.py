"""Pure rules over plain values: no Flask, no database."""
