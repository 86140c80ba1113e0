"""Broadsheet: a static-site generator for curated article digests."""

__version__ = "0.1.0"
