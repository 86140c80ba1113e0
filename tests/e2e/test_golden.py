"""The golden end-to-end test: site-basic builds to exactly the reviewed tree.

tests/fixtures/golden/ holds the output of tests/fixtures/site-basic built
with a fixed clock and SOURCE_DATE_EPOCH. Any change to what readers get
(pages, feeds, sitemap, CSS) shows up here as a diff to review. After an
intended change, regenerate it with

    UPDATE_GOLDEN=1 python -m pytest tests/e2e/test_golden.py

and read the git diff of tests/fixtures/golden/ before committing.
"""

from __future__ import annotations

import difflib
import os
import re
import shutil
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import html5lib
import pytest

GOLDEN = Path(__file__).resolve().parent.parent / "fixtures" / "golden"
BuiltSite = Any  # tests/conftest.py's BuiltSite: result, root, out
MARKER = ".broadsheet"  # write.py's ownership marker: not part of the site


def tree(root: Path) -> dict[str, bytes]:
    """Every file under `root` (relative POSIX path → bytes), the marker left out."""
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file() and p.name != MARKER}


def first_difference(expected: dict[str, bytes], actual: dict[str, bytes]) -> str:
    """A readable account of how two trees differ, with a diff of the first changed file."""
    missing = sorted(set(expected) - set(actual))
    extra = sorted(set(actual) - set(expected))
    lines = []
    if missing:
        lines.append("missing from the build: " + ", ".join(missing))
    if extra:
        lines.append("not in the golden tree: " + ", ".join(extra))
    changed = [name for name in sorted(set(expected) & set(actual))
               if expected[name] != actual[name]]
    if changed:
        name = changed[0]
        lines.append(f"{len(changed)} file(s) differ: " + ", ".join(changed))
        try:
            old = expected[name].decode("utf-8").splitlines(keepends=True)
            new = actual[name].decode("utf-8").splitlines(keepends=True)
            diff = difflib.unified_diff(old, new, f"golden/{name}", f"build/{name}", n=2)
            lines.append("".join(list(diff)[:80]))
        except UnicodeDecodeError:
            lines.append(f"{name}: binary content differs")
    lines.append("if the change is intended: UPDATE_GOLDEN=1 python -m pytest "
                 "tests/e2e/test_golden.py, then review the git diff")
    return "\n".join(lines)


def test_build_matches_golden_tree(basic_site: BuiltSite) -> None:
    assert basic_site.result.ok
    actual = tree(basic_site.out)
    if os.environ.get("UPDATE_GOLDEN") == "1":
        if GOLDEN.exists():
            shutil.rmtree(GOLDEN)
        for name, data in actual.items():
            target = GOLDEN / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
    assert GOLDEN.is_dir(), "no golden tree yet: run with UPDATE_GOLDEN=1"
    expected = tree(GOLDEN)
    assert actual == expected, first_difference(expected, actual)


def test_golden_build_reports_the_duplicate_source_and_nothing_else(
    basic_site: BuiltSite,
) -> None:
    rendered = [d.format() for d in basic_site.result.diagnostics]
    assert rendered == [
        "content/2025/03/king-street-construction-schedule.md:1:1: warning: source "
        "http://lakeshore-ledger.example/cities/2025/03/05/king-street-bike-lanes"
        "?utm_source=newsletter&utm_medium=email is also curated by "
        "content/2025/03/council-approves-king-street-bike-lanes.md\n"
        "  hint: link the earlier article instead, or drop one of them"
    ]


def test_golden_build_leaves_out_the_article_after_now(basic_site: BuiltSite) -> None:
    assert not (basic_site.out / "2025/04").exists()
    assert basic_site.result.site.left_out == ("1 scheduled",)


def test_same_input_builds_the_same_bytes(basic_site: BuiltSite, build_basic) -> None:
    again = build_basic()
    assert tree(again.out) == tree(basic_site.out)


def test_first_difference_names_files_and_shows_a_diff() -> None:
    report = first_difference({"a.html": b"one\ntwo\n", "gone.txt": b""},
                              {"a.html": b"one\nthree\n", "new.txt": b""})
    assert "missing from the build: gone.txt" in report
    assert "not in the golden tree: new.txt" in report
    assert "-two\n+three" in report


# --------------------------------------------------------------------------
# Under a sub-path base_url, every internal link of every page resolves.
# --------------------------------------------------------------------------
_PAGE_URLS = ("href", "src")


def _links(page: Path) -> list[str]:
    document = html5lib.parse(page.read_bytes(), namespaceHTMLElements=False)
    return [el.get(attr) for el in document.iter() for attr in _PAGE_URLS
            if isinstance(el.tag, str) and el.get(attr) is not None]


def _target(out: Path, page: Path, url: str, host: str, base_path: str) -> Path | None:
    """The output file a link points at, or None when it leaves the site."""
    parts = urlsplit(url)
    if parts.scheme in ("mailto", "tel"):
        return None
    if parts.netloc and parts.netloc != host:
        return None
    if parts.scheme or parts.netloc or parts.path.startswith("/"):
        path = unquote(parts.path)
        assert path.startswith(base_path), f"{page}: {url} is outside {base_path}"
        file = out / path.removeprefix(base_path)
    elif parts.path:
        file = (page.parent / unquote(parts.path)).resolve()
    else:
        file = page  # a bare #fragment
    return file / "index.html" if file.is_dir() or str(file).endswith("/") else file


def test_every_internal_link_resolves_under_a_sub_path(basic_site_subpath: BuiltSite) -> None:
    assert basic_site_subpath.result.ok
    out = basic_site_subpath.out
    broken = []
    checked = 0
    for page in sorted(out.rglob("*.html")):
        ids = set(re.findall(r'\sid="([^"]+)"', page.read_text("utf-8")))
        for url in _links(page):
            target = _target(out, page, url, "briefing.example.net", "/digest/")
            if target is None:
                continue
            checked += 1
            if not target.is_file():
                broken.append(f"{page.relative_to(out)}: {url}")
            fragment = urlsplit(url).fragment
            if fragment and target == page and unquote(fragment) not in ids:
                broken.append(f"{page.relative_to(out)}: {url} (no such id)")
    assert checked > 500
    assert broken == []


def test_sub_path_pages_never_link_to_the_host_root(basic_site_subpath: BuiltSite) -> None:
    out = basic_site_subpath.out
    for page in sorted(out.rglob("*.html")):
        text = page.read_text("utf-8")
        assert not re.search(r'(?:href|src)="/(?!digest/)', text), page
        assert "https://briefing.example.net/" in text
        assert not re.search(r'https://briefing\.example\.net/(?!digest/)', text), page


@pytest.mark.parametrize("name", ["sitemap.xml", "robots.txt", "feed.xml", "atom.xml",
                                  "feed.json", "editions/feed.xml"])
def test_sub_path_files_use_the_sub_path(basic_site_subpath: BuiltSite, name: str) -> None:
    text = (basic_site_subpath.out / name).read_text("utf-8")
    urls = re.findall(r"https?://briefing\.example\.net[^\s\"<&]*", text)
    assert urls
    assert all(u.startswith("https://briefing.example.net/digest/") for u in urls), urls
