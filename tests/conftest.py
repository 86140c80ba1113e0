"""Shared fixtures: tiny sites written into tmp folders."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"


SITE_BASIC = FIXTURES / "site-basic"
# The golden build's clock: after every fixture article but one (dated April 2025).
BASIC_NOW = "2025-03-25T12:00:00-04:00"
BASIC_EPOCH = "1742918400"  # SOURCE_DATE_EPOCH for the golden build (2025-03-25 16:00 UTC)


@dataclass(frozen=True)
class BuiltSite:
    """A fixture site built into a tmp folder: the result, the site root and output/."""

    result: Any
    root: Path
    out: Path


def build_fixture_copy(
    dest: Path, *, base_url: str | None = None, extra_yaml: str = "", source: Path = SITE_BASIC
) -> BuiltSite:
    """Copy a fixture site to `dest`, adjust site.yaml, and build it with a fixed clock.

    `base_url` replaces the configured one; `extra_yaml` is appended to
    site.yaml (the fixture has no `feeds:` section, so tests can add one).
    """
    import datetime as dt
    import os

    from builder.config import load_config
    from builder.core.models import BuildOptions
    from builder.pipeline import build

    shutil.copytree(source, dest)
    config_file = dest / "site.yaml"
    text = config_file.read_text("utf-8")
    if base_url:
        text = re.sub(r"(?m)^base_url: .*$", f'base_url: "{base_url}"', text)
    config_file.write_text(text + extra_yaml, "utf-8")
    config = load_config(config_file, dest / "output")
    options = BuildOptions(now=dt.datetime.fromisoformat(BASIC_NOW), jobs=1)
    saved = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = BASIC_EPOCH
    try:
        result = build(config, options)
    finally:
        if saved is None:
            del os.environ["SOURCE_DATE_EPOCH"]
        else:
            os.environ["SOURCE_DATE_EPOCH"] = saved
    return BuiltSite(result, dest, dest / "output")


@pytest.fixture(scope="session")
def basic_site(tmp_path_factory: pytest.TempPathFactory) -> BuiltSite:
    """tests/fixtures/site-basic built once per session at its own base_url (read-only)."""
    return build_fixture_copy(tmp_path_factory.mktemp("basic") / "site")


@pytest.fixture(scope="session")
def basic_site_subpath(tmp_path_factory: pytest.TempPathFactory) -> BuiltSite:
    """site-basic built under a sub-path base_url, https://briefing.example.net/digest/."""
    return build_fixture_copy(
        tmp_path_factory.mktemp("basic-sub") / "site",
        base_url="https://briefing.example.net/digest/",
    )


@pytest.fixture(scope="session")
def build_basic(tmp_path_factory: pytest.TempPathFactory) -> Callable[..., BuiltSite]:
    """A function building a copy of site-basic (e.g. with feed settings appended).

    Builds are cached per session by their arguments: treat the result as read-only.
    """
    cache: dict[tuple, BuiltSite] = {}

    def run(**kwargs: Any) -> BuiltSite:
        key = tuple(sorted(kwargs.items()))
        if key not in cache:
            cache[key] = build_fixture_copy(tmp_path_factory.mktemp("variant") / "site", **kwargs)
        return cache[key]

    return run


@pytest.fixture
def example_site(tmp_path: Path) -> Path:
    """A copy of the repository's example site (site.yaml + content/), without themes/."""
    site = tmp_path / "site"
    site.mkdir()
    shutil.copy(REPO / "site.yaml", site / "site.yaml")
    shutil.copytree(REPO / "content", site / "content")
    return site


# --------------------------------------------------------------------------
# Tiny sites written from a dict of files, built through the real CLI
# --------------------------------------------------------------------------
TINY_SITE_YAML = 'title: "Test Digest"\nbase_url: "https://example.org/"\ntimezone: Europe/Berlin\n'


def write_tiny_site(
    root: Path, files: dict[str, str | bytes], site_yaml: str = TINY_SITE_YAML
) -> Path:
    """site.yaml + the given files (paths relative to the site root) under `root`."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "site.yaml").write_text(site_yaml, "utf-8")
    (root / "content").mkdir(exist_ok=True)
    for rel, data in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    return root


@dataclass(frozen=True)
class CliRun:
    """One `broadsheet build`: exit code, all of stderr, and stderr minus its summary line."""

    code: int
    err: str
    diags: str


@pytest.fixture
def make_site(tmp_path: Path) -> Callable[..., Path]:
    """A function writing a tiny site: make_site({"content/a.md": "..."}, site_yaml=...)."""
    count = iter(range(1000))

    def make(files: dict[str, str | bytes], site_yaml: str = TINY_SITE_YAML) -> Path:
        return write_tiny_site(tmp_path / f"site{next(count)}", files, site_yaml)

    return make


@pytest.fixture
def run_build(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Callable[..., CliRun]:
    """A function running `broadsheet build --no-cache ARGS` in a site folder.

    GITHUB_ACTIONS is cleared so exact-text assertions hold on CI too.
    """
    from builder.cli import main

    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)

    def run(site: Path, *args: str) -> CliRun:
        monkeypatch.chdir(site)
        capsys.readouterr()
        code = main(["build", "--no-cache", *args])
        err = capsys.readouterr().err
        lines = err.splitlines()
        if lines and lines[-1].startswith(("built ", "build failed")):
            lines = lines[:-1]
        return CliRun(code, err, "\n".join(lines) + ("\n" if lines else ""))

    return run
