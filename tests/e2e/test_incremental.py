"""An incremental build gives exactly the bytes of a cold build of the same input.

A sequence of edits, additions, deletions, tag, template, config and asset
changes is applied to one site; after each step the site is rebuilt
incrementally (cache and previous output kept) and, separately, cold (no
cache, empty output), and the two trees must match byte for byte. The
step also checks the incremental build rewrote something when the
change should show, so a build that silently reused stale pages fails.
"""

from __future__ import annotations

import datetime as dt
import shutil
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from builder.config import load_config
from builder.core.models import BuildOptions
from builder.core.paths import SiteLayout
from builder.pipeline import BuildResult, build
from builder.warm import Warm

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "perf"))
import corpus  # noqa: E402

NOW = dt.datetime(2025, 6, 1, 12, tzinfo=dt.UTC)
SITE_YAML = """title: "Incremental Digest"
base_url: "https://example.org/news/"
timezone: Europe/Lisbon
paginate: 4
related: 3
"""


def tree(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def run(
    site: Path, out: Path, cache: Path | None, jobs: int = 1, warm: Warm | None = None
) -> BuildResult:
    config = load_config(site / "site.yaml", out)
    result = build(config, BuildOptions(now=NOW, jobs=jobs, cache_dir=cache), warm=warm)
    assert result.ok, [d.format() for d in result.diagnostics]
    return result


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), "utf-8")


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1748779200")
    root = tmp_path / "site"
    content = root / "content"
    corpus.generate(12, content / "news")  # three pages of four: pagination shifts too
    (root / "site.yaml").write_text(SITE_YAML, "utf-8")
    (content / "news" / "chart.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"/>\n')
    return root


def files(site: Path) -> list[Path]:
    return sorted((site / "content" / "news").glob("*.md"))


STEPS: list[tuple[str, Callable[[Path], None]]] = [
    ("edit a body", lambda s: edit(files(s)[3], "\n\n", "\n\nA correction was added.\n\n")),
    ("edit a title", lambda s: edit(files(s)[5], 'title: "', 'title: "Update: ')),
    ("add a tag", lambda s: edit(files(s)[7], "tags:\n", 'tags:\n  - "Brand New Tag"\n')),
    (
        "add an article",
        lambda s: (
            shutil.copy(files(s)[0], files(s)[0].with_name("zz-copy.md"))
            or edit(files(s)[0].with_name("zz-copy.md"), 'title: "', 'title: "Copy: ')
        ),
    ),
    ("delete an article", lambda s: files(s)[10].unlink()),
    (
        "remove a tag everywhere",
        lambda s: [
            edit(f, '  - "Brand New Tag"\n', "") for f in files(s) if "Brand New" in f.read_text()
        ],
    ),
    (
        "add an editor's note",
        lambda s: (
            (s / "content" / "editions").mkdir()
            or (s / "content" / "editions" / f"{_first_week(s)}.md").write_text(
                '---\ntitle: "A note"\n---\nThis week, briefly.\n'
            )
        ),
    ),
    (
        "override a template",
        lambda s: (
            (s / "templates").mkdir()
            or (s / "templates" / "tag.html").write_text(
                '{% extends "base.html" %}{% block main %}<h1>{{ tag.name }}</h1>'
                "{% for a in articles %}<p>{{ a.title }}</p>{% endfor %}{% endblock %}\n"
            )
        ),
    ),
    ("change the config", lambda s: edit(s / "site.yaml", "paginate: 4", "paginate: 3")),
    (
        "replace an asset",
        lambda s: (s / "content" / "news" / "chart.svg").write_text(
            '<svg xmlns="http://www.w3.org/2000/svg"><rect width="4" height="4"/></svg>\n'
        ),
    ),
    ("delete an asset", lambda s: (s / "content" / "news" / "chart.svg").unlink()),
    ("draft an article", lambda s: edit(files(s)[2], "---\ntitle:", "---\ndraft: true\ntitle:")),
]


def _first_week(site: Path) -> str:
    text = files(site)[0].read_text("utf-8")
    date = dt.datetime.fromisoformat(text.split("date: ", 1)[1].split("\n", 1)[0])
    year, week, _ = date.isocalendar()
    return f"{year}-w{week:02d}"


@pytest.mark.parametrize("process", ["a process per build", "one warm process (serve's)"])
def test_incremental_builds_match_cold_builds(site: Path, tmp_path: Path, process: str) -> None:
    """Each build in a process of its own (the CLI's), or all in one process that keeps
    its model warm between them (serve's: pipeline.build's `warm`)."""
    warm = Warm() if process.startswith("one warm") else None
    out = tmp_path / "incremental"
    cache = tmp_path / "cache"
    run(site, out, cache, warm=warm)
    for number, (name, change) in enumerate(STEPS):
        before = tree(out)
        change(site)
        incremental = run(site, out, cache, jobs=2 if number % 4 == 0 else 1, warm=warm)
        cold_out = tmp_path / f"cold-{number}"
        run(site, cold_out, None)
        got, want = tree(out), tree(cold_out)
        assert sorted(got) == sorted(want), f"after '{name}': file lists differ"
        for rel in want:
            assert got[rel] == want[rel], f"after '{name}': {rel} differs from a cold build"
        assert got != before, f"after '{name}': nothing changed in the output"
        assert incremental.stats is not None and (
            incremental.stats.written or incremental.stats.removed
        ), name


def test_no_change_rebuild_touches_nothing(site: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    cache = tmp_path / "cache"
    run(site, out, cache)
    stamps = {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()}
    again = run(site, out, cache)
    assert again.site is None, "a rebuild with nothing changed should not rebuild"
    assert {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()} == stamps


def test_one_edit_rewrites_only_the_pages_showing_it(site: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    cache = tmp_path / "cache"
    run(site, out, cache)
    stamps = {
        p.relative_to(out).as_posix(): p.stat().st_mtime_ns
        for p in out.rglob("*")
        if p.is_file() and p.name != ".broadsheet"
    }
    target = files(site)[4]
    edit(target, "\n\n", "\n\nOne more sentence in the body only.\n\n")
    result = run(site, out, cache)
    changed = sorted(
        rel
        for rel, ns in stamps.items()
        if (out / rel).is_file() and (out / rel).stat().st_mtime_ns != ns
    )
    # The body is shown on the article page, in full-content feeds and in the search index,
    # whose files are named for their content: some are replaced by new ones.
    slug = target.stem
    index = SiteLayout.PAGEFIND
    assert [
        c for c in changed if not c.endswith((".xml", ".json")) and not c.startswith(index)
    ] == [next(rel for rel in stamps if f"/{slug}/" in rel)]
    now = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}
    added = sorted(now - set(stamps) - {".broadsheet"})
    assert added and all(a.startswith(index) for a in added)
    assert result.stats is not None and result.stats.written == len(changed) + len(added)
    assert result.stats.removed == len(set(stamps) - now)


def test_a_new_article_leaves_the_pages_of_other_tags_as_they_were_made(
    site: Path, tmp_path: Path
) -> None:
    """Each tag's pages are fingerprinted by what they show, not by where their articles
    sit in the site's order, which a newer article shifts: a tag the new article does not
    carry keeps every page's fingerprint, so none of them is even rendered again."""
    out = tmp_path / "out"
    cache = tmp_path / "cache"
    before = run(site, out, cache).stats
    (site / "content" / "news" / "zz-newest.md").write_text(
        '---\ntitle: "The newest of all"\ndate: 2025-05-31T09:00:00+01:00\n'
        'tags:\n  - "A tag of its own"\n---\n\nOnly here.\n',
        "utf-8",
    )
    after = run(site, out, cache).stats
    assert before is not None and after is not None
    tag_pages = {
        rel: entry[0]
        for rel, entry in before.manifest.items()
        if rel.startswith("tags/") and rel != "tags/index.html"
    }
    assert len({rel.split("/")[1] for rel in tag_pages}) > 3  # several tags, some paginated
    assert {rel: after.manifest[rel][0] for rel in tag_pages} == tag_pages
    assert any(rel.startswith("tags/a-tag-of-its-own/") for rel in after.manifest)
