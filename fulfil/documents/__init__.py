"""Printable packing and shipping documents, made from plain values (no database)."""
