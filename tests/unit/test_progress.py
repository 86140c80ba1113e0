"""The progress hook: what the stages report, and when a display is wanted at all.

What the display looks like on a terminal is tests/e2e/test_progress_terminal.py's
business (real processes on a pseudo-terminal); here, the reports
themselves and the decisions around them.
"""

from __future__ import annotations

import io
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from builder.commands import progress
from builder.config import load_config
from builder.core.models import BuildOptions
from builder.core.progress import SILENT, counted
from builder.pipeline import build, read_model


@dataclass
class Recorder:
    """A Progress that writes down what it hears: [stage, total, unit, count]."""

    stages: list[list[object]] = field(default_factory=list)

    def stage(self, name: str, total: int | None = None, unit: str = "files") -> None:
        self.stages.append([name, total, unit, 0])

    def advance(self, count: int = 1) -> None:
        self.stages[-1][3] += count  # type: ignore[operator]


@pytest.fixture
def site(make_site) -> Path:
    files = {
        f"content/2024/06/a{i}.md": f'---\ntitle: "A{i}"\ndate: 2024-06-1{i}\n---\n\nText.\n'
        for i in range(5)
    }
    files["content/pages/about.md"] = '---\ntitle: "About"\n---\n\nUs.\n'
    return make_site(files)


def test_a_build_reports_each_stage_in_order_with_its_count(site: Path) -> None:
    config = load_config(site / "site.yaml")
    heard = Recorder()
    result = build(config, BuildOptions(jobs=1, cache_dir=site / ".cache"), heard)
    assert result.ok
    names = [s[0] for s in heard.stages]
    assert names == ["discover", "markdown", "site", "render", "write", "save cache"]
    assert heard.stages[1] == ["markdown", 6, "files", 6]
    render = heard.stages[3]
    assert render[1] is None and render[3] == result.stats.written + result.stats.kept
    # The next build knows how many files to expect; this one reads all from the cache.
    (site / "content/2024/06/a0.md").write_text('---\ntitle: "A0"\ndate: 2024-06-10\n---\n\nNew.\n')
    again = Recorder()
    assert build(config, BuildOptions(jobs=1, cache_dir=site / ".cache"), again).ok
    assert again.stages[1] == ["markdown", 6, "files", 6]
    assert again.stages[3][1] == render[3]


def test_a_build_with_nothing_to_do_reports_only_discovery(site: Path) -> None:
    config = load_config(site / "site.yaml")
    options = BuildOptions(jobs=1, cache_dir=site / ".cache")
    assert build(config, options).ok  # SILENT: the default
    heard = Recorder()
    result = build(config, options, heard)
    assert result.site is None  # nothing changed
    assert [s[0] for s in heard.stages] == ["discover"]


def test_the_read_model_reports_markdown_and_site(site: Path) -> None:
    from builder.core.errors import Diagnostics

    heard = Recorder()
    read_model(load_config(site / "site.yaml"), BuildOptions(jobs=1), Diagnostics(), progress=heard)
    assert heard.stages == [["markdown", 6, "files", 6], ["site", None, "files", 0]]


def test_counted_counts_what_was_handed_on() -> None:
    heard = Recorder()
    heard.stage("x", 3)
    assert list(counted(["a", "b", "c"], heard)) == ["a", "b", "c"]
    assert heard.stages == [["x", 3, "files", 3]]
    SILENT.stage("nothing")
    SILENT.advance(5)  # goes nowhere, says nothing


class _Stream(io.StringIO):
    def __init__(self, tty: bool, encoding: str = "utf-8") -> None:
        super().__init__()
        self.tty = tty
        self._encoding = encoding

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return self._encoding

    def isatty(self) -> bool:
        return self.tty


@pytest.mark.parametrize(
    ("tty", "quiet", "term", "wanted"),
    [
        (True, False, "xterm", True),
        (False, False, "xterm", False),  # CI, a pipe, a log file
        (True, True, "xterm", False),  # --quiet
        (True, False, "dumb", False),  # a terminal that cannot move its cursor
    ],
)
def test_a_display_only_on_a_terminal_that_can_take_one(
    monkeypatch: pytest.MonkeyPatch, tty: bool, quiet: bool, term: str, wanted: bool
) -> None:
    monkeypatch.setenv("TERM", term)
    assert progress.wanted(_Stream(tty), quiet) is wanted


def test_a_terminal_that_cannot_write_the_display_gets_plain_lines(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("TERM", "xterm")
    assert progress.wanted(_Stream(True, "UTF-8"), False)
    assert not progress.wanted(_Stream(True, "latin-1"), False)
    assert not progress.wanted(_Stream(True, "ascii"), False)


def test_a_closed_stream_wants_no_display() -> None:
    stream = io.StringIO()
    stream.close()
    assert progress.wanted(stream, False) is False


@pytest.mark.parametrize(
    ("value", "seconds"), [(None, 1.0), ("0", 0.0), ("2.5", 2.5), ("-3", 0.0), ("soon", 1.0)]
)
def test_the_delay_before_a_display(
    monkeypatch: pytest.MonkeyPatch, value: str | None, seconds: float
) -> None:
    if value is None:
        monkeypatch.delenv(progress.AFTER_VARIABLE, raising=False)
    else:
        monkeypatch.setenv(progress.AFTER_VARIABLE, value)
    assert progress.after() == seconds


def test_off_a_terminal_the_progress_is_silent(capsys: pytest.CaptureFixture[str]) -> None:
    with progress.shown(quiet=False) as shown:  # pytest's captured stderr is no terminal
        shown.stage("markdown", 3)
        shown.advance(3)
    assert shown is SILENT
    assert capsys.readouterr().err == ""


def test_work_done_within_the_delay_draws_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    terminal = _Stream(tty=True)
    monkeypatch.setattr("sys.stderr", terminal)
    monkeypatch.setenv(progress.AFTER_VARIABLE, "30")
    with progress.shown(quiet=False) as shown:
        shown.stage("markdown", 3)
        shown.advance(3)
    assert shown is not SILENT
    assert terminal.getvalue() == ""


def test_past_the_delay_each_stage_is_a_row(monkeypatch: pytest.MonkeyPatch) -> None:
    terminal = _Stream(tty=True)
    monkeypatch.setattr("sys.stderr", terminal)
    monkeypatch.setenv(progress.AFTER_VARIABLE, "0")
    monkeypatch.setenv("COLUMNS", "100")
    with progress.shown(quiet=False) as shown:
        shown.stage("discover")
        shown.stage("markdown", 40)
        for _ in range(40):
            shown.advance()
        shown.stage("render", None, "pages")
        shown.advance(7)
        time.sleep(0.3)  # a few redraws
    drawn = terminal.getvalue()
    assert "\x1b[" in drawn  # cursor movement: a live display, cleared at the end
    assert "discover" in drawn and "40 files" in drawn and "7 pages" in drawn
    assert "files/s" in drawn
