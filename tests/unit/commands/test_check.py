"""`broadsheet check`: broken links, anchors and feed entries, reported where they can be fixed."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from builder.cli import main
from builder.commands.check import Built, parse_html
from builder.config import load_config

SITE_YAML = 'title: "Check Digest"\nbase_url: "https://news.example.org/sub/"\ntimezone: UTC\n'
HINT_SRC = "  hint: fix the link in the Markdown, or build again if output/ is older than content/"
HINT_OUT = "  hint: the theme or a feed writes this URL; check the template or the permalinks"
CLEAN = re.compile(r"^checked \d+ pages and \d+ feeds, \d+ links: no problems\n\Z")


def _write(root: Path, rel: str, front: str, body: str) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"---\n{front}---\n\n{body}")


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Two articles under a sub-path base_url, linking each other correctly."""
    root = tmp_path / "site"
    root.mkdir()
    (root / "site.yaml").write_text(SITE_YAML)
    _write(
        root,
        "content/2024/06/alpha.md",
        'title: "Alpha"\ndate: 2024-06-10\ntags: [Energy]\nsummary: "First."\n',
        "See [beta](/sub/2024/06/beta/#section-two), [the chart](chart.svg),\n"
        "[the top](#main) and [the about page](/sub/about/).\n",
    )
    (root / "content/2024/06/chart.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"/>')
    _write(
        root,
        "content/2024/06/beta.md",
        'title: "Beta"\ndate: 2024-06-11\ntags: [Energy]\nsummary: "Second."\n',
        "## Section two\n\nBack to [alpha](https://news.example.org/sub/2024/06/alpha/).\n"
        "Elsewhere: [a site](https://other.example/sub/x) and [mail](mailto:a@b.example).\n",
    )
    _write(root, "content/pages/about.md", 'title: "About"\n', "About us.\n")
    monkeypatch.chdir(root)
    return root


def _build(capsys) -> None:
    assert main(["build", "--no-cache"]) == 0
    capsys.readouterr()


def _check(capsys, *args: str) -> tuple[int, str]:
    code = main(["check", *args])
    captured = capsys.readouterr()
    assert captured.out == ""
    return code, captured.err


def test_a_clean_site_under_a_sub_path_passes(site, capsys):
    _build(capsys)
    code, err = _check(capsys)
    assert code == 0
    assert CLEAN.match(err), err


def test_broken_links_in_markdown_are_reported_at_their_source_line(site, capsys):
    _write(
        site,
        "content/2024/06/alpha.md",
        'title: "Alpha"\ndate: 2024-06-10\nsummary: "First."\n',
        "Fine: [beta](/sub/2024/06/beta/#section-two).\n"
        "Missing: [nope](/sub/2024/01/nope/). Wrong base: [beta](/2024/06/beta/).\n"
        "Anchors: [here](#nowhere) and [there](/sub/2024/06/beta/#section-six).\n"
        "![a chart](missing.png)\n\nUp one: [beta](../beta/).\n",
    )
    _write(
        site,
        "content/editions/2024-w24.md",
        'title: "Week notes"\n',
        "Read [the archive](/sub/archives/).\n",
    )
    _build(capsys)
    code, err = _check(capsys)
    assert code == 1
    lines = err.splitlines()
    assert lines[:-1] == [
        "content/2024/06/alpha.md:8: error: broken link `/2024/06/beta/`: "
        "it is outside the site's base path /sub/",
        HINT_SRC,
        "content/2024/06/alpha.md:8: error: broken link `/sub/2024/01/nope/`: "
        "it leads to no page or file of the built site",
        HINT_SRC,
        'content/2024/06/alpha.md:9: error: broken anchor `#nowhere`: no id="nowhere" on this page',
        HINT_SRC,
        "content/2024/06/alpha.md:9: error: broken anchor `/sub/2024/06/beta/#section-six`: "
        'no id="section-six" on /2024/06/beta/',
        HINT_SRC,
        "content/2024/06/alpha.md:10: error: broken image `/sub/2024/06/missing.png`: "
        "it leads to no page or file of the built site",
        HINT_SRC,
        "content/2024/06/alpha.md:12: error: broken link `/sub/2024/beta/`: "
        "it leads to no page or file of the built site",
        HINT_SRC,
        "content/editions/2024-w24.md:5: error: broken link `/sub/archives/`: "
        "it leads to no page or file of the built site",
        HINT_SRC,
    ]
    assert re.fullmatch(
        r"check failed: 7 problems in \d+ pages and \d+ feeds, \d+ links", lines[-1]
    )


def test_a_template_link_is_reported_once_with_a_count(site, capsys):
    _build(capsys)
    (site / "output/static/style.css").unlink()
    code, err = _check(capsys)
    assert code == 1
    # Every page links the stylesheet; an edition's email.html has its CSS inlined.
    pages = sorted(p for p in (site / "output").rglob("*.html") if p.name != "email.html")
    match = re.fullmatch(
        r"(output/\S+):(\d+):(\d+): error: broken stylesheet `/sub/static/style.css`: it leads "
        r"to no page or file of the built site \(and in (\d+) other files\)\n"
        + re.escape(HINT_OUT)
        + r"\ncheck failed: 1 problem in .*\n",
        err,
    )
    assert match, err
    assert match[1] == "output/2024/06/alpha/index.html"
    assert int(match[4]) == len(pages) - 1
    line = (site / match[1]).read_text().splitlines()[int(match[2]) - 1]
    assert line[int(match[3]) - 1 :].startswith(
        '<link rel="stylesheet" href="/sub/static/style.css"'
    )


def test_a_missing_page_is_one_problem_across_pages_and_feeds(site, capsys):
    _build(capsys)
    (site / "output/tags/energy/index.html").unlink()
    code, err = _check(capsys)
    assert code == 1
    assert err.count("error:") == 1  # not once per page, nor again for the feeds
    match = re.match(
        r"output/2024/06/alpha/index.html:\d+:\d+: error: broken link "
        r"`/sub/tags/energy/`: it leads to no page or file of the built site "
        r"\(and in (\d+) other files\)\n",
        err,
    )
    assert match, err
    assert int(match[1]) >= 4  # beta, the tag list, the front page, the tag feed, the sitemap


def test_a_theme_link_on_one_page_names_the_article(site, capsys):
    _build(capsys)
    page = site / "output/2024/06/beta/index.html"
    page.write_text(page.read_text().replace("</main>", '<a href="/sub/gone/">x</a></main>'))
    code, err = _check(capsys)
    assert code == 1
    assert re.match(
        r"output/2024/06/beta/index.html:\d+:\d+: error: broken link `/sub/gone/`: "
        r"it leads to no page or file of the built site "
        r"\(on the page of content/2024/06/beta.md\)\n",
        err,
    ), err


@pytest.mark.parametrize(
    ("feed", "old", "new", "message"),
    [
        (
            "feed.xml",
            "<link>https://news.example.org/sub/2024/06/beta/</link>",
            "<link>https://news.example.org/sub/2024/06/ghost/</link>",
            "broken link `https://news.example.org/sub/2024/06/ghost/`: it leads to no page or file "
            "of the built site",
        ),
        (
            "atom.xml",
            'href="https://news.example.org/sub/2024/06/beta/"',
            'href="https://news.example.org/sub/2024/06/ghost/"',
            "broken link `https://news.example.org/sub/2024/06/ghost/`: it leads to no page or file "
            "of the built site",
        ),
        (
            "feed.json",
            '"url": "https://news.example.org/sub/2024/06/beta/"',
            '"url": "https://news.example.org/sub/ghost.html"',
            "broken link `https://news.example.org/sub/ghost.html`: it leads to no page or file "
            "of the built site",
        ),
        (
            "tags/energy/feed.xml",
            "<link>https://news.example.org/sub/2024/06/beta/</link>",
            "<link>https://news.example.org/sub/2024/06/beta/#gone</link>",
            'broken anchor `https://news.example.org/sub/2024/06/beta/#gone`: no id="gone" '
            "on /2024/06/beta/",
        ),
        (
            "editions/feed.xml",
            "<link>https://news.example.org/sub/editions/2024-w24/</link>",
            "<link>/sub/editions/2024-w24/</link>",
            "broken link `/sub/editions/2024-w24/`: it is relative, which feed readers cannot resolve",
        ),
        (
            "sitemap.xml",
            "<loc>https://news.example.org/sub/tags/</loc>",
            "<loc>https://news.example.org/sub/labels/</loc>",
            "broken link `https://news.example.org/sub/labels/`: it leads to no page or file "
            "of the built site",
        ),
    ],
)
def test_feeds_link_only_to_existing_pages(site, capsys, feed, old, new, message):
    _build(capsys)
    path = site / "output" / feed
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))
    line = next(i for i, ln in enumerate(path.read_text().splitlines(), 1) if new in ln)
    code, err = _check(capsys)
    assert code == 1
    assert err.splitlines()[:2] == [f"output/{feed}:{line}: error: {message}", HINT_OUT]


def test_a_feed_that_cannot_be_read_is_a_problem(site, capsys):
    _build(capsys)
    (site / "output/atom.xml").write_text("<feed><entry></feed>")
    code, err = _check(capsys)
    assert code == 1
    assert err.startswith("output/atom.xml: error: cannot be read as a feed: mismatched tag")


def _warnings(err: str) -> list[str]:
    return [
        line
        for line in err.splitlines(keepends=True)
        if ": warning: " in line or line.startswith("  hint:")
    ]


@pytest.mark.parametrize("cache", [False, True])
def test_check_reports_the_build_warnings_and_no_others(site, capsys, cache):
    """One list: check reads content/ as the build does, so their warnings are the same."""
    _write(
        site,
        "content/2024/06/gamma.md",
        'title: "Gamma"\ndate: 2024-06-12\ntags: [energy]\n'
        'source: "https://www.example.com/story?utm_source=feed"\n',
        "No summary here.\n\nSecond paragraph.\n",
    )
    _write(
        site,
        "content/2024/06/delta.md",
        'title: "Delta"\ndate: 2024-06-13\nsource: {url: "https://example.com/story/"}\n'
        "tag: [Energy]\n",
        "Opening.\n\n<!-- more -->\n\nRest.\n",
    )
    _write(site, "content/2024/06/empty.md", 'title: "Empty"\ndate: 2024-06-14\n', "")
    _write(site, "content/2999/01/later.md", 'title: "Later"\ndate: 2999-01-01\n', "Soon.\n")
    _write(
        site,
        "content/2024/06/draft.md",
        'title: "Draft"\ndate: 2024-06-01\ndraft: true\n',
        "Not yet.\n",
    )
    assert main(["build"] if cache else ["build", "--no-cache"]) == 0
    built = _warnings(capsys.readouterr().err)
    code, err = _check(capsys)
    assert code == 0
    assert _warnings(err) == built
    assert re.search(
        r"content/2024/06/\w+\.md:\d+(:\d+)?: warning: source "
        r"https://\S+ is also curated by content/2024/06/\w+\.md",
        err,
    )
    assert re.search(
        r"content/2024/06/gamma.md:\d+(:\d+)?: warning: tag `energy` is "
        r"treated as `Energy`",
        err,
    )
    assert "content/2024/06/delta.md:5:1: warning: unknown key `tag` is kept as extra data" in err
    assert "content/2024/06/empty.md:5:1: warning: the article has no text" in err
    # A summary is optional by design (lists use the first paragraph), and a
    # scheduled article is the editor's plan (the build's closing line counts it).
    assert "no summary" not in err and "scheduled" not in err and "later.md" not in err
    assert "draft.md" not in err and "about.md" not in err
    assert err.count("warning:") == 4
    assert re.search(r"links: no problems; 4 warnings\n\Z", err)
    code, err = _check(capsys, "--strict")
    assert code == 1
    assert err.count("error:") == 4 and "check failed: 4 problems" in err


def test_front_matter_errors_in_content_fail_the_check(site, capsys):
    _build(capsys)
    _write(site, "content/2024/06/beta.md", 'title: "Beta"\ndate: someday\n', "Text.\n")
    code, err = _check(capsys)
    assert code == 1
    assert err.startswith("content/2024/06/beta.md:3:7: error: `date` ")  # frontmatter.py's words
    assert "check failed: 1 problem" in err


def test_no_built_site_is_a_usage_error(site, capsys):
    code, err = _check(capsys)
    assert code == 2
    assert err == (
        "broadsheet: error: no built site in output/\n  hint: run  broadsheet build  first\n"
    )


def _snapshot(root: Path) -> dict[str, tuple[int, int]]:
    return {
        p.relative_to(root).as_posix(): (p.stat().st_mtime_ns, p.stat().st_size)
        for p in sorted(root.rglob("*"))
    }


@pytest.mark.parametrize("cache", [False, True])
def test_check_writes_nothing(site, capsys, cache):
    assert main(["build"] if cache else ["build", "--no-cache"]) == 0
    capsys.readouterr()
    before = _snapshot(site)
    assert (site / ".broadsheet-cache/cache.sqlite").is_file() == cache
    code, err = _check(capsys)
    assert code == 0, err
    assert _snapshot(site) == before


def test_github_annotations_in_actions(site, capsys, monkeypatch):
    _write(
        site,
        "content/2024/06/alpha.md",
        'title: "Alpha"\ndate: 2024-06-10\nsummary: "A"\n',
        "[nope](/sub/nope/)\n",
    )
    _build(capsys)
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    code, err = _check(capsys)
    assert code == 1
    assert (
        "::error file=content/2024/06/alpha.md,line=7::broken link `/sub/nope/`: it leads "
        "to no page or file of the built site (hint: fix the link" in err
    )


def test_the_example_site_passes_build_and_check_strict(example_site, monkeypatch, capsys):
    monkeypatch.chdir(example_site)
    assert main(["build", "--strict", "--no-cache"]) == 0
    assert "warning" not in capsys.readouterr().err
    code, err = _check(capsys, "--strict")
    assert code == 0, err
    assert CLEAN.match(err), err


# Resolving URLs, without a build ----------------------------------------------------------
@pytest.fixture
def built(tmp_path: Path) -> Built:
    (tmp_path / "site.yaml").write_text(SITE_YAML)
    files = {
        "index.html",
        "about/index.html",
        "tags/café/index.html",
        "static/style.css",
        "feed.xml",
    }
    result = Built(load_config(tmp_path / "site.yaml"), files)
    result.ids["about/index.html"] = {"team"}
    return result


@pytest.mark.parametrize(
    ("url", "rel", "problem"),
    [
        ("https://news.example.org/sub/about/", "about/index.html", None),
        ("HTTP://NEWS.EXAMPLE.ORG/sub/about/", "about/index.html", None),
        ("//news.example.org/sub/feed.xml", "feed.xml", None),
        ("/sub", "index.html", None),
        ("/sub/about", "about/index.html", None),
        ("/sub/tags/caf%C3%A9/", "tags/café/index.html", None),
        ("?page=2", "about/index.html", None),
        ("../static/style.css", "static/style.css", None),
        ("./", "about/index.html", None),
        ("/sub/static/", None, "leads to no page or file of the built site"),
        ("/sub/../etc/passwd", None, "leads outside the site"),
        ("../../../x", None, "leads outside the site"),
        ("/about/", None, "is outside the site's base path /sub/"),
    ],
)
def test_resolve(built, url, rel, problem):
    target = built.resolve(url, "/sub/about/")
    assert (target.rel, target.problem) == (rel, problem)


@pytest.mark.parametrize(
    "url",
    [
        "https://other.example/sub/",
        "https://news.example.org/x/",
        "mailto:a@b.example",
        "tel:+1",
        "data:image/png;base64,AA",
        "javascript:void(0)",
        "ftp://news.example.org/sub/",
    ],
)
def test_external_urls_are_not_checked(built, url):
    assert built.resolve(url, "/sub/about/") is None


def test_anchors(built):
    def missing(url: str) -> bool:
        return built.anchor_missing(built.resolve(url, "/sub/"))

    assert not missing("/sub/about/#team")
    assert not missing("about/#team")
    assert missing("/sub/about/#board")
    assert not missing("/sub/about/#top")  # the top of any page
    assert not missing("/sub/feed.xml#x")  # not HTML: not checked
    assert not missing("#anything")  # index.html was not parsed here


def test_relative_urls_in_feeds_are_problems(built):
    assert (
        built.resolve("/sub/about/", None).problem
        == "is relative, which feed readers cannot resolve"
    )
    assert built.resolve("https://news.example.org/sub/about/", None).rel == "about/index.html"


def test_parse_html_collects_urls_and_ids():
    page = parse_html(
        '<html><head><link rel="stylesheet" href="/s.css"><link rel="alternate" href="/f.xml">'
        '<meta property="og:image" content="/i.png"></head><body id="b">\n'
        '<a href="/x/" id="a1">x</a><a name="old">y</a><img src="/p.png" '
        'srcset="/p2.png 2x, /p3.png 3x"><script src="/j.js"></script></body></html>'
    )
    assert [(r.kind, r.url, r.line) for r in page.refs] == [
        ("stylesheet", "/s.css", 1),
        ("link", "/f.xml", 1),
        ("link", "/i.png", 1),
        ("link", "/x/", 2),
        ("image", "/p.png", 2),
        ("image", "/p2.png", 2),
        ("image", "/p3.png", 2),
        ("script", "/j.js", 2),
    ]
    assert page.ids == {"b", "a1", "old"}


def test_check_reads_the_build_cache_but_never_writes_one(site, capsys):
    _build(capsys)  # --no-cache
    assert _check(capsys)[0] == 0
    assert not (site / ".broadsheet-cache").exists()
    assert main(["build"]) == 0
    capsys.readouterr()
    cache = site / ".broadsheet-cache" / "cache.sqlite"
    saved = cache.read_bytes()
    beta = site / "content/2024/06/beta.md"  # edited: not in the cache, rendered, not saved
    beta.write_text(beta.read_text().replace("Back to", "Return to"))
    code, err = _check(capsys)
    assert (code, CLEAN.match(err) is not None) == (0, True), err
    assert cache.read_bytes() == saved


def test_a_url_that_cannot_be_parsed_is_a_problem_not_a_traceback(built):
    never_closed = "a `[` in its host is never closed (an IPv6 host is written [2001:db8::1])"
    for url, page_url in (
        ("https://[::1/x", "/sub/"),
        ("//[::1/x", "/sub/"),
        ("https://[::1/x", None),
        ("https://news.example.org:x/", None),
    ):
        target = built.resolve(url, page_url)
        assert target is not None and target.rel is None
    assert built.resolve("//[::1/x", "/sub/").problem == f"cannot be read as a URL: {never_closed}"
    assert built.resolve("https://news.example.org:x/", None).problem == (
        "cannot be read as a URL: its port `x` is not a number"
    )


def test_check_reports_an_unparsable_url_written_by_a_template(site, capsys):
    _build(capsys)
    page = site / "output/about/index.html"
    page.write_text(page.read_text().replace("</body>", '<a href="https://[::1/x">x</a></body>'))
    code, err = _check(capsys)
    assert code == 1 and "Traceback" not in err
    assert re.search(
        r"^output/about/index.html:\d+:\d+: error: broken link `https://\[::1/x`: "
        r"it cannot be read as a URL: a `\[` in its host is never closed",
        err,
        re.M,
    ), err


def test_check_reports_active_content_too(site, capsys):
    (site / "site.yaml").write_text(SITE_YAML + "content:\n  allow_active: true\n")
    (site / "content/2024/06/widget.js").write_text("alert(1)\n")
    _build(capsys)
    (site / "site.yaml").write_text(SITE_YAML)
    code, err = _check(capsys)
    assert code == 1
    assert err.startswith(
        "content/2024/06/widget.js: error: a .js file can run script on the site's pages, so "
        "it is not published from content/\n  hint: remove it, or set `content.allow_active: "
        "true` in site.yaml if every contributor to content/ is trusted\n"
    ), err
