"""preview.lists_of: the page of each list an added or deleted article is (or was) on, with
those lists' feeds, is the page the next build writes, byte for byte; whenever it could not
be, there is no preview."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from builder import preview
from builder.config import load_config
from builder.core.models import BuildOptions, SiteConfig
from builder.pipeline import build
from builder.warm import Warm

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "site-serve"
ADDED = "content/2024/06/new-pier.md"


def article(title: str, date: str, tags: str, body: str = "Text of the article.") -> str:
    return f'---\ntitle: "{title}"\ndate: {date}\ntags: [{tags}]\n---\n\n{body}\n'


@pytest.fixture
def site(tmp_path: Path) -> tuple[SiteConfig, BuildOptions, Warm]:
    """The serve fixture with eleven more articles in May (thirteen: three front pages of
    five), built once with a Warm, as serve's process keeps it."""
    root = tmp_path / "site"
    shutil.copytree(FIXTURE, root)
    for day in range(1, 12):
        tags = "Harbour" if day % 2 else "Transport"
        (root / f"content/2024/05/note-{day:02d}.md").parent.mkdir(exist_ok=True)
        (root / f"content/2024/05/note-{day:02d}.md").write_text(
            article(f"Harbour note {day}", f"2024-05-{day:02d}T08:00:00+01:00", tags), "utf-8"
        )
    config = load_config(root / "site.yaml")
    options = BuildOptions(jobs=1, cache_dir=tmp_path / "cache")
    warm = Warm()
    assert build(config, options, warm=warm).ok
    return config, options, warm


def add_pier(config: SiteConfig) -> None:
    """A new article, the newest, tagged Harbour."""
    (config.root / ADDED).write_text(
        article("New pier opens", "2024-06-25T10:00:00+01:00", "Harbour"), "utf-8"
    )


def the_next_build_writes(config: SiteConfig, options: BuildOptions, warm: Warm, made) -> set:
    """Build; assert every previewed page is what it wrote; the paths it wrote."""
    result = build(config, options, warm=warm)
    assert result.ok and result.stats is not None
    for page in made:
        assert (config.output_dir / page.out_path).read_bytes() == page.data, page.out_path
    return set(result.stats.manifest)


def test_an_added_article_is_on_its_lists_at_once(
    site: tuple[SiteConfig, BuildOptions, Warm],
) -> None:
    config, options, warm = site
    add_pier(config)
    made = preview.lists_of(warm, ADDED)
    assert made is not None
    assert [p.out_path for p in made] == [
        "2024/06/new-pier/index.html",
        "index.html",
        "tags/harbour/index.html",
        "2024/index.html",
        "2024/06/index.html",
        "editions/2024-w26/index.html",
        "404.html",
        "feed.xml",
        "atom.xml",
        "feed.json",
        "tags/harbour/feed.xml",
        "editions/feed.xml",
    ]
    assert all(b"New pier opens" in p.data for p in made)
    assert not (config.output_dir / "2024/06/new-pier/index.html").exists()  # nothing written
    the_next_build_writes(config, options, warm, made)
    # The later front pages shifted by one: those come with the build, not the preview.
    assert (config.output_dir / "page/2/index.html").is_file()


def test_a_deleted_article_leaves_the_page_it_was_on(
    site: tuple[SiteConfig, BuildOptions, Warm],
) -> None:
    """The seventh newest was on the second front page and the first of its tag's (the
    fifth newest tagged Harbour); the front page's first page does not show it."""
    config, options, warm = site
    gone = "content/2024/05/note-07.md"
    (config.root / gone).unlink()
    made = preview.lists_of(warm, gone)
    assert made is not None
    paths = [p.out_path for p in made]
    assert paths == [
        "page/2/index.html",
        "tags/harbour/index.html",
        "2024/index.html",
        "2024/05/index.html",
        "editions/2024-w19/index.html",
        "feed.xml",
        "atom.xml",
        "feed.json",
        "tags/harbour/feed.xml",
        "editions/feed.xml",
    ]
    assert not any(b"Harbour note 7<" in p.data for p in made)
    the_next_build_writes(config, options, warm, made)


def test_a_link_item_added_is_on_its_lists_and_has_no_page(
    site: tuple[SiteConfig, BuildOptions, Warm],
) -> None:
    config, options, warm = site
    rel = "content/2024/06/tide-tables.md"
    (config.root / rel).write_text(
        '---\ntitle: "Tide tables for July"\ndate: 2024-06-24T10:00:00+01:00\n'
        "link: https://tides.example.org/july\ntags: [Harbour]\n---\n\nThe port's tables.\n",
        "utf-8",
    )
    made = preview.lists_of(warm, rel)
    assert made is not None and made[0].out_path == "index.html"
    assert b"tides.example.org/july" in made[0].data
    the_next_build_writes(config, options, warm, made)


@pytest.mark.parametrize(
    ("rel", "text"),
    [
        ("content/pages/contact.md", '---\ntitle: "Contact"\n---\n\nWrite to us.\n'),  # a page
        (ADDED, article("Draft pier", "2024-06-25T10:00:00+01:00", "Harbour") + "x"),  # fine…
        (ADDED, '---\ntitle: "Broken\ndate: 2024-06-25\n---\n\nText.\n'),  # a problem in it
        (ADDED, "---\ntitle: Late\ndate: 2031-01-01T10:00:00+01:00\n---\n\nNot yet.\n"),
        (ADDED, '---\ntitle: "Fish"\nslug: fish-market-reopens\ndate: 2024-06-20\n---\n\nT.\n'),
        ("content/2024/06/ferry-timetable-changes.md", None),  # edited, not added: page_of's
    ],
    ids=["page", "added", "invalid", "scheduled", "clash", "edited"],
)
def test_no_lists_unless_one_article_was_added_or_deleted_and_the_site_builds(
    site: tuple[SiteConfig, BuildOptions, Warm], rel: str, text: str | None
) -> None:
    config, _, warm = site
    if text is not None:
        (config.root / rel).write_text(text, "utf-8")
    made = preview.lists_of(warm, rel)
    if text is not None and text.endswith("x"):  # the control: the same file, shown
        assert made is not None
    else:
        assert made is None


def test_no_lists_before_a_build_in_strict_mode_or_of_other_files(
    site: tuple[SiteConfig, BuildOptions, Warm],
) -> None:
    config, _, warm = site
    add_pier(config)
    assert preview.lists_of(Warm(), ADDED) is None  # nothing built in this process
    assert preview.lists_of(warm, "content/2024/06/quay-map.svg") is None
    assert preview.lists_of(warm, "content/2024/06/never-was.md") is None
    strict = Warm()
    assert build(config, BuildOptions(jobs=1, strict=True), warm=strict).ok
    assert preview.lists_of(strict, ADDED) is None  # the warnings it skips would fail it


def test_an_author_s_list_and_feed_show_their_added_article(
    site: tuple[SiteConfig, BuildOptions, Warm],
) -> None:
    config, options, warm = site
    site_yaml = config.root / "site.yaml"
    site_yaml.write_text(
        site_yaml.read_text("utf-8") + "authors:\n  - name: Mira Costa\n    bio: Harbour press.\n",
        "utf-8",
    )
    config = load_config(site_yaml)
    assert build(config, options, warm=warm).ok
    (config.root / ADDED).write_text(
        article("New pier opens", "2024-06-25T10:00:00+01:00", "Harbour").replace(
            "tags:", "authors: [Mira Costa]\ntags:"
        ),
        "utf-8",
    )
    made = preview.lists_of(warm, ADDED)
    assert made is not None
    paths = [p.out_path for p in made]
    assert "authors/mira-costa/index.html" in paths and "authors/mira-costa/feed.xml" in paths
    the_next_build_writes(config, options, warm, made)
