"""A site curating English, Arabic, Persian and Chinese articles (tests/fixtures/site-languages).

Each article page is in its article's language: `<html lang dir>`, the
interface strings, dates and numbers; a list page in the site's language
marks each card of another language with its own `lang` and `dir`. Slugs
and heading ids keep Arabic marks and the Persian ZWNJ, and a Chinese
article's reading time counts characters. The browser side is
tests/browser/test_languages.py.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import html5lib
import pytest

from tests.conftest import FIXTURES, build_fixture_copy

ARABIC = "2025/03/يوقّع-اتفاق-العبّارات/index.html"
PERSIAN = "2025/03/شهرداری-می\u200cخواهد-پل-بسازد/index.html"
CHINESE = "2025/03/shanghai-electric-ferries/index.html"
ENGLISH = "2025/03/lumen-ferry-enters-service/index.html"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Any:
    site = build_fixture_copy(
        tmp_path_factory.mktemp("languages") / "site", source=FIXTURES / "site-languages"
    )
    assert site.result.ok, [d.format() for d in site.result.diagnostics]
    return site


def page(built: Any, rel: str) -> Any:
    return html5lib.parse((built.out / rel).read_bytes(), namespaceHTMLElements=False)


def text(element: Any) -> str:
    return " ".join("".join(element.itertext()).split())


def test_each_article_page_is_in_its_language(built: Any) -> None:
    found = {
        rel: (page(built, rel).get("lang"), page(built, rel).get("dir"))
        for rel in (ENGLISH, ARABIC, PERSIAN, CHINESE, "index.html")
    }
    assert found == {
        ENGLISH: ("en", "ltr"),
        ARABIC: ("ar", "rtl"),
        PERSIAN: ("fa", "rtl"),
        CHINESE: ("zh-Hans", "ltr"),
        "index.html": ("en", "ltr"),
    }


def test_interface_dates_and_reading_time_are_localised(built: Any) -> None:
    chinese = page(built, CHINESE)
    assert text(chinese.find(".//p[@class='byline']")) == (
        "2025年3月18日 · 阅读时间 8 分钟 · 由 Mira Costa 精选"
    )
    assert text(chinese.find(".//p[@class='read-original']")) == "在港口日报阅读原文 →"
    arabic = page(built, ARABIC)
    assert text(arabic.find(".//p[@class='credit']")) == (
        "أخبار البحر · بقلم سلمى حداد · 11 مارس 2025"
    )
    assert text(arabic.find(".//a[@class='skip']")) == "انتقل إلى المحتوى"
    nav = [text(a) for a in arabic.find(".//nav[@class='site-nav']").iter("a")]
    assert nav == ["الأحدث", "الأعداد", "الأرشيف", "الوسوم", "About this digest"]
    persian = page(built, PERSIAN)
    assert text(persian.find(".//p[@class='read-original']")) == (
        "متن اصلی را در خبرنامه شهر بخوانید →"
    )
    english = page(built, ENGLISH)
    assert text(english.find(".//p[@class='byline']")) == (
        "10 March 2025 · 1 min read · curated by Mira Costa"
    )


def test_slugs_keep_marks_and_zwnj(built: Any) -> None:
    assert (built.out / ARABIC).is_file()  # the shadda of يوقّع stays inside the word
    assert (built.out / PERSIAN).is_file()  # ZWNJ kept inside می‌خواهد, not a hyphen
    assert "يوق-ع" not in "".join(p.as_posix() for p in built.out.rglob("*"))


def test_non_latin_headings_have_readable_ids(built: Any) -> None:
    ids = [h.get("id") for h in page(built, CHINESE).iter("h2") if h.get("id")]
    assert ids[:4] == ["新渡轮的运营安排", "充电与续航", "乘客的看法", "下一步计划"]
    arabic = [h.get("id") for h in page(built, ARABIC).iter("h2") if h.get("id")]
    assert "الشحن-في-الميناء" in arabic


def test_cards_of_another_language_say_so_on_an_english_list(built: Any) -> None:
    # The headline and summary are in the article's language; the card's interface lines
    # ("Read the original at …", the byline) stay in the page's.
    cards = {
        text(c.find(".//h2")): (c.find(".//h2").get("lang"), c.find(".//h2").get("dir"))
        for c in page(built, "index.html").iter("article")
    }
    assert cards == {
        "上海电动渡轮春季投入运营": ("zh-Hans", "ltr"),
        "شهرداری می\u200cخواهد پل دوچرخه بسازد": ("fa", "rtl"),
        "المجلس البلدي يوقّع اتفاق العبّارات الكهربائية": ("ar", "rtl"),
        "The Lumen ferry enters service on the north crossing": (None, None),
        "The harbour authority publishes its spring timetable harbour-authority.example": (
            None,
            None,
        ),
    }


def test_one_search_index_per_language(built: Any) -> None:
    entry = json.loads((built.out / "pagefind" / "pagefind-entry.json").read_text("utf-8"))
    assert sorted(entry["languages"]) == ["ar", "en", "fa", "zh-hans"]
    search = page(built, "search/index.html")
    assert search.get("data-languages") == "en ar fa zh-Hans"
    assert search.get("data-rtl-languages") == "ar fa"
    form = page(built, ARABIC).find(".//form[@class='site-search']")
    assert [(i.get("name"), i.get("value")) for i in form.iter("input")] == [
        ("q", None),
        ("lang", "ar"),
    ]


def test_a_bad_lang_is_an_error_at_its_line(make_site: Any, run_build: Any) -> None:
    site = make_site(
        {
            "content/2025/05/a.md": "---\ntitle: A\ndate: 2025-05-01\nlang: arabic\n---\n\nText.\n",
            "content/2025/05/b.md": "---\ntitle: B\ndate: 2025-05-01\nlang: xx\n---\n\nText.\n",
        }
    )
    done = run_build(site)
    assert done.code == 1
    assert done.diags == (
        "content/2025/05/a.md:4:7: error: `lang` must be a language tag such as en or pt-BR, "
        "found `arabic`\n  hint: use a BCP 47 code such as en, ar, fa, zh-Hans or pt-BR\n"
        "content/2025/05/b.md:4:7: error: `lang` names no language Broadsheet knows: `xx`\n"
        "  hint: use a BCP 47 code such as en, ar, fa, zh-Hans or pt-BR\n"
    )


def test_lang_is_kept_in_its_canonical_case(make_site: Any, run_build: Any) -> None:
    site = make_site(
        {
            "content/2025/05/a.md": "---\ntitle: A\ndate: 2025-05-01\n"
            "lang: ZH-hant-tw\n---\n\nText.\n"
        }
    )
    assert run_build(site).code == 0
    built = html5lib.parse(
        (site / "output/2025/05/a/index.html").read_bytes(), namespaceHTMLElements=False
    )
    assert built.get("lang") == "zh-Hant-TW"


def test_the_fixture_is_what_the_tests_say(built: Any) -> None:
    sources = sorted(p.name for p in (FIXTURES / "site-languages/content/2025/03").iterdir())
    assert len(sources) == 6 and Path(ARABIC).parent.name + ".md" in sources


def test_edition_pages_speak_the_sites_language(tmp_path: Path) -> None:
    """The edition templates' own words come from the catalogues too, as every page's do."""
    source = tmp_path / "fixture"
    shutil.copytree(FIXTURES / "site-languages", source)
    config = source / "site.yaml"
    config.write_text(config.read_text("utf-8").replace("language: en", "language: fr"), "utf-8")
    site = build_fixture_copy(tmp_path / "site", source=source)
    assert site.result.ok, [d.format() for d in site.result.diagnostics]
    (edition,) = [p for p in (site.out / "editions").iterdir() if p.is_dir() and "-w" in p.name][:1]
    doc = html5lib.parse((edition / "index.html").read_bytes(), namespaceHTMLElements=False)
    labels = [text(p) for p in doc.iter("p") if p.get("class") == "label"]
    assert "Dans cette édition" in labels
    assert text(doc.find(".//p[@class='kicker']")).startswith("Éditions")
    listing = html5lib.parse(
        (site.out / "editions" / "index.html").read_bytes(), namespaceHTMLElements=False
    )
    assert text(listing.find(".//h1")) == "Éditions"
