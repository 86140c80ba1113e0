"""pages.py and shapes.py: how lists are split into pages, and where each page of a list goes."""

from __future__ import annotations

from typing import Any

from builder.core.errors import Diagnostics
from builder.render import outputs, shapes
from builder.render.theme import load_theme


def test_pages_of_splits_lists_and_an_empty_list_has_one_page() -> None:
    assert list(shapes.pages_of((1, 2, 3, 4, 5), 2)) == [(1, [1, 2]), (2, [3, 4]), (3, [5])]
    assert list(shapes.pages_of((), 10)) == [(1, [])]


def test_list_pages_link_their_neighbours_under_a_sub_path(basic_site_subpath: Any) -> None:
    site = basic_site_subpath.result.site
    theme = load_theme(site.config, Diagnostics())
    made = {
        s.out_path: s.make().decode()
        for s in outputs.specs(site, theme)
        if s.out_path.endswith("page/2/index.html") or s.out_path == "index.html"
    }
    assert set(made) == {"index.html", "page/2/index.html", "tags/transport/page/2/index.html"}
    assert '<a href="/digest/page/2/" rel="next">' in made["index.html"]
    assert '<a href="/digest/" rel="prev">' in made["page/2/index.html"]
    assert (
        '<a href="/digest/tags/transport/" rel="prev">' in made["tags/transport/page/2/index.html"]
    )
