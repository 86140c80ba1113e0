"""A tampered cache: whatever is written into it, a build touches nothing outside output/,
publishes nothing the sanitiser did not pass, and never crashes.

In CI a cache folder can be restored from another branch's run, so its
contents are untrusted input. Each test builds a small site through the
command line (`broadsheet build`, with the cache), changes the cache the
way an attacker (or a corrupt disk) could, and builds again: the build
succeeds with one warning, and output/ is exactly what a build without a
cache makes.
"""

from __future__ import annotations

import gzip
import json
import shutil
import signal
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from builder.cli import main

SITE_SERVE = Path(__file__).resolve().parents[1] / "fixtures" / "site-serve"
EPOCH = "1748779200"
ARTICLE = "content/2024/06/fish-market-reopens.md"
WARNING = "warning: cache values that failed validation were dropped and will be recomputed"


def tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "site"
    shutil.copytree(SITE_SERVE, root)
    monkeypatch.chdir(root)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    return root


@pytest.fixture
def cli(site: Path, capsys: pytest.CaptureFixture[str]) -> Iterator[Callable[..., tuple]]:
    """`broadsheet build ARGS`: (exit code, stderr)."""
    saved = signal.getsignal(signal.SIGTERM)

    def run(*args: str) -> tuple[int, str]:
        capsys.readouterr()
        code = main(["build", "--jobs", "1", *args])
        return code, capsys.readouterr().err

    yield run
    signal.signal(signal.SIGTERM, saved)  # main() installs its own


def cold(site: Path) -> dict[str, bytes]:
    """output/ as a build of the same sources without any cache makes it."""
    copy = site.parent / "cold"
    shutil.copytree(site, copy, ignore=shutil.ignore_patterns("output", ".broadsheet*"))
    code = main(["build", "--no-cache", "--jobs", "1", "--config", str(copy / "site.yaml")])
    assert code == 0
    return tree(copy / "output")


def database(site: Path) -> sqlite3.Connection:
    return sqlite3.connect(site / ".broadsheet-cache" / "cache.sqlite")


def edit_article(site: Path) -> None:
    """A change, so the next build is a real one (it writes and deletes files)."""
    path = site / ARTICLE
    text = path.read_text("utf-8")
    old, new = ("six weeks", "seven weeks") if "six weeks" in text else ("seven", "six")
    path.write_text(text.replace(old, new), "utf-8")


def warned_once(err: str) -> None:
    assert err.count(WARNING) == 1, err
    assert "Traceback" not in err


# --------------------------------------------------------------------------
# The saved list of output files: paths outside output/, bad values
# --------------------------------------------------------------------------
BAD_LINES = {
    "../../victim.txt": ["f", 7, 0],  # deleting it would reach outside output/
    "../victim.txt": ["f", 7, 0],
    "/etc/hostname": ["f", 1, 0],
    "about/../../victim.txt": ["f", 7, 0],
    "tags": ["f", 1, 0],  # a folder of output/: never deleted as a whole
    ".broadsheet": ["f", 1, 0],  # the marker
    "index.html": ["f", "big", 0],  # a size that is not a number
    "feed.xml": "not a list",
}


def test_paths_outside_output_in_the_saved_file_list_are_never_touched(
    site: Path, cli: Callable[..., tuple]
) -> None:
    victim = site.parent / "victim.txt"
    victim.write_text("keep me")
    assert cli()[0] == 0
    db = database(site)
    ((key, text),) = db.execute("SELECT key, value FROM info WHERE key LIKE 'manifest:%'")
    manifest = json.loads(text)
    manifest["files"].update(BAD_LINES)
    with db:
        db.execute("UPDATE info SET value = ? WHERE key = ?", (json.dumps(manifest), key))
    db.close()
    edit_article(site)
    code, err = cli()
    assert code == 0, err
    warned_once(err)
    assert "the saved list of output files has a bad line" in err
    assert victim.read_text() == "keep me"
    assert (site / "output" / "tags").is_dir()
    assert tree(site / "output") == cold(site)
    # The next build saved a clean list: no warning any more.
    edit_article(site)
    code, err = cli()
    assert (code, WARNING in err, "nothing changed" in err) == (0, False, False), err


# --------------------------------------------------------------------------
# Entries whose values have the wrong type
# --------------------------------------------------------------------------
@pytest.mark.parametrize("spoil", ["title", "tag", "words", "control", "slug"])
def test_entries_with_values_of_the_wrong_type_are_recomputed_with_one_warning(
    site: Path, cli: Callable[..., tuple], spoil: str
) -> None:
    assert cli()[0] == 0
    db = database(site)
    rows = db.execute("SELECT key, meta FROM entries").fetchall()
    spoiled = 0
    with db:
        for key, text in rows:
            data = json.loads(text)
            if data[1] is None or data[1][0] != "article" or data[2] is None:
                continue
            if spoil == "title":
                data[1][2][0] = 42  # a number where the title's string goes
            elif spoil == "control":  # an OSC 8 link and a bell, for the terminal of a reader
                data[1][2][0] = "Fish \x1b]8;;https://evil.example/\x07market"
            elif spoil == "slug":  # front matter allows no `/` in a slug
                data[1][2][3] = "../../escaped"
            elif spoil == "tag":
                data[1][2][10] = [[["nested"], 3]]  # a list where a tag's name goes
            else:
                data[2][2] = "many"  # words: text where a count goes
            db.execute("UPDATE entries SET meta = ? WHERE key = ?", (json.dumps(data), key))
            spoiled += 1
    db.close()
    assert spoiled > 1
    edit_article(site)
    code, err = cli()
    assert code == 0, err
    warned_once(err)
    assert tree(site / "output") == cold(site)


# --------------------------------------------------------------------------
# Active content written into cached HTML
# --------------------------------------------------------------------------
ACTIVE = (
    '<script>alert("script")</script><img src="x.png" onerror="alert(\'img\')">'
    "<a href=\"javascript:alert('link')\">go</a>"
    "<blockquote cite=\"javascript:alert('cite')\">q</blockquote>"
    '<p style="x" onmouseover="alert(\'p\')">\x1b[2Jhi</p>'
)


@pytest.mark.parametrize("where", ["body", "summary"])
def test_script_written_into_cached_html_reaches_no_page_or_feed(
    site: Path, cli: Callable[..., tuple], where: str
) -> None:
    """The cache is checked for types, not for what its HTML says: that is the sanitiser's
    job, so a cached body and summary go through it again before any page uses them."""
    assert cli()[0] == 0
    db = database(site)
    rows = db.execute("SELECT key, meta, html FROM entries").fetchall()
    with db:
        for key, text, html in rows:
            data = json.loads(text)
            if data[2] is None:
                continue
            if where == "summary":
                data[2][0] += ACTIVE
            db.execute(
                "UPDATE entries SET meta = ?, html = ? WHERE key = ?",
                (json.dumps(data), html + ACTIVE if where == "body" else html, key),
            )
    db.close()
    shutil.rmtree(site / "output")  # every page is made again, from the cache
    code, err = cli()
    assert code == 0, err
    assert "Traceback" not in err
    published = tree(site / "output")
    spoiled = []
    for rel, data in published.items():
        if data[:2] == b"\x1f\x8b":  # the search index's files are gzipped
            data = gzip.decompress(data)
        text = rel.endswith((".html", ".xml", ".json", ".txt"))  # binary may hold 0x1B
        if b"alert(" in data or b"onerror" in data or text and b"\x1b" in data.lower():
            spoiled.append(rel)
        if text and b"\\u001b" in data.lower():
            spoiled.append(rel)
    assert spoiled == []
    assert any(rel.startswith("pagefind/fragment/") for rel in published)  # searched, too
    # What the sanitiser lets through stays: the entries were used, not recomputed.
    assert any(b'<img src="x.png">' in data for data in published.values())
