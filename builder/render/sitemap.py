"""sitemap.xml and robots.txt: what search engines are told about the site.

The sitemap lists every page once (list pages by their first page only),
each with `lastmod` from the content, never from the clock.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator

from builder.core.models import Article
from builder.render.engine import Job, Spec, fingerprint

SITEMAP = "http://www.sitemaps.org/schemas/sitemap/0.9"


def sitemap(job: Job) -> Iterator[Spec]:
    """Every page with the date it last changed."""
    site, layout = job.site, job.layout
    # Each article's last change, once: list pages take the newest of theirs.
    last = [max(a.date, a.meta.updated) if a.meta.updated else a.date for a in site.articles]

    def newest(items: tuple[int, ...] | range) -> str | None:
        """lastmod of a list page: the newest date or `updated` among its articles."""
        return max(last[i] for i in items).date().isoformat() if items else None

    everything = newest(range(len(site.articles)))
    entries: list[tuple[str, str | None]] = [(layout.home, everything)]
    for article in site.articles:
        if isinstance(article, Article):  # a link item has no page here
            entries.append((article.url, (article.meta.updated or article.date).date().isoformat()))
    for page in site.pages:  # a page without a date has no lastmod
        when = page.meta.updated or page.meta.date
        entries.append((page.url, when.date().isoformat() if when else None))
    entries.append((layout.tags_index, everything))
    entries.append((layout.archive, everything))
    if site.editions:
        entries.append((layout.editions_index, everything))
    entries += [(t.url, newest(t.articles)) for t in site.tags]
    entries += [(e.url, newest(e.articles)) for e in site.editions]
    for year in site.years:
        entries.append((year.url, newest(year.articles)))
        entries += [(m.url, newest(m.articles)) for m in year.months]
    entries = [(layout.absolute(path), lastmod) for path, lastmod in entries]

    def make() -> bytes:
        root = ET.Element("urlset", {"xmlns": SITEMAP})
        for loc, lastmod in entries:
            node = ET.SubElement(root, "url")
            ET.SubElement(node, "loc").text = loc
            if lastmod:
                ET.SubElement(node, "lastmod").text = lastmod
        ET.indent(root)
        body = ET.tostring(root, encoding="unicode")
        return ('<?xml version="1.0" encoding="utf-8"?>\n' + body + "\n").encode("utf-8")

    yield Spec(layout.SITEMAP, fingerprint(job.base_fp, entries), "generated", make)


def robots(job: Job) -> Iterator[Spec]:
    """Every crawler may read everything; the sitemap says where the pages are."""
    layout = job.layout
    text = (
        f"User-agent: *\nAllow: /\n\nSitemap: {layout.absolute(layout.site_path(layout.SITEMAP))}\n"
    ).encode()
    yield Spec(layout.ROBOTS, fingerprint(text), "generated", lambda: text)
