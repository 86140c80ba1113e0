"""No feed carries active content, whatever the body: the property behind absolutize.

Each example reads a real site (one article, its tags, an edition with an
editor's note) as a build does and makes its feeds. The Markdown is made of
attribute-like text, raw HTML, attr_list syntax, code and links with every
kind of URL, under the two policies that sanitise (`sanitize`, `escape`).
Every piece of HTML in every feed (RSS description and content:encoded,
Atom summary and content, JSON Feed content_html, the tag feed, the
editions feed) is parsed by html5lib, as a feed reader would, and must hold
no script, no event handler and no URL a reader could follow that is
relative or has a scheme other than http(s), mailto or tel.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

import html5lib
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from builder.config import load_config
from builder.core.errors import Diagnostics
from builder.core.models import BuildOptions
from builder.core.paths import SiteLayout
from builder.pipeline import read_model
from builder.render import feeds
from builder.render.engine import Job

NOW = dt.datetime(2024, 6, 20, tzinfo=dt.UTC)
EXAMPLES = settings(
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "120")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# What a feed may link to: the web, and the mail and phone links the sanitiser keeps.
SCHEMES = {"http", "https", "mailto", "tel"}
URL_ATTRS = {"href", "src", "srcset", "poster", "action", "formaction"}  # xlink:href is href
ACTIVE = {"script", "iframe", "frame", "object", "embed", "base", "meta", "link", "style"}

URLS = st.sampled_from(
    [
        "rel/x",
        "../up",
        "/root",
        "#frag",
        "?q=1&b=2",
        "//cdn.example/x.js",
        "https://ex.org/a",
        "mailto:ed@example.org",
        "tel:+123",
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        "java\tscript:alert(1)",
        "&#106;avascript:alert(1)",
        " javascript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:x",
        "x onmouseover=alert(1)",
        'x" onmouseover="alert(1)',
        "x' onmouseover='alert(1)",
        "",
        "chart.svg",
    ]
)
ATTRISH = st.sampled_from(
    [
        ' href="x" onmouseover="alert(1)"',
        " href='y' onmouseover='alert(1)'",
        " src=",
        ' src="',
        "href=",
        "onerror=alert(1)",
        '"',
        "'",
        "<",
        ">",
        "&",
        "&quot;",
        "&#34;",
        "=",
        " ",
        "\n",
        "{: title=\"z href='y' onmouseover='alert(1)'\" }",
        '{: onclick="alert(1)" }',
        '{: .c #i title="t" }',
        "{: href='javascript:alert(1)' }",
        "`",
        "```",
        "*",
        "[",
        "]",
        "(",
        ")",
        "!",
        "<!--",
        "-->",
        "<!-- more -->",
    ]
)
RAW = st.sampled_from(
    [
        "<a title=' href=\"x\" onmouseover=\"alert(1)\"' href='rel'>a</a>",
        "<img alt=\"x href='y' onerror='alert(1)'\" src=z>",
        "<script>alert(1)</script>",
        '<svg onload=alert(1)><a xlink:href="javascript:alert(1)">s</a></svg>',
        "<style>*{}</style>",
        "<iframe src=x></iframe>",
        "<math><mi href=javascript:x>m</mi></math>",
        '<a href="javascript&colon;alert(1)">c</a>',
        "<form action=x><button formaction=y>b",
        "<video poster=p.png src=v.mp4></video>",
        '<img srcset="a.png 1x, javascript:x 2x">',
        "<p title=\"a src='b' onclick='c'\">p</p>",
        "<textarea><a href=x onclick=y></textarea>",
        '<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>',
        "<base href=//evil.example/>",
        "<meta http-equiv=refresh content='0;url=javascript:x'>",
        "<object data=x></object>",
        "<![CDATA[<a href=x onclick=y>]]>",
        "<a href=x>unclosed",
    ]
)

LINK_ATTRS = ["", "{: title=\"a href='b' onclick='c'\" }", '{: href="javascript:x" }']


@st.composite
def pieces(draw: st.DrawFn) -> str:
    """A run of Markdown made of the parts above, links and images included."""
    parts = []
    for _ in range(draw(st.integers(0, 12))):
        kind = draw(st.integers(0, 5))
        if kind == 0:
            parts.append(draw(ATTRISH))
        elif kind == 1:
            parts.append(draw(RAW))
        elif kind == 2:
            bang, after = draw(st.sampled_from(["", "!"])), draw(st.sampled_from(LINK_ATTRS))
            parts.append(f"{bang}[t{draw(ATTRISH)}]({draw(URLS)}){after}")
        elif kind == 3:
            parts.append(f"```\n{draw(RAW)}{draw(ATTRISH)}\n```\n")
        elif kind == 4:
            parts.append(f'<a href="{draw(URLS)}">r</a>')
        else:
            parts.append(draw(st.text(alphabet="<>\"'=& /:;#x\n", max_size=12)))
        parts.append(draw(st.sampled_from(["", " ", "\n", "\n\n"])))
    return "".join(parts)


SITE = """title: "Fuzz"
base_url: "https://example.org/news/"
timezone: UTC
markdown:
  raw_html: {mode}
feeds:
  tags:
    full_content: true
"""


def build_feeds(mode: str, body: str, summary: str | None, note: str) -> dict[str, bytes] | None:
    """The feed files of the site, by output path: its model read as a build reads it,
    its feeds made by the feed table, and nothing else (no theme, nothing written).
    None if the build would refuse the site (an error in the article)."""
    meta = {"title": "Story", "date": "2024-06-12", "tags": ["water"]}
    if summary is not None:
        meta["summary"] = summary
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "site.yaml").write_text(SITE.format(mode=mode), "utf-8")
        article = root / "content" / "2024" / "06" / "story.md"
        article.parent.mkdir(parents=True)
        article.write_text(f"---\n{json.dumps(meta)}\n---\n{body}\n", "utf-8")
        editions = root / "content" / "editions"
        editions.mkdir()
        (editions / "2024-w24.md").write_text(f'---\n{{"title": "Note"}}\n---\n{note}\n', "utf-8")
        config = load_config(root / "site.yaml")
        diags = Diagnostics()
        site = read_model(config, BuildOptions(jobs=1, now=NOW), diags).site
    if any(d.severity == "error" for d in diags.items):
        return None
    assert site is not None and len(site.articles) == 1
    job = Job(site, SiteLayout.of(config), None, None, "")  # type: ignore[arg-type]
    return {spec.out_path: spec.make() for spec in feeds.specs(job)}


def feed_html(feeds: dict[str, bytes]) -> list[tuple[str, str]]:
    """(where, html) of every piece of HTML the feeds hold."""
    found = []
    rss_parts = ("description", "{http://purl.org/rss/1.0/modules/content/}encoded")
    for name in ("feed.xml", "tags/water/feed.xml", "editions/feed.xml"):
        for item in ET.fromstring(feeds[name]).iter("item"):
            found += [(f"{name} {part}", item.findtext(part) or "") for part in rss_parts]
    atom = "{http://www.w3.org/2005/Atom}"
    for entry in ET.fromstring(feeds["atom.xml"]).iter(f"{atom}entry"):
        found += [
            (f"atom.xml {part}", entry.findtext(f"{atom}{part}") or "")
            for part in ("summary", "content")
        ]
    for item in json.loads(feeds["feed.json"])["items"]:
        found.append(("feed.json content_html", item["content_html"]))
    assert len(found) == 9  # one article, one edition: every place was looked at
    return found


def local(name: str) -> str:
    return name.rsplit("}", 1)[-1]


def problems(html: str) -> list[str]:
    """What a feed reader rendering `html` would find active or unresolvable."""
    found = []
    for element in html5lib.parseFragment(html, namespaceHTMLElements=False).iter():
        if not isinstance(element.tag, str):
            continue  # a comment
        tag = local(element.tag)
        if tag in ACTIVE:
            found.append(f"<{tag}> element")
        for raw_name, value in element.attrib.items():
            name = local(raw_name)
            if name.startswith("on"):
                found.append(f"{tag} {name}= handler")
            elif name in URL_ATTRS:
                urls = (
                    [c.split()[0] for c in value.split(",") if c.split()]
                    if name == "srcset"
                    else [value]
                )
                found += [f"{tag} {name}={url!r}" for url in urls if scheme(url) not in SCHEMES]
    return found


def scheme(url: str) -> str:
    """The scheme a browser reads in `url` ('' for a relative URL)."""
    cleaned = url.strip("".join(map(chr, range(0x21)))).translate({9: None, 10: None, 13: None})
    head, colon, _ = cleaned.partition(":")
    valid = (
        head[:1].isascii()
        and head[:1].isalpha()
        and all(c.isascii() and (c.isalnum() or c in "+-.") for c in head)
    )
    return head.lower() if colon and valid else ""


@EXAMPLES
@given(st.sampled_from(["sanitize", "escape"]), pieces(), st.none() | pieces(), pieces())
def test_no_feed_carries_script_handlers_or_foreign_urls(
    mode: str, body: str, summary: str | None, note: str
) -> None:
    feeds = build_feeds(mode, body, summary, note)
    assume(feeds is not None)  # a site the build refuses publishes no feed
    assert feeds is not None
    for where, html in feed_html(feeds):
        assert not problems(html), (where, html)


@pytest.mark.parametrize("mode", ["sanitize", "escape"])
def test_the_attacks_that_a_regex_let_through(mode: str) -> None:
    """The reported cases: a value holding ` href='…' onmouseover='…'` (raw HTML, and
    attr_list, which `escape` keeps), and `href="…"` shown in a code sample."""
    attack = "z href='y' onmouseover='alert(1)'"
    body = (
        f'<img alt="{attack}" src="a.png">\n\n[l](rel/a){{: title="{attack}" }}\n\n'
        f'Para\n{{: title="{attack}" }}\n\n```\n<a href="rel/x">code</a>\n```\n'
    )
    feeds = build_feeds(mode, body, None, body)
    assert feeds is not None
    for where, html in feed_html(feeds):
        assert not problems(html), (where, html)
        if "content" in where and "editions" not in where:
            assert 'href="https://example.org/news/2024/06/rel/a"' in html
            assert (
                "&lt;a href=&quot;rel/x&quot;&gt;" in html or '&lt;a href="rel/x"&gt;' in html
            )  # the sample, untouched
