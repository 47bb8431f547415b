"""Licence keys for digital products."""
