"""sitemap.py: every page with its lastmod, and robots.txt pointing at the sitemap."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

from builder.core.paths import to_uri

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
BASE = "https://briefing.example.net/"


def test_sitemap_lists_every_page_with_lastmod(basic_site: Any) -> None:
    root = ET.parse(basic_site.out / "sitemap.xml").getroot()
    entries = {
        u.findtext(f"{SITEMAP}loc"): u.findtext(f"{SITEMAP}lastmod")
        for u in root.iter(f"{SITEMAP}url")
    }
    pages = {
        BASE + p.relative_to(basic_site.out).as_posix().removesuffix("index.html")
        for p in basic_site.out.rglob("index.html")
        if "/page/" not in p.as_posix() and "/search/" not in p.as_posix()
    }
    listed = {to_uri(url) for url in pages}
    assert set(entries) == listed
    assert entries[BASE + "2025/03/king-street-construction-schedule/"] == "2025-03-21"
    assert entries[BASE + "2025/03/ferry-operators-trial-battery-crossings/"] == "2025-03-03"
    assert entries[BASE + "editions/2025-w10/"] == "2025-03-05"
    assert entries[BASE + "tags/qu%C3%A9bec/"] == "2025-03-11"
    assert entries[BASE] == "2025-03-21"
    assert entries[BASE + "about/"] is None
    assert BASE + "search/" not in entries  # a page of the reader's own queries


def test_sitemap_under_a_sub_path(basic_site_subpath: Any) -> None:
    root = ET.parse(basic_site_subpath.out / "sitemap.xml").getroot()
    locs = [u.findtext(f"{SITEMAP}loc") for u in root.iter(f"{SITEMAP}url")]
    assert locs[0] == BASE + "digest/"
    assert all(loc.startswith(BASE + "digest/") for loc in locs)


def test_robots_points_at_the_sitemap(basic_site_subpath: Any) -> None:
    assert (basic_site_subpath.out / "robots.txt").read_text() == (
        "User-agent: *\nAllow: /\n\nSitemap: https://briefing.example.net/digest/sitemap.xml\n"
    )
