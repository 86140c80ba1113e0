"""The default theme's pages, and theme lookup (site templates → theme → parents → default).

Pages are read from site-basic built once per session and queried through
html5lib's tree, so the assertions are about elements and attributes,
not about how the HTML happens to be laid out.
"""

from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path
from typing import Any

import html5lib
import pytest

from builder.config import load_config
from builder.core.errors import Diagnostics
from builder.render import outputs
from builder.render.theme import load_theme

BASE = "https://briefing.example.net/"
ARTICLE = "2025/03/council-approves-king-street-bike-lanes/index.html"


def parse(out: Path, page: str) -> Any:
    return html5lib.parse((out / page).read_bytes(), namespaceHTMLElements=False)


def text(element: Any) -> str:
    """The text a reader sees, whitespace collapsed as a browser would."""
    return " ".join("".join(element.itertext()).split())


def meta(doc: Any, key: str) -> list[str]:
    return [m.get("content") for m in doc.iter("meta") if key in (m.get("name"), m.get("property"))]


def links(doc: Any, rel: str) -> list[Any]:
    return [link for link in doc.iter("link") if link.get("rel") == rel]


def pages(out: Path) -> list[str]:
    """The site's pages: the editions' email files are not (tests/e2e/test_editions_week.py)."""
    return sorted(
        p.relative_to(out).as_posix() for p in out.rglob("*.html") if p.name != "email.html"
    )


# --------------------------------------------------------------------------
# Every page
# --------------------------------------------------------------------------
def test_every_page_has_navigation_meta_and_feed_links(basic_site: Any) -> None:
    for page in pages(basic_site.out):
        doc = parse(basic_site.out, page)
        nav = doc.find(".//nav[@aria-label='Site']")
        assert [text(a) for a in nav.iter("a")] == [
            "Latest",
            "Editions",
            "Archive",
            "Tags",
            "About this briefing",
        ], page
        assert doc.find(".//main[@id='main']") is not None
        assert doc.find(".//a[@class='skip']").get("href") == "#main"
        assert doc.tag == "html" and doc.get("lang") == "en-CA"
        assert meta(doc, "viewport") == ["width=device-width, initial-scale=1"]
        assert meta(doc, "twitter:card") and meta(doc, "og:title") and meta(doc, "og:url")
        feeds = {link.get("href") for link in links(doc, "alternate")}
        assert {BASE + "feed.xml", BASE + "atom.xml", BASE + "feed.json"} <= feeds, page
        if page in ("404.html", "search/index.html"):  # nothing a search engine should list
            assert meta(doc, "robots") == ["noindex"] and not links(doc, "canonical")
            continue
        canonical = links(doc, "canonical")[0].get("href")
        expected = BASE + page.removesuffix("index.html")
        assert canonical == expected.replace("québec", "qu%C3%A9bec"), page
        assert meta(doc, "og:url") == [canonical]
        assert meta(doc, "description"), page


def test_current_page_is_marked_in_the_navigation(basic_site: Any) -> None:
    doc = parse(basic_site.out, "editions/index.html")
    current = [a for a in doc.iter("a") if a.get("aria-current") == "page"]
    assert [text(a) for a in current] == ["Editions"]


def test_no_words_run_together(basic_site: Any) -> None:
    """Inline elements next to each other are separated by a space or a separator."""
    for page in pages(basic_site.out):
        html = (basic_site.out / page).read_text("utf-8")
        html = re.sub(r"<pre\b.*?</pre>", "", html, flags=re.S)  # highlighted code
        assert not re.search(r"</(a|time|span|strong|em)><(a|time|span)\b", html), page


# --------------------------------------------------------------------------
# Article pages
# --------------------------------------------------------------------------
def test_article_page_meta(basic_site: Any) -> None:
    doc = parse(basic_site.out, ARTICLE)
    assert meta(doc, "og:type") == ["article"]
    assert meta(doc, "article:published_time") == ["2025-03-05T18:40:00-05:00"]
    assert meta(doc, "article:tag") == ["Cities", "Transport"]
    assert meta(doc, "description") == [
        "City council voted 14 to 9 to build protected bike lanes along a 3-kilometre "
        "stretch of King Street, replacing one lane of parking on each side."
    ]
    script = doc.find(".//script[@type='application/ld+json']")
    assert json.loads(script.text)["@type"] == "NewsArticle"


def test_article_page_body(basic_site: Any) -> None:
    doc = parse(basic_site.out, ARTICLE)
    article = doc.find(".//article[@class='article']")
    assert text(article.find(".//h1")) == "Council approves protected bike lanes on King Street"
    assert (
        text(article.find(".//p[@class='byline']"))
        == "5 March 2025 · 1 min read · curated by Northwind desk"
    )
    assert article.find(".//p[@class='byline']/time").get("datetime") == "2025-03-05T18:40:00-05:00"
    # The original comes first after the headline: publication, writer, date, the way there.
    head = article.find(".//header[@class='article-head']")
    assert [child.get("class") for child in head][1:3] == [None, "original"]
    source = head.find(".//div[@class='original']")
    assert text(source.find("p[@class='credit']")) == (
        "Lakeshore Ledger · by Priya Raman · 5 March 2025"
    )
    link = source.find("p[@class='read-original']/a")
    assert text(link) == "Read the original at Lakeshore Ledger →"
    assert link.get("rel") == "noopener"
    assert source.find(".//time").get("datetime") == "2025-03-05"
    edition = article.find(".//p[@class='edition-link']/a")
    assert (edition.get("href"), text(edition)) == ("/editions/2025-w10/", "Week 10, 2025")
    related = doc.find(".//aside[@class='related']")
    model = next(a for a in basic_site.result.site.articles if a.out_path == ARTICLE)
    assert [a.get("href") for a in related.iter("a")] == [link.url for link in model.related]
    assert len(model.related) == 3  # site.yaml: related: 3
    nav = doc.find(".//nav[@class='prevnext']")
    assert [(a.get("rel"), text(a)) for a in nav.iter("a")] == [
        ("prev", "← Older Ferry operators trial battery-electric crossings"),
        ("next", "Newer → Lake records show the spring thaw arriving earlier"),
    ]


def test_updated_articles_say_so(basic_site: Any) -> None:
    doc = parse(basic_site.out, "2025/03/king-street-construction-schedule/index.html")
    assert text(doc.find(".//p[@class='updated']")) == "Updated 21 March 2025"
    assert meta(doc, "article:modified_time") == ["2025-03-21T10:30:00-04:00"]


def test_article_image_becomes_the_sharing_image(basic_site: Any) -> None:
    doc = parse(basic_site.out, "2025/03/lake-records-show-earlier-thaw/index.html")
    assert meta(doc, "og:image") == [BASE + "2025/03/thaw-chart.svg"]
    assert meta(doc, "twitter:card") == ["summary_large_image"]
    assert meta(doc, "article:author") == ["Northwind desk", "Léa Gagnon"]


def test_pages_are_not_articles(basic_site: Any) -> None:
    doc = parse(basic_site.out, "about/index.html")
    assert meta(doc, "og:type") == ["website"]
    assert doc.find(".//script[@type='application/ld+json']") is None
    assert doc.find(".//nav[@class='prevnext']") is None


def test_titles_are_escaped(basic_site: Any) -> None:
    site = basic_site.result.site
    article = site.articles[0]
    hostile = replace(article, meta=replace(article.meta, title='<script>alert("x")</script>'))
    site = replace(site, articles=(hostile,) + site.articles[1:])
    theme = load_theme(site.config, Diagnostics())
    spec = next(s for s in outputs.specs(site, theme) if s.out_path == article.out_path)
    html = spec.make().decode()
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html


# --------------------------------------------------------------------------
# Lists
# --------------------------------------------------------------------------
def test_front_page_shows_the_latest_edition_and_paginates(basic_site: Any) -> None:
    doc = parse(basic_site.out, "index.html")
    banner = doc.find(".//aside[@class='edition-banner']")
    assert text(banner) == "Latest edition Week 12, 2025 17–23 March 2025 · 2 articles"
    assert len(doc.findall(".//article[@class='card']")) == 3
    assert [
        (a.get("rel"), a.get("href")) for a in doc.find(".//nav[@class='pager']").iter("a")
    ] == [("next", "/page/2/")]
    second = parse(basic_site.out, "page/2/index.html")
    assert second.find(".//aside[@class='edition-banner']") is None
    assert text(second.find(".//nav[@class='pager']")) == "← Newer Page 2 of 2"


def test_tag_pages_paginate(basic_site: Any) -> None:
    first = parse(basic_site.out, "tags/transport/index.html")
    assert text(first.find(".//h1")) == "Transport"
    assert text(first.find(".//p[@class='lede']")) == "4 articles · page 1 of 2 · feed for this tag"
    assert [a.get("href") for a in first.find(".//nav[@class='pager']").iter("a")] == [
        "/tags/transport/page/2/"
    ]
    second = parse(basic_site.out, "tags/transport/page/2/index.html")
    assert [text(h) for h in second.iter("h2") if h.get("class") == "card-title"] == [
        "Ferry operators trial battery-electric crossings"
    ]
    assert links(second, "canonical")[0].get("href") == BASE + "tags/transport/page/2/"


def test_tags_index_counts(basic_site: Any) -> None:
    doc = parse(basic_site.out, "tags/index.html")
    assert [text(li) for li in doc.find(".//ul[@class='tag-cloud']")] == [
        "Cities 3",
        "Data 1",
        "Québec 1",
        "Science 1",
        "Transport 4",
        "Water 2",
    ]


def test_archive_year_and_month_pages(basic_site: Any) -> None:
    archive = parse(basic_site.out, "archive/index.html")
    assert text(archive.find(".//section[@class='archive-year']")) == "2025 6 articles March 2025 6"
    year = parse(basic_site.out, "2025/index.html")
    assert [text(h) for h in year.iter("h2")] == ["March 2025"]
    month = parse(basic_site.out, "2025/03/index.html")
    rows = [text(li) for li in month.find(".//ul[@class='list']")]
    # The heading names the month: each row gives the day alone.
    assert rows[0] == "20 King Street bike lanes: the construction schedule via Lakeshore Ledger"
    assert rows[2] == "13 Data note: counting riders with open turnstile data"
    year_rows = [text(li) for li in year.find(".//ul[@class='list']")]
    assert year_rows[0] == rows[0]
    assert len(rows) == 6
    assert [a.get("href") for a in month.find(".//p[@class='kicker']").iter("a")] == [
        "/archive/",
        "/2025/",
    ]


def test_editions_index(basic_site: Any) -> None:
    doc = parse(basic_site.out, "editions/index.html")
    items = doc.find(".//ul[@class='edition-list']")
    assert [text(li) for li in items] == [
        "Week 12, 2025 2 articles 17–23 March 2025 King Street bike lanes: the construction "
        "schedule Transit agency publishes a new night bus map",
        "Week 11, 2025 2 articles 10–16 March 2025 Thaw, turnstiles and the night bus "
        "Lake records show the spring thaw arriving earlier Data note: counting riders with "
        "open turnstile data",
        "Week 10, 2025 2 articles 3–9 March 2025 Council approves protected bike lanes on "
        "King Street Ferry operators trial battery-electric crossings",
    ]
    assert items.find(".//time").get("datetime") == "2025-W12"
    assert "one week" in text(doc.find(".//p[@class='lede']"))
    assert BASE + "editions/feed.xml" in {x.get("href") for x in links(doc, "alternate")}


def test_edition_page(basic_site: Any) -> None:
    doc = parse(basic_site.out, "editions/2025-w11/index.html")
    assert text(doc.find(".//h1")) == "Week 11, 2025"
    assert text(doc.find(".//p[@class='lede']")) == "10–16 March 2025 · 2 articles"
    note = doc.find(".//section[@class='editor-note']")
    assert text(note.find("h2")) == "Thaw, turnstiles and the night bus"
    assert "a century of lake ice" in text(note)
    jump = doc.find(".//nav[@class='in-edition']")
    assert [a.get("href") for a in jump.iter("a")] == ["#group-science", "#group-transport"]
    groups = [s for s in doc.iter("section") if s.get("class") == "edition-group"]
    assert [(s.get("id"), text(s.find("h2"))) for s in groups] == [
        ("group-science", "Science"),
        ("group-transport", "Transport"),
    ]
    assert [text(h) for h in groups[0].iter("h3")] == [
        "Lake records show the spring thaw arriving earlier"
    ]
    assert "Field Notes Science Read the original at Field Notes Science →" in text(groups[0])
    nav = doc.find(".//nav[@class='prevnext']")
    assert [(a.get("rel"), a.get("href")) for a in nav.iter("a")] == [
        ("prev", "/editions/2025-w10/"),
        ("next", "/editions/2025-w12/"),
    ]
    assert meta(doc, "og:title") == ["Week 11, 2025: Thaw, turnstiles and the night bus"]


# --------------------------------------------------------------------------
# Theme lookup
# --------------------------------------------------------------------------
def _site(tmp_path: Path, theme: str = "default") -> Path:
    (tmp_path / "content").mkdir()
    (tmp_path / "site.yaml").write_text(
        f'title: "T"\nbase_url: "https://example.org/"\ntheme: {theme}\n', "utf-8"
    )
    return tmp_path / "site.yaml"


def test_site_templates_override_the_theme(tmp_path: Path) -> None:
    config = load_config(_site(tmp_path))
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "404.html").write_text("mine\n", "utf-8")
    theme = load_theme(config, Diagnostics())
    assert theme.env.get_template("404.html").render() == "mine\n"
    assert theme.origins["404.html"] == "templates/404.html"
    assert theme.origins["base.html"] == "<broadsheet>/themes/default/templates/base.html"


def test_templates_compiled_in_an_earlier_build_are_reused_until_edited(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import jinja2

    from builder.render.theme import Compiled

    config = load_config(_site(tmp_path))
    (tmp_path / "templates").mkdir()
    mine = tmp_path / "templates" / "404.html"
    mine.write_text("first\n", "utf-8")
    compiled = Compiled()
    first = load_theme(config, Diagnostics(), compiled=compiled)
    assert first is not None and first.env.get_template("404.html").render() == "first\n"

    compiles: list[str] = []
    real = jinja2.Environment.compile

    def counted(self: jinja2.Environment, source: str, name: str | None = None, *a: Any) -> Any:
        compiles.append(name or "")
        return real(self, source, name, *a)

    monkeypatch.setattr(jinja2.Environment, "compile", counted)
    again = load_theme(config, Diagnostics(), compiled=compiled)
    assert again is not None and again.env.get_template("404.html").render() == "first\n"
    assert compiles == []  # every template came from the earlier build's compilation
    mine.write_text("second\n", "utf-8")
    edited = load_theme(config, Diagnostics(), compiled=compiled)
    assert edited is not None and edited.env.get_template("404.html").render() == "second\n"
    assert compiles == ["404.html"]  # only the edited one compiled again


def test_a_theme_extends_its_parent_and_default(tmp_path: Path) -> None:
    config = load_config(_site(tmp_path, "child"))
    for name, parent in (("child", "parent"), ("parent", None)):
        folder = tmp_path / "themes" / name
        (folder / "templates").mkdir(parents=True)
        (folder / "static").mkdir()
        if parent:
            (folder / "theme.yaml").write_text(f"extends: {parent}\n", "utf-8")
        (folder / "static" / "style.css").write_text(f"/* {name} */\n", "utf-8")
    (tmp_path / "themes/parent/templates/tags.html").write_text(
        '{% extends "base.html" %}{% block main %}parent tags{% endblock %}', "utf-8"
    )
    (tmp_path / "themes/parent/static/extra.css").write_text("/* extra */\n", "utf-8")
    diags = Diagnostics()
    theme = load_theme(config, diags)
    assert diags.items == []
    assert theme.origins["tags.html"] == "themes/parent/templates/tags.html"
    assert theme.origins["article.html"].endswith("themes/default/templates/article.html")
    statics = {rel: path for rel, path in theme.statics}
    assert statics["static/style.css"] == tmp_path / "themes/child/static/style.css"
    assert statics["static/extra.css"] == tmp_path / "themes/parent/static/extra.css"


def test_unknown_theme_and_loops_are_reported(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)  # the config path is shown relative to the current folder
    diags = Diagnostics()
    assert load_theme(load_config(_site(tmp_path, "missing")), diags) is None
    assert [d.format() for d in diags.items] == [
        "site.yaml: error: theme `missing` not found\n"
        "  hint: create themes/missing/ or use `theme: default`"
    ]


@pytest.mark.parametrize("bad", ["{% block main %}", "{{ page.title "])
def test_template_syntax_errors_name_the_file(tmp_path: Path, bad: str) -> None:
    config = load_config(_site(tmp_path))
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "tags.html").write_text("ok\n" + bad + "\n", "utf-8")
    diags = Diagnostics()
    assert load_theme(config, diags) is None
    assert [d.path for d in diags.items] == ["templates/tags.html"]
    assert diags.items[0].message.startswith("template syntax error:")


def test_an_unchanged_theme_is_not_compiled_again(tmp_path: Path) -> None:
    config = load_config(_site(tmp_path))
    memo: dict = {}
    first = load_theme(config, Diagnostics(), memo)
    assert first is not None and memo["fingerprints"] == first.fingerprints
    again = load_theme(config, Diagnostics(), memo)
    assert again is not None and again.fingerprints == first.fingerprints
    assert not again.env.cache, "templates compiled although the theme did not change"
    # A changed template is compiled (and checked) again, and its fingerprint moves.
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "tags.html").write_text("{% if %}\n", "utf-8")
    diags = Diagnostics()
    assert load_theme(config, diags, memo) is None
    assert [d.path for d in diags.items] == ["templates/tags.html"]
