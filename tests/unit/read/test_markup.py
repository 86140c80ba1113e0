"""Markdown → Rendered: highlighting, tables, footnotes, heading ids, summaries, links,
word counts, and the three raw-HTML policies (sanitize, allow, escape)."""

from __future__ import annotations

import datetime as dt

import pytest

from builder.core.errors import Diagnostics
from builder.core.models import ArticleMeta, MarkdownConfig, TocEntry
from builder.read.markup import clean, render, render_article, render_inline
from builder.render.styles import highlight_css

SANITIZE = MarkdownConfig()
ALLOW = MarkdownConfig(raw_html="allow")
ESCAPE = MarkdownConfig(raw_html="escape")


def html_of(body: str, config: MarkdownConfig = SANITIZE, folder: str = "/") -> str:
    return render(body, None, folder, config).html


# --------------------------------------------------------------------------
# Block features
# --------------------------------------------------------------------------
def test_fenced_code_is_highlighted_with_pygments_classes() -> None:
    html = html_of('```python\nprint("hi")\n```\n')
    assert html == (
        '<div class="highlight"><pre><span></span><code><span class="nb">print</span>'
        '<span class="p">(</span><span class="s2">"hi"</span><span class="p">)</span>\n'
        "</code></pre></div>"
    )


def test_code_is_escaped_and_highlighting_can_be_turned_off() -> None:
    body = '```python\nz = "<script>"\n```\n'
    plain = html_of(body, MarkdownConfig(highlight=False))
    assert plain == '<pre><code class="language-python">z = "&lt;script&gt;"\n</code></pre>'
    assert "<script>" not in html_of(body)
    assert "&lt;script&gt;" in html_of(body)


def test_tables() -> None:
    assert html_of("| a | b |\n|---|---|\n| 1 | 2 |\n") == (
        "<table>\n<thead>\n<tr>\n<th>a</th>\n<th>b</th>\n</tr>\n</thead>\n"
        "<tbody>\n<tr>\n<td>1</td>\n<td>2</td>\n</tr>\n</tbody>\n</table>"
    )


def test_footnotes_with_back_links() -> None:
    html = html_of("Claim[^src].\n\n[^src]: Where it came from.\n")
    assert html == (
        '<p>Claim<sup id="fnref:src"><a class="footnote-ref" href="#fn:src">1</a></sup>.</p>\n'
        '<div class="footnote">\n<hr>\n<ol>\n<li id="fn:src">\n'
        '<p>Where it came from.&nbsp;<a class="footnote-backref" href="#fnref:src" '
        'title="Back to the text">↩</a></p>\n</li>\n</ol>\n</div>'
    )


# --------------------------------------------------------------------------
# Heading ids and the table of contents
# --------------------------------------------------------------------------
def test_heading_ids_are_unique_and_the_toc_lists_h2_to_h4() -> None:
    body = (
        "# Top\n\n## Top\n\n## Top\n\n### Café & more!\n\n#### Four\n\n##### Five\n\n"
        "## !!!\n\n## Named {#mine}\n"
    )
    rendered = render(body, None, "/", SANITIZE)
    assert rendered.html == (
        '<h1 id="top">Top</h1>\n<h2 id="top_1">Top</h2>\n<h2 id="top_2">Top</h2>\n'
        '<h3 id="café-more">Café &amp; more!</h3>\n<h4 id="four">Four</h4>\n'
        '<h5 id="five">Five</h5>\n<h2 id="section">!!!</h2>\n<h2 id="mine">Named</h2>'
    )
    assert rendered.toc == (
        TocEntry(2, "top_1", "Top"),
        TocEntry(2, "top_2", "Top"),
        TocEntry(3, "café-more", "Café & more!"),
        TocEntry(4, "four", "Four"),
        TocEntry(2, "section", "!!!"),
        TocEntry(2, "mine", "Named"),
    )


def test_a_footnote_marker_is_not_part_of_a_heading_id_or_toc_title() -> None:
    rendered = render("## Rates *rise*[^1]\n\n[^1]: Source.\n", None, "/", SANITIZE)
    assert rendered.html.startswith(
        '<h2 id="rates-rise">Rates <em>rise</em><sup id="fnref:1">'
        '<a class="footnote-ref" href="#fn:1">1</a></sup></h2>'
    )
    assert rendered.toc == (TocEntry(2, "rates-rise", "Rates rise"),)


def test_ids_start_afresh_for_each_article() -> None:
    render("## Same\n", None, "/", SANITIZE)
    assert html_of("## Same\n") == '<h2 id="same">Same</h2>'


# --------------------------------------------------------------------------
# Summaries
# --------------------------------------------------------------------------
def test_front_matter_summary_is_rendered_inline_and_cleaned() -> None:
    rendered = render(
        "First paragraph.\n",
        "A *sharp* read <script>x()</script>[link](n.html)",
        "/2024/06/",
        SANITIZE,
    )
    assert rendered.summary_html == (
        '<p>A <em>sharp</em> read <a href="/2024/06/n.html">link</a></p>'
    )
    assert rendered.html == "<p>First paragraph.</p>"


def test_summary_is_the_part_above_the_more_marker() -> None:
    rendered = render("One.\n\nTwo *b*.\n\n<!--  more  -->\n\nThree.\n", None, "/", SANITIZE)
    assert rendered.summary_html == "<p>One.</p>\n<p>Two <em>b</em>.</p>"
    assert rendered.html == "<p>One.</p>\n<p>Two <em>b</em>.</p>\n\n\n<p>Three.</p>"


def test_summary_is_otherwise_the_first_paragraph() -> None:
    assert render("## Head\n\nOne.\n\nTwo.\n", None, "/", SANITIZE).summary_html == "<p>One.</p>"
    assert render("- only a list\n", None, "/", SANITIZE).summary_html == ""


def test_footnote_references_are_stripped_from_the_summary() -> None:
    above_more = render(
        "Claim[^1] here.\n\n<!-- more -->\n\nRest.\n\n[^1]: Note.\n", None, "/", SANITIZE
    )
    assert above_more.summary_html == "<p>Claim here.</p>"
    first = render("Claim[^1] here.\n\nRest.\n\n[^1]: Note.\n", None, "/", SANITIZE)
    assert first.summary_html == "<p>Claim here.</p>"
    assert 'id="fnref:1"' in first.html


def test_render_inline() -> None:
    assert render_inline("  *Big* news  ", SANITIZE) == "<p><em>Big</em> news</p>"
    assert render_inline("", SANITIZE) == ""
    assert render_inline("a <i>b</i>", ESCAPE) == "<p>a &lt;i&gt;b&lt;/i&gt;</p>"
    assert render_inline("a <i onclick='x'>b</i>", ALLOW) == "<p>a <i onclick='x'>b</i></p>"


# --------------------------------------------------------------------------
# Links, words, reading time
# --------------------------------------------------------------------------
def test_relative_links_and_images_become_site_absolute() -> None:
    body = (
        "![chart](img/c.png) [a](./other.html) [b](/abs/) [c](https://e.org/x) "
        "[d](#top) [e](mailto:ed@example.org)\n"
    )
    assert html_of(body, folder="/sub/2024/06/") == (
        '<p><img alt="chart" src="/sub/2024/06/img/c.png"> '
        '<a href="/sub/2024/06/other.html">a</a> <a href="/abs/">b</a> '
        '<a href="https://e.org/x">c</a> <a href="#top">d</a> '
        '<a href="mailto:ed@example.org">e</a></p>'
    )


def test_summary_links_become_site_absolute_too() -> None:
    rendered = render("See [the chart](chart.svg).\n", None, "/2024/06/", SANITIZE)
    assert rendered.summary_html == '<p>See <a href="/2024/06/chart.svg">the chart</a>.</p>'


ATTACK = "z href='y' onmouseover='alert(1)'"


@pytest.mark.parametrize("config", [SANITIZE, ESCAPE, ALLOW], ids=lambda c: c.raw_html)
def test_attribute_text_inside_a_value_is_not_a_link(config: MarkdownConfig) -> None:
    """attr_list sets values under every policy, `escape` included; a value holding
    ` src=` or ` href='…'` stays one value, and only the real link is made absolute."""
    body = (
        f'[a](rel/a){{: title="{ATTACK}" }}\n\nPara\n{{: title="x src=" }}\n\n'
        f'![i](i.png){{: title="{ATTACK}" }}\n'
    )
    assert html_of(body, config, folder="/2024/06/") == (
        f'<p><a href="/2024/06/rel/a" title="{ATTACK}">a</a></p>\n'
        '<p title="x src=">Para</p>\n'
        # An image with a title, alone in its paragraph, is a figure: the title is its
        # caption, text and nothing else.
        f'<figure><img alt="i" src="/2024/06/i.png"><figcaption>{ATTACK}</figcaption></figure>'
    )


@pytest.mark.parametrize("config", [SANITIZE, ESCAPE, ALLOW], ids=lambda c: c.raw_html)
def test_links_shown_in_code_are_not_rewritten(config: MarkdownConfig) -> None:
    body = (
        '```\n<a href="rel/x">code</a> <img src="i.png">\n```\n\nInline `<a href=\'rel/y\'>` too.\n'
    )
    html = html_of(body, config, folder="/2024/06/")
    text = html.replace("&quot;", '"')  # how codehilite writes a quote, before the sanitiser
    assert '&lt;a href="rel/x"&gt;' in text and '&lt;img src="i.png"&gt;' in text
    assert "<code>&lt;a href='rel/y'&gt;</code>" in html
    assert "/2024/06/" not in html


def test_raw_links_are_made_site_absolute_under_allow_and_sanitize() -> None:
    body = "<a href='rel/x' title=\"it's\">x</a> <IMG SRC=i.png>\n"
    assert html_of(body, ALLOW, folder="/2024/06/") == (
        '<p><a href="/2024/06/rel/x" title="it\'s">x</a> <img src="/2024/06/i.png"></p>'
    )
    assert html_of(body, SANITIZE, folder="/2024/06/") == (
        '<p><a href="/2024/06/rel/x" title="it\'s">x</a> <img src="/2024/06/i.png"></p>'
    )


def test_word_count_and_reading_minutes() -> None:
    body = "one two three\n\nfour five six seven\n"
    assert render(body, None, "/", SANITIZE).words == 7
    assert render(body, None, "/", SANITIZE).reading_minutes == 1
    slow = MarkdownConfig(words_per_minute=3)
    assert render(body, None, "/", slow).reading_minutes == 3  # ceil(7 / 3)
    assert render("one two three\n", None, "/", slow).reading_minutes == 1
    empty = render("", None, "/", slow)
    assert (empty.words, empty.reading_minutes, empty.html) == (0, 1, "")


def test_entities_count_as_text_not_markup() -> None:
    # An entity is decoded before counting (never "amp"); a lone symbol is no word.
    assert render("fish &amp; chips\n", None, "/", SANITIZE).words == 2
    assert render("caf&eacute; au lait\n", None, "/", SANITIZE).words == 3


# --------------------------------------------------------------------------
# Raw HTML policies
# --------------------------------------------------------------------------
DIRTY = (
    'Text <b onclick="x()">bold</b> <script>alert(1)</script> '
    '<a href="javascript:alert(1)">js</a> <img src="data:image/png;base64,AAA" alt="d"> '
    "<em>open\n"
)


def test_sanitize_strips_scripts_handlers_and_dangerous_urls() -> None:
    assert html_of(DIRTY) == ('<p>Text <b>bold</b>  <a>js</a> <img alt="d"> <em>open</em></p>')


def test_sanitize_closes_unbalanced_tags() -> None:
    assert html_of('<div onmouseover="y()"><span>unclosed\n') == (
        "<div><span>unclosed</span></div>"
    )
    assert clean("<p>a<script>b</script><b>c", SANITIZE) == "<p>a<b>c</b></p>"


def test_sanitize_keeps_what_markdown_itself_makes() -> None:
    html = '<a class="footnote-ref" href="#fn:1" title="t" id="x">1</a>'
    assert clean(html, SANITIZE) == html


@pytest.mark.parametrize("raw_html", ["sanitize", "allow", "escape"])
@pytest.mark.parametrize("highlight", [True, False])
def test_a_fence_info_string_cannot_inject_markup(highlight: bool, raw_html: str) -> None:
    """Not a valid fence, so the backticks make a code span, whose text is escaped."""
    config = MarkdownConfig(raw_html=raw_html, highlight=highlight)
    body = 'Before.\n\n```x"><script>alert(1)</script>\ncode\n```\n\nAfter.\n'
    assert html_of(body, config) == (
        '<p>Before.</p>\n<p><code>x"&gt;&lt;script&gt;alert(1)&lt;/script&gt;\ncode</code></p>\n'
        "<p>After.</p>"
    )


def test_fence_attributes_are_escaped() -> None:
    body = "```{ .python data-x='\"><script>alert(1)</script>' }\ny = 1\n```\n"
    html = html_of(body, MarkdownConfig(raw_html="allow", highlight=False))
    assert html == (
        '<pre><code class="language-python" '
        'data-x="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;">y = 1\n'
        "</code></pre>"
    )


def test_allow_keeps_raw_html_as_written() -> None:
    assert html_of(DIRTY, ALLOW) == (
        '<p>Text <b onclick="x()">bold</b> <script>alert(1)</script> '
        '<a href="javascript:alert(1)">js</a> <img src="data:image/png;base64,AAA" alt="d"> '
        "<em>open</p>"
    )


def test_escape_shows_raw_html_as_text() -> None:
    assert html_of('<div class="x">hi</div>\n\nA <b>b</b>.\n', ESCAPE) == (
        '<p>&lt;div class="x"&gt;hi&lt;/div&gt;</p>\n<p>A &lt;b&gt;b&lt;/b&gt;.</p>'
    )


# --------------------------------------------------------------------------
# Highlight styles
# --------------------------------------------------------------------------
def test_highlight_css_has_the_light_style_and_the_dark_one_for_dark_mode() -> None:
    css = highlight_css(SANITIZE)
    light, dark = css.split("@media (prefers-color-scheme: dark) {\n")
    assert ".highlight { background: #f0f0f0; }\n" in light  # friendly
    assert "#272822" not in light
    assert "  .highlight { background: #272822; color: #F8F8F2 }\n" in dark  # monokai, indented
    assert dark.endswith("\n}\n")
    other = highlight_css(MarkdownConfig(style_light="default", style_dark="native"))
    assert ".highlight { background: #f8f8f8; }\n" in other
    assert "  .highlight { background: #202020; color: #D0D0D0 }\n" in other


def test_the_more_marker_works_under_escape() -> None:
    r = render("One.\n\nTwo.\n\n<!-- more -->\n\nThree.\n", None, "/", ESCAPE)
    assert r.summary_html == "<p>One.</p>\n<p>Two.</p>"
    assert r.html == "<p>One.</p>\n<p>Two.</p>\n\n<p>Three.</p>"


def test_table_alignment_survives_the_sanitiser() -> None:
    html = html_of("| a | b |\n|:--|--:|\n| 1 | 2 |\n")
    assert '<th align="left">a</th>' in html and '<td align="right">2</td>' in html


def test_punctuation_after_markup_is_not_a_word() -> None:
    assert render("*Hello*, world.\n", None, "/", MarkdownConfig()).words == 2


# --------------------------------------------------------------------------
# Languages and typography
# --------------------------------------------------------------------------
def test_non_latin_headings_get_readable_ids() -> None:
    rendered = render(
        "## 市场动态\n\n## يوقّع الاتفاق\n\n## 市场动态\n\nText.\n", None, "/", MarkdownConfig()
    )
    assert [entry.id for entry in rendered.toc] == ["市场动态", "يوقّع-الاتفاق", "市场动态_1"]


def test_cjk_text_is_read_by_the_character() -> None:
    chinese = "上海的渡轮票价从下周起上涨。" * 215  # 3,010 characters, 2,795 of them Han
    rendered = render(chinese, None, "/", MarkdownConfig())
    assert rendered.words == 2795  # each character a word; the full stops are none
    assert rendered.reading_minutes == 9  # 2,795 / (220 × 1.5) a minute
    mixed = render("Ferry fares " * 110 + chinese[:330], None, "/", MarkdownConfig())
    assert (mixed.words, mixed.reading_minutes) == (220 + 307, 2)  # 1 minute + 307 / 330


def test_quotes_and_dashes_are_typographic_except_where_html_is_shown_as_text() -> None:
    text = "\"Fares\" rise -- it's 10 % --- say 'most'...\n"
    assert render(text, None, "/", MarkdownConfig()).html == (
        "<p>“Fares” rise – it’s 10 % — say ‘most’…</p>"
    )
    shown = render(text, None, "/", MarkdownConfig(raw_html="escape")).html
    assert shown == "<p>\"Fares\" rise -- it's 10 % --- say 'most'...</p>"


def test_an_image_with_a_title_alone_in_its_paragraph_is_a_figure() -> None:
    text = (
        '![The night map](map.png "Nine routes run all night")\n\n'
        'Inline ![icon](i.png "An icon") stays.\n\n![No title](n.png)\n'
    )
    assert render(text, None, "/2025/03/", MarkdownConfig()).html == (
        '<figure><img alt="The night map" src="/2025/03/map.png">'
        "<figcaption>Nine routes run all night</figcaption></figure>\n"
        '<p>Inline <img alt="icon" src="/2025/03/i.png" title="An icon"> stays.</p>\n'
        '<p><img alt="No title" src="/2025/03/n.png"></p>'
    )


# URLs that cannot be parsed; scripts in URLs (issue 10)
# --------------------------------------------------------------------------
_NEVER_CLOSED = "a `[` in its host is never closed (an IPv6 host is written [2001:db8::1])"
_URL_HINT = "  hint: correct the address: copy it again from the browser's address bar"


def _article(body: str, summary: str | None = None) -> ArticleMeta:
    return ArticleMeta(
        path="content/a.md",
        title="A",
        date=dt.datetime(2024, 6, 23, tzinfo=dt.UTC),
        updated=None,
        tags=(),
        summary=summary,
        slug="a",
        draft=False,
        source=None,
        authors=(),
        image=None,
        body=body,
        body_line=5,
    )


@pytest.mark.parametrize("config", [SANITIZE, ESCAPE, ALLOW], ids=["sanitize", "escape", "allow"])
def test_a_url_that_cannot_be_parsed_is_a_located_error_and_is_dropped(
    config: MarkdownConfig,
) -> None:
    body = (
        "Intro.\n\nSee [one](https://[::1/x) and ![two](//[::1/y.png).\n\n"
        "[three][r]\n\n[r]: https://ex.org:abc/\n"
    )
    diags = Diagnostics()
    rendered = render_article(_article(body, summary="[four](//[::1/z)"), "/2024/", config, diags)
    assert [d.format() for d in diags.sorted()] == [
        f"content/a.md: error: link `//[::1/z` cannot be read as a URL: {_NEVER_CLOSED}\n"
        f"{_URL_HINT}",
        f"content/a.md:7:11: error: link `https://[::1/x` cannot be read as a URL: "
        f"{_NEVER_CLOSED}\n{_URL_HINT}",
        f"content/a.md:7:38: error: image `//[::1/y.png` cannot be read as a URL: "
        f"{_NEVER_CLOSED}\n{_URL_HINT}",
        "content/a.md:11:6: error: link `https://ex.org:abc/` cannot be read as a URL: its port "
        f"`abc` is not a number\n{_URL_HINT}",
    ]
    assert rendered.html == (
        '<p>Intro.</p>\n<p>See <a>one</a> and <img alt="two">.</p>\n<p><a>three</a></p>'
    )
    assert rendered.summary_html == "<p><a>four</a></p>"


@pytest.mark.parametrize("config", [SANITIZE, ALLOW], ids=["sanitize", "allow"])
def test_raw_html_with_a_url_that_cannot_be_parsed_loses_the_attribute(
    config: MarkdownConfig,
) -> None:
    problems: list[tuple[str, str, str]] = []
    html = render(
        '<a href="//[::1/x">x</a> <img src="//[::1/y" alt="y">\n', None, "/", config, problems
    ).html
    assert html == '<p><a>x</a> <img alt="y"></p>'
    assert problems == [
        ("//[::1/x", f"link `//[::1/x` cannot be read as a URL: {_NEVER_CLOSED}", _URL_HINT[8:]),
        ("//[::1/y", f"image `//[::1/y` cannot be read as a URL: {_NEVER_CLOSED}", _URL_HINT[8:]),
    ]


SCRIPT_URLS = [
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    " javascript:alert(1)",
    "java&#x09;script:alert(1)",
    "&#106;avascript:alert(1)",
    "vbscript:msgbox(1)",
    "data:text/html;base64,PHNjcmlwdD4=",
    "file:///etc/passwd",
]


@pytest.mark.parametrize("url", [u for u in SCRIPT_URLS if not u.startswith(" ")])
@pytest.mark.parametrize("config", [SANITIZE, ESCAPE], ids=["sanitize", "escape"])
def test_script_urls_in_markdown_links_never_reach_the_page(
    url: str, config: MarkdownConfig
) -> None:
    html = html_of(f"[a](<{url}>) ![b](<{url}>) [c][r]\n\n[r]: <{url}>\n", config)
    assert html == '<p><a>a</a> <img alt="b"> <a>c</a></p>'


@pytest.mark.parametrize("url", SCRIPT_URLS)
def test_script_urls_in_raw_html_are_dropped_or_shown_as_text(url: str) -> None:
    raw = f'<a href="{url}">a</a> <img src="{url}" alt="b"> <q cite="{url}">c</q>\n'
    assert html_of(raw) == '<p><a>a</a> <img alt="b"> <q>c</q></p>'
    assert "<a" not in html_of(raw, ESCAPE).replace("&lt;a", "")


def test_allow_keeps_script_urls_as_documented_in_security_md() -> None:
    """`allow` is for trusted authors only: docs/security.md says it publishes scripts."""
    assert html_of("[a](javascript:alert(1))\n", ALLOW) == (
        '<p><a href="javascript:alert(1)">a</a></p>'
    )


@pytest.mark.parametrize("config", [SANITIZE, ESCAPE, ALLOW], ids=["sanitize", "escape", "allow"])
def test_character_references_to_invisible_characters_are_located_errors(
    config: MarkdownConfig,
) -> None:
    body = "Fine &#233; &#9;.\n\nBad&#27;[2J &#xFFFE; &#128; &#0;\n\n`&#27;` is code.\n"
    diags = Diagnostics()
    rendered = render_article(_article(body), "/", config, diags)
    assert [d.format() for d in diags.sorted()] == [
        "content/a.md:7:4: error: character reference `&#27;` writes control character U+001B "
        "(ESC)\n  hint: delete it: the character is invisible and feeds reject it",
        "content/a.md:7:13: error: character reference `&#xFFFE;` writes Unicode non-character "
        "U+FFFE\n  hint: delete it: the character is invisible and feeds reject it",
        "content/a.md:7:22: error: character reference `&#128;` writes control character U+0080 "
        "(a C1 control)\n  hint: write `€` itself: browsers show &#128; as `€`, feed readers as "
        "an invisible control character",
        "content/a.md:7:29: error: character reference `&#0;` names no character\n"
        "  hint: delete it",
    ]
    text = rendered.html.replace("&#xFFFD;", "\ufffd")
    assert "Bad\ufffd[2J \ufffd \ufffd \ufffd" in text
    assert not any(0x7F <= ord(c) <= 0x9F or ord(c) < 0x09 or c == "\x1b" for c in text)


def test_a_plain_summary_is_its_own_paragraph_and_markup_still_renders() -> None:
    # Taken as it is: letters, digits, typographic quotes and dashes, single dots.
    assert render_inline(" Über 2% — “sharp” ’26 rise. ", SANITIZE) == (
        "<p>Über 2% — “sharp” ’26 rise.</p>"
    )
    # Each of these changes through smarty or Markdown, so it takes the long way.
    assert render_inline("It's -- up...", SANITIZE) == "<p>It’s – up…</p>"
    assert render_inline("Big *news*", SANITIZE) == "<p>Big <em>news</em></p>"
    assert render_inline("a\u00a0b & c", SANITIZE) == "<p>a&nbsp;b &amp; c</p>"
