"""Reproducibility: the same input builds byte-identical output on any machine.

The same site is built twice by separate `python -m builder build`
processes that differ in everything that should not matter: the site's
folder, the output folder, the current folder, TZ, the locale, HOME, the
hash seed, --jobs 1 against --jobs 2 (so the parallel Markdown and render
pools are used) and no cache against a fresh cache. Every byte of the two
trees must match, the `.broadsheet` marker included, and no path of the
machine may appear in any file. Then the build date: it comes from
SOURCE_DATE_EPOCH, else from the content, never from the clock.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from builder import write
from builder.read.entries import POOL_MIN
from builder.render.engine import PARALLEL_MIN

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tests" / "perf"))
import corpus  # noqa: E402

EPOCH = "1748779200"  # 2025-06-01 12:00 UTC
SITE_YAML = (
    'title: "Reproducible Digest"\nbase_url: "https://example.org/digest/"\n'
    "timezone: Europe/Lisbon\n"
)
ABOUT = '---\ntitle: "About"\n---\n\nWho writes this digest, and why.\n'
SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"/>\n'


def tree(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def write_site(root: Path, articles: int) -> Path:
    """The corpus articles (tags such as Bogotá and Kraków), a page and an image."""
    corpus.generate(articles, root / "content" / "news")
    (root / "content" / "news" / "map.svg").write_text(SVG, "utf-8")
    (root / "content" / "pages").mkdir()
    (root / "content" / "pages" / "about.md").write_text(ABOUT, "utf-8")
    (root / "site.yaml").write_text(SITE_YAML, "utf-8")
    return root


@dataclass(frozen=True)
class Machine:
    """Everything about a build that must not change its output."""

    tz: str
    locale: str
    hash_seed: str
    jobs: str
    cache: bool


def run(
    machine: Machine, cwd: Path, config: Path, out: Path, home: Path, epoch: str | None
) -> subprocess.CompletedProcess[str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("SOURCE_DATE_EPOCH", "GITHUB_ACTIONS") and not k.startswith("LC_")
    }
    env.update(
        PYTHONPATH=str(REPO),
        TZ=machine.tz,
        LANG=machine.locale,
        LC_ALL=machine.locale,
        HOME=str(home),
        PYTHONHASHSEED=machine.hash_seed,
    )
    if epoch is not None:
        env["SOURCE_DATE_EPOCH"] = epoch
    args = [
        sys.executable,
        "-m",
        "builder",
        "build",
        "--config",
        str(config),
        "--output",
        str(out),
        "--jobs",
        machine.jobs,
    ]
    args += ["--cache-dir", str(cwd / "cache")] if machine.cache else ["--no-cache"]
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


ONE = Machine("Pacific/Auckland", "C.UTF-8", "1", "1", cache=False)
TWO = Machine("America/Los_Angeles", "POSIX", "2", "2", cache=True)


@pytest.mark.parametrize("epoch", [EPOCH, None], ids=["SOURCE_DATE_EPOCH", "no-epoch"])
def test_two_machines_build_identical_bytes(tmp_path: Path, epoch: str | None) -> None:
    site_one = write_site(tmp_path / "one" / "site", 80)
    site_two = tmp_path / "two with spaces" / "nested" / "checkout"
    shutil.copytree(site_one, site_two)
    home_one, home_two = tmp_path / "home-one", tmp_path / "home-two"
    home_one.mkdir()
    home_two.mkdir()
    out_one = site_one / "output"
    out_two = tmp_path / "elsewhere" / "public"
    first = run(ONE, site_one, Path("site.yaml"), Path("output"), home_one, epoch)
    assert first.returncode == 0, first.stderr
    # Run from another folder, with relative --config and --output.
    second = run(
        TWO,
        tmp_path,
        site_two.relative_to(tmp_path) / "site.yaml",
        out_two.relative_to(tmp_path),
        home_two,
        epoch,
    )
    assert second.returncode == 0, second.stderr
    # Both built the whole site; with so many sources and pages, --jobs 2 used both pools.
    for done in (first, second):
        assert done.stderr.splitlines()[-1].startswith(
            "built 80 articles, 1 page, 164 tags, 73 editions: 796 files written"
        )
    # 81 Markdown sources; 698 outputs, an email.html and email.txt per edition among them.
    assert POOL_MIN <= 81 and PARALLEL_MIN <= 698

    one, two = tree(out_one), tree(out_two)
    assert sorted(one) == sorted(two)
    assert [rel for rel in one if one[rel] != two[rel]] == []
    assert write.MARKER in one  # the build id names the outputs, so it is identical too
    assert any(not rel.isascii() for rel in one)  # non-ASCII paths took part

    needles = [
        str(tmp_path),
        str(home_one),
        str(home_two),
        str(REPO),
        "pytest-of",
        str(Path.home()),
    ]
    for rel, data in one.items():
        for needle in needles:
            assert needle.encode() not in data, f"{needle} in {rel}"


def test_build_date_comes_from_source_date_epoch_else_content(tmp_path: Path) -> None:
    """A site with no dated article: its feeds' date is the build date, never the clock."""
    site = tmp_path / "site"
    (site / "content" / "pages").mkdir(parents=True)
    (site / "content" / "pages" / "about.md").write_text(ABOUT, "utf-8")
    (site / "site.yaml").write_text(SITE_YAML.replace("Europe/Lisbon", "Asia/Tokyo"), "utf-8")
    home = tmp_path / "home"
    home.mkdir()
    feeds = {}
    for name, epoch in (("epoch", EPOCH), ("none", None)):
        done = run(ONE, site, Path("site.yaml"), Path(name), home, epoch)
        assert done.returncode == 0, done.stderr
        feeds[name] = (
            (site / name / "atom.xml").read_text("utf-8"),
            (site / name / "feed.xml").read_text("utf-8"),
        )
    atom, rss = feeds["epoch"]
    assert "<updated>2025-06-01T21:00:00+09:00</updated>" in atom
    assert "<lastBuildDate>Sun, 01 Jun 2025 21:00:00 +0900</lastBuildDate>" in rss
    atom, rss = feeds["none"]
    assert "<updated>1970-01-01T00:00:00+00:00</updated>" in atom
    assert "<lastBuildDate>Thu, 01 Jan 1970 00:00:00 +0000</lastBuildDate>" in rss


def test_file_system_without_utf8_is_a_clear_error(tmp_path: Path) -> None:
    """Python in a non-UTF-8 locale cannot name `tags/café/`: say so, do not crash."""
    site = tmp_path / "site"
    (site / "content").mkdir(parents=True)
    (site / "site.yaml").write_text(SITE_YAML, "utf-8")
    (site / "content" / "cafe.md").write_text(
        '---\ntitle: "Café opens"\ndate: 2024-05-01\ntags: [Café]\n---\n\nBody.\n', "utf-8"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LC_", "PYTHONUTF8"))}
    env.update(
        PYTHONPATH=str(REPO), LC_ALL="POSIX", LANG="POSIX", PYTHONUTF8="0", PYTHONCOERCECLOCALE="0"
    )
    env.pop("GITHUB_ACTIONS", None)
    done = subprocess.run(
        [sys.executable, "-m", "builder", "build", "--no-cache"],
        cwd=site,
        env=env,
        capture_output=True,
        timeout=120,
    )
    assert done.returncode == 2
    assert done.stderr.decode("ascii") == (
        "broadsheet: error: cannot write 'tags/caf\\xe9/index.html': this system's file "
        "names are ascii, not UTF-8\n"
        "  hint: run with a UTF-8 locale (LC_ALL=C.UTF-8) or set PYTHONUTF8=1\n"
    )
    assert not (site / "output").exists()
    assert [p.name for p in site.iterdir() if p.name.startswith(write.TMP_PREFIX)] == []
