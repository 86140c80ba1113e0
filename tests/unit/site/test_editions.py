"""Editions (ISO weeks or months in the site time zone), editor's notes, and archives."""

from __future__ import annotations

import datetime as dt
import hashlib
import zoneinfo
from dataclasses import replace
from pathlib import Path

import pytest

from builder.config import load_config
from builder.core.errors import Diagnostics
from builder.core.models import (
    ArchiveMonth,
    Article,
    ArticleMeta,
    Edition,
    EditionNote,
    Entry,
    Link,
    Rendered,
    Section,
    SiteConfig,
    SourceFile,
)
from builder.read import frontmatter
from builder.site.archives import archives
from builder.site.editions import bounds, editions, period_of, span_text

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")


@pytest.fixture(scope="module")
def config(tmp_path_factory: pytest.TempPathFactory) -> SiteConfig:
    root = tmp_path_factory.mktemp("site")
    (root / "site.yaml").write_text(
        'title: T\nbase_url: "https://example.org/sub/"\ntimezone: Europe/Berlin\n', "utf-8"
    )
    return load_config(root / "site.yaml")


def article(slug: str, date: dt.datetime) -> Article:
    meta = ArticleMeta(
        path=f"content/{slug}.md",
        title=slug.title(),
        date=date,
        updated=None,
        tags=(),
        summary=None,
        slug=slug,
        draft=False,
        source=None,
        authors=(),
        image=None,
    )
    return Article(
        meta, Rendered("", "", (), 0, 1), f"/sub/{slug}/", f"{slug}/index.html", (), slug
    )


def note(
    name: str, title: str | None = "From the editor", html: str = "<p>Hello.</p>"
) -> Entry[EditionNote]:
    meta = EditionNote(path=f"content/editions/{name}.md", title=title, summary=None)
    return Entry(f"sha-{name}", meta, Rendered(html, "", (), 1, 1))


def on(day: int, month: int = 6, year: int = 2024, hour: int = 9) -> dt.datetime:
    return dt.datetime(year, month, day, hour, tzinfo=BERLIN)


LATER = dt.datetime(2030, 1, 1, tzinfo=BERLIN)  # every edition of these tests has closed


def grouped(
    articles: list[Article], notes: list[Entry[EditionNote]], config: SiteConfig, diags: Diagnostics
) -> tuple[tuple[Edition, ...], list[Link | None]]:
    """The editions shown and each article's link, judged after every period has ended."""
    made = editions(articles, notes, config, LATER, diags)
    return made.shown, made.edition_of


def formatted(diags: Diagnostics) -> list[str]:
    return [d.format() for d in diags.sorted()]


# --------------------------------------------------------------------------
# Periods
# --------------------------------------------------------------------------
def test_period_of_week_uses_the_iso_year_across_a_year_boundary() -> None:
    assert period_of(on(30, 12, 2024), "week") == "2025-w01"
    assert period_of(on(29, 12, 2024), "week") == "2024-w52"
    assert period_of(on(3, 1, 2021), "week") == "2020-w53"
    assert period_of(on(17, 6, 2024), "week") == "2024-w25"


def test_period_of_month() -> None:
    assert period_of(on(30, 12, 2024), "month") == "2024-12"
    assert period_of(on(1, 2, 2025), "month") == "2025-02"


def test_bounds() -> None:
    assert bounds("2024-w25") == (dt.date(2024, 6, 17), dt.date(2024, 6, 23))
    assert bounds("2025-w01") == (dt.date(2024, 12, 30), dt.date(2025, 1, 5))
    assert bounds("2020-w53") == (dt.date(2020, 12, 28), dt.date(2021, 1, 3))
    assert bounds("2024-02") == (dt.date(2024, 2, 1), dt.date(2024, 2, 29))
    assert bounds("2024-12") == (dt.date(2024, 12, 1), dt.date(2024, 12, 31))
    for bad in ("2024-w53", "2024-w00", "2024-13", "2024-00", "2024-W25", "24-w01", "notes"):
        assert bounds(bad) is None, bad


def test_span_text() -> None:
    assert span_text(dt.date(2024, 6, 17), dt.date(2024, 6, 23)) == "17–23 June 2024"
    assert span_text(dt.date(2026, 10, 26), dt.date(2026, 11, 1)) == (
        "26 October – 1 November 2026"
    )
    assert span_text(dt.date(2024, 12, 30), dt.date(2025, 1, 5)) == (
        "30 December 2024 – 5 January 2025"
    )
    assert span_text(dt.date(2024, 2, 1), dt.date(2024, 2, 29)) == "1–29 February 2024"


# --------------------------------------------------------------------------
# Grouping
# --------------------------------------------------------------------------
def test_articles_are_grouped_by_week_newest_first_with_links(config: SiteConfig) -> None:
    articles = [article("c", on(25)), article("b", on(23, hour=23)), article("a", on(17, hour=0))]
    diags = Diagnostics()
    eds, edition_of = grouped(articles, [], config, diags)
    assert diags.items == []
    week26 = Link("Week 26, 2024", "/sub/editions/2024-w26/")
    week25 = Link("Week 25, 2024", "/sub/editions/2024-w25/")
    assert eds == (
        Edition(
            id="2024-w26",
            title="Week 26, 2024",
            span="24–30 June 2024",
            start=dt.date(2024, 6, 24),
            end=dt.date(2024, 6, 30),
            url=week26.url,
            out_path="editions/2024-w26/index.html",
            articles=(0,),
            prev=week25,
            closes=dt.datetime(2024, 7, 1, tzinfo=BERLIN),
            sections=(Section("More", "more", None, (0,)),),
        ),
        Edition(
            id="2024-w25",
            title="Week 25, 2024",
            span="17–23 June 2024",
            start=dt.date(2024, 6, 17),
            end=dt.date(2024, 6, 23),
            url=week25.url,
            out_path="editions/2024-w25/index.html",
            articles=(1, 2),
            next=week26,
            closes=dt.datetime(2024, 6, 24, tzinfo=BERLIN),
            sections=(Section("More", "more", None, (1, 2)),),
        ),
    )
    assert edition_of == [week26, week25, week25]


def test_months(config: SiteConfig) -> None:
    monthly = replace(config, editions="month")
    eds, edition_of = grouped(
        [article("b", on(1, 7)), article("a", on(30, 6))], [], monthly, Diagnostics()
    )
    assert [(e.id, e.title, e.span, e.url, e.articles) for e in eds] == [
        ("2024-07", "July 2024", "1–31 July 2024", "/sub/editions/2024-07/", (0,)),
        ("2024-06", "June 2024", "1–30 June 2024", "/sub/editions/2024-06/", (1,)),
    ]
    assert edition_of == [
        Link("July 2024", "/sub/editions/2024-07/"),
        Link("June 2024", "/sub/editions/2024-06/"),
    ]


def test_grouping_is_in_the_site_time_zone(config: SiteConfig) -> None:
    """23:30 UTC on Sunday 23 June is 01:30 on Monday in Berlin: the next week."""
    text = "---\ntitle: Late\ndate: 2024-06-23T23:30:00Z\n---\nBody.\n"
    src = SourceFile("content/late.md", text.encode(), hashlib.sha256(text.encode()).hexdigest())
    diags = Diagnostics()
    meta = frontmatter.parse(src, config, diags)
    assert meta is not None and diags.items == []
    assert meta.date == dt.datetime(2024, 6, 24, 1, 30, tzinfo=BERLIN)
    eds, _ = grouped([article("late", meta.date)], [], config, diags)
    assert [e.id for e in eds] == ["2024-w26"]


def test_an_editors_note_is_attached_to_its_edition(config: SiteConfig) -> None:
    diags = Diagnostics()
    eds, _ = grouped(
        [article("a", on(18))], [note("2024-w25", html="<p>Welcome.</p>")], config, diags
    )
    assert diags.items == []
    assert (eds[0].note_title, eds[0].note_html, eds[0].note_key) == (
        "From the editor",
        "<p>Welcome.</p>",
        "sha-2024-w25",
    )
    untitled, _ = grouped(
        [article("a", on(18))], [note("2024-w25", title=None)], config, Diagnostics()
    )
    assert untitled[0].note_title is None


def test_a_note_for_a_week_without_articles_is_a_warning(config: SiteConfig) -> None:
    diags = Diagnostics()
    eds, _ = grouped([article("a", on(18))], [note("2024-w24")], config, diags)
    assert formatted(diags) == [
        "content/editions/2024-w24.md:1:1: warning: editor's note for 2024-w24, which has no "
        "articles\n  hint: check the week number, or publish an article in that week"
    ]
    assert [(e.id, e.note_html) for e in eds] == [("2024-w25", "")]


def test_invalid_note_names_are_errors(config: SiteConfig) -> None:
    diags = Diagnostics()
    grouped(
        [article("a", on(18))], [note("2024-w53"), note("2024-06"), note("week-25")], config, diags
    )
    hint = "\n  hint: name editor's notes after their period, e.g. 2024-w25.md"
    assert formatted(diags) == [
        "content/editions/2024-06.md:1:1: error: `2024-06` is not a valid edition name" + hint,
        "content/editions/2024-w53.md:1:1: error: `2024-w53` is not a valid edition name" + hint,
        "content/editions/week-25.md:1:1: error: `week-25` is not a valid edition name" + hint,
    ]
    diags = Diagnostics()
    grouped([article("a", on(18))], [note("2024-w25")], replace(config, editions="month"), diags)
    assert formatted(diags) == [
        "content/editions/2024-w25.md:1:1: error: `2024-w25` is not a valid edition name"
        "\n  hint: name editor's notes after their period, e.g. 2024-06.md"
    ]


def test_editions_off_means_none_and_each_note_is_a_warning(config: SiteConfig) -> None:
    diags = Diagnostics()
    off = replace(config, editions="off")
    eds, edition_of = grouped(
        [article("a", on(18)), article("b", on(11))],
        [note("2024-w25"), note("nonsense")],
        off,
        diags,
    )
    assert (eds, edition_of) == ((), [None, None])
    hint = "\n  hint: set editions.period in site.yaml"
    assert formatted(diags) == [
        "content/editions/2024-w25.md:1:1: warning: editor's note ignored: editions are off" + hint,
        "content/editions/nonsense.md:1:1: warning: editor's note ignored: editions are off" + hint,
    ]


def test_editions_period_comes_from_site_yaml(tmp_path: Path) -> None:
    (tmp_path / "site.yaml").write_text(
        'title: T\nbase_url: "https://example.org/"\neditions:\n  period: month\n', "utf-8"
    )
    assert load_config(tmp_path / "site.yaml").editions == "month"


# --------------------------------------------------------------------------
# Archives
# --------------------------------------------------------------------------
def test_archives_years_and_months_newest_first(config: SiteConfig) -> None:
    articles = [
        article("e", on(2, 1, 2025)),
        article("d", on(30, 12, 2024)),
        article("c", on(5, 12, 2024)),
        article("b", on(1, 12, 2024)),
        article("a", on(31, 3, 2024)),
    ]
    years = archives(articles, config)
    assert [(y.year, y.url, y.articles) for y in years] == [
        (2025, "/sub/2025/", (0,)),
        (2024, "/sub/2024/", (1, 2, 3, 4)),
    ]
    assert years[1].months == (
        ArchiveMonth(2024, 12, "December 2024", "/sub/2024/12/", (1, 2, 3)),
        ArchiveMonth(2024, 3, "March 2024", "/sub/2024/03/", (4,)),
    )
    assert [(m.name, len(m.articles)) for y in years for m in y.months] == [
        ("January 2025", 1),
        ("December 2024", 3),
        ("March 2024", 1),
    ]
    assert archives([], config) == ()
