"""What readers' software sees is valid: feeds, HTML, and no requests to other hosts.

Every check runs against site-basic built twice, at the host root and under
a sub-path base_url, with real validators: feedparser for every feed, the
RFC 4287 RELAX NG schema (tests/fixtures/schema/atom.rng) through lxml for
Atom, and html5lib's strict parser for every HTML page.
"""

from __future__ import annotations

import email.utils
import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import feedparser
import html5lib
import pytest
from lxml import etree

SCHEMA = Path(__file__).resolve().parent.parent / "fixtures" / "schema" / "atom.rng"
ATOM = "{http://www.w3.org/2005/Atom}"
RFC3339 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)$")
RFC822 = re.compile(
    r"^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d\d (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|"
    r"Sep|Oct|Nov|Dec) \d{4} \d\d:\d\d:\d\d [+-]\d{4}$"
)
DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
HOST = "briefing.example.net"


@pytest.fixture(scope="module", params=["root", "subpath"])
def built(request: pytest.FixtureRequest) -> tuple[Any, str]:
    """(built site, its base_url): every test here runs at both base URLs."""
    if request.param == "root":
        return request.getfixturevalue("basic_site"), f"https://{HOST}/"
    return request.getfixturevalue("basic_site_subpath"), f"https://{HOST}/digest/"


def _feeds(out: Path) -> list[Path]:
    found = [out / "feed.xml", out / "atom.xml", out / "feed.json", out / "editions/feed.xml"]
    found += sorted((out / "tags").glob("*/feed.xml"))
    return found


# --------------------------------------------------------------------------
# Feeds
# --------------------------------------------------------------------------
def test_every_xml_feed_parses_in_feedparser_without_bozo(built: tuple[Any, str]) -> None:
    site, _ = built
    feeds = _feeds(site.out)
    assert len(feeds) == 10  # rss, atom, json, editions, six tags
    for path in feeds:
        if path.suffix == ".json":
            continue
        parsed = feedparser.parse(path.read_bytes())
        assert not parsed.bozo, f"{path}: {parsed.get('bozo_exception')}"
        assert parsed.entries, path
        assert parsed.version == ("atom10" if path.name == "atom.xml" else "rss20"), path


def test_json_feed_follows_the_json_feed_1_1_spec(built: tuple[Any, str]) -> None:
    """feedparser 6.0 (the current release) reads only XML feeds, so JSON Feed is checked
    field by field against the JSON Feed 1.1 spec: known keys, types, required fields."""
    site, _ = built
    feed = json.loads((site.out / "feed.json").read_text("utf-8"))
    assert json_feed_problems(feed) == []


def test_json_feed_checker_finds_problems() -> None:
    bad = {
        "version": "https://jsonfeed.org/version/1",
        "title": 3,
        "colour": "red",
        "items": [
            {"id": 7, "url": "/relative/"},
            {"id": "x", "content_html": "<p>", "date_published": "2025-03-01"},
        ],
    }
    assert json_feed_problems(bad) == [
        "version is 'https://jsonfeed.org/version/1'",
        "title must be str",
        "unknown key colour",
        "items[0].id must be str",
        "items[0].url is not absolute: /relative/",
        "items[0] has neither content_html nor content_text",
        "items[1].date_published is not RFC 3339: 2025-03-01",
    ]


_TOP = {
    "version": str,
    "title": str,
    "home_page_url": str,
    "feed_url": str,
    "description": str,
    "user_comment": str,
    "next_url": str,
    "icon": str,
    "favicon": str,
    "authors": list,
    "language": str,
    "expired": bool,
    "hubs": list,
    "items": list,
}
_ITEM = {
    "id": str,
    "url": str,
    "external_url": str,
    "title": str,
    "content_html": str,
    "content_text": str,
    "summary": str,
    "image": str,
    "banner_image": str,
    "date_published": str,
    "date_modified": str,
    "authors": list,
    "tags": list,
    "language": str,
    "attachments": list,
}
_URL_KEYS = {
    "home_page_url",
    "feed_url",
    "next_url",
    "icon",
    "favicon",
    "url",
    "external_url",
    "image",
    "banner_image",
}


def _check(where: str, data: dict, known: dict[str, type]) -> list[str]:
    problems = []
    for key, value in data.items():
        if key not in known:
            problems.append(f"unknown key {where}{key}")
        elif not isinstance(value, known[key]):
            problems.append(f"{where}{key} must be {known[key].__name__}")
        elif key in _URL_KEYS and not urlsplit(value).netloc:
            problems.append(f"{where}{key} is not absolute: {value}")
        elif key.startswith("date_") and not RFC3339.match(value):
            problems.append(f"{where}{key} is not RFC 3339: {value}")
    return problems


def json_feed_problems(feed: dict) -> list[str]:
    """Everything in a JSON Feed document that the JSON Feed 1.1 spec does not allow."""
    problems = []
    if feed.get("version") != "https://jsonfeed.org/version/1.1":
        problems.append(f"version is {feed.get('version')!r}")
    problems += _check("", {k: v for k, v in feed.items() if k != "version"}, _TOP)
    if "title" not in feed or "items" not in feed:
        problems.append("title and items are required")
    for author in feed.get("authors", []):
        problems += _check("authors.", author, {"name": str, "url": str, "avatar": str})
    for n, item in enumerate(feed.get("items", [])):
        problems += _check(f"items[{n}].", item, _ITEM)
        if "id" not in item:
            problems.append(f"items[{n}] has no id")
        if "content_html" not in item and "content_text" not in item:
            problems.append(f"items[{n}] has neither content_html nor content_text")
        for tag in item.get("tags", []):
            if not isinstance(tag, str):
                problems.append(f"items[{n}].tags holds {tag!r}")
    return problems


def test_atom_validates_against_the_rfc_4287_schema(built: tuple[Any, str]) -> None:
    site, _ = built
    schema = etree.RelaxNG(etree.parse(str(SCHEMA)))
    document = etree.parse(str(site.out / "atom.xml"))
    assert schema.validate(document), schema.error_log


def test_atom_schema_rejects_a_feed_without_id() -> None:
    """The schema is a real check: a feed missing atom:id fails."""
    schema = etree.RelaxNG(etree.parse(str(SCHEMA)))
    feed = etree.fromstring(
        b'<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title>'
        b"<updated>2025-03-01T00:00:00Z</updated></feed>"
    )
    assert not schema.validate(feed)


def test_atom_entries_have_what_rfc_4287_requires(built: tuple[Any, str]) -> None:
    site, base = built
    root = etree.parse(str(site.out / "atom.xml")).getroot()
    # The RFC's Schematron rules, which RELAX NG cannot express:
    assert root.find(f"{ATOM}author/{ATOM}name").text == "Northwind editors"
    for entry in root.iter(f"{ATOM}entry"):
        assert entry.findtext(f"{ATOM}id").startswith(base)
        assert entry.findtext(f"{ATOM}title")
        assert entry.find(f"{ATOM}author/{ATOM}name") is not None
        alternate = entry.find(f"{ATOM}link[@rel='alternate']")
        assert alternate is not None and alternate.get("href") == entry.findtext(f"{ATOM}id")
        for field in ("published", "updated"):
            assert RFC3339.match(entry.findtext(f"{ATOM}{field}")), field
    assert RFC3339.match(root.findtext(f"{ATOM}updated"))
    assert root.find(f"{ATOM}link[@rel='self']").get("href") == base + "atom.xml"


def test_atom_uses_updated_where_an_article_has_it(built: tuple[Any, str]) -> None:
    site, base = built
    root = etree.parse(str(site.out / "atom.xml")).getroot()
    entries = {e.findtext(f"{ATOM}id"): e for e in root.iter(f"{ATOM}entry")}
    changed = entries[base + "2025/03/king-street-construction-schedule/"]
    assert changed.findtext(f"{ATOM}published") == "2025-03-20T08:00:00-04:00"
    assert changed.findtext(f"{ATOM}updated") == "2025-03-21T10:30:00-04:00"
    unchanged = entries[base + "2025/03/ferry-operators-trial-battery-crossings/"]
    assert unchanged.findtext(f"{ATOM}updated") == "2025-03-03T09:15:00-05:00"
    assert root.findtext(f"{ATOM}updated") == "2025-03-21T10:30:00-04:00"


def test_rss_dates_are_rfc_822_with_the_right_weekday(built: tuple[Any, str]) -> None:
    site, _ = built
    for path in _feeds(site.out):
        if path.suffix != ".xml" or path.name == "atom.xml":
            continue
        channel = etree.parse(str(path)).getroot().find("channel")
        dates = [channel.findtext("lastBuildDate")] + [
            item.findtext("pubDate") for item in channel.iter("item")
        ]
        for text in dates:
            assert RFC822.match(text), (path, text)
            when = email.utils.parsedate_to_datetime(text)
            assert text[:3] == DAYS[when.weekday()], (path, text)
    first = etree.parse(str(site.out / "feed.xml")).getroot().find("channel/item/pubDate")
    # Before and after the switch to daylight saving time on 9 March 2025:
    all_dates = [i.text for i in etree.parse(str(site.out / "feed.xml")).iter("pubDate")]
    assert first.text == "Thu, 20 Mar 2025 08:00:00 -0400"
    assert "Mon, 03 Mar 2025 09:15:00 -0500" in all_dates


def test_rss_items_have_guid_link_category_and_both_bodies(built: tuple[Any, str]) -> None:
    site, base = built
    root = etree.parse(str(site.out / "feed.xml")).getroot()
    self_link = root.find("channel/{http://www.w3.org/2005/Atom}link")
    assert self_link.get("rel") == "self" and self_link.get("href") == base + "feed.xml"
    items = root.findall("channel/item")
    assert len(items) == 6
    for item in items:
        guid = item.find("guid")
        assert guid.get("isPermaLink") == "true" and guid.text == item.findtext("link")
        assert item.findtext("description").startswith("<p>")
        assert item.find("{http://purl.org/rss/1.0/modules/content/}encoded") is not None
    thaw = next(i for i in items if "thaw" in i.findtext("link"))
    assert [c.text for c in thaw.findall("category")] == ["Science", "Water", "Québec"]


def _feed_urls(path: Path) -> list[str]:
    """Every URL in a feed as written (feedparser would resolve relative ones for us):
    link/guid/id/loc texts, href/src attributes, and href/src inside the HTML bodies."""
    if path.suffix == ".json":
        feed = json.loads(path.read_text("utf-8"))
        urls = [feed["home_page_url"], feed["feed_url"]]
        bodies = []
        for item in feed["items"]:
            urls += [item[k] for k in ("id", "url", "external_url", "image") if k in item]
            bodies.append(item["content_html"])
    else:
        urls, bodies = [], []
        for element in etree.parse(str(path)).iter():
            name = etree.QName(element).localname
            if name in ("link", "guid", "id") and element.text and element.text.strip():
                urls.append(element.text.strip())
            urls += [element.get(a) for a in ("href", "src") if element.get(a) is not None]
            if name in ("description", "encoded", "summary", "content") and element.text:
                bodies.append(element.text)
    for body in bodies:
        urls += re.findall(r"""(?:href|src)=["']([^"']*)["']""", body)
    return urls


def test_every_url_in_every_feed_is_absolute_and_inside_the_site(built: tuple[Any, str]) -> None:
    site, base = built
    for path in _feeds(site.out):
        urls = _feed_urls(path)
        assert urls, path
        for url in urls:
            parts = urlsplit(url)
            assert parts.scheme in ("http", "https") and parts.netloc, (path, url)
            if parts.netloc == HOST:
                assert url.startswith(base), (path, url)
    # The content links that started relative: an image, a #fragment, a footnote.
    main = _feed_urls(site.out / "feed.xml")
    assert base + "2025/03/thaw-chart.svg" in main
    assert base + "2025/03/counting-riders-with-turnstile-data/#caveats" in main
    assert base + "2025/03/counting-riders-with-turnstile-data/#fn:1" in main
    assert base + "tags/qu%C3%A9bec/" in _feed_urls(site.out / "tags/québec/feed.xml")


def test_json_feed_structure(built: tuple[Any, str]) -> None:
    site, base = built
    feed = json.loads((site.out / "feed.json").read_text("utf-8"))
    assert feed["version"] == "https://jsonfeed.org/version/1.1"
    assert feed["home_page_url"] == base and feed["feed_url"] == base + "feed.json"
    assert len(feed["items"]) == 6
    for item in feed["items"]:
        assert item["id"] == item["url"] and item["url"].startswith(base)
        assert item["content_html"] and item["summary"]
        assert RFC3339.match(item["date_published"])
    by_url = {i["url"]: i for i in feed["items"]}
    ferry = by_url[base + "2025/03/ferry-operators-trial-battery-crossings/"]
    assert ferry["external_url"] == (
        "https://www.lakeshore-ledger.example/transport/2025/03/02/electric-ferry-trial"
    )
    schedule = by_url[base + "2025/03/king-street-construction-schedule/"]
    assert schedule["date_modified"] == "2025-03-21T10:30:00-04:00"
    assert "external_url" not in by_url[base + "2025/03/counting-riders-with-turnstile-data/"]
    thaw = by_url[base + "2025/03/lake-records-show-earlier-thaw/"]
    assert thaw["image"] == base + "2025/03/thaw-chart.svg"
    assert thaw["tags"] == ["Science", "Water", "Québec"]


def test_editions_feed_has_one_item_per_edition_with_the_whole_edition(
    built: tuple[Any, str],
) -> None:
    site, base = built
    parsed = feedparser.parse((site.out / "editions/feed.xml").read_bytes())
    assert [e.link for e in parsed.entries] == [
        base + "editions/2025-w12/",
        base + "editions/2025-w11/",
        base + "editions/2025-w10/",
    ]
    week11 = parsed.entries[1]
    assert week11.title == "Week 11, 2025: Thaw, turnstiles and the night bus"
    body = week11.content[0].value
    # The editor's note, then each tag group with every article, summary and source.
    assert (
        body.index("a century of lake ice")
        < body.index("<h2>Science</h2>")
        < body.index("<h2>Transport</h2>")
    )
    assert "A century of ice-out dates from three lakes" in body
    assert 'Originally published in <a href="https://www.fieldnotes-science.example/' in body
    assert f'href="{base}2025/03/counting-riders-with-turnstile-data/"' in body
    assert f'href="{base}editions/2025-w11/#group-transport"' in body


# --------------------------------------------------------------------------
# HTML
# --------------------------------------------------------------------------
def test_every_html_page_parses_in_strict_html5lib(built: tuple[Any, str]) -> None:
    site, _ = built
    pages = sorted(site.out.rglob("*.html"))
    assert len(pages) == 29  # 25 pages, the search page and the email.html of 3 editions
    for page in pages:
        parser = html5lib.HTMLParser(strict=True)
        try:
            parser.parse(page.read_bytes())
        except html5lib.html5parser.ParseError as exc:
            pytest.fail(f"{page.relative_to(site.out)}: {exc}")
        assert parser.errors == [], page


def test_strict_html5lib_does_catch_errors() -> None:
    with pytest.raises(html5lib.html5parser.ParseError):
        html5lib.HTMLParser(strict=True).parse(b"<!DOCTYPE html><p><div></span>")


_FETCHED = re.compile(
    r"<(?:img|script|iframe|audio|video|source|embed|object|track)\b[^>]*?"
    r"\s(?:src|srcset|data|poster)=\"([^\"]*)\"|<link\b[^>]*?\shref=\"([^\"]*)\""
)


def test_no_page_requests_anything_from_another_host(built: tuple[Any, str]) -> None:
    """Readers' browsers fetch only from the site itself: no CDNs, fonts or trackers."""
    site, _ = built
    for page in sorted(site.out.rglob("*.html")):
        for match in _FETCHED.finditer(page.read_text("utf-8")):
            url = match.group(1) or match.group(2)
            host = urlsplit(url).netloc
            assert host in ("", HOST), f"{page}: {url}"
    for css in sorted(site.out.rglob("*.css")):
        text = css.read_text("utf-8")
        assert "@import" not in text, css
        assert not re.search(r"url\(\s*['\"]?(?:https?:)?//", text), css
    # Scripts run on the search page only, and come from the site: Pagefind's and the theme's.
    scripted = {
        p.relative_to(site.out).as_posix(): re.findall(
            r'<script src="([^"]*)"', p.read_text("utf-8")
        )
        for p in site.out.rglob("*.html")
    }
    base = urlsplit(built[1]).path
    assert {page for page, found in scripted.items() if found} == {"search/index.html"}
    assert scripted["search/index.html"] == [
        f"{base}pagefind/pagefind-ui.js",
        f"{base}static/search.js",
    ]
