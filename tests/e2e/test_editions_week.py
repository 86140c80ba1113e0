"""Editions driven through a week with a fixed clock: open, then closed, numbered and mailed.

tests/fixtures/site-editions holds three weeks of a numbered weekly digest
(No. 41 to 43) with configured sections, link items, credits and featured
items. Its last week, 2026-w47 (16–22 November, Europe/Berlin), is built on
its Friday, while it is open, then again on the Monday after, in the same
output folder and cache, as the daily scheduled rebuild of the publish
workflow would.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import html5lib
import pytest

from builder.config import load_config
from builder.core.models import BuildOptions
from builder.pipeline import BuildResult, build

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "site-editions"
FRIDAY = dt.datetime.fromisoformat("2026-11-20T12:00:00+01:00")  # 2026-w47 still open
MONDAY = dt.datetime.fromisoformat("2026-11-23T00:00:00+01:00")  # the first moment it is closed
HOST = "harbour.example.org"
SITE = f"https://{HOST}/"
W47 = "editions/2026-w47/"


def tree(out: Path) -> dict[str, bytes]:
    return {
        p.relative_to(out).as_posix(): p.read_bytes()
        for p in sorted(out.rglob("*"))
        if p.is_file() and p.name != ".broadsheet"
    }


class Site:
    """A copy of the fixture site, built at chosen moments into one output folder."""

    def __init__(self, root: Path, extra_yaml: str = "") -> None:
        shutil.copytree(FIXTURE, root)
        if extra_yaml:
            config = root / "site.yaml"
            config.write_text(
                config.read_text("utf-8").replace("editions:\n", "editions:\n" + extra_yaml),
                "utf-8",
            )
        self.root = root
        self.out = root / "output"

    def build(self, now: dt.datetime) -> BuildResult:
        config = load_config(self.root / "site.yaml", self.out)
        result = build(config, BuildOptions(now=now, jobs=1, cache_dir=self.root / ".cache"))
        assert result.ok, [d.format() for d in result.diagnostics]
        assert result.diagnostics == []
        return result

    def text(self, rel: str) -> str:
        return (self.out / rel).read_text("utf-8")


@pytest.fixture(autouse=True)
def _no_epoch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)


@pytest.fixture(scope="module")
def week(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The fixture built on Friday and on Monday: both trees and both results."""
    saved = os.environ.pop("SOURCE_DATE_EPOCH", None)  # the clock is BuildOptions.now alone
    try:
        site = Site(tmp_path_factory.mktemp("week") / "site")
        friday = site.build(FRIDAY)
        before = tree(site.out)
        monday = site.build(MONDAY)
        after = tree(site.out)
    finally:
        if saved is not None:
            os.environ["SOURCE_DATE_EPOCH"] = saved
    return {"site": site, "friday": friday, "monday": monday, "before": before, "after": after}


def feed_items(data: bytes) -> list[tuple[str, str]]:
    channel = ET.fromstring(data).find("channel")
    assert channel is not None
    return [
        (item.findtext("title") or "", item.findtext("link") or "") for item in channel.iter("item")
    ]


def banner(html: bytes) -> str:
    doc = html5lib.parse(html, namespaceHTMLElements=False)
    aside = doc.find(".//aside[@class='edition-banner']")
    return " ".join("".join(aside.itertext()).split()) if aside is not None else ""


# --------------------------------------------------------------------------
# Before the week ends, and after
# --------------------------------------------------------------------------
def test_before_the_week_ends_its_edition_is_not_out(week: dict[str, Any]) -> None:
    before = week["before"]
    assert [t for t, _ in feed_items(before["editions/feed.xml"])] == [
        "No. 42 · 9–15 November 2026",
        "No. 41 · 2–8 November 2026: Deep water",
    ]
    assert banner(before["index.html"]).startswith("Latest edition No. 42 9–15 November 2026")
    assert not [rel for rel in before if rel.startswith(W47)]  # no page, no email files
    assert "2026-w47" not in before["editions/index.html"].decode()
    assert week["friday"].site.next_due == MONDAY
    # Its articles are published all the same, on the front page and in the feeds.
    assert "A shortage of harbour pilots delays ships" in before["feed.xml"].decode()
    assert "edition-link" not in before["2026/11/pilot-shortage/index.html"].decode()


def test_after_it_ends_it_is_out_numbered_and_in_the_editors_order(week: dict[str, Any]) -> None:
    after, site = week["after"], week["site"]
    assert feed_items(after["editions/feed.xml"])[0] == (
        "No. 43 · 16–22 November 2026: Pilots and power",
        SITE + W47,
    )
    assert banner(after["index.html"]).startswith(
        "Latest edition No. 43: Pilots and power 16–22 November 2026 · 3 articles"
    )
    edition = week["monday"].site.editions[0]
    assert (edition.id, edition.number, edition.open) == ("2026-w47", 43, False)
    items = week["monday"].site.articles
    assert [(s.name, [items[i].title for i in s.items]) for s in edition.sections] == [
        ("Featured", ["Ferry strike called off after overnight talks"]),
        ("Ports", ["A shortage of harbour pilots delays ships"]),
        ("Energy", ["How the export cable reaches the grid"]),
    ]
    page = site.text(W47 + "index.html")
    assert '<h1 class="page-title">No. 43</h1>' in page
    assert '<p class="thanks">Thanks to Ann Okafor.</p>' in page
    assert 'href="https://grid.example/explainer"' in page  # the link item, pointing out
    for name in ("email.html", "email.txt"):
        assert W47 + name in after


def test_closing_the_week_changes_nothing_else(week: dict[str, Any]) -> None:
    before, after = week["before"], week["after"]
    changed = sorted(
        rel
        for rel in set(before) | set(after)
        if before.get(rel) != after.get(rel) and not rel.startswith("pagefind/")
    )
    # The search index too: its edition filter names the edition the articles are in.
    assert any(rel.startswith("pagefind/filter/") for rel in set(before) ^ set(after))
    assert changed == [
        "2026/11/ferry-strike-called-off/index.html",  # "In the edition No. 43"
        "2026/11/pilot-shortage/index.html",
        "editions/2026-w46/index.html",  # its "Later" link
        W47 + "email.html",
        W47 + "email.txt",
        W47 + "index.html",
        "editions/feed.xml",
        "editions/index.html",
        "index.html",  # the banner
        "sitemap.xml",
    ]
    assert week["monday"].site.next_due is None


def test_the_earlier_editions_keep_their_numbers_and_order(week: dict[str, Any]) -> None:
    site = week["monday"].site
    assert [(e.id, e.title, e.heading) for e in site.editions] == [
        ("2026-w47", "No. 43", "No. 43 · 16–22 November 2026"),
        ("2026-w46", "No. 42", "No. 42 · 9–15 November 2026"),
        ("2026-w45", "No. 41", "No. 41 · 2–8 November 2026"),
    ]
    w46 = site.editions[1]
    assert [(s.name, [site.articles[i].meta.slug for i in s.items]) for s in w46.sections] == [
        ("Featured", ["wind-auction-results"]),
        ("Ports", ["berth-map", "crane-video"]),
        ("Policy", ["customs-rules-change"]),  # by its `section:`; its first tag is Trade
    ]
    assert w46.credits == ("Tomas Berg", "rosa lind")
    assert site.editions[2].sections[-1].name == "More"  # tide tables: tagged Data


def test_the_editions_index_lists_numbers_dates_note_titles_and_headlines(
    week: dict[str, Any],
) -> None:
    doc = html5lib.parse(week["after"]["editions/index.html"], namespaceHTMLElements=False)
    entries = doc.find(".//ul[@class='edition-list']").findall("li")
    assert [" ".join("".join(li.itertext()).split()) for li in entries] == [
        "No. 43 3 articles 16–22 November 2026 Pilots and power Ferry strike called off "
        "after overnight talks A shortage of harbour pilots delays ships How the export "
        "cable reaches the grid",
        "No. 42 4 articles 9–15 November 2026 Offshore wind auction draws six bidders An "
        "interactive map of every berth Watch the new cranes arrive by barge",
        "No. 41 2 articles 2–8 November 2026 Deep water Dredging begins on the outer channel "
        "Next year's tide tables are out",
    ]


# --------------------------------------------------------------------------
# Link items
# --------------------------------------------------------------------------
def test_link_items_are_listed_and_fed_but_have_no_page(week: dict[str, Any]) -> None:
    after, site = week["after"], week["site"]
    assert not any(
        rel.startswith(("2026/11/crane-video", "2026/11/grid-explainer")) for rel in after
    )
    cranes = "https://video.example/cranes?t=30"  # without its utm_ parameters
    assert f'href="{cranes}"' in site.text("tags/ports/index.html")
    assert 'href="https://maps.example/berths"' in site.text("index.html")
    assert "utm_" not in site.text("feed.xml") + site.text("feed.json")
    rss = dict((t, link) for t, link in feed_items(after["feed.xml"]))
    assert rss["Watch the new cranes arrive by barge"] == cranes
    items = {i["title"]: i for i in json.loads(after["feed.json"])["items"]}
    cranes_item = items["Watch the new cranes arrive by barge"]
    assert (cranes_item["url"], cranes_item["external_url"]) == (cranes, cranes)
    assert cranes_item["id"] == f"tag:{HOST},2026-11-12:crane-video"
    assert "2026/11/crane-video" not in site.text("sitemap.xml")
    assert "crane" not in site.text("2026/11/index.html")  # the archive lists the pages


def test_a_tracking_parameter_in_an_articles_text_is_not_published(week: dict[str, Any]) -> None:
    page = week["site"].text("2026/11/pilot-shortage/index.html")
    assert 'href="https://union.example/report"' in page and "utm_campaign" not in page
    assert "utm_campaign=pilots" in (FIXTURE / "content/2026/11/pilot-shortage.md").read_text()


# --------------------------------------------------------------------------
# Email
# --------------------------------------------------------------------------
def test_the_email_parses_loads_nothing_and_links_only_where_it_should(
    week: dict[str, Any],
) -> None:
    data = week["after"][W47 + "email.html"]
    parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
    doc = parser.parse(data)
    assert parser.errors == []
    elements = [el for el in doc.iter() if isinstance(el.tag, str)]
    assert not [
        el.tag
        for el in elements
        if el.tag in ("link", "script", "img", "iframe", "video", "audio", "object")
    ]
    assert not [
        el.tag for el in elements if {"src", "srcset", "poster", "background"} & set(el.attrib)
    ]
    text = data.decode()
    assert "url(" not in text and "@import" not in text
    site = week["monday"].site
    edition = site.editions[0]
    outbound = {
        urlsplit(link.url).netloc for i in edition.articles for link in site.articles[i].meta.links
    }
    for el in elements:
        if el.tag == "a":
            parts = urlsplit(el.get("href"))
            assert parts.scheme == "https", el.get("href")
            assert parts.netloc == HOST or parts.netloc in outbound, el.get("href")


def test_the_email_is_a_table_with_inlined_css_a_preheader_and_a_dark_mode(
    week: dict[str, Any],
) -> None:
    data = week["after"][W47 + "email.html"]
    doc = html5lib.parse(data, namespaceHTMLElements=False)
    assert doc.find(".//title").text == "No. 43 · 16–22 November 2026: Pilots and power"
    frame = doc.find(".//table[@class='frame']")
    assert frame is not None and frame.get("width") == "600"
    assert "max-width: 600px" in frame.get("style")
    assert "background-color" in doc.find(".//body").get("style")
    styles = doc.findall(".//head/style")
    assert len(styles) == 1 and "@media (prefers-color-scheme: dark)" in styles[0].text
    assert [m.get("content") for m in doc.findall(".//meta[@name='color-scheme']")] == [
        "light dark"
    ]
    preheader = doc.find(".//div[@class='preheader']")
    assert "display: none" in preheader.get("style")
    assert preheader.text == ("A week of short staff on the bridge and long cables under the sea.")
    web = doc.find(".//td[@class='topbar']/a")
    assert (web.text, web.get("href")) == ("View this edition on the web", SITE + W47)


def test_the_text_part_reads_as_plain_text(week: dict[str, Any]) -> None:
    text = week["after"][W47 + "email.txt"].decode()
    assert text.startswith(
        "Harbour Weekly\nNo. 43 · 16–22 November 2026\n\n"
        f"View this edition on the web: {SITE}{W47}\n"
    )
    assert "FEATURED\n--------\n\nFerry strike called off after overnight talks\n" in text
    assert (
        "How the export cable reaches the grid\nhttps://grid.example/explainer\n"
        "18 November 2026 · grid.example · via Ann Okafor\n"
    ) in text
    assert "published its staffing report <https://union.example/report> on" in text
    assert "<p>" not in text and "&amp;" not in text and "&#" not in text
    assert [line for line in text.splitlines() if len(line) > 72 and "://" not in line] == []


def test_serve_shows_the_email_at_the_same_paths(tmp_path: Path, week: dict[str, Any]) -> None:
    import http.client
    import io

    from builder.commands.serve import Server

    site = Site(tmp_path / "site")
    server = Server(
        site.root / "site.yaml",
        None,
        lambda config: BuildOptions(now=MONDAY, jobs=1, cache_dir=tmp_path / "c"),
        log=io.StringIO(),
    )
    assert server.rebuild()
    server.start(watch=False)
    try:
        for name, kind in (("email.html", "text/html"), ("email.txt", "text/plain")):
            conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
            conn.request("GET", "/" + W47 + name)
            response = conn.getresponse()
            body = response.read()
            conn.close()
            assert response.status == 200
            assert response.getheader("Content-Type") == f"{kind}; charset=utf-8"
            if name == "email.txt":  # the reload script goes into pages only
                assert body == week["after"][W47 + name]
            else:
                assert b"View this edition on the web" in body
    finally:
        server.stop()


# --------------------------------------------------------------------------
# show_open, closed: true, and the clock
# --------------------------------------------------------------------------
def test_show_open_shows_the_week_so_far_and_still_sends_nothing(tmp_path: Path) -> None:
    site = Site(tmp_path / "site", extra_yaml="  show_open: true\n")
    result = site.build(FRIDAY)
    assert [(e.id, e.open) for e in result.site.editions][:2] == [
        ("2026-w47", True),
        ("2026-w46", False),
    ]
    page = site.text(W47 + "index.html")
    assert '<span class="open">This week so far</span>' in page
    assert "it goes out when the week ends" in page
    assert "This week so far" in site.text("editions/index.html")
    assert not (site.out / W47 / "email.html").exists()
    assert "2026-w47" not in site.text("editions/feed.xml")
    assert banner((site.out / "index.html").read_bytes()).startswith("Latest edition No. 42")


def test_a_note_can_close_its_edition_before_the_week_ends(tmp_path: Path) -> None:
    site = Site(tmp_path / "site")
    note = site.root / "content/editions/2026-w47.md"
    note.write_text(note.read_text("utf-8").replace("---\n\n", "closed: true\n---\n\n", 1), "utf-8")
    result = site.build(FRIDAY)
    assert result.site.editions[0].id == "2026-w47" and not result.site.editions[0].open
    assert (site.out / W47 / "email.html").is_file()
    assert result.site.next_due is None


def test_the_same_input_and_clock_give_the_same_bytes(tmp_path: Path, week: dict[str, Any]) -> None:
    again = Site(tmp_path / "again")
    again.build(MONDAY)
    assert tree(again.out) == week["after"]


# --------------------------------------------------------------------------
# Bad input: each case is a fixture of tests/fixtures/invalid (test_diagnostics.py)
# --------------------------------------------------------------------------
INVALID = FIXTURE.parent / "invalid"


def test_every_bad_input_of_editions_has_a_fixture() -> None:
    cases = {p.name for p in INVALID.iterdir() if (p / "expected.txt").is_file()}
    assert cases >= {
        "unknown-section",
        "section-without-sections",
        "number-clash",
        "bad-numbering",
        "numbering-not-a-mapping",
        "link-items",
        "note-fields",
        "repeated-link",
    }


def test_strict_makes_a_repeated_link_an_error(tmp_path: Path, run_build: Any) -> None:
    site = tmp_path / "site"
    shutil.copytree(INVALID / "repeated-link", site)
    shutil.copy(INVALID / "site.yaml", site / "site.yaml")
    (site / "expected.txt").unlink()
    run = run_build(site, "--strict")
    assert run.code == 1
    assert run.diags.count(": error: ") == 3 and "was already linked in 2024-w23" in run.diags
    assert not (site / "output").exists()
