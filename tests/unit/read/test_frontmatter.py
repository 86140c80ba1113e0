"""Front matter: splitting, the schema, dates in the site time zone, slugs, tags, sources."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest

from builder.config import load_config
from builder.core.dates import guess_date
from builder.core.errors import Diagnostics
from builder.core.models import (
    ArticleMeta,
    EditionNote,
    Meta,
    OutLink,
    PageMeta,
    SiteConfig,
    Source,
    SourceFile,
)
from builder.read.frontmatter import parse, split

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")


@pytest.fixture(scope="module")
def config(tmp_path_factory: pytest.TempPathFactory) -> SiteConfig:
    root = tmp_path_factory.mktemp("fm")
    (root / "site.yaml").write_text(
        'title: T\nbase_url: "https://example.org/"\ntimezone: Europe/Berlin\n'
    )
    return load_config(root / "site.yaml")


def meta_of(
    config: SiteConfig, text: str | bytes, rel: str = "content/a.md"
) -> tuple[Meta | None, list[str]]:
    data = text.encode() if isinstance(text, str) else text
    diags = Diagnostics()
    meta = parse(SourceFile(rel, data, ""), config, diags)
    return meta, [d.format() for d in diags.sorted()]


def fm(*lines: str, body: str = "Body.\n") -> str:
    return "---\n" + "".join(line + "\n" for line in lines) + "---\n" + body


# --------------------------------------------------------------------------
# split
# --------------------------------------------------------------------------
def split_of(text: str) -> tuple[tuple[str, str, int] | None, list[str]]:
    diags = Diagnostics()
    result = split(SourceFile("content/a.md", b"", ""), text, diags)
    return result, [d.format() for d in diags.items]


def test_split_finds_the_first_closing_line() -> None:
    assert split_of("---\ntitle: A\n---\nx\n\n---\n\ny\n") == (
        ("title: A", "x\n\n---\n\ny\n", 4),
        [],
    )


def test_split_forgives_trailing_spaces_and_accepts_dots() -> None:
    assert split_of("--- \ntitle: A\n...\t\nbody") == (("title: A", "body", 4), [])


def test_split_problems() -> None:
    assert split_of(" \n\n") == (
        None,
        ["content/a.md:1:1: error: empty file\n  hint: add front matter: ---, title: ..., ---"],
    )
    assert split_of("\n---\ntitle: A\n---\n") == (
        None,
        [
            "content/a.md:1:1: error: front matter must start on the first line\n"
            "  hint: delete the 1 blank line above `---`"
        ],
    )
    assert split_of("title: A\n")[1] == [
        "content/a.md:1:1: error: no front matter: the file must start with a `---` line\n"
        '  hint: begin the file with\n  ---\n  title: "..."\n  date: 2024-06-23\n  ---'
    ]
    assert split_of('layout: post\ntitle: "A"\ntags:\n  - x\n# a comment\n---\n\nBody\n')[1] == [
        "content/a.md:1:1: error: front matter has no opening `---` line\n"
        "  hint: add a `---` line above line 1: lines 1-5 read as front matter, "
        "closed by the `---` on line 6"
    ]
    assert split_of("title: A\n---\nBody\n")[1] == [
        "content/a.md:1:1: error: front matter has no opening `---` line\n"
        "  hint: add a `---` line above line 1: line 1 reads as front matter, "
        "closed by the `---` on line 2"
    ]
    assert split_of("---\ntitle: A\n----\nbody\n") == (
        None,
        [
            "content/a.md:1:1: error: front matter is never closed\n"
            "  hint: add a `---` line after the last front matter key"
        ],
    )


@pytest.mark.parametrize(
    "text",
    [
        "Note: the ferry runs late.\n\nMore prose.\n---\n",  # prose with a colon
        "title: A\nNo key on this line\n---\n",
        "# a heading, or a comment\ntitle: A\n---\n",  # the first line is no key
        "  title: A\n---\n",  # indented: not a key of its own
    ],
)
def test_text_above_a_rule_is_not_taken_for_front_matter(text: str) -> None:
    """Only lines that all read as YAML keys (from the first) are called front matter
    without its `---`; anything else is a file with no front matter."""
    assert split_of(text)[1][0].startswith(
        "content/a.md:1:1: error: no front matter: the file must start with a `---` line"
    )


def test_a_dated_file_name_gives_the_date_so_the_hint_leaves_it_out() -> None:
    diags = Diagnostics()
    split(SourceFile("content/2020-09-17-links.md", b"", ""), "Links.\n", diags)
    assert [d.format() for d in diags.items] == [
        "content/2020-09-17-links.md:1:1: error: no front matter: the file must start with "
        'a `---` line\n  hint: begin the file with\n  ---\n  title: "..."\n  ---'
    ]


# --------------------------------------------------------------------------
# A complete article
# --------------------------------------------------------------------------
def test_every_field(config: SiteConfig) -> None:
    meta, problems = meta_of(
        config,
        fm(
            'title: "  Grid deal  "',
            "date: 2024-06-03 09:30:00",
            "updated: 2024-06-04",
            "tags: [Energy,  North   Sea ]",
            "summary: A *short* summary",
            "slug: grid-deal",
            "draft: true",
            "source: {url: 'https://example.com/story', name: Outlet, author: Ana, date: 2024-06-01}",
            "authors: [Ben, Cy]",
            "author: Ana",
            "image: chart.png",
            "theme_colour: blue",
            body="\nThe body.\n",
        ),
    )
    assert problems == []
    assert meta == ArticleMeta(
        path="content/a.md",
        title="Grid deal",
        date=dt.datetime(2024, 6, 3, 9, 30, tzinfo=BERLIN),
        updated=dt.datetime(2024, 6, 4, tzinfo=BERLIN),
        tags=(("Energy", 5), ("North Sea", 5)),
        summary="A *short* summary",
        slug="grid-deal",
        draft=True,
        source=Source("https://example.com/story", "Outlet", "Ana", dt.date(2024, 6, 1)),
        authors=("Ana", "Ben", "Cy"),
        image="chart.png",
        body="\nThe body.\n",
        body_line=15,
        title_line=2,
        slug_line=7,
        links=(OutLink("https://example.com/story", 9, 15, curated=True),),
    )
    assert meta.extra == {"theme_colour": "blue"}


def test_defaults_and_slug_from_dated_file_name(config: SiteConfig) -> None:
    meta, problems = meta_of(config, fm("title: Café prices"), "content/2024-06-03-Café-Prices.md")
    assert problems == []
    assert meta is not None
    assert (meta.slug, meta.date, meta.tags, meta.draft, meta.source) == (
        "café-prices",
        dt.datetime(2024, 6, 3, tzinfo=BERLIN),
        (),
        False,
        None,
    )


def test_pages_need_no_date_and_edition_notes_no_title(config: SiteConfig) -> None:
    page, problems = meta_of(config, fm("title: About"), "content/pages/about.md")
    assert problems == [] and page is not None and page.date is None
    assert isinstance(page, PageMeta)
    note, problems = meta_of(config, fm(), "content/editions/2024-w23.md")
    assert problems == [] and note is not None and note.title is None
    assert isinstance(note, EditionNote) and note.id == "2024-w23"


def test_each_kind_of_source_gets_its_own_type(config: SiteConfig) -> None:
    text = fm("title: A", "date: 2024-06-03", "tags: [x]", "source: https://e.org/a")
    kinds = {
        rel: meta_of(config, text, rel)[0]
        for rel in ("content/2024/a.md", "content/pages/a.md", "content/editions/2024-w23.md")
    }
    assert [type(m).__name__ for m in kinds.values()] == ["ArticleMeta", "PageMeta", "EditionNote"]
    note = kinds["content/editions/2024-w23.md"]
    assert isinstance(note, EditionNote) and (note.title, note.body) == ("A", "Body.\n")


def test_a_page_with_tags_warns_that_they_are_ignored(config: SiteConfig) -> None:
    page, problems = meta_of(config, fm("title: About", "tags: [Energy]"), "content/pages/about.md")
    assert isinstance(page, PageMeta)
    assert problems == [
        "content/pages/about.md:3:7: warning: a page has no tags: `tags` is ignored\n"
        "  hint: remove it, or move the file out of content/pages/ to make an article"
    ]
    assert meta_of(config, fm("title: About", "tags: []"), "content/pages/about.md")[1] == []


# --------------------------------------------------------------------------
# Dates: everything ends up aware, in the site time zone
# --------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("2024-06-03", dt.datetime(2024, 6, 3, 0, 0)),
        ("2024-06-03 10:00:00", dt.datetime(2024, 6, 3, 10, 0)),
        ("2024-06-03T10:00:00+00:00", dt.datetime(2024, 6, 3, 12, 0)),
        ("2024-06-03T10:00:00Z", dt.datetime(2024, 6, 3, 12, 0)),
        ("2024-01-03T10:00:00-05:00", dt.datetime(2024, 1, 3, 16, 0)),
        ('"2024-06-03T10:00"', dt.datetime(2024, 6, 3, 10, 0)),
        ('"2024-06-03T11:00:00Z"', dt.datetime(2024, 6, 3, 13, 0)),
        ("'2024-06-03'", dt.datetime(2024, 6, 3, 0, 0)),
    ],
)
def test_dates_are_aware_in_the_site_zone(
    config: SiteConfig, written: str, expected: dt.datetime
) -> None:
    meta, problems = meta_of(config, fm("title: A", f"date: {written}"))
    assert problems == [] and meta is not None and meta.date is not None
    assert meta.date.tzinfo == BERLIN
    assert meta.date.replace(tzinfo=None) == expected


def test_naive_and_aware_dates_compare(config: SiteConfig) -> None:
    dates = []
    for written in ("2024-06-03 10:00:00", "2024-06-03T09:30:00Z", "2024-06-03"):
        meta, _ = meta_of(config, fm("title: A", f"date: {written}"))
        assert meta is not None
        dates.append(meta.date)
    assert sorted(dates) == [dates[2], dates[0], dates[1]]  # no naive/aware TypeError


@pytest.mark.parametrize(
    ("written", "problem"),
    [
        (
            "2024-02-30",
            "content/a.md:3:7: error: impossible date `2024-02-30`: day is out of range "
            "for month\n  hint: use a real calendar date such as 2024-06-23 or "
            "2024-06-23T09:30:00+02:00",
        ),
        (
            '"2023-02-29"',
            "content/a.md:3:7: error: impossible date `2023-02-29`: day is out of "
            "range for month\n  hint: use a real calendar date such as 2024-06-23",
        ),
        (
            "May 1, 2024",
            "content/a.md:3:7: error: `date` is not an ISO date: `May 1, 2024`\n"
            "  hint: write it as 2024-05-01 (ISO dates are year-month-day)",
        ),
        (
            "01/05/2024",
            "content/a.md:3:7: error: `date` is not an ISO date: `01/05/2024`\n"
            "  hint: write 2024-05-01 or 2024-01-05, whichever you mean (ISO dates are "
            "year-month-day)",
        ),
        (
            "25/12/2024",
            "content/a.md:3:7: error: `date` is not an ISO date: `25/12/2024`\n"
            "  hint: write it as 2024-12-25 (ISO dates are year-month-day)",
        ),
        (
            "soon",
            "content/a.md:3:7: error: `date` is not an ISO date: `soon`\n"
            "  hint: write dates as 2024-06-23 or 2024-06-23T09:30:00+02:00",
        ),
        (
            "20",
            "content/a.md:3:7: error: `date` must be a date, found a number (`20`)\n"
            "  hint: write dates as 2024-06-23 or 2024-06-23T09:30:00+02:00",
        ),
        (
            "0001-01-01",
            "content/a.md:3:7: error: `date` 0001-01-01 is out of range (1000–9000)\n"
            "  hint: check the year",
        ),
        (
            "9999-12-31T23:59:59-12:00",
            "content/a.md:3:7: error: `date` 9999-12-31T23:59:59-12:00 "
            "is out of range (1000–9000)\n  hint: check the year",
        ),
    ],
)
def test_date_problems(config: SiteConfig, written: str, problem: str) -> None:
    assert meta_of(config, fm("title: A", f"date: {written}")) == (None, [problem])


def test_missing_date_and_impossible_file_name_date(config: SiteConfig) -> None:
    assert meta_of(config, fm("title: A"))[1] == [
        "content/a.md:1:1: error: missing `date`\n"
        "  hint: add  date: 2024-06-23  or name the file 2024-06-23-slug.md"
    ]
    assert meta_of(config, fm("title: A", "date:")) == (
        None,
        ["content/a.md:3:6: error: `date` is empty\n  hint: write  date: 2024-06-23"],
    )
    assert meta_of(config, fm("title: A", "date: ~"), "content/2024-06-03-a.md") == (
        None,
        [
            "content/2024-06-03-a.md:3:7: error: `date` is empty\n"
            "  hint: remove the line to use the date in the file name"
        ],
    )
    page, problems = meta_of(config, fm("title: A", "date:"), "content/pages/a.md")
    assert problems == [] and isinstance(page, PageMeta) and page.date is None
    assert meta_of(config, fm("title: A"), "content/2023-02-29-a.md")[1] == [
        "content/2023-02-29-a.md:1:1: error: impossible date in the file name: day is out of "
        "range for month\n"
        "  hint: rename the file with a real date, or set  date:  in the front matter"
    ]


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("May 1, 2024", "2024-05-01"),
        ("1 May 2024", "2024-05-01"),
        ("1st May, 2024", "2024-05-01"),
        ("Sept 9 2024", "2024-09-09"),
        ("dec. 24, 2024", "2024-12-24"),
        ("2024/06/03", "2024-06-03"),
        ("03.06.2024", "2024-06-03 or 2024-03-06"),
        ("13/01/2024", "2024-01-13"),
        ("06/06/2024", "2024-06-06"),
        ("Ma 1, 2024", None),
        ("32/13/2024", None),
        ("today", None),
    ],
)
def test_guess_date(text: str, iso: str | None) -> None:
    assert guess_date(text) == iso


# --------------------------------------------------------------------------
# Titles, types, YAML 1.1 surprises, unknown keys
# --------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ("title:", "content/a.md:2:7: error: `title` is empty\n  hint: write a headline"),
        ('title: "  "', "content/a.md:2:8: error: `title` is empty\n  hint: write a headline"),
        (
            "title: yes",
            "content/a.md:2:8: error: `title` must be text, found `yes`, which YAML "
            'reads as the boolean true\n  hint: quote it: title: "yes"',
        ),
        (
            "title: 2024",
            "content/a.md:2:8: error: `title` must be text, found a number (`2024`)\n"
            '  hint: quote it: title: "2024"',
        ),
        (
            "title: [a, b]",
            "content/a.md:2:8: error: `title` must be text, found a list\n"
            '  hint: write it as text: title: "..."',
        ),
    ],
)
def test_title_problems(config: SiteConfig, line: str, problem: str) -> None:
    assert meta_of(config, fm(line, "date: 2024-06-03")) == (None, [problem])


def test_missing_title(config: SiteConfig) -> None:
    assert meta_of(config, fm("date: 2024-06-03"))[1] == [
        'content/a.md:1:1: error: missing `title`\n  hint: add  title: "..."  to the front matter'
    ]


def test_surprises_in_extra_keys_are_errors(config: SiteConfig) -> None:
    assert meta_of(
        config, fm("title: A", "date: 2024-06-03", "country: NO", "codes: [SE, no, {x: off}]")
    )[1] == [
        "content/a.md:4:10: error: `country: NO` is read as the boolean false\n"
        '  hint: quote it: country: "NO"',
        "content/a.md:5:13: error: `no` in `codes` is read as the boolean false\n"
        '  hint: quote it: "no"',
        "content/a.md:5:21: error: `off` in `codes` is read as the boolean false\n"
        '  hint: quote it: "off"',
    ]


def test_flags(config: SiteConfig) -> None:
    assert meta_of(config, fm("title: A", "date: 2024-06-03", 'draft: "flase"'))[1] == [
        "content/a.md:4:8: error: `draft` must be true or false, found a string (`flase`)\n"
        "  hint: write  draft: true  or  draft: false"
    ]
    assert meta_of(config, fm("title: A", "date: 2024-06-03", "draft: on"))[1] == [
        "content/a.md:4:8: error: `draft` must be true or false, found `on`, which YAML reads "
        "as the boolean true\n  hint: write  draft: true  or  draft: false"
    ]


def test_unknown_keys(config: SiteConfig) -> None:
    meta, problems = meta_of(
        config,
        fm(
            "titel: A",
            "title: A",
            "date: 2024-06-03",
            "tag: x",
            "Summary: s",
            "data: 1",
            "name: n",
            "images: [a]",
            "image: b",
            "colour: red",
            "updatd: 2024-06-04",
        ),
    )
    assert meta is not None and meta.extra["colour"] == "red"
    assert problems == [
        "content/a.md:5:1: warning: unknown key `tag` is kept as extra data\n"
        "  hint: did you mean `tags`?",
        "content/a.md:6:1: warning: unknown key `Summary` is kept as extra data\n"
        "  hint: did you mean `summary`?",
        "content/a.md:12:1: warning: unknown key `updatd` is kept as extra data\n"
        "  hint: did you mean `updated`?",
    ]  # `titel`, `data` and `images` sit beside the key they resemble: meant, not typos


# --------------------------------------------------------------------------
# Slugs and tags
# --------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ('slug: ".."', "slug `..` is empty once symbols are removed"),
        ("slug: /", "slug `/` is empty once symbols are removed"),
        ('slug: "🚀"', "slug `🚀` is empty once symbols are removed"),
        ("slug: index", "slug `index` is reserved for a page Broadsheet generates"),
        ("slug: Tags", "slug `tags` is reserved for a page Broadsheet generates"),
        ("slug: feed.xml", "slug `feed.xml` is reserved for a page Broadsheet generates"),
        ("slug: " + "a" * 81, "slug is 81 characters long, over the 80-character limit"),
    ],
)
def test_unsafe_slugs(config: SiteConfig, line: str, problem: str) -> None:
    assert meta_of(config, fm("title: A", "date: 2024-06-03", line))[1] == [
        f"content/a.md:4:7: error: {problem}\n"
        "  hint: use lower-case words joined by hyphens, at most 80 characters"
    ]


def test_slug_not_in_url_form(config: SiteConfig) -> None:
    assert meta_of(config, fm("title: A", "date: 2024-06-03", "slug: Grid Deal"))[1] == [
        "content/a.md:4:7: error: slug `Grid Deal` is not in URL form\n  hint: use  slug: grid-deal"
    ]


def test_slug_from_file_name_problems(config: SiteConfig) -> None:
    assert meta_of(config, fm("title: A", "date: 2024-06-03"), "content/🚀.md")[1] == [
        "content/🚀.md:1:1: error: slug from the file name is empty once symbols are removed\n"
        "  hint: rename the file or set `slug:` in the front matter"
    ]
    assert meta_of(config, fm("title: A"), "content/pages/archive.md")[1] == [
        "content/pages/archive.md:1:1: error: slug from the file name `archive` is reserved "
        "for a page Broadsheet generates\n"
        "  hint: rename the file or set `slug:` in the front matter"
    ]


def test_tags_are_normalised_and_a_lone_string_is_one_tag(config: SiteConfig) -> None:
    meta, problems = meta_of(config, fm("title: A", "date: 2024-06-03", "tags: ' Trade  Talks '"))
    assert problems == [] and meta is not None
    assert meta.tags == (("Trade Talks", 4),)
    meta, _ = meta_of(config, fm("title: A", "date: 2024-06-03", "tags:", "  - a", "  - b"))
    assert meta is not None and meta.tags == (("a", 5), ("b", 6))


def test_tag_problems(config: SiteConfig) -> None:
    assert meta_of(
        config,
        fm(
            "title: A",
            "date: 2024-06-03",
            'tags: [1, false, "", null, "..", index, "#", tags, C++]',
        ),
    )[1] == [
        'content/a.md:4:8: error: a tag must be text, found a number (`1`)\n  hint: quote it: "1"',
        "content/a.md:4:11: error: a tag must be text, found a boolean (`false`)\n"
        '  hint: quote it: "false"',
        "content/a.md:4:18: error: empty tag\n  hint: remove it",
        "content/a.md:4:22: error: empty tag\n  hint: remove it",
        "content/a.md:4:28: error: tag `..` cannot be a URL: its slug is empty once symbols are "
        "removed\n  hint: use a tag with letters or digits, at most 80 characters",
        "content/a.md:4:34: error: tag `index` cannot be a URL: its slug `index` is reserved "
        "for a page Broadsheet generates\n"
        "  hint: use a tag with letters or digits, at most 80 characters",
        "content/a.md:4:41: error: tag `#` cannot be a URL: its slug is empty once symbols are "
        "removed\n  hint: use a tag with letters or digits, at most 80 characters",
    ]
    assert meta_of(config, fm("title: A", "date: 2024-06-03", "tags: {a: 1}"))[1] == [
        "content/a.md:4:7: error: `tags` must be a list of words, found a mapping\n"
        "  hint: write  tags: [Energy, Europe]"
    ]


def test_comma_in_a_lone_tag_warns(config: SiteConfig) -> None:
    meta, problems = meta_of(config, fm("title: A", "date: 2024-06-03", "tags: a, b"))
    assert meta is not None and meta.tags == (("a, b", 4),)
    assert problems == [
        "content/a.md:4:7: warning: tag `a, b` contains a comma\n"
        "  hint: for several tags write  tags: [a, b]"
    ]


# --------------------------------------------------------------------------
# Sources and authors
# --------------------------------------------------------------------------
def test_source_as_a_url(config: SiteConfig) -> None:
    meta, _ = meta_of(config, fm("title: A", "date: 2024-06-03", "source: https://ex.org/s"))
    assert meta is not None and meta.source == Source("https://ex.org/s")


def test_source_date_is_kept_as_written(config: SiteConfig) -> None:
    meta, problems = meta_of(
        config,
        fm(
            "title: A",
            "date: 2024-06-03",
            "source: {url: 'https://ex.org/s', date: 1850-01-01T23:00:00-10:00}",
        ),
    )
    assert problems == [] and meta is not None and meta.source is not None
    assert meta.source.date == dt.date(1850, 1, 1)


def test_source_problems(config: SiteConfig) -> None:
    assert meta_of(
        config, fm("title: A", "date: 2024-06-03", "source: {link: 'https://ex.org', nme: X}")
    )[1] == [
        "content/a.md:4:9: error: `source` needs a `url`\n  hint: add  url: https://...",
        "content/a.md:4:10: error: unknown key `link` in `source`\n"
        "  hint: known keys: author, date, name, url",
        "content/a.md:4:34: error: unknown key `nme` in `source`\n  hint: did you mean `name`?",
    ]
    assert meta_of(config, fm("title: A", "date: 2024-06-03", "source: ftp://x"))[1] == [
        "content/a.md:4:9: error: source URL must start with http:// or https://, found a "
        "string (`ftp://x`)\n  hint: write  source: https://example.org/story"
    ]
    assert meta_of(config, fm("title: A", "date: 2024-06-03", "source: [a]"))[1] == [
        "content/a.md:4:9: error: `source` must be a URL or a mapping, found a list\n"
        "  hint: write  source: {url: https://..., name: Outlet}"
    ]


def test_source_fields_are_read_as_text_like_the_top_level(config: SiteConfig) -> None:
    assert meta_of(
        config,
        fm(
            "title: A",
            "date: 2024-06-03",
            "source: {url: 'https://ex.org', name: 2024, author: [B]}",
        ),
    )[1] == [
        "content/a.md:4:39: error: `name` must be text, found a number (`2024`)\n"
        '  hint: quote it: name: "2024"',
        "content/a.md:4:53: error: `author` must be text, found a list\n"
        '  hint: write it as text: author: "..."',
    ]


def test_author_problems(config: SiteConfig) -> None:
    assert meta_of(config, fm("title: A", "date: 2024-06-03", "authors: [Ana, 7]"))[1] == [
        "content/a.md:4:16: error: an author must be text, found a number (`7`)\n"
        '  hint: quote it: "7"'
    ]


def test_every_problem_of_a_file_in_one_run(config: SiteConfig) -> None:
    _, problems = meta_of(config, fm("title: 2024", "date: soon", "draft: 1", "tags: [true]"))
    assert [p.split(": error")[0] for p in problems] == [
        "content/a.md:2:8",
        "content/a.md:3:7",
        "content/a.md:4:8",
        "content/a.md:5:8",
    ]


def test_yaml_lines_are_file_lines_with_crlf_and_bom(config: SiteConfig) -> None:
    data = b"\xef\xbb\xbf---\r\ntitle: A\r\ndate: 2024-06-03\r\ntitle: B\r\n---\r\n"
    assert meta_of(config, data)[1] == [
        "content/a.md:4:1: error: duplicate key `title` (first set on line 2)\n"
        "  hint: YAML would silently keep only the last one; remove one of them"
    ]


# --------------------------------------------------------------------------
# URLs in front matter (issue 10: parsed through core.urls, http(s) only)
# --------------------------------------------------------------------------
_NEVER_CLOSED = "a `[` in its host is never closed (an IPv6 host is written [2001:db8::1])"
_IMAGE_HINT = (
    "  hint: write  image: https://example.org/photo.jpg  or the name of a file "
    "beside the article:  image: photo.jpg"
)


def test_front_matter_urls_that_cannot_be_parsed_are_located_errors(config: SiteConfig) -> None:
    assert meta_of(
        config,
        fm(
            "title: A",
            "date: 2024-06-03",
            "image: 'https://[::1/x.png'",
            "source: 'https://[::1/x'",
        ),
    )[1] == [
        f"content/a.md:4:8: error: `image` `https://[::1/x.png` cannot be read as a URL: "
        f"{_NEVER_CLOSED}\n{_IMAGE_HINT}",
        f"content/a.md:5:9: error: source URL `https://[::1/x` cannot be read as a URL: "
        f"{_NEVER_CLOSED}\n  hint: write  source: https://example.org/story",
    ]
    assert meta_of(
        config, fm("title: A", "date: 2024-06-03", "source: {url: 'https://ex.org:abc/s'}")
    )[1] == [
        "content/a.md:4:15: error: source URL `https://ex.org:abc/s` cannot be read as a URL: "
        "its port `abc` is not a number\n  hint: write  source: https://example.org/story"
    ]


@pytest.mark.parametrize(
    ("image", "scheme"),
    [
        ("javascript:alert(1)", "javascript"),
        ("JavaScript:alert(1)", "javascript"),
        (" javascript:alert(1)", "javascript"),
        ("java\\tscript:alert(1)", "javascript"),
        ("data:image/svg+xml;base64,PHN2Zz4=", "data"),
        ("vbscript:msgbox", "vbscript"),
        ("file:///etc/passwd", "file"),
        ("ftp://ex.org/a.png", "ftp"),
    ],
)
def test_image_refuses_every_scheme_but_http(config: SiteConfig, image: str, scheme: str) -> None:
    meta, problems = meta_of(config, fm("title: A", "date: 2024-06-03", f'image: "{image}"'))
    shown = image.strip()  # the tab YAML read from `\\t` is shown escaped again
    assert meta is None and problems == [
        f"content/a.md:4:8: error: `image` `{shown}` is a `{scheme}:` URL; only http:// and "
        f"https:// URLs and relative paths are allowed\n{_IMAGE_HINT}"
    ]


@pytest.mark.parametrize(
    "image",
    [
        "https://ex.org/a.png",
        "http://ex.org/a.png",
        "photo.jpg",
        "/static/a.png",
        "../b.png",
        "//cdn.ex.org/a.png",
    ],
)
def test_image_accepts_http_and_relative_urls(config: SiteConfig, image: str) -> None:
    meta, problems = meta_of(config, fm("title: A", "date: 2024-06-03", f"image: '{image}'"))
    assert problems == [] and meta is not None and meta.image == image


def test_image_and_source_need_a_host(config: SiteConfig) -> None:
    assert meta_of(config, fm("title: A", "date: 2024-06-03", "image: 'https:/a.png'"))[1] == [
        f"content/a.md:4:8: error: `image` `https:/a.png` names no host\n{_IMAGE_HINT}"
    ]
    assert meta_of(config, fm("title: A", "date: 2024-06-03", "source: 'https:// x/'"))[1] == [
        "content/a.md:4:9: error: source URL must start with http:// or https://, found a "
        "string (`https:// x/`)\n  hint: write  source: https://example.org/story"
    ]


def test_windows_device_names_are_no_slugs_or_tags(config: SiteConfig) -> None:
    assert meta_of(config, fm("title: A", "date: 2024-06-03", "slug: con", "tags: [Aux, ok]"))[
        1
    ] == [
        "content/a.md:4:7: error: slug `con` is a device name on Windows, where no file or "
        "folder can have it\n  hint: use lower-case words joined by hyphens, at most 80 "
        "characters",
        "content/a.md:5:8: error: tag `Aux` cannot be a URL: its slug `aux` is a device name on "
        "Windows, where no file or folder can have it\n"
        "  hint: use a tag with letters or digits, at most 80 characters",
    ]
