"""Tests for the pure conversion core of `broadsheet import` (builder/importer*.py).

Fixtures are small articles written for these tests (tests/fixtures/import/); whole
generated files are compared exactly, so any change in output is a visible decision.
"""

from __future__ import annotations

import datetime
import datetime as dt
import html
import re
from html.parser import HTMLParser
from pathlib import Path

import markdown
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

import builder.core.slugs
from builder.commands.importer.convert import (
    ExistingArticle,
    ImportedArticle,
    ImportFailure,
    ImportOptions,
    convert,
    escape_markdown,
    normalise_url,
    suggest_tags,
)

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "import"
ZURICH = datetime.timezone(datetime.timedelta(hours=2))


def _convert(name: str, **options: object) -> ImportedArticle:
    path = FIXTURES / name
    return convert(path, path.read_bytes(), ImportOptions(**options))  # type: ignore[arg-type]


def _text(
    text: str, name: str = "article.txt", data: bytes = b"", **options: object
) -> ImportedArticle:
    return convert(Path(name), data or text.encode(), ImportOptions(**options))  # type: ignore[arg-type]


def _front(article: ImportedArticle) -> dict[str, object]:
    front: dict[str, object] = yaml.safe_load(article.text.split("---\n")[1])
    return front


def _failure(data: bytes, name: str = "article.txt", **options: object) -> ImportFailure:
    with pytest.raises(ImportFailure) as info:
        convert(Path(name), data, ImportOptions(**options))  # type: ignore[arg-type]
    assert info.value.hint, "every failure carries a hint"
    return info.value


BODY = "Officials confirmed the plan on Monday.\n\nA second paragraph follows.\n"


# --- plain text -----------------------------------------------------------------------

RAIL_EXPECTED = """\
---
title: 'Iran and Belarus sign rail freight accord: “a corridor for decades”'
date: 2024-06-23
summary: Transport officials from Iran and Belarus agreed on Saturday to open a year-round \
rail freight corridor linking Minsk with the Iranian port of Bandar Abbas, a route both \
governments say will cut…
source:
  url: https://www.transit-wire.test/world/rail-accord/?id=7
  name: Transit Wire
  date: 2024-06-23
tags:
- Trade
- Rail
- Iran
- Belarus
- NATO
---

Transport officials from Iran and Belarus agreed on Saturday to open a year-round rail \
freight corridor linking Minsk with the Iranian port of Bandar Abbas, a route both \
governments say will cut delivery times by a third.

The Belarusian delegation, led by deputy transport minister Olga Varenik, said the first \
trial train would leave in September carrying potash, tractors and \\*dairy\\* machinery.

\\# of wagons per month was not disclosed, but an Iranian official put the target at \
“at least 1,200”.

1\\. The corridor bypasses routes that NATO members have closed to Belarusian cargo since \
2022.

Analysts in Tehran called the deal “modest but symbolic” & said &lt;b>tags&lt;/b> would be \
tested \\[sic\\] by sanctions.
"""


def test_plain_text_whole_file() -> None:
    article = _convert(
        "plain_rail_accord.txt",
        url="https://www.transit-wire.test/world/rail-accord/?utm_source=mail&id=7#top",
        source_name="Transit Wire",
        tags=("trade", "Rail"),
        vocabulary=("Football", "Iran", "Climate", "Belarus", "NATO", "Trade", "Elections"),
    )
    assert article.text == RAIL_EXPECTED
    assert article.title == "Iran and Belarus sign rail freight accord: “a corridor for decades”"
    assert article.date == datetime.date(2024, 6, 23)
    assert article.slug == "iran-and-belarus-sign-rail-freight-accord-a-corridor-for"
    assert article.rel_path == f"content/2024/06/{article.slug}.md"
    rendered = markdown.markdown(article.text.split("---\n", 2)[2])
    assert "<b>" not in rendered and "<ol>" not in rendered and "<h1>" not in rendered
    assert "<em>" not in rendered and "&lt;b&gt;tags&lt;/b&gt;" in rendered


HARBOUR_EXPECTED = """\
---
title: Harbour town votes to keep its last ferry
date: 2024-06-23
summary: Residents of Porto Brando voted 412 to 57 on Saturday to keep the municipal ferry \
running, rejecting a council plan to replace it with a seasonal bus link.
source:
  author: Ana Lucía Ferreira
  date: 2024-06-23
---

Residents of Porto Brando voted 412 to 57 on Saturday to keep the municipal ferry running, \
rejecting a council plan to replace it with a seasonal bus link.

The ferry, which has crossed the estuary since 1931, carries about 300 passengers a day in \
winter. "It is not nostalgia," said café owner Rui Matos. "It is the only way my staff get \
to work."

\\- Crossing time: 12 minutes

\\- Annual subsidy: €410,000
"""


def test_plain_text_hard_wrapped_with_byline_and_comment_form_tail() -> None:
    article = _convert("plain_harbour_wrapped.txt", vocabulary=("Transport", "Elections"))
    assert article.text == HARBOUR_EXPECTED
    assert article.rel_path == "content/2024/06/harbour-town-votes-to-keep-its-last-ferry.md"


def test_plain_text_one_paragraph_per_line_drops_follow_and_copyright_lines() -> None:
    article = _convert("plain_iso_lines.txt")
    assert article.text.split("---\n", 2)[2] == (
        "\nThe city council approved a 10% rise in the libraries budget on Thursday after a "
        "two-hour debate.\n\nOpening hours will be extended to 8pm on weekdays from September.\n"
    )
    assert _front(article)["date"] == datetime.date(2024, 6, 23)
    assert "source" not in _front(article) and "tags" not in _front(article)


def test_crlf_and_bom_read_like_plain_utf8() -> None:
    path = FIXTURES / "plain_harbour_wrapped.txt"
    data = b"\xef\xbb\xbf" + path.read_bytes().replace(b"\n", b"\r\n")
    assert convert(path, data, ImportOptions()).text == HARBOUR_EXPECTED


@pytest.mark.parametrize(
    ("dateline", "expected"),
    [
        ("Sunday, June 23, 2024", datetime.date(2024, 6, 23)),
        ("June 23, 2024", datetime.date(2024, 6, 23)),
        ("23 June 2024", datetime.date(2024, 6, 23)),
        ("Jun 23, 2024", datetime.date(2024, 6, 23)),
        ("Jun. 3rd, 2024", datetime.date(2024, 6, 3)),
        ("2024-06-23", datetime.date(2024, 6, 23)),
        ("Sun, 23 Jun 2024", datetime.date(2024, 6, 23)),
        ("Published on: Wednesday 4 September 2024", datetime.date(2024, 9, 4)),
        (
            "Sun, 23 Jun 2024 14:05:00 +0200",
            datetime.datetime(2024, 6, 23, 14, 5, tzinfo=ZURICH),
        ),
        ("2024-06-23T12:05:00Z", datetime.datetime(2024, 6, 23, 12, 5, tzinfo=datetime.UTC)),
        ("June 23, 2024 2:05 PM", datetime.datetime(2024, 6, 23, 14, 5, tzinfo=ZURICH)),
        ("2024-06-23 14:05", datetime.datetime(2024, 6, 23, 14, 5, tzinfo=ZURICH)),
    ],
)
def test_datelines(dateline: str, expected: datetime.date) -> None:
    article = _text(f"{dateline}\n\nA headline\n\n{BODY}", timezone="Europe/Zurich")
    assert article.date == expected
    assert type(article.date) is type(expected)
    if isinstance(expected, datetime.datetime):
        assert isinstance(article.date, datetime.datetime)
        assert article.date.utcoffset() == expected.utcoffset()
        front_date = re.search(r"^date: (.*)$", article.text, re.M)
        assert front_date and front_date.group(1) == expected.isoformat()
        assert _front(article)["date"] == expected


def test_datetime_is_filed_under_the_site_timezone_month() -> None:
    article = _text(f"2024-06-30T23:30:00-04:00\nLate news\n{BODY}")
    assert article.rel_path == "content/2024/07/late-news.md"
    assert "date: 2024-06-30T23:30:00-04:00\n" in article.text


@pytest.mark.parametrize("title", ["yes", "2024", "NO", "Update: talks resume", "null", "~"])
def test_awkward_titles_round_trip_as_strings(title: str) -> None:
    front = _front(_text(f"June 23, 2024\n{title}\n{BODY}"))
    assert front["title"] == title


# --- saved HTML -----------------------------------------------------------------------

GLACIER_EXPECTED = """\
---
title: Glacier retreat doubles in a decade
date: 2024-06-23T09:30:00+02:00
summary: Swiss glaciers lost 4% of their remaining volume in 2023, the second-worst year on \
record, according to the monitoring network GLAMOS.
source:
  url: https://www.alpine-observer.example/science/glacier-retreat/
  name: Alpine Observer
  author: Marta Keller
  date: 2024-06-23
tags:
- Glacier
---

Swiss glaciers lost 4% of their remaining volume in 2023, the second-worst year on record, \
according to the monitoring network \
[GLAMOS](https://www.alpine-observer.example/tags/glamos).

![The Rhône glacier](https://www.alpine-observer.example/science/glacier-retreat/glacier.jpg)

*The Rhône glacier in August.*

## Why the rate is rising

Scientists point to *two* factors: warmer summers and less winter snow.

> “We are measuring losses that models expected for 2040.”
>
> — Field report, 2024

### What can be done

- Cut emissions faster
- Cover small glaciers with fleece, which saves **a few** metres

1. Measure
2. Report

Data for the study is available on \
[the open data portal](https://data.example.org/glamos%20%282024%29.csv).
"""


def test_html_article_with_time_and_open_graph_whole_file() -> None:
    article = _convert(
        "html_article_og.html",
        vocabulary=("Climate", "Glacier", "Switzerland", "Science"),
        timezone="Europe/Zurich",
    )
    assert article.text == GLACIER_EXPECTED
    assert article.date == datetime.datetime(2024, 6, 23, 9, 30, tzinfo=ZURICH)
    assert article.rel_path == "content/2024/06/glacier-retreat-doubles-in-a-decade.md"


LEDGER_EXPECTED = """\
---
title: Central bank holds rates at 4.5% for a fifth meeting
date: 2024-06-21T16:05:00+00:00
summary: The central bank left its main rate at 4.5% on Friday, the fifth meeting in a row \
without a change, and said inflation of 2.9% was “still too high for comfort”.
source:
  url: https://ledger.example.com/markets/rates-hold-june
  name: The Ledger
  author: Tomás Ruiz, Lena Brandt
  date: 2024-06-21
tags:
- Inflation
---

The central bank left its main rate at 4.5% on Friday, the fifth meeting in a row without a \
change, and said inflation of 2.9% was “still too high for comfort”.

Governor Ana Petrov said the board was split 5-4, with the minority favouring a cut of 0.25 \
percentage points. Markets had priced in a 40% chance of a cut.

Bond yields fell after the decision: the two-year yield dropped to 3.8%\\_ while the ten-year \
was flat at 3.4%.
"""


def test_html_json_ld_and_div_layout_drops_all_furniture() -> None:
    article = _convert("html_jsonld_divs.html", vocabulary=("Inflation", "Interest rates"))
    assert article.text == LEDGER_EXPECTED
    for junk in (
        "Home", "Most read", "Oil slips", "Advertisement", "loadAd", "Sign up", "Leave a",
        "Great analysis", "Pound rallies", "Copyright", "tracking pixel", "Read more",
        "height:",
    ):  # fmt: skip
        assert junk not in article.text


def test_url_and_source_name_options_override_what_the_page_says() -> None:
    article = _convert(
        "html_article_og.html",
        url="https://mirror.example/glacier?utm_medium=social",
        source_name="Observer (mirror)",
    )
    assert _front(article)["source"] == {
        "url": "https://mirror.example/glacier",
        "name": "Observer (mirror)",
        "author": "Marta Keller",
        "date": datetime.date(2024, 6, 23),
    }


def test_pathologically_nested_html_still_converts() -> None:
    page = (
        '<html><head><title>Deep</title></head><body><time datetime="2024-06-23"></time>'
        + "<div>" * 5000
        + "<p>Deep text.</p></body></html>"
    )
    assert _text(page, name="deep.html").text.endswith("---\n\nDeep text.\n")


def test_html_is_sniffed_from_content_not_only_the_suffix() -> None:
    page = (
        "<!-- saved from url=(0040)https://paper.example/2024/06/ferry -->\n<!DOCTYPE html>"
        "<html><head><title>Ferry saved - The Paper</title>"
        '<meta property="og:site_name" content="The Paper">'
        '<meta property="article:published_time" content="2024-06-23"></head>'
        "<body><h1>Ferry saved</h1><p>By Jo Bloggs</p><p>The vote was clear.<br>Very"
        " clear.</p><p>Second <i>para</i>graph with a <a href='javascript:void(0)'>fake"
        " link</a>.</body></html>"
    )
    article = _text(page, name="ferry.txt")
    front = _front(article)
    assert front["title"] == "Ferry saved"
    assert front["source"] == {
        "url": "https://paper.example/2024/06/ferry",
        "name": "The Paper",
        "author": "Jo Bloggs",
        "date": datetime.date(2024, 6, 23),
    }
    assert article.text.endswith(
        "---\n\nThe vote was clear. Very clear.\n\nSecond *para*graph with a fake link.\n"
    )
    plain = _text(f"June 23, 2024\nWhy <html> tags matter\n{BODY}", name="notes.txt")
    assert plain.title == "Why <html> tags matter"


def test_htm_suffix_and_teaser_article_cards_do_not_win_over_the_main_text() -> None:
    long = "The main story is long enough to dominate the page. " * 6
    page = (
        "<html><body><main><div><p>" + long + "</p><p>It has two paragraphs.</p></div>"
        '<div class="related"><article><p>A teaser.</p></article></div></main>'
        '<time datetime="2024-06-23">23 June</time><title>Main story</title></body></html>'
    )
    article = convert(Path("page.htm"), page.encode(), ImportOptions())
    assert article.text.endswith(f"---\n\n{long.strip()}\n\nIt has two paragraphs.\n")


# --- escaping -------------------------------------------------------------------------


class _TextOnly(HTMLParser):
    """Collects text and every tag seen, to prove the output is one plain paragraph."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)

    def handle_data(self, data: str) -> None:
        self.text += data


TRICKY = [
    "# not a heading",
    "#hashtag at the start",
    "1. not a list",
    "2024. A year to remember",
    "- not a bullet",
    "+ not a bullet either",
    "* star bullet",
    "> not a quote",
    "---",
    "***",
    "___",
    "a *b* c **d** e _f_ g __h__",
    "snake_case_name and _leading and trailing_",
    "use `code` and ``more``",
    "[link](http://example.com) and ![image](x.png)",
    "[^1] footnote and [TOC]",
    "<b>bold</b> <!-- comment --> <http://auto.link> <a@b.example>",
    "&amp; &copy; &#169; &#xA9; &#2 AT&T R&D; 5 < 6 > 4",
    "mail <;me@example.com> or a<b@c>",
    "back\\slash \\* \\_ \\\\ C:\\Users",
    "{: .class} {#id} braces",
    "curly “quotes” and ‘single’ — dashes… Ünïcödé 日本語",
    "ends with a hash #",
    "~~~ fence",
    "line one\n=====",
    "line one\n---",
    "line one\n# two\n> three\n1. four\n- five",
    "| a | b |\n|---|---|\n| 1 | 2 |",
]


@pytest.mark.parametrize("text", TRICKY)
@pytest.mark.parametrize(
    "extensions",
    [[], ["fenced_code", "tables", "footnotes", "toc", "sane_lists", "attr_list"]],
    ids=["plain", "site-extensions"],
)
def test_escape_markdown_renders_back_to_the_text(text: str, extensions: list[str]) -> None:
    rendered = markdown.markdown(escape_markdown(text), extensions=extensions)
    parser = _TextOnly()
    parser.feed(rendered)
    assert parser.tags == ["p"], rendered
    assert parser.text == text
    assert html.unescape(rendered[3:-4]) == text


def _one_paragraph(text: str) -> str:
    """Lines as the importer produces them: no indentation, no blank or padded lines."""
    return "\n".join(line for line in (" ".join(raw.split()) for raw in text.split("\n")) if line)


_TOKENS = [*"ab1 .#*_-+>`[]()!<&;:|{}=~\\\"'/?@é“\n", "&amp;", "&#", "1. ", "http://"]
_MARKUP_HEAVY = st.lists(st.sampled_from(_TOKENS), min_size=1, max_size=40).map("".join)


@settings(max_examples=400, deadline=None, database=None)
@given(_MARKUP_HEAVY.map(_one_paragraph).filter(bool))
def test_escape_markdown_round_trips_generated_text(text: str) -> None:
    md = markdown.Markdown(extensions=["fenced_code", "tables", "footnotes", "attr_list"])
    parser = _TextOnly()
    parser.feed(md.convert(escape_markdown(text)))
    assert (parser.tags, parser.text) == (["p"], text)


def test_escape_markdown_leaves_ordinary_prose_alone() -> None:
    prose = "Prices rose 4.5% (year on year), she said: “it’s fine” – snake_case & co."
    assert escape_markdown(prose) == prose


def test_headings_keep_a_trailing_hash_and_links_are_escaped() -> None:
    page = (
        b'<html><head><meta property="og:title" content="Learning C#"></head><body><article>'
        b'<time datetime="2024-06-23"></time><h2>Why C#</h2>'
        b'<p>See <a href="/a_b (1)">the *docs* [here]</a> or <a href="#top">top</a>.</p>'
        b"</article></body></html>"
    )
    article = convert(Path("c.html"), page, ImportOptions(url="https://docs.example/guide/"))
    link = "[the \\*docs\\* \\[here\\]](https://docs.example/a_b%20%281%29)"
    assert article.text.endswith(f"---\n\n## Why C\\#\n\nSee {link} or top.\n")
    rendered = markdown.markdown(article.text.split("---\n", 2)[2])
    assert "<h2>Why C#</h2>" in rendered
    assert '<a href="https://docs.example/a_b%20%281%29">the *docs* [here]</a>' in rendered
    # Without any page URL a relative link would point into our own site: text only.
    assert convert(Path("c.html"), page, ImportOptions()).text.endswith(
        "See the \\*docs\\* \\[here\\] or top.\n"
    )


def test_urls_in_a_page_that_cannot_be_parsed_are_dropped_not_a_traceback() -> None:
    """An imported page is untrusted input: a bad canonical URL, <base> or link loses
    the URL and keeps the text, as links that lead nowhere useful do."""
    page = (
        b'<html><head><link rel="canonical" href="https://[::1/story">'
        b'<base href="https://[::1/"><meta property="og:title" content="Bad URLs"></head>'
        b'<body><article><time datetime="2024-06-23"></time>'
        b'<p>See <a href="https://[::1/x">one</a>, <a href="//[::1/y">two</a> and '
        b'<a href="https://ex.org:abc/">three</a>.</p></article></body></html>'
    )
    article = convert(Path("c.html"), page, ImportOptions())
    assert article.text.endswith("---\n\nSee one, two and three.\n")
    assert "source" not in _front(article)
    good = page.replace(b'<base href="https://[::1/">', b"")
    article = convert(Path("c.html"), good, ImportOptions(url="https://ex.org/story/"))
    assert article.text.endswith("---\n\nSee one, two and three.\n")
    # The page's date is the original's (issue 12: `date:` is the moment of import).
    assert _front(article)["source"] == {
        "url": "https://ex.org/story/",
        "date": dt.date(2024, 6, 23),
    }


# --- summary and slug -----------------------------------------------------------------


def _summary_of(paragraph: str) -> str:
    return str(_front(_text(f"2024-06-23\nHeadline\n{paragraph}\n"))["summary"])


def test_summary_keeps_a_short_first_paragraph_whole() -> None:
    assert _summary_of("Short and sweet. Two sentences.") == "Short and sweet. Two sentences."


def test_summary_stops_at_the_last_sentence_end_within_200_chars() -> None:
    first = "Gen. Petrov met Mr. Ruiz in the U.S. capital on Monday to discuss the accord."
    second = "The talks lasted four hours and ended without a joint statement from either side."
    third = "A third sentence pushes the paragraph well past the two hundred character limit."
    assert _summary_of(f"{first} {second} {third}") == f"{first} {second}"


def test_summary_cuts_a_long_first_sentence_at_a_word_with_ellipsis() -> None:
    sentence = "word " * 60 + "end."
    summary = _summary_of(sentence)
    assert summary == ("word " * 40).strip() + "…"
    assert len(summary) == 200


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("Zürich’s café owners say “non” to the tax", "zürichs-café-owners-say-non-to-the-tax"),
        ("Zürich votes on rents", "zürich-votes-on-rents"),
        (
            "A very long headline that keeps going well beyond the sixty character limit here",
            "a-very-long-headline-that-keeps-going-well-beyond-the-sixty",
        ),
        ("Αθήνα 2024", "αθήνα-2024"),
    ],
)
def test_slug(title: str, slug: str) -> None:
    article = _text(f"2024-06-23\n{title}\n{BODY}")
    assert article.slug == slug
    assert len(article.slug) <= 60
    assert article.rel_path == f"content/2024/06/{slug}.md"


def test_slug_is_the_builds_own_rule() -> None:
    for title in ("Zürich votes on rents", "Αθήνα: η ψηφοφορία", "Café “non” — ½ price"):
        assert _text(f"2024-06-23\n{title}\n{BODY}").slug == builder.core.slugs.slugify(title)


def test_slug_falls_back_to_the_url_then_the_file_name_when_the_title_has_no_letters() -> None:
    article = _text(f"2024-06-23\n★ ★ ★\n{BODY}", url="https://x.example/news/athens-vote/")
    assert article.slug == "athens-vote"
    assert _text(f"2024-06-23\n★ ★ ★\n{BODY}", name="ferry-vote.txt").slug == "ferry-vote"


# --- tags -----------------------------------------------------------------------------


def test_suggest_tags_finds_countries_demonyms_and_acronyms() -> None:
    text = (
        "Iranian and Belarusian officials met in Tehran. Iran said NATO expansion worried "
        "both. Belarus agreed. European observers and the US embassy said little to us."
    )
    vocabulary = ("Football", "Iran", "Belarus", "NATO", "Climate", "Europe", "US", "Taxi")
    assert suggest_tags(text, vocabulary) == ("Iran", "Belarus", "NATO", "Europe", "US")


def test_suggest_tags_ranks_headline_mentions_higher_and_caps_at_five() -> None:
    vocabulary = ("alpha", "Beta", "Gamma", "Delta", "Epsilon", "Zeta", "Omega")
    body = "Alpha alpha alpha beta beta gamma delta epsilon zeta omega"
    assert suggest_tags(body, vocabulary, headline="Zeta and Omega") == (
        "Zeta",
        "Omega",
        "alpha",
        "Beta",
        "Gamma",
    )


def test_suggest_tags_matches_whole_words_only() -> None:
    vocabulary = ("Iran", "Art", "US", "Middle East")
    text = "Tirana hosted a party; artists and users met in the middle-east of the city."
    assert suggest_tags(text, vocabulary) == ("Middle East",)


def test_given_tags_come_first_without_duplicates_in_vocabulary_spelling() -> None:
    article = _convert(
        "plain_rail_accord.txt",
        tags=("nato", "Rail", "rail"),
        vocabulary=("Iran", "Belarus", "NATO"),
    )
    assert _front(article)["tags"] == ["NATO", "Rail", "Iran", "Belarus"]


# --- duplicates -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "normal"),
    [
        ("HTTPS://WWW.Example.COM/News/Story/", "example.com/News/Story"),
        ("https://example.com/a?utm_source=x&id=3&fbclid=y#frag", "example.com/a?id=3"),
        ("https://example.com:443/a?gclid=1&UTM_MEDIUM=m", "example.com/a"),
        ("http://example.com:8080/a/?b=2&a=1", "example.com:8080/a?a=1&b=2"),
        ("https://example.com/", "example.com"),
    ],
)
def test_normalise_url_is_the_builds_own(url: str, normal: str) -> None:
    """The importer refuses exactly what the build's duplicate-source warning would flag."""
    assert normalise_url is builder.core.urls.normalise_url
    assert normalise_url(url) == normal


EXISTING = (
    ExistingArticle(
        path="content/2024/05/older.md",
        title="Something else",
        date=datetime.date(2024, 5, 1),
        source_url="http://www.transit-wire.test/world/rail-accord?utm_campaign=x",
    ),
    ExistingArticle(
        path="content/2024/06/ferry.md",
        title="Harbour  town votes to keep its LAST ferry",
        date=datetime.date(2024, 6, 23),
        source_url=None,
    ),
)


def test_duplicate_source_url_is_refused_naming_the_existing_article() -> None:
    data = (FIXTURES / "plain_rail_accord.txt").read_bytes()
    failure = _failure(
        data, url="https://transit-wire.test/world/rail-accord/#comments", existing=EXISTING
    )
    assert "content/2024/05/older.md" in failure.message
    assert "same source URL" in str(failure)


def test_duplicate_title_and_date_is_refused_naming_the_existing_article() -> None:
    failure = _failure((FIXTURES / "plain_harbour_wrapped.txt").read_bytes(), existing=EXISTING)
    assert failure.message == "already imported as content/2024/06/ferry.md (same title and date)"


def test_same_title_on_another_day_is_not_a_duplicate() -> None:
    text = (FIXTURES / "plain_harbour_wrapped.txt").read_text().replace("23 June", "24 June")
    assert _text(text, existing=EXISTING).date == datetime.date(2024, 6, 24)


# --- failures -------------------------------------------------------------------------


@pytest.mark.parametrize("data", [b"", b"  \n\n\t", b"\xef\xbb\xbf", b"\xef\xbb\xbf\n \n"])
def test_empty_file(data: bytes) -> None:
    assert _failure(data).message == "the file is empty"


def test_windows_1252_is_converted_and_the_report_says_so() -> None:
    data = "June 23, 2024\nCafé owners protest\nThe “tax” is €5 a cup, owners said.\n"
    article = _text("", data=data.encode("cp1252"))
    assert article.converted_from == "Windows-1252 (detected)"
    assert article.title == "Café owners protest"
    assert article.text.endswith("\nThe “tax” is €5 a cup, owners said.\n")


def test_a_binary_file_is_refused() -> None:
    assert _failure(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff").message == (
        "this is a binary file, not text or HTML"
    )


def test_no_date() -> None:
    failure = _failure(b"A headline first\nThen some text.\n")
    assert failure.message == "no dateline in the first 8 lines (the first is 'A headline first')"
    assert _failure(b"February 30, 2024\nHeadline\nText.\n").message == (
        "'February 30, 2024' is not a real date (day is out of range for month)"
    )


def test_no_headline() -> None:
    failure = _failure(b"June 23, 2024\n\n")
    assert failure.message == "no headline found in the first lines"


def test_no_body_paragraphs() -> None:
    data = "June 23, 2024\nHeadline\n› Subscribe\nShare this:\nMore Articles\nOther story\n"
    assert _failure(data.encode()).message == "no body paragraphs found"


@pytest.mark.parametrize(
    ("page", "message"),
    [
        ("<html><body><h1>Title</h1><p>Text.</p></body></html>", "no date found"),
        ('<html><body><time datetime="2024-06-23"></time><p>Text.</p></body></html>',
         "no headline found"),
        ('<html><head><title>T</title></head><body><time datetime="2024-06-23"></time>'
         "<nav><p>Only navigation.</p></nav></body></html>", "no body paragraphs found"),
    ],
)  # fmt: skip
def test_html_failures(page: str, message: str) -> None:
    assert _failure(page.encode(), name="page.html").message == message


def test_unknown_timezone() -> None:
    failure = _failure(b"June 23, 2024\nHeadline\nText.\n", timezone="Mars/Olympus")
    assert failure.message == "unknown time zone 'Mars/Olympus'"


def test_source_name_without_a_url_credits_the_publication_and_the_writer() -> None:
    data = (FIXTURES / "plain_harbour_wrapped.txt").read_bytes()
    front = _front(_text(data.decode(), source_name="Estuary Courier"))
    assert front["source"] == {
        "name": "Estuary Courier",
        "author": "Ana Lucía Ferreira",
        "date": datetime.date(2024, 6, 23),
    }
    front = _front(_text(data.decode(), url="https://courier.example/ferry"))
    assert front["source"] == {
        "url": "https://courier.example/ferry",
        "author": "Ana Lucía Ferreira",
        "date": datetime.date(2024, 6, 23),
    }
    assert "author" not in front


def test_no_slug_anywhere_is_refused() -> None:
    failure = _failure(f"2024-06-23\n★ ★ ★\n{BODY}".encode(), name="★.txt")
    assert failure.message == "the slug from the headline is empty once symbols are removed"
    assert failure.hint == "edit the headline in the input, or pass --url with the address"
