"""`broadsheet init`: a new site that loads, builds and checks cleanly; never into a used folder."""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml

from builder import __version__
from builder.cli import main
from builder.commands import init as init_mod
from builder.commands.init import PACKAGE, SCAFFOLD, Pin, pin_from, requirements, running_pin
from builder.config import load_config
from builder.config import table as config_table
from builder.core.models import (
    EditionOptions,
    FeedsConfig,
    LinksConfig,
    MarkdownConfig,
    Permalinks,
)

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
    assert files == sorted(
        [
            ".github/workflows/publish.yml",
            ".gitignore",
            "site.yaml",
            "requirements.txt",
            articles[0],
        ]
    )
    assert articles[0].endswith("/welcome-to-your-new-digest.md")
    assert out.startswith("created a Broadsheet site in news:\n")
    for name in files:
        assert f"  {name}\n" in out

    monkeypatch.chdir(site)
    assert main(["build", "--no-cache"]) == 0
    err = capsys.readouterr().err
    assert "warning" not in err and "error" not in err
    assert "built 1 article, 0 pages" in err
    slug_page = (
        site
        / "output"
        / Path(articles[0]).parent.relative_to("content")
        / "welcome-to-your-new-digest"
        / "index.html"
    )
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
    assert set(data) == config_table.TOP_KEYS
    assert set(data["permalinks"]) == set(config_table.PERMALINK_FIELDS)
    assert set(data["feeds"]) == set(config_table.FEED_NAMES)
    for options in data["feeds"].values():
        assert set(options) == {"enabled", "limit", "full_content"}
    assert set(data["markdown"]) == {
        "raw_html",
        "highlight",
        "style_light",
        "style_dark",
        "words_per_minute",
    }
    assert set(data["editions"]) == {"period", "show_open", "numbering", "sections"}
    assert set(data["links"]) == {"window", "strip_tracking"}
    (tmp_path / "site.yaml").write_text(text)
    config = load_config(tmp_path / "site.yaml")
    assert config.permalinks == Permalinks()
    assert config.feeds == FeedsConfig()
    assert config.markdown == MarkdownConfig()
    assert config.edition_options == EditionOptions()
    assert config.links == LinksConfig()
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
    assert keys == 58  # 18 top-level, 1 content, 4 editions, 2 links, 4 permalinks,
    #                    6 + 18 feeds, 5 markdown


def test_gitignore_covers_output_cache_and_build_debris():
    lines = (SCAFFOLD / "gitignore").read_text().splitlines()
    for entry in ("output/", ".broadsheet-cache/", ".broadsheet-tmp-*/", ".broadsheet.lock"):
        assert entry in lines


def test_written_workflow_is_the_template_and_valid_for_github(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["init", "site"]) == 0
    written = tmp_path / "site" / ".github" / "workflows" / "publish.yml"
    assert written.read_bytes() == (SCAFFOLD / "github" / "workflows" / "publish.yml").read_bytes()
    # check-jsonschema's vendored copy of GitHub's workflow schema: no network needed.
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "check_jsonschema",
            "--builtin-schema",
            "vendor.github-workflows",
            str(written),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "pip install -r requirements.txt" in written.read_text()


# --------------------------------------------------------------------------
# requirements.txt: the Broadsheet running init, pinned for the workflow
# --------------------------------------------------------------------------
HEADER = (
    "# The Broadsheet that builds this site: the publish workflow installs it\n"
    "# with  pip install -r requirements.txt.  `broadsheet init` pinned the one it\n"
    "# ran with (1.2.0), so a new release cannot change the site unasked.\n"
)
COMMIT = "0123456789abcdef0123456789abcdef01234567"


@pytest.mark.parametrize(
    ("direct", "requirement"),
    [
        (None, "broadsheet==1.2.0"),
        (
            {
                "url": "https://github.com/acme/broadsheet",
                "vcs_info": {"vcs": "git", "commit_id": COMMIT, "requested_revision": "main"},
            },
            f"broadsheet @ git+https://github.com/acme/broadsheet@{COMMIT}",
        ),
        (
            {
                "url": "https://git.example.org/tools.git",
                "subdirectory": "broadsheet",
                "vcs_info": {"vcs": "git", "commit_id": COMMIT},
            },
            f"broadsheet @ git+https://git.example.org/tools.git@{COMMIT}#subdirectory=broadsheet",
        ),
        (
            {
                "url": "https://files.example.org/broadsheet-1.2.0.tar.gz",
                "archive_info": {"hashes": {"sha256": "ab"}},
            },
            "broadsheet @ https://files.example.org/broadsheet-1.2.0.tar.gz",
        ),
    ],
)
def test_a_reachable_install_is_pinned_as_it_was_installed(direct, requirement):
    pin = pin_from(direct, "1.2.0")
    assert pin == Pin(requirement, "1.2.0", None)
    assert requirements(pin) == (HEADER + requirement + "\n", 4)


@pytest.mark.parametrize(
    ("direct", "requirement", "why"),
    [
        (
            {"url": "file:///home/ed/broadsheet", "dir_info": {"editable": True}},
            "broadsheet @ file:///home/ed/broadsheet",
            "it was installed from a folder on this computer (/home/ed/broadsheet)",
        ),
        (
            {"url": "file:///home/ed/broadsheet", "dir_info": {}},
            "broadsheet @ file:///home/ed/broadsheet",
            "it was installed from a folder on this computer (/home/ed/broadsheet)",
        ),
        (
            {"url": "file:///tmp/b.tar.gz", "archive_info": {}},
            "broadsheet @ file:///tmp/b.tar.gz",
            "it was installed from a file on this computer (/tmp/b.tar.gz)",
        ),
        (
            {"url": "file:///srv/git/broadsheet", "vcs_info": {"vcs": "git", "commit_id": COMMIT}},
            f"broadsheet @ git+file:///srv/git/broadsheet@{COMMIT}",
            "it was installed from a git repository on this computer (/srv/git/broadsheet)",
        ),
        (
            {},
            "broadsheet==1.2.0",
            "pip's record of where it came from (direct_url.json) cannot be read",
        ),
    ],
)
def test_a_local_install_is_written_as_a_comment_naming_the_line_to_edit(direct, requirement, why):
    pin = pin_from(direct, "1.2.0")
    assert pin == Pin(requirement, "1.2.0", why)
    assert requirements(pin) == (
        HEADER + f"# CI cannot install that one: {why}.\n"
        "# Replace the line below with where CI can get it, e.g.\n"
        "#   broadsheet @ git+https://github.com/OWNER/broadsheet@COMMIT\n"
        f"# {requirement}\n",
        7,
    )


def test_init_says_which_line_to_edit_when_ci_cannot_install_broadsheet(
    tmp_path, monkeypatch, capsys
):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    pin = Pin(
        "broadsheet @ file:///home/ed/b",
        "1.2.0",
        "it was installed from a folder on this computer (/home/ed/b)",
    )
    monkeypatch.setattr(init_mod, "running_pin", lambda: pin)
    assert main(["init", "news"]) == 0
    captured = capsys.readouterr()
    assert "  requirements.txt\n" in captured.out
    assert captured.err == (
        "news/requirements.txt:7:1: warning: the publish workflow cannot install this "
        "Broadsheet (1.2.0): it was installed from a folder on this computer (/home/ed/b)\n"
        "  hint: replace that line with where CI can get it, e.g.  "
        "broadsheet @ git+https://github.com/OWNER/broadsheet@COMMIT\n"
    )
    lines = (tmp_path / "news" / "requirements.txt").read_text().splitlines()
    assert lines[6] == "# broadsheet @ file:///home/ed/b"


def test_init_writes_a_reachable_pin_without_a_word(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(init_mod, "running_pin", lambda: Pin("broadsheet==1.2.0", "1.2.0"))
    assert main(["init", "news"]) == 0
    assert capsys.readouterr().err == ""
    text = (tmp_path / "news" / "requirements.txt").read_text()
    assert text == HEADER + "broadsheet==1.2.0\n"


def test_the_code_running_the_tests_is_a_folder_on_this_computer():
    """A checkout (on PYTHONPATH, or installed editable from it) is no place CI can reach."""
    pin = running_pin()
    assert pin.version == __version__
    assert pin.unreachable is not None and "folder on this computer" in pin.unreachable
    assert pin.requirement.startswith("broadsheet @ file://")


def _git(*args: str, cwd: Path, env: dict[str, str]) -> str:
    return subprocess.run(
        ["git", *args], cwd=cwd, env=env, check=True, capture_output=True, text=True, timeout=60
    ).stdout.strip()


def test_init_in_a_fresh_venv_pins_the_commit_it_was_installed_from(tmp_path):
    """pip install git+file://CLONE@COMMIT into a new venv, then that venv's `broadsheet init`.

    The repository holds the checkout's current code (uncommitted edits too), so this
    tests the init being changed. Offline: no dependencies, no build isolation, no index.
    """
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "GITHUB_ACTIONS")}
    env.update(
        GIT_CONFIG_GLOBAL=os.devnull,
        GIT_CONFIG_SYSTEM=os.devnull,
        PIP_CONFIG_FILE=os.devnull,
        PIP_DISABLE_PIP_VERSION_CHECK="1",
        PIP_NO_INPUT="1",
    )
    clone = tmp_path / "clone"
    clone.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(REPO / name, clone / name)
    shutil.copytree(PACKAGE, clone / "builder", ignore=shutil.ignore_patterns("__pycache__"))
    _git("init", "-q", cwd=clone, env=env)
    _git("add", "-A", cwd=clone, env=env)
    _git(
        "-c",
        "user.name=Test",
        "-c",
        "user.email=test@example.org",
        "commit",
        "-q",
        "-m",
        "broadsheet",
        cwd=clone,
        env=env,
    )
    commit = _git("rev-parse", "HEAD", cwd=clone, env=env)

    venv = tmp_path / "venv"
    subprocess.run(
        [sys.executable, "-m", "venv", "--system-site-packages", "--without-pip", str(venv)],
        check=True,
        timeout=60,
    )
    python = venv / "bin" / "python"
    url = f"git+{clone.as_uri()}@{commit}"
    install = subprocess.run(
        [
            str(python),
            "-m",
            "pip",
            "install",
            "-q",
            "--no-deps",
            "--no-build-isolation",
            "--no-index",
            url,
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert install.returncode == 0, install.stdout + install.stderr

    run = subprocess.run(
        [str(venv / "bin" / "broadsheet"), "init", "site"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 0, run.stderr
    lines = (tmp_path / "site" / "requirements.txt").read_text().splitlines()
    assert lines[6] == f"# broadsheet @ {url}"  # that clone, at that commit
    assert lines[3] == (
        "# CI cannot install that one: it was installed from a git repository "
        f"on this computer ({clone})."
    )
    assert run.stderr.startswith(
        "site/requirements.txt:7:1: warning: the publish workflow "
        f"cannot install this Broadsheet ({__version__}): "
    )


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
        "  hint: init only creates a site in a new or empty folder; pick another folder name\n"
    )
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
        "  hint: give the name of a new or empty folder\n"
    )


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
