"""commands/common.py: the --cache-dir folders that are refused, through the command line."""

from __future__ import annotations

import shutil
import signal
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from builder.cli import main

SITE_SERVE = Path(__file__).resolve().parents[2] / "fixtures" / "site-serve"
PICK = "pick a folder of its own, such as .broadsheet-cache/ beside site.yaml (the default)"


def tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() if p.is_file() else b"<dir>"
        for p in sorted(folder.rglob("*"))
    }


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "site"
    shutil.copytree(SITE_SERVE, root)
    (root / "themes" / "mine").mkdir(parents=True)
    monkeypatch.chdir(root)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1718900000")
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    return root


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> Iterator[Callable[..., tuple[int, str]]]:
    saved = signal.getsignal(signal.SIGTERM)

    def run(*args: str) -> tuple[int, str]:
        capsys.readouterr()
        code = main([*args, "--jobs", "1"])
        return code, capsys.readouterr().err

    yield run
    signal.signal(signal.SIGTERM, saved)  # main() installs its own


CONTENT = "the site's content/ folder, which is published (drafts' text included)"
REFUSED = [
    ("content", f"it is {CONTENT}"),
    ("content/.cache", f"it is inside {CONTENT}"),
    ("output", "it is the output folder, which each build replaces"),
    ("output/cache", "it is inside the output folder, which each build replaces"),
    ("themes/mine/cache", "it is inside the site's themes/ folder, which is published"),
    ("templates", "it is the site's templates/ folder"),
]


@pytest.mark.parametrize("command", ["build", "serve"])
@pytest.mark.parametrize(("folder", "reason"), REFUSED, ids=[r[0] for r in REFUSED])
def test_a_cache_folder_that_would_be_published_or_replaced_is_refused(
    site: Path, cli: Callable[..., tuple[int, str]], command: str, folder: str, reason: str
) -> None:
    before = tree(site)
    code, err = cli(command, "--cache-dir", folder)
    assert (code, err) == (
        2,
        f"broadsheet: error: refusing to use {site / folder} as the "
        f"cache folder\n  hint: {reason}; {PICK}\n",
    )
    assert tree(site) == before  # nothing written: no cache, no lock, no output


def test_the_output_folder_named_by_output_counts_too(
    site: Path, cli: Callable[..., tuple[int, str]]
) -> None:
    code, err = cli("build", "--output", "public", "--cache-dir", "public/c")
    assert code == 2
    assert err.startswith(f"broadsheet: error: refusing to use {site / 'public' / 'c'} as")


def test_a_folder_of_its_own_is_used(site: Path, cli: Callable[..., tuple[int, str]]) -> None:
    code, err = cli("build", "--cache-dir", "../elsewhere")
    assert code == 0, err
    assert (site.parent / "elsewhere" / "cache.sqlite").is_file()
    code, err = cli("build", "--cache-dir", "../elsewhere")
    assert (code, err.startswith("nothing changed")) == (0, True), err
