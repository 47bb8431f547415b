"""The demo site: warehouse, users, products, stock and orders from real sample data."""

from fulfil.demo.builder import DemoExists, DemoSummary, build_demo

__all__ = ["DemoExists", "DemoSummary", "build_demo"]
