"""sections.py: an edition in the editor's order (featured, sections, More) and its credits."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from builder.core.errors import Diagnostics
from builder.core.models import Article, ArticleMeta, Rendered, Section, TagRef
from builder.site.sections import arrange, check_sections

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")


def item(slug: str, tags: tuple[str, ...] = (), day: int = 10, **fields: object) -> Article:
    """An article dated `day` June 2024, tagged `tags`, with front matter `fields`."""
    meta = ArticleMeta(
        path=f"content/{slug}.md",
        title=slug,
        summary=None,
        slug=slug,
        draft=False,
        updated=None,
        authors=(),
        image=None,
        source=None,
        date=dt.datetime(2024, 6, day, tzinfo=BERLIN),
        tags=tuple((t, 3) for t in tags),
        **fields,
    )  # type: ignore[arg-type]
    refs = tuple(TagRef(t, t.lower(), f"/tags/{t.lower()}/") for t in tags)
    return Article(meta, Rendered("", "", (), 0, 1), f"/{slug}/", f"{slug}/index.html", refs, slug)


TAG_URLS = {"energy": "/tags/energy/", "trade": "/tags/trade/"}


def shape(sections: tuple[Section, ...], items: list[Article]) -> list[tuple[str, list[str]]]:
    return [(s.name, [items[i].meta.slug for i in s.items]) for s in sections]


def test_configured_sections_in_order_then_more() -> None:
    items = [
        item("a", ("Trade",), 14),
        item("b", ("Climate",), 13),
        item("c", ("Energy", "Trade"), 12),
        item("d", (), 11),
        item("e", ("Trade",), 10, section="energy"),
    ]
    placed = arrange([0, 1, 2, 3, 4], items, ("Energy", "Trade"), TAG_URLS)
    assert shape(placed.sections, items) == [
        ("Energy", ["c", "e"]),
        ("Trade", ["a"]),
        ("More", ["b", "d"]),
    ]
    assert placed.order == (2, 4, 0, 1, 3)
    assert [(s.slug, s.url) for s in placed.sections] == [
        ("energy", "/tags/energy/"),
        ("trade", "/tags/trade/"),
        ("more", None),
    ]


def test_empty_sections_are_left_out_and_featured_items_lead() -> None:
    items = [
        item("a", ("Trade",), 14),
        item("b", ("Trade",), 13, featured=True),
        item("c", ("Energy",), 12, featured=True),
    ]
    placed = arrange([0, 1, 2], items, ("Climate", "Energy", "Trade"), TAG_URLS)
    assert shape(placed.sections, items) == [("Featured", ["b", "c"]), ("Trade", ["a"])]
    assert placed.sections[0].slug == "featured"


def test_without_sections_each_first_tag_is_one_alphabetically() -> None:
    items = [
        item("a", ("Water",), 14),
        item("b", ("cities",), 13),
        item("c", (), 12),
        item("d", ("Cities", "Water"), 11),
    ]
    placed = arrange([0, 1, 2, 3], items, (), {})
    assert shape(placed.sections, items) == [
        ("cities", ["b", "d"]),
        ("Water", ["a"]),
        ("More", ["c"]),
    ]


def test_untagged_articles_form_the_last_group() -> None:
    """Moved from render/test_context.py: grouping is the site stage's now."""
    items = [
        item("ferry-operators-trial-battery-crossings", (), 12),
        item("council-approves-king-street-bike-lanes", ("Cities", "Transport"), 11),
    ]
    placed = arrange([0, 1], items, (), {})
    assert [(s.name, s.url) for s in placed.sections] == [
        ("Cities", "/tags/cities/"),
        ("More", None),
    ]
    assert placed.sections[-1].slug == "more"


def test_credits_in_reading_order_once_each() -> None:
    items = [
        item("a", ("Trade",), 14, via="Bo"),
        item("b", ("Energy",), 13, via="Ann"),
        item("c", ("Energy",), 12, via="bo"),
        item("d", ("Trade",), 11),
    ]
    placed = arrange([0, 1, 2, 3], items, ("Energy", "Trade"), TAG_URLS)
    assert placed.credits == ("Ann", "bo")  # reading order: Energy (b, c), then Trade (a)


def test_an_unknown_section_is_an_error_at_its_line_with_a_guess() -> None:
    diags = Diagnostics()
    items = [
        item("a", section="Enrgy", section_at=(4, 10)),
        item("b", section="trade"),
        item("c", section="Sport", section_at=(5, 10)),
    ]
    check_sections(items, ("Energy", "Trade"), diags)
    assert [d.format() for d in diags.sorted()] == [
        "content/a.md:4:10: error: unknown section `Enrgy`\n  hint: did you mean `Energy`?",
        "content/c.md:5:10: error: unknown section `Sport`\n"
        "  hint: the sections are Energy, Trade (editions.sections in site.yaml)",
    ]


def test_a_section_without_configured_sections_is_an_error() -> None:
    diags = Diagnostics()
    check_sections([item("a", section="Energy", section_at=(6, 10))], (), diags)
    assert [d.format() for d in diags.sorted()] == [
        "content/a.md:6:10: error: `section: Energy`, but site.yaml lists no sections\n"
        "  hint: add  sections: [Energy]  under  editions:  in site.yaml, or remove the line"
    ]
