"""preview.page_of: an edited page made from the last build's model is the page the next
build writes, byte for byte; whenever it could not be, there is no preview."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import jinja2
import pytest

from builder import preview
from builder.config import load_config
from builder.core.models import BuildOptions, SiteConfig
from builder.pipeline import build
from builder.warm import Warm

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "site-serve"
ARTICLE = "content/2024/06/ferry-timetable-changes.md"
ARTICLE_PAGE = "2024/06/ferry-timetable-changes/index.html"
PAGE = "content/pages/about.md"


@pytest.fixture
def site(tmp_path: Path) -> tuple[SiteConfig, BuildOptions, Warm]:
    """The serve fixture built once with a Warm, as serve's process keeps it."""
    root = tmp_path / "site"
    shutil.copytree(FIXTURE, root)
    config = load_config(root / "site.yaml")
    options = BuildOptions(jobs=1, cache_dir=tmp_path / "cache")
    warm = Warm()
    assert build(config, options, warm=warm).ok
    return config, options, warm


def rewrite(config: SiteConfig, rel: str, old: str, new: str) -> None:
    path = config.root / rel
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


@pytest.mark.parametrize(
    ("rel", "old", "new"),
    [
        (ARTICLE, "remain valid", "remain **valid** ([notice](https://example.org/n))"),
        (PAGE, "short news items", "short *news* items"),
    ],
)
def test_an_edited_text_is_the_page_the_next_build_writes(
    site: tuple[SiteConfig, BuildOptions, Warm], rel: str, old: str, new: str
) -> None:
    config, options, warm = site
    rewrite(config, rel, old, new)
    shown = preview.page_of(warm, rel)
    assert shown is not None
    before = (config.output_dir / shown.out_path).read_bytes()
    assert shown.data != before  # not the old page: the edit is in it
    result = build(config, options, warm=warm)
    assert result.ok and result.stats is not None
    assert shown.out_path in result.stats.manifest
    assert (config.output_dir / shown.out_path).read_bytes() == shown.data


def test_the_article_page_is_where_the_article_is(
    site: tuple[SiteConfig, BuildOptions, Warm],
) -> None:
    config, _, warm = site
    rewrite(config, ARTICLE, "remain valid", "remain valid, the operator added")
    shown = preview.page_of(warm, ARTICLE)
    assert shown is not None and shown.out_path == ARTICLE_PAGE
    assert b"remain valid, the operator added" in shown.data


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ('title: "Ferry timetable changes for the summer"', 'title: "Summer ferry timetable"'),
        ("tags: [Transport, Harbour]", "tags: [Transport]"),
        ("date: 2024-06-18T09:30:00+01:00", "date: 2024-06-19T09:30:00+01:00"),
        ('summary: "Two extra evening crossings start next week."', 'summary: "Two more."'),
    ],
)
def test_a_changed_front_matter_waits_for_the_build(
    site: tuple[SiteConfig, BuildOptions, Warm], old: str, new: str
) -> None:
    """Its URL, lists, neighbours or what templates see of it may change with it."""
    config, _, warm = site
    rewrite(config, ARTICLE, old, new)
    assert preview.page_of(warm, ARTICLE) is None


def test_a_changed_extra_key_waits_for_the_build(
    site: tuple[SiteConfig, BuildOptions, Warm],
) -> None:
    """Keys Broadsheet does not know are kept for templates, on any page that shows it."""
    config, options, warm = site
    rewrite(config, ARTICLE, "tags: [Transport, Harbour]", "tags: [Transport, Harbour]\nhero: big")
    assert build(config, options, warm=warm).ok
    rewrite(config, ARTICLE, "hero: big", "hero: small")
    assert preview.page_of(warm, ARTICLE) is None
    rewrite(config, ARTICLE, "remain valid", "remain valid still")  # and only the text: shown
    rewrite(config, ARTICLE, "hero: small", "hero: big")
    assert preview.page_of(warm, ARTICLE) is not None


def test_a_file_with_a_problem_waits_for_the_build(
    site: tuple[SiteConfig, BuildOptions, Warm],
) -> None:
    config, _, warm = site
    rewrite(config, ARTICLE, "tags: [Transport, Harbour]", "tags: [Transport, Harbour")
    assert preview.page_of(warm, ARTICLE) is None


def test_no_preview_before_a_build_or_of_what_the_site_does_not_have(
    site: tuple[SiteConfig, BuildOptions, Warm],
) -> None:
    config, _, warm = site
    assert preview.page_of(Warm(), ARTICLE) is None  # nothing built in this process
    new = config.root / "content/2024/06/new-pier.md"
    new.write_text(
        (config.root / ARTICLE).read_text(encoding="utf-8").replace("ferry-timetable", "pier"),
        encoding="utf-8",
    )
    assert preview.page_of(warm, "content/2024/06/new-pier.md") is None  # added: a new page
    assert preview.page_of(warm, "content/2024/06/quay-map.svg") is None  # an asset
    assert preview.page_of(warm, "content/2024/06/gone.md") is None  # no such file
    assert preview.page_of(warm, "site.yaml") is None


def test_a_link_out_of_content_is_not_read(
    site: tuple[SiteConfig, BuildOptions, Warm], tmp_path: Path
) -> None:
    """The rule discovery keeps: a symlink may not lead out of content/."""
    config, _, warm = site
    outside = tmp_path / "outside.md"
    shutil.copy(config.root / ARTICLE, outside)
    (config.root / ARTICLE).unlink()
    os.symlink(outside, config.root / ARTICLE)
    assert preview.page_of(warm, ARTICLE) is None


def test_a_process_that_keeps_builds_gets_the_model_even_when_nothing_changed(
    site: tuple[SiteConfig, BuildOptions, Warm],
) -> None:
    """serve's first build on a warm cache builds the model (writing nothing) so its first
    edit has one; a build without a Warm still stops after discovery."""
    config, options, _ = site
    assert build(config, options).site is None  # the no-change shortcut
    warm = Warm()
    result = build(config, options, warm=warm)
    assert result.ok and result.site is not None and warm.shown is not None
    assert result.stats is not None and result.stats.written == 0
    assert build(config, options, warm=warm).site is None  # and then the shortcut again


def test_prepare_compiles_the_templates_and_renders_nothing(
    site: tuple[SiteConfig, BuildOptions, Warm], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A build that found nothing changed compiles no template; prepare compiles them all
    (so the first edit's page does not wait for it) without rendering a page."""
    config, options, _ = site
    warm = Warm()
    assert build(config, options, warm=warm).ok and warm.shown is not None
    env = warm.shown.theme.env
    assert env.cache is not None
    names = set(env.list_templates(filter_func=lambda n: not n.startswith(".")))
    assert "article.html" in names
    assert "article.html" not in {t.name for t in env.cache.values()}
    rendered: list[str] = []
    real = jinja2.Template.render
    monkeypatch.setattr(
        jinja2.Template,
        "render",
        lambda self, *a, **k: rendered.append(self.name) or real(self, *a, **k),
    )
    preview.prepare(warm)
    assert {t.name for t in env.cache.values()} >= names
    assert rendered == []
    assert preview.prepare(Warm()) is None  # before any build: nothing to get ready for
