"""Site paths: permalink patterns filled in, and paths made safe for attributes."""

from __future__ import annotations

from urllib.parse import quote

from builder.core.models import SiteConfig


def expand(pattern: str, **fields: str) -> str:
    """Fill a permalink pattern; every field is already a safe segment."""
    return pattern.format(**fields)


def href(path: str) -> str:
    """Percent-encode a site path for use in an attribute (Unicode slugs)."""
    return quote(path, safe="/:#?=&%~-._")


def folder_url(config: SiteConfig, rel: str) -> str:
    """Site path of a source file's folder: where its assets are published."""
    folder = rel.removeprefix("content/").rpartition("/")[0]
    return config.base_path + (folder + "/" if folder else "")
