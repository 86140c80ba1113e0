"""`broadsheet init`: a new site that loads, builds and checks cleanly; never into a used folder."""

from __future__ import annotations

import glob
import tomllib
from pathlib import Path

import yaml

from builder import config as config_mod
from builder.cli import main
from builder.commands.init import SCAFFOLD
from builder.config import load_config
from builder.core.models import FeedsConfig, MarkdownConfig, Permalinks

REPO = Path(__file__).resolve().parents[3]


def _files(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


def test_init_creates_a_site_that_builds_and_checks_cleanly(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["init", "news"]) == 0
    out = capsys.readouterr().out
    site = tmp_path / "news"
    files = _files(site)
    articles = [f for f in files if f.startswith("content/")]
    assert len(articles) == 1
    assert files == sorted([".github/workflows/publish.yml", ".gitignore", "site.yaml",
                            articles[0]])
    assert articles[0].endswith("/welcome-to-your-new-digest.md")
    assert out.startswith("created a Broadsheet site in news:\n")
    for name in files:
        assert f"  {name}\n" in out

    monkeypatch.chdir(site)
    assert main(["build", "--no-cache"]) == 0
    err = capsys.readouterr().err
    assert "warning" not in err and "error" not in err
    assert "built 1 article, 0 pages" in err
    slug_page = site / "output" / Path(articles[0]).parent.relative_to("content") \
        / "welcome-to-your-new-digest" / "index.html"
    assert "Welcome to your new digest" in slug_page.read_text()
    assert main(["check"]) == 0
    err = capsys.readouterr().err
    assert err.startswith("checked ") and err.endswith(": no problems\n")


def test_example_article_is_dated_today_in_the_site_time_zone(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["init", "site"]) == 0
    article = next((tmp_path / "site" / "content").rglob("*.md"))
    front = yaml.safe_load(article.read_text().split("---\n")[1])
    year, month = article.parent.parent.name, article.parent.name
    assert f"{front['date']:%Y/%m}" == f"{year}/{month}"
    assert front["summary"]  # no "missing summary" warning in a new site


def test_site_yaml_lists_every_option_with_its_default(tmp_path):
    text = (SCAFFOLD / "site.yaml").read_text()
    data = yaml.safe_load(text)
    assert set(data) == config_mod._TOP_KEYS
    assert set(data["permalinks"]) == set(config_mod._PERMALINK_FIELDS)
    assert set(data["feeds"]) == set(config_mod._FEED_NAMES)
    for options in data["feeds"].values():
        assert set(options) == {"enabled", "limit", "full_content"}
    assert set(data["markdown"]) == {"raw_html", "highlight", "style_light", "style_dark",
                                     "words_per_minute"}
    assert set(data["editions"]) == {"period"}
    (tmp_path / "site.yaml").write_text(text)
    config = load_config(tmp_path / "site.yaml")
    assert config.permalinks == Permalinks()
    assert config.feeds == FeedsConfig()
    assert config.markdown == MarkdownConfig()
    assert (config.paginate, config.related, config.editions) == (10, 5, "week")
    assert config.output_dir == (tmp_path / "output").resolve()


def test_every_option_in_site_yaml_has_a_comment():
    """A comment on the line, on the line above, or (feed switches) naming the key."""
    lines = (SCAFFOLD / "site.yaml").read_text().splitlines()
    comments = " ".join(ln for ln in lines if ln.strip().startswith("#"))
    keys = 0
    for index, line in enumerate(lines):
        key = line.strip().split(":")[0]
        if line.strip().startswith("#") or ":" not in line or not key.isidentifier():
            continue
        keys += 1
        above = lines[index - 1].strip()
        assert "#" in line or above.startswith("#") or f"{key} (" in comments, line
    assert keys == 46  # 15 top-level, 1 content, 1 editions, 4 permalinks, 5 + 15 feeds,
    #                    5 markdown


def test_gitignore_covers_output_cache_and_build_debris():
    lines = (SCAFFOLD / "gitignore").read_text().splitlines()
    for entry in ("output/", ".broadsheet-cache/", ".broadsheet-tmp-*/", ".broadsheet.lock"):
        assert entry in lines


def test_shipped_workflow_is_the_repository_template(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["init", "site"]) == 0
    shipped = (tmp_path / "site" / ".github" / "workflows" / "publish.yml").read_bytes()
    assert shipped == (REPO / ".github" / "workflows" / "publish.yml").read_bytes()


def test_package_data_globs_include_every_scaffold_file():
    """setuptools skips hidden files in package-data globs, as glob.glob does."""
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text())
    patterns = pyproject["tool"]["setuptools"]["package-data"]["builder"]
    package = REPO / "builder"
    matched = {m for p in patterns for m in glob.glob(p, root_dir=package, recursive=True)}
    for path in SCAFFOLD.rglob("*"):
        if path.is_file() and "__pycache__" not in path.parts:
            assert path.relative_to(package).as_posix() in matched, path


def test_refuses_a_folder_that_is_not_empty(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "notes.txt").write_text("mine")
    assert main(["init", "site"]) == 2
    assert capsys.readouterr().err == (
        "broadsheet: error: site is not empty (it holds notes.txt)\n"
        "  hint: init only creates a site in a new or empty folder; pick another folder name\n")
    assert _files(tmp_path / "site") == ["notes.txt"]


def test_refuses_a_folder_with_many_entries_naming_three(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    for name in ("d", "c", "b", "a"):
        (tmp_path / name).mkdir() if name == "d" else (tmp_path / name).write_text("x")
    assert main(["init", "."]) == 2
    assert "broadsheet: error: . is not empty (it holds a, b, c, …)\n" in capsys.readouterr().err


def test_refuses_a_file(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "site").write_text("x")
    assert main(["init", "site"]) == 2
    assert capsys.readouterr().err == (
        "broadsheet: error: site is a file, not a folder\n"
        "  hint: give the name of a new or empty folder\n")


def test_accepts_an_empty_folder_or_one_holding_only_git(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "empty").mkdir()
    assert main(["init", "empty"]) == 0
    (tmp_path / "repo" / ".git").mkdir(parents=True)
    (tmp_path / "repo" / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    assert main(["init", "repo"]) == 0
    assert (tmp_path / "repo" / ".git" / "HEAD").read_text() == "ref: refs/heads/main\n"
    assert (tmp_path / "repo" / "site.yaml").is_file()


def test_creates_missing_parent_folders(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["init", "a/b/site"]) == 0
    assert (tmp_path / "a" / "b" / "site" / "site.yaml").is_file()
